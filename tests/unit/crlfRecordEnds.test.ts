import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { withCrlfRecordEnds } from '../../src/http/downloads/csvByPostgres.js';

// As PostgreSQL's COPY writes CSV: LF after each record, line breaks and doubled quotes inside quoted values.
const records = [
  ['key', 'quote', 'note'],
  ['a', '第一行\n第二行', ''],
  ['b', 'say ""hi""\nthen "go"', 'x,y'],
  ['c', '"', '\n'],
];
const lfCsv = 'key,quote,note\na,"第一行\n第二行",\nb,"say """"hi""""\nthen ""go""","x,y"\nc,"""","\n"\n';

async function converted(chunks: Buffer[]): Promise<string> {
  async function* source() {
    yield* chunks;
  }
  const out: Buffer[] = [];
  for await (const chunk of withCrlfRecordEnds(source())) out.push(chunk);
  return Buffer.concat(out).toString('utf8');
}

describe('CRLF record ends for PostgreSQL CSV', () => {
  it('ends every record with CRLF and leaves line breaks inside quoted values alone, wherever the chunks split', async () => {
    const bytes = Buffer.from(lfCsv, 'utf8');
    const expected = await converted([bytes]);
    expect(expected).toBe('key,quote,note\r\na,"第一行\n第二行",\r\nb,"say """"hi""""\nthen ""go""","x,y"\r\nc,"""","\n"\r\n');
    expect(parse(expected, { record_delimiter: '\r\n' })).toEqual(records);
    for (let first = 0; first <= bytes.length; first++) {
      for (const second of [first, Math.min(bytes.length, first + 1), Math.min(bytes.length, first + 7)]) {
        const chunks = [bytes.subarray(0, first), bytes.subarray(first, second), bytes.subarray(second)];
        expect(await converted(chunks), `split at ${first}/${second}`).toBe(expected);
      }
    }
  });

  it('a chunk without a record end passes through unchanged', async () => {
    expect(await converted([Buffer.from('abc'), Buffer.from('"x\ny"')])).toBe('abc"x\ny"');
  });
});
