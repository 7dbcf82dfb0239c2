import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { divisions, sources } from '../data/dataset.js';
import { startApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

const seededNote = (code: string) => divisions.find((d) => d.code === code)!.note as string;

describe('notes take lang like every other text', () => {
  it('Division.note and Source.note accept lang and answer the note in each language', async () => {
    const data = await api.data(`{
      division(code: "500104102") { en: note(lang: EN) zh: note(lang: ZH) plain: note }
      sources { nodes { en: note(lang: EN) zh: note(lang: ZH) } } }`);
    expect(data.division.en).toBe(seededNote('500104102'));
    // the notes are kept in English only: ZH answers the English note rather than nothing (the schema says so)
    expect(data.division.zh).toBe(data.division.en);
    expect(data.division.plain).toBe(data.division.en);
    expect(data.sources.nodes).toEqual([{ en: sources[0].note, zh: sources[0].note }]);
  });

  it('the schema documents how a note answers lang', async () => {
    const data = await api.data(`{ __type(name: "Division") { fields { name description args { name } } } }`);
    const note = data.__type.fields.find((f: { name: string }) => f.name === 'note');
    expect(note.args.map((a: { name: string }) => a.name)).toEqual(['lang']);
    expect(note.description).toMatch(/English only/);
  });
});
