import { z } from 'zod';
import { isoDate, optionalText, requiredText, slug } from '../../db/seed/records.js';
import { seedKind } from '../../db/seed/kind.js';
import { sources } from '../../db/tables/index.js';

export const sourceRecord = z
  .object({
    slug,
    title_zh: requiredText,
    title_en: requiredText,
    publisher_zh: optionalText,
    publisher_en: optionalText,
    published_on: isoDate.nullish(),
    url: z.url().nullish(),
    licence: optionalText,
    text_file: requiredText,
    note: optionalText,
  })
  .strict();

export type SourceRecord = z.infer<typeof sourceRecord>;

/** seeds/sources.json: the documents every citation quotes, each with its text under seeds/sources/. No scope: admins edit them. */
export const sourcesSeed = seedKind({
  name: 'sources',
  noun: 'source',
  file: 'sources.json',
  record: sourceRecord,
  key: 'slug',
  textFile: 'text_file',
  table: sources,
  keyColumn: sources.slug,
  row: (s) => ({
    slug: s.slug,
    titleZh: s.title_zh,
    titleEn: s.title_en,
    publisherZh: s.publisher_zh ?? null,
    publisherEn: s.publisher_en ?? null,
    publishedOn: s.published_on ?? null,
    url: s.url ?? null,
    licence: s.licence ?? null,
    note: s.note ?? null,
  }),
});
