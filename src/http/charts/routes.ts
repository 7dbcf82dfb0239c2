import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readChartData } from '../../domains/statistics/chartResolver.js';
import { ChartKind, chartSpec } from '../../domains/statistics/chartSpec.js';
import { Language, inLanguage, languageFromHeader } from '../../graphql/language.js';
import { chargedCaller } from '../charge.js';
import { applyCompression } from '../compression.js';
import type { Route, RouteParts } from '../route.js';
import { ChartCache } from './chartCache.js';
import { embedContentSecurityPolicy, embedPage } from './embedPage.js';
import { renderSvg } from './render.js';
import { answeredNotModified, sendJson } from '../plainAnswers.js';

/** A chart drawn once per data version, with what the embed page prints beside it. */
interface DrawnChart {
  svg: string;
  etag: string;
  name: string;
  bytes: number;
}

/** Indicator codes are short kebab-case words: anything else is known to be unknown before the database is asked. */
const CODE = /^[a-z0-9][a-z0-9-]{0,99}$/;
const CHARTS_KEPT = 256;
const CHART_BYTES_KEPT = 16 * 1024 * 1024;
/** An SVG as a standalone document: it may draw and style itself, nothing more. */
const SVG_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

/** Charts of indicators as SVG and embeddable pages. */
export function chartRoutes(parts: RouteParts): Route[] {
  const { db, dataVersion, settings, publication } = parts;
  const cache = new ChartCache<DrawnChart>(CHARTS_KEPT, CHART_BYTES_KEPT);
  dataVersion.onChange(() => cache.clear());

  /** The chart asked for, from the cache at the current data version; null for an unknown indicator. */
  async function chartFor(code: string, lang: Language, kind: ChartKind): Promise<DrawnChart | null> {
    if (!CODE.test(code)) return null;
    const version = dataVersion.current;
    const draw = async (): Promise<DrawnChart | null> => {
      const data = await readChartData(db, code);
      if (!data) return null;
      const svg = await renderSvg(chartSpec(data, kind, lang));
      const digest = createHash('sha256').update(svg).digest('base64url').slice(0, 22);
      const name = inLanguage(lang, data.indicator.nameZh, data.indicator.nameEn);
      return { svg, etag: `"chart-${version ?? 'x'}-${digest}"`, name, bytes: 2 * (svg.length + name.length) + 512 };
    };
    // Until the data version is known nothing is kept: a kept chart could outlive the data it shows.
    return version === undefined ? draw() : cache.get(`${code}\u0000${lang}\u0000${kind}\u0000${version}`, draw);
  }

  const cacheControl = settings.httpCacheMaxAge > 0 ? `public, max-age=${settings.httpCacheMaxAge}` : 'no-cache';

  return [
    {
      name: 'chart',
      path: /^\/v1\/charts\/indicators\/([^/]+)\.svg$/,
      async handle(request, response, url, match) {
        const asked = readParameters(request, response, url, match[1]!);
        if (!asked || !(await chargedCaller(parts, request, response))) return;
        const chart = await chartFor(asked.code, asked.lang, asked.kind);
        if (!chart) return unknownIndicator(response, asked.code);
        response.setHeader('content-security-policy', SVG_CONTENT_SECURITY_POLICY);
        sendCached(request, response, chart.etag, cacheControl, 'image/svg+xml; charset=utf-8', chart.svg);
      },
    },
    {
      name: 'embed',
      path: /^\/v1\/embed\/indicators\/([^/]+)$/,
      async handle(request, response, url, match) {
        const asked = readParameters(request, response, url, match[1]!);
        if (!asked || !(await chargedCaller(parts, request, response))) return;
        const chart = await chartFor(asked.code, asked.lang, asked.kind);
        if (!chart) return unknownIndicator(response, asked.code);
        const html = embedPage({ ...chart, code: asked.code, lang: asked.lang, kind: asked.kind, baseUrl: (publication.baseUrl ?? '').replace(/\/+$/, '') });
        // The one page meant to be framed by other sites; it runs no script at all.
        response.setHeader('content-security-policy', embedContentSecurityPolicy);
        sendCached(request, response, chart.etag.replace(/^"chart-/, '"embed-'), cacheControl, 'text/html; charset=utf-8', html);
      },
    },
  ];
}

interface ChartRequest {
  code: string;
  lang: Language;
  kind: ChartKind;
}

/** The code, language and kind asked for; null when a 400 was sent saying what to change. */
function readParameters(request: IncomingMessage, response: ServerResponse, url: URL, rawCode: string): ChartRequest | null {
  let code: string;
  try {
    code = decodeURIComponent(rawCode);
  } catch {
    sendJson(response, 400, { error: 'The indicator code in the path is not valid percent-encoding.' });
    return null;
  }
  const langParam = url.searchParams.get('lang');
  if (langParam != null && langParam !== 'zh' && langParam !== 'en') {
    sendJson(response, 400, { error: `lang must be zh or en, not ${JSON.stringify(langParam.slice(0, 20))}.` });
    return null;
  }
  const kindParam = url.searchParams.get('kind')?.toLowerCase();
  const kinds = Object.values(ChartKind) as string[];
  if (kindParam != null && !kinds.includes(kindParam)) {
    sendJson(response, 400, { error: `kind must be one of ${kinds.join(', ')}, not ${JSON.stringify(kindParam.slice(0, 20))}.` });
    return null;
  }
  if (langParam == null) response.setHeader('vary', 'accept-language');
  const lang = langParam === 'en' ? Language.EN : langParam === 'zh' ? Language.ZH : languageFromHeader(request.headers['accept-language']);
  return { code, lang, kind: (kindParam as ChartKind | undefined) ?? ChartKind.AUTO };
}

function unknownIndicator(response: ServerResponse, code: string) {
  sendJson(response, 404, {
    error: `No indicator with code ${JSON.stringify(code.slice(0, 100))}. The codes are listed by the GraphQL query { indicators { nodes { code name } } } at /graphql.`,
  });
}

/** A body with its ETag, or 304 when the client holds it already. */
function sendCached(request: IncomingMessage, response: ServerResponse, etag: string, cacheControl: string, contentType: string, body: string) {
  response.setHeader('cache-control', cacheControl);
  response.setHeader('x-content-type-options', 'nosniff');
  if (answeredNotModified(request, response, etag)) return;
  response.setHeader('content-type', contentType);
  return applyCompression(request, response, body);
}
