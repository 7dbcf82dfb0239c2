import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../support/api.js';

const BASE = 'https://data.example';

let api: TestApi;
beforeAll(async () => {
  api = await startApi({ publication: { license: undefined, publisher: undefined, baseUrl: BASE } });
});
afterAll(async () => {
  await api?.close();
});

/** A figure with what its citation must name, read through the API, and its citations in every style and language. */
const FIGURE = `query ($key: String!) {
  observations(filter: { key: [$key] }) {
    nodes {
      key value qualifier
      labelZh: label(lang: ZH) labelEn: label(lang: EN)
      period { start end }
      indicator { nameZh: name(lang: ZH) nameEn: name(lang: EN) }
      source { quote document { titleZh: title(lang: ZH) titleEn: title(lang: EN) publisher publishedOn url } }
      conflictsWith { key labelZh: label(lang: ZH) labelEn: label(lang: EN) }
      permalink
      plain: citation
      plainEn: citation(lang: EN)
      gbt: citation(style: GB_T_7714)
      apa: citation(style: APA, lang: EN)
    }
  }
}`;

interface Figure {
  key: string;
  value: number;
  qualifier: string;
  labelZh: string;
  labelEn: string;
  period: { start: string | null; end: string };
  indicator: { nameZh: string; nameEn: string };
  source: { quote: string; document: { titleZh: string; titleEn: string; publisher: string | null; publishedOn: string | null; url: string | null } };
  conflictsWith: { key: string; labelZh: string; labelEn: string }[];
  permalink: string;
  plain: string;
  plainEn: string;
  gbt: string;
  apa: string;
}

