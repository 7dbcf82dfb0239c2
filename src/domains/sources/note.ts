import { Language } from '../../graphql/language.js';

/** How a note answers `lang`, for the schema description of every `note` field. */
export const NOTE_LANGUAGE =
  "Notes are written by the dataset's editors, so far in English only: with ZH, the English note is answered until a Chinese one is kept.";

/**
 * An editors' note in the wanted language, else in the other one. Unlike the source's texts (Chinese authoritative,
 * English a translation), notes are the editors' own remarks and are kept in English: the database's `note` column
 * holds the English text, and no Chinese one exists yet.
 */
export function noteIn(language: Language, note: { zh: string | null; en: string | null }): string | null {
  return language === Language.EN ? (note.en ?? note.zh) : (note.zh ?? note.en);
}
