import { Arg } from 'type-graphql';
import { Language } from './language.js';

/** The `lang` argument of every text field. */
export function LanguageArg() {
  return Arg('lang', () => Language, {
    nullable: true,
    description: 'Language of the text. Default: the Accept-Language header, else ZH. English falls back to Chinese where untranslated.',
  });
}
