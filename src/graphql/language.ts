import { registerEnumType } from 'type-graphql';

/** The languages every text field can be read in. Chinese is authoritative; English is a translation. */
export enum Language {
  ZH = 'zh',
  EN = 'en',
}

registerEnumType(Language, {
  name: 'Language',
  description: "A language for text fields. Without `lang`, the request's Accept-Language header decides, else ZH.",
  valuesConfig: {
    ZH: { description: 'Simplified Chinese, the authoritative text.' },
    EN: { description: 'English translation.' },
  },
});

/** The first of zh/en that an Accept-Language header prefers (by q-value), else Chinese. */
export function languageFromHeader(header: string | undefined): Language {
  if (!header) return Language.ZH;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === 'en' || tag.startsWith('en-')) return Language.EN;
    if (tag === 'zh' || tag.startsWith('zh-')) return Language.ZH;
  }
  return Language.ZH;
}

/** A text in the wanted language; English falls back to the Chinese original where no translation exists. */
export function inLanguage(language: Language, zh: string, en: string | null | undefined): string;
export function inLanguage(language: Language, zh: string | null | undefined, en: string | null | undefined): string | null;
export function inLanguage(language: Language, zh: string | null | undefined, en: string | null | undefined): string | null {
  return language === Language.EN ? (en ?? zh ?? null) : (zh ?? null);
}
