import { HttpError } from './httpErrors.js';

/** A header naming one data version, or undefined when not sent; anything but one whole number is a 400 with `code`. */
export function versionInHeader(header: string | string[] | undefined, name: string, code: string): number | undefined {
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!/^\d{1,15}$/.test(text.trim())) {
    throw new HttpError(400, `The ${name} header must be one data version, a whole number as an answer named it (got "${text.slice(0, 40)}").`, { code });
  }
  return Number(text.trim());
}
