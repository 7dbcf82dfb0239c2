import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

const CJK_FONTS = ['"PingFang SC"', '"Hiragino Sans GB"', '"Microsoft YaHei"', '"Noto Sans CJK SC"', '"Source Han Sans SC"', '"WenQuanYi Micro Hei"'];

/** The value a CSS custom property is given in the page's own style sheet. */
function customProperty(html: string, name: string): string {
  const declaration = new RegExp(`${name}:\\s*([^;]+);`).exec(html);
  expect(declaration, name).not.toBeNull();
  return declaration![1]!.trim();
}

describe('the explorer as a browser loads it', () => {
  it('answers /favicon.ico with an icon (browsers ask for it on every page)', async () => {
    const response = await fetch(`${api.url}/favicon.ico`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/x-icon');
    const icon = Buffer.from(await response.arrayBuffer());
    // An ICO header with one image, and that image a 32×32 PNG.
    expect([...icon.subarray(0, 6)]).toEqual([0, 0, 1, 0, 1, 0]);
    expect([icon[6], icon[7]]).toEqual([32, 32]);
    const png = icon.subarray(icon.readUInt32LE(18));
    expect(png.subarray(0, 8).toString('latin1')).toBe('\x89PNG\r\n\x1a\n');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([32, 32]);
    expect(icon.readUInt32LE(14)).toBe(png.length);
  });

  it('fits a phone: a viewport meta, and the query above its result on narrow screens', async () => {
    const html = await (await fetch(`${api.url}/`)).text();
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    const narrow = /@media \(max-width: (\d+)px\) \{([\s\S]*?)\n {4}\}/.exec(html);
    expect(narrow).not.toBeNull();
    expect(Number(narrow![1])).toBeGreaterThanOrEqual(420);
    expect(narrow![2]).toMatch(/\.graphiql-session \{[^}]*flex-direction: column/);
  });

  it('names the common CJK fonts for the interface and for the editors, before the generic family', async () => {
    const html = await (await fetch(`${api.url}/`)).text();
    const text = customProperty(html, '--font-family');
    const mono = customProperty(html, '--font-family-mono');
    for (const [stack, generic] of [
      [text, 'sans-serif'],
      [mono, 'monospace'],
    ] as const) {
      const fonts = stack.split(/,\s*/);
      expect(fonts.at(-1)).toBe(generic);
      for (const font of CJK_FONTS) expect(fonts, font).toContain(font);
    }
  });
});
