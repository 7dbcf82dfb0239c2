import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indicators, observations, sources } from '../data/dataset.js';
import { startApi, type TestApi } from '../support/api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi({ settings: { dataVersionPollMs: 100 } });
});
afterAll(async () => {
  await api?.close();
});

const indicatorNamed = (code: string) => indicators.find((i) => i.code === code)!;
const figuresOf = (code: string) => observations.filter((o) => o.indicator === code);
const source = sources.find((s) => s.slug === 'dadukou-2023-livelihood')!;

// The indicator whose figures the sources contradict, and figures the source hedged, found in the seeds.
const conflicted = figuresOf('elderly-care-institutions');
const approximate = observations.find((o) => o.qualifier === 'approximate' && o.indicator === 'education-investment')!;
const atLeast = observations.find((o) => o.qualifier === 'at_least' && o.indicator === 'new-school-places')!;

interface Datum {
  key: string;
  value: number;
  text: string;
  qualifier: string;
  status: string;
  hedged: boolean;
  conflicting: boolean;
  style: string;
}
interface Spec {
  title: { text: string[]; subtitle: string[] };
  data: { values: Datum[] };
  vconcat: { title: { text: string[] }; layer: { mark: { type: string }; encoding: Record<string, { stack?: unknown; field?: string }> }[] }[];
  usermeta: { indicator: string; kind: string; figuresShown: number; figuresTotal: number };
}

async function chartOf(code: string, lang: 'ZH' | 'EN', kind = 'AUTO'): Promise<Spec> {
  const data = await api.data<{ indicator: { chart: Spec } }>(`query($code: String!) { indicator(code: $code) { chart(lang: ${lang}, kind: ${kind}) } }`, {
    code,
  });
  return data.indicator.chart;
}

const footerOf = (spec: Spec) => spec.vconcat[0]!.title.text.join('');

