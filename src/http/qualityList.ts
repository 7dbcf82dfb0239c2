/**
 * The items of a header that weighs its items with q-values (Accept, Accept-Encoding; RFC 9110 §12.4.2), in
 * order, lowercased, each with its weight: 1 when none is given, 0 for a weight that is not a valid qvalue
 * (0 to 1, at most three decimals), which refuses the item rather than guess.
 */
export function qualityList(header: string | undefined): { value: string; q: number }[] {
  if (!header) return [];
  const items: { value: string; q: number }[] = [];
  for (const part of header.slice(0, MAX_HEADER_LENGTH).split(',')) {
    const [value = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (!value) continue;
    const weight = params.find((param) => param.startsWith('q='));
    items.push({ value, q: weight === undefined ? 1 : qValue(weight.slice(2)) });
  }
  return items;
}

/** Longer headers are read only this far: no client needs more to say what it takes. */
const MAX_HEADER_LENGTH = 4096;

function qValue(text: string): number {
  if (!/^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(text)) return 0;
  return Number(text);
}
