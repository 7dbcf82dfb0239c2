/**
 * Cursors and global IDs are short texts behind base64url: opaque to clients, so what is inside can change
 * without changing the schema.
 */
export const toOpaque = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/** The text behind an opaque value; '' for anything that is not base64url, which no decoder accepts. */
export const fromOpaque = (value: string): string => (/^[A-Za-z0-9_-]+$/.test(value) ? Buffer.from(value, 'base64url').toString('utf8') : '');