describe('Indicator.chart', () => {
  it('the seeds hold the cases charted here: two contradicting figures, and hedged ones', () => {
    expect(conflicted).toHaveLength(2);
    expect(new Set(conflicted.map((o) => o.conflict_group)).size).toBe(1);
    expect(conflicted[0]!.conflict_group).not.toBeNull();
    expect([approximate.label_zh, atLeast.label_zh]).toEqual(['约46亿元', '15600余个']);
  });

  it('the conflicting figures: title, both values, the conflict marked, the source line under the chart', async () => {
    const spec = await chartOf('elderly-care-institutions', 'ZH');
    expect(spec.title.text.join('')).toBe(indicatorNamed('elderly-care-institutions').name_zh);
    expect(spec.title.subtitle.join('')).toContain('单位：家');
    const values = spec.data.values;
    expect(values.map((v) => v.value).sort()).toEqual(conflicted.map((o) => o.value).sort());
    expect(values.map((v) => v.text).sort()).toEqual(conflicted.map((o) => o.label_zh).sort()); // 32家, 34家
    expect(values.every((v) => v.conflicting)).toBe(true);
    // Bars are never stacked: a stack would draw their sum.
    const bar = spec.vconcat[0]!.layer.find((layer) => layer.mark.type === 'bar')!;
    expect(bar.encoding.x!.stack).toBeNull();
    expect(bar.encoding.y!.field).toBe('category');
    expect(new Set(values.map((v) => (v as unknown as { category: string }).category)).size).toBe(values.length);
    const footer = footerOf(spec);
    expect(footer).toContain(`来源：《${source.title_zh}》`);
    expect(footer).toContain(source.publisher_zh ?? '发布者未注明');
    expect(footer).toContain('未作取舍');

    const english = await chartOf('elderly-care-institutions', 'EN');
    expect(english.title.text.join(' ')).toBe(indicatorNamed('elderly-care-institutions').name_en);
    expect(footerOf(english)).toContain('Source:');
    expect(footerOf(english).replace(/\s+/g, ' ')).toContain(source.title_en.split(':')[0]);
    expect(footerOf(english)).toContain('none is chosen');
  });

  it('hedged figures carry their mark (约, 余; ≈, ≥) and a style of their own', async () => {
    const investment = await chartOf('education-investment', 'ZH');
    const [figure] = investment.data.values;
    expect(figure!.value).toBe(approximate.value);
    expect(figure!.qualifier).toBe('approximate');
    expect(figure!.hedged).toBe(true);
    expect(figure!.text).toBe(approximate.label_zh); // 约46亿元, as the source wrote it
    expect(figure!.style).toContain('约数');
    expect(footerOf(investment)).toContain('约 = 约数');

    const places = await chartOf('new-school-places', 'ZH');
    expect(places.data.values[0]!.text).toBe(atLeast.label_zh); // 15600余个
    expect(footerOf(places)).toContain('余 = 多于所示数字');

    const inEnglish = await chartOf('new-school-places', 'EN');
    expect(inEnglish.data.values[0]!.text).toBe(`≥ ${atLeast.value.toLocaleString('en')}`);
    expect(footerOf(inEnglish)).toContain('≥ = more than the figure shown');
    expect((await chartOf('education-investment', 'EN')).data.values[0]!.text).toBe(`≈ ${approximate.value / 1e9} billion`);
  });

  it('AUTO draws bars for figures at one date; LINE can be asked for', async () => {
    expect((await chartOf('elderly-care-institutions', 'ZH')).usermeta.kind).toBe('bar');
    const line = await chartOf('elderly-care-institutions', 'ZH', 'LINE');
    expect(line.usermeta.kind).toBe('line');
    expect(line.vconcat[0]!.layer.map((layer) => layer.mark.type)).toEqual(['line', 'point', 'text']);
  });

  it('every indicator charts all its figures, in one statement for the whole list', async () => {
    const result = await api.query<{ indicators: { nodes: { code: string; chart: Spec }[] } }>('{ indicators(first: 100) { nodes { code chart(lang: EN) } } }');
    expect(result.body.errors).toBeUndefined();
    const nodes = result.body.data!.indicators.nodes;
    expect(nodes).toHaveLength(indicators.length);
    for (const { code, chart } of nodes) {
      expect(chart.usermeta.figuresTotal, code).toBe(figuresOf(code).length);
      expect(chart.data.values.map((v) => v.key).sort(), code).toEqual(
        figuresOf(code)
          .map((o) => o.key)
          .sort(),
      );
    }
    expect(result.sqlStatements).toBeLessThanOrEqual(3);
  });
});

