/** What an answer is made of, in the order Apollo writes it. */
export interface AnswerParts {
  errors?: unknown;
  data?: unknown;
  extensions?: object;
}

// The extensions of one data version are one object shared by its answers (answerExtensions.ts): written once.
const extensionsJson = new WeakMap<object, string>();

/**
 * An answer as JSON, as Apollo writes it by default (`errors, data, extensions`, then a newline), with the
 * extensions' non-ASCII characters written as \u escapes. Every answer carries the attribution line, which
 * names the reports in Chinese: written raw, it would make the whole answer a two-byte string in V8 (twice
 * the memory, and a conversion when it is sent), even an answer of numbers and dates. Escaped, the text
 * parses to the same values.
 */
export function answerJson({ errors, data, extensions }: AnswerParts): string {
  const head = JSON.stringify({ errors, data });
  if (extensions === undefined) return `${head}\n`;
  let tail = extensionsJson.get(extensions);
  if (tail === undefined) extensionsJson.set(extensions, (tail = asciiJson(extensions)));
  return `${head.length > 2 ? `${head.slice(0, -1)},` : '{'}"extensions":${tail}}\n`;
}

function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
