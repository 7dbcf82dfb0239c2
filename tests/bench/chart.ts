/**
 * How fast a chart SVG answers once drawn: the median and p99 of sequential requests for one chart at the
 * current data version, against a running server.
 *
 *   npx tsx tests/bench/chart.ts [url] [code] [requests]
 *   e.g. npx tsx tests/bench/chart.ts http://127.0.0.1:4000 elderly-care-institutions 200
 */
import { performance } from 'node:perf_hooks';

const [url = 'http://127.0.0.1:4000', code = 'elderly-care-institutions', count = '200'] = process.argv.slice(2);
const requests = Number(count);
if (!Number.isInteger(requests) || requests < 1) throw new Error(`requests must be a positive whole number, not ${count}`);
const target = `${url.replace(/\/$/, '')}/v1/charts/indicators/${encodeURIComponent(code)}.svg?lang=zh&kind=auto`;

async function fetchChart(): Promise<{ ms: number; status: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(target);
  const body = await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status, bytes: body.byteLength };
}

// The first request draws the chart (and warms the connection); the rest are answered from the cache.
const first = await fetchChart();
if (first.status !== 200) throw new Error(`${target} answered ${first.status}`);
const times: number[] = [];
for (let i = 0; i < requests; i++) {
  const { ms, status } = await fetchChart();
  if (status !== 200) throw new Error(`${target} answered ${status} on request ${i + 1}`);
  times.push(ms);
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
console.log(
  JSON.stringify({
    target,
    requests,
    bytes: first.bytes,
    firstMs: +first.ms.toFixed(2),
    p50Ms: +at(0.5).toFixed(2),
    p99Ms: +at(0.99).toFixed(2),
    maxMs: +at(1).toFixed(2),
  }),
);