async function figure(key: string): Promise<Figure> {
  const data = await api.data<{ observations: { nodes: Figure[] } }>(FIGURE, { key });
  expect(data.observations.nodes).toHaveLength(1);
  return data.observations.nodes[0]!;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const DATE = '\\d{4}-\\d{2}-\\d{2}';

describe('Observation.citation', () => {
  it('PLAIN: indicator, the value as hedged in the report, period, source, quote and permalink, in one line', async () => {
    // 新增中小学学位15600余个: a lower bound (余), and the report names no publisher or date.
    const f = await figure('new-school-places');
    expect(f.qualifier).toBe('AT_LEAST');
    expect(f.labelZh).toContain('余');
    expect(f.source.quote).toContain(f.labelZh);
    expect(f.permalink).toBe(`${BASE}/v1/observations/${f.key}`);
    const { document } = f.source;
    expect(document.publisher).toBeNull();
    expect(document.publishedOn).toBeNull();
    expect(f.plain).toBe(
      `${f.indicator.nameZh}：${f.labelZh}，截至${f.period.end}。来源：《${document.titleZh}》，发布者未注明，日期未注明。原文：“${f.source.quote}”。${f.permalink}`,
    );
    expect(f.plainEn).toBe(
      `${f.indicator.nameEn}: ${f.labelEn}, as of ${f.period.end}. Source: ${document.titleZh} [${document.titleEn}], publisher not stated, undated. Quote: “${f.source.quote}”. ${f.permalink}`,
    );
    expect(f.labelEn).toMatch(/^more than /); // the hedge is in the English too
    expect(f.plain).not.toContain('\n');
  });

  it('GB_T_7714: 佚名 for a report that names no one, [EB/OL], the date cited, the URL; then the figure', async () => {
    const f = await figure('new-school-places');
    const { document } = f.source;
    expect(document.url).toBeNull(); // so the path is the figure's permalink
    expect(f.gbt).toMatch(
      new RegExp(
        `^佚名\\. ${escaped(document.titleZh)}\\[EB/OL\\]\\. \\[${DATE}\\]\\. ${escaped(f.permalink)}\\. 数据：${escaped(f.indicator.nameZh)}：${escaped(f.labelZh)}，截至${f.period.end}。原文：“${escaped(f.source.quote)}”。$`,
      ),
    );
    // The date cited is today.
    const cited = /\[(\d{4}-\d{2}-\d{2})\]/.exec(f.gbt)![1]!;
    expect(Math.abs(Date.parse(cited) - Date.now())).toBeLessThan(2 * 86_400_000);
  });

  it('APA: title in the author position with its translation, (n.d.), a retrieval date and the URL; then the figure', async () => {
    const f = await figure('new-school-places');
    const { document } = f.source;
    expect(f.apa).toMatch(
      new RegExp(
        `^${escaped(document.titleZh)} \\[${escaped(document.titleEn)}\\]\\. \\(n\\.d\\.\\)\\. Retrieved [A-Z][a-z]+ \\d{1,2}, \\d{4}, from ${escaped(f.permalink)} Figure: ${escaped(f.indicator.nameEn)}: ${escaped(f.labelEn)}, as of ${f.period.end}\\. Quote: “${escaped(f.source.quote)}”\\.$`,
      ),
    );
  });

  it('says a contested figure is contested, naming the other value and where it is', async () => {
    const data = await api.data<{ observations: { nodes: { key: string }[] } }>('{ observations(filter: { conflicting: true }, first: 5) { nodes { key } } }');
    expect(data.observations.nodes.length).toBeGreaterThan(1);
    const f = await figure(data.observations.nodes[0]!.key);
    expect(f.conflictsWith.length).toBeGreaterThan(0);
    for (const other of f.conflictsWith) {
      const otherLink = `${BASE}/v1/observations/${other.key}`;
      expect(f.plain).toContain(`注意：此数字有争议，来源对同一数字另有${other.labelZh} (${otherLink})`);
      expect(f.plainEn).toContain(`Contested: the sources also give ${other.labelEn} (${otherLink})`);
      expect(f.gbt).toContain('有争议');
      expect(f.apa).toContain('Contested');
    }
    // An uncontested figure says nothing of the kind.
    const plain = await figure('new-school-places');
    expect(plain.plainEn).not.toContain('Contested');
  });

  it('50 figures with citations and permalinks cost a bounded number of statements (batched loads, no N+1)', async () => {
    const count = async (first: number) => {
      const result = await api.query(
        `{ observations(first: ${first}) { nodes { key permalink a: citation b: citation(style: APA) c: citation(style: GB_T_7714) } } }`,
      );
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data.observations.nodes).toHaveLength(first);
      return result.sqlStatements;
    };
    const total = (await api.data('{ observations { totalCount } }')).observations.totalCount as number;
    expect(total).toBeGreaterThan(30);
    const many = await count(Math.min(total, 50));
    // The page, the indicators, the sources, the contested groups: at most one statement each.
    expect(many).toBeGreaterThan(0);
    expect(many).toBeLessThanOrEqual(4);
  });
});

describe('GET /v1/observations/<key> (the permalink)', () => {
  it('answers the figure as JSON with its source, quote and citations', async () => {
    const f = await figure('new-school-places');
    const response = await fetch(`${api.url}${new URL(f.permalink).pathname}`, { headers: { 'accept-language': 'zh' } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, any>;
    expect(body.key).toBe(f.key);
    expect(body.value).toBe(f.value);
    expect(body.qualifier).toBe('at_least');
    expect(body.label).toBe(f.labelZh);
    expect(body.permalink).toBe(f.permalink);
    expect(body.source.quote).toBe(f.source.quote);
    expect(body.source.title).toBe(f.source.document.titleZh);
    expect(body.citation.PLAIN).toBe(f.plain);
    expect(body.citation.GB_T_7714).toBe(f.gbt);
  });

  it('refuses a malformed key before any work, and says 404 for an unknown one', async () => {
    const bad = await fetch(`${api.url}/v1/observations/${'x'.repeat(300)}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('lowercase');
    const missing = await fetch(`${api.url}/v1/observations/no-such-figure`);
    expect(missing.status).toBe(404);
  });
});
