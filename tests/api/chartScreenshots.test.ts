import { copyFileSync, existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indicators, observations } from '../data/dataset.js';
import { startApi, type TestApi } from '../support/api.js';

/**
 * The embed pages as a browser draws them: Debian's Chromium, driven by playwright-core. CI installs it with
 * `apt-get install -y chromium fonts-noto-cjk`; without it the test is skipped (its name says why).
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
/** Where the screenshots are also copied for a person to look at, if anywhere (they stay in a temporary directory). */
const LOOK_AT = process.env.CHART_SCREENSHOTS_DIR;

let api: TestApi;
let browser: Browser;
const shots = mkdtempSync(join(tmpdir(), 'chart-screenshots-'));
beforeAll(async () => {
  if (!hasChromium) return;
  api = await startApi();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

// The indicator the sources contradict each other on, and one with a hedged (约) figure.
const cases = [
  { code: 'elderly-care-institutions', lang: 'zh', marks: observations.filter((o) => o.indicator === 'elderly-care-institutions').map((o) => o.label_zh) },
  { code: 'education-investment', lang: 'zh', marks: observations.filter((o) => o.indicator === 'education-investment').map((o) => o.label_zh) },
  { code: 'education-investment', lang: 'en', marks: ['≈ 4.6 billion'] },
  { code: 'cultural-events-held', lang: 'zh', marks: observations.filter((o) => o.indicator === 'cultural-events-held').map((o) => o.label_zh) },
  { code: 'elderly-care-institutions', lang: 'en', kind: 'line', marks: ['32', '34'] },
];

describe.skipIf(!hasChromium)(hasChromium ? 'embed pages in Chromium' : `embed pages in Chromium (skipped: no Chromium at ${CHROMIUM})`, () => {
  for (const { code, lang, marks, kind = 'auto' } of cases)
    it(`${code} (${lang}, ${kind}) renders its SVG chart with title, values and source`, async () => {
      const page = await browser.newPage({ viewport: { width: 720, height: 480 } });
      const blocked: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(api.url)) blocked.push(request.url());
      });
      const response = await page.goto(`${api.url}/v1/embed/indicators/${code}?lang=${lang}&kind=${kind}`);
      expect(response?.status()).toBe(200);
      const svg = page.locator('figure > svg');
      const box = await svg.boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(box!.height).toBeGreaterThan(150);
      const text = await svg.textContent();
      const indicator = indicators.find((i) => i.code === code)!;
      expect(text).toContain(lang === 'zh' ? indicator.name_zh : indicator.name_en);
      for (const mark of marks) expect(text).toContain(mark);
      expect(text).toContain(lang === 'zh' ? '来源：' : 'Source:');
      expect(blocked).toEqual([]);
      const file = join(shots, `${code}-${lang}-${kind}.png`);
      await page.screenshot({ path: file, fullPage: true });
      expect(statSync(file).size).toBeGreaterThan(5000);
      if (LOOK_AT) {
        mkdirSync(LOOK_AT, { recursive: true });
        copyFileSync(file, join(LOOK_AT, `${code}-${lang}-${kind}.png`));
      }
      await page.close();
    });
});
