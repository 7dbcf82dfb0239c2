import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

const query = `{ facility(slug: "gudu-community-elderly-canteen") { name division { name } } }`;

describe('language selection', () => {
  it('Chinese by default', async () => {
    expect((await api.data(query)).facility).toEqual({ name: '古渡社区老年食堂', division: { name: '古渡社区' } });
  });

  it('Accept-Language picks English for every text field without lang', async () => {
    const data = await api.data(query, undefined, { 'accept-language': 'en-GB,en;q=0.9,zh;q=0.5' });
    expect(data.facility.name).toMatch(/canteen/i);
    expect(data.facility.division.name).toMatch(/Gudu/);
  });

  it('Accept-Language is read by q-value, and unknown languages fall back to Chinese', async () => {
    expect((await api.data(query, undefined, { 'accept-language': 'en;q=0.2, zh-CN;q=0.8' })).facility.name).toBe('古渡社区老年食堂');
    expect((await api.data(query, undefined, { 'accept-language': 'fr-FR' })).facility.name).toBe('古渡社区老年食堂');
  });

  it('lang: beats the header, field by field', async () => {
    const data = await api.data(`{ facility(slug: "gudu-community-elderly-canteen") { zh: name(lang: ZH) en: name(lang: EN) plain: name } }`, undefined, {
      'accept-language': 'en',
    });
    expect(data.facility.zh).toBe('古渡社区老年食堂');
    expect(data.facility.en).toBe(data.facility.plain);
    expect(data.facility.en).not.toBe(data.facility.zh);
  });

  it('labels, periods and titles follow the language too', async () => {
    const data = await api.data(
      `{ observations(filter: { search: "8—12月" }) { nodes { label period { label } source { document { title } } } } }`,
      undefined,
      { 'accept-language': 'en' },
    );
    const [figure] = data.observations.nodes;
    expect(figure.label).toMatch(/15,000|15000/);
    expect(figure.source.document.title).toMatch(/Dadukou/);
  });
});
