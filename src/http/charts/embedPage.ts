import { createHash } from 'node:crypto';
import { CHART_FONTS, type ChartKind } from '../../domains/statistics/chartSpec.js';
import { Language } from '../../graphql/language.js';

const STYLE = `body{margin:0;background:#fff;color:#222;font-family:${CHART_FONTS}}
figure{margin:0}
svg{display:block;max-width:100%;height:auto}
figcaption{font-size:12px;line-height:1.5;padding:4px 12px 10px}
a{color:#1f5f99}`;

/**
 * The embed page may be framed by any site (frame-ancestors *), and loads nothing and runs nothing: the
 * chart is inline SVG, the only style is the page's own (allowed by its hash).
 */
export const embedContentSecurityPolicy = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors *`;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

export interface EmbeddedChart {
  code: string;
  lang: Language;
  kind: ChartKind;
  name: string;
  svg: string;
  /** Where this server is published ('' for links relative to the page, which is served from it). */
  baseUrl: string;
}

/** The page: the chart (its source line is part of it, as text a reader can select) and links to the data. */
export function embedPage({ code, lang, kind, name, svg, baseUrl }: EmbeddedChart): string {
  const zh = lang === Language.ZH;
  const query = `{ indicator(code: ${JSON.stringify(code)}) { code name(lang: ${zh ? 'ZH' : 'EN'}) observations { nodes { key value qualifier status period { start end } label(lang: ${zh ? 'ZH' : 'EN'}) source { quote } conflictsWith { key value } } } } }`;
  const dataLink = `${baseUrl}/graphql?query=${encodeURIComponent(query)}`;
  const svgLink = `${baseUrl}/v1/charts/indicators/${encodeURIComponent(code)}.svg?lang=${lang}&kind=${kind}`;
  return `<!doctype html>
<html lang="${zh ? 'zh-Hans' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(name)}</title>
<style>${STYLE}</style>
</head>
<body>
<figure>
${svg}
<figcaption><a href="${escapeHtml(dataLink)}" target="_blank" rel="noopener">${zh ? '数据与出处' : 'Data and sources'}</a> · <a href="${escapeHtml(svgLink)}" target="_blank" rel="noopener">SVG</a></figcaption>
</figure>
</body>
</html>
`;
}
