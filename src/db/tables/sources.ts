import { date, pgTable, text } from 'drizzle-orm/pg-core';
import { surrogateId, revision } from './columns.js';
import { retiredAt } from './retirement.js';

/** The documents that facts come from. Every observation, facility and program cites one. */
export const sources = pgTable('sources', {
  id: surrogateId(),
  slug: text('slug').notNull().unique(),
  titleZh: text('title_zh').notNull(),
  titleEn: text('title_en').notNull(),
  publisherZh: text('publisher_zh'),
  publisherEn: text('publisher_en'),
  publishedOn: date('published_on', { mode: 'string' }),
  url: text('url'),
  licence: text('licence'),
  note: text('note'),
  retiredAt: retiredAt(),
  revision: revision(),
});