describe('GET /v1/charts/indicators/{code}.svg', () => {
  const svgOf = (code: string, query = 'lang=zh', headers: Record<string, string> = {}) =>
    fetch(`${api.url}/v1/charts/indicators/${code}.svg?${query}`, { headers });

  it('draws the title, the values as the source wrote them, the conflict and the source line, in CJK-capable fonts', async () => {
    const response = await svgOf('elderly-care-institutions');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    const svg = await response.text();
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain(`>${indicatorNamed('elderly-care-institutions').name_zh}<`);
    for (const figure of conflicted) expect(svg).toContain(`>${figure.label_zh}<`);
    expect(svg).toContain('来源矛盾');
    expect(svg).toContain(`《${source.title_zh}》`);
    expect(svg).toMatch(/font-family="[^"]*Noto Sans CJK SC[^"]*sans-serif"/);
  });

  it('draws the hedge marks next to the values, in both languages', async () => {
    const zh = await (await svgOf('education-investment')).text();
    expect(zh).toContain(`>${approximate.label_zh}<`);
    expect(zh).toContain('约 = 约数');
    const places = await (await svgOf('new-school-places')).text();
    expect(places).toContain(`>${atLeast.label_zh}<`);
    const en = await (await svgOf('new-school-places', 'lang=en')).text();
    expect(en).toContain(`>${indicatorNamed('new-school-places').name_en}<`);
    expect(en).toContain(`>≥ ${atLeast.value.toLocaleString('en')}<`);
    expect(en).toContain('Source:');
  });

  it('answers an ETag, and 304 to a client that holds it; HEAD has the headers only', async () => {
    const first = await svgOf('elderly-care-institutions', 'lang=en&kind=bar');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"chart-\d+-[\w-]+"$/);
    expect(first.headers.get('cache-control')).toMatch(/max-age=\d+|no-cache/);
    const again = await svgOf('elderly-care-institutions', 'lang=en&kind=bar', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const other = await svgOf('elderly-care-institutions', 'lang=zh&kind=bar', { 'if-none-match': etag });
    expect(other.status).toBe(200);
    const head = await fetch(`${api.url}/v1/charts/indicators/elderly-care-institutions.svg?lang=en&kind=bar`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
  });

  it('a write (a bumped data version) draws the chart again', async () => {
    const before = await svgOf('elderly-care-beds');
    const etag = before.headers.get('etag')!;
    await api.db.rows(sql`update indicators set name_zh = '养老床位数（测试改名）' where code = 'elderly-care-beds'`);
    await api.db.rows(sql`update dataset_state set data_version = data_version + 1`);
    // Revalidated until the poll sees the bump; bounded only because a missed bump would answer 304 forever.
    let after = await svgOf('elderly-care-beds', 'lang=zh', { 'if-none-match': etag });
    for (const deadline = Date.now() + 30_000; after.status === 304 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await svgOf('elderly-care-beds', 'lang=zh', { 'if-none-match': etag });
    }
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(await after.text()).toContain('>养老床位数（测试改名）<');
  });

  it('an unknown code is a 404 that says where the codes are; bad parameters are 400s that say what to change', async () => {
    for (const code of ['no-such-indicator', '%E5%85%BB', 'x'.repeat(300)]) {
      const response = await svgOf(code);
      expect(response.status, code).toBe(404);
      expect(((await response.json()) as { error: string }).error).toMatch(/^No indicator with code .*indicators \{ nodes \{ code/);
    }
    const badLang = await svgOf('elderly-care-institutions', 'lang=fr');
    expect(badLang.status).toBe(400);
    expect(await badLang.json()).toEqual({ error: 'lang must be zh or en, not "fr".' });
    const badKind = await svgOf('elderly-care-institutions', 'kind=pie');
    expect(badKind.status).toBe(400);
    expect(((await badKind.json()) as { error: string }).error).toBe('kind must be one of auto, bar, line, not "pie".');
  });
});

describe('GET /v1/embed/indicators/{code}', () => {
  it('may be framed anywhere, runs no script, and shows the chart with its source line and links back to the data', async () => {
    const response = await fetch(`${api.url}/v1/embed/indicators/education-investment?lang=zh`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-frame-options')).toBeNull();
    const policy = response.headers.get('content-security-policy')!;
    expect(policy).toContain('frame-ancestors *');
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toContain('script-src');
    const html = await response.text();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//); // nothing from another server
    expect(html).toContain(`<title>${indicatorNamed('education-investment').name_zh}</title>`);
    expect(html).toContain(`>${approximate.label_zh}<`);
    expect(html).toContain(`《${source.title_zh}》`);
    const dataLink = html.match(/href="(\/graphql\?query=[^"]+)"/)![1]!.replaceAll('&amp;', '&');
    const data = (await (await fetch(`${api.url}${dataLink}`)).json()) as { data: { indicator: { observations: { nodes: { value: number }[] } } } };
    expect(data.data.indicator.observations.nodes.map((n) => n.value)).toEqual([approximate.value]);
    const svgLink = html.match(/href="(\/v1\/charts\/[^"]+)"/)![1]!.replaceAll('&amp;', '&');
    expect((await fetch(`${api.url}${svgLink}`)).status).toBe(200);
  });

  it('only the embed page may be framed', async () => {
    const explorer = await fetch(`${api.url}/`);
    expect(explorer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const unknown = await fetch(`${api.url}/v1/embed/indicators/no-such-indicator`);
    expect(unknown.status).toBe(404);
  });
});
