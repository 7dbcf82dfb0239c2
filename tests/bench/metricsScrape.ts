/**
 * /metrics scraped from the uncached Minsheng server at the end of a scale (issue #20): a few series that
 * say what the run did, read as Prometheus would read them.
 */
import { prometheusSamples } from '../support/prometheusText.js';
import { METRICS_TOKEN, type RunningServer } from './servers.js';

/** The series shown: the sum over every label of each. */
const SHOWN = [
  'minsheng_http_request_duration_seconds_count',
  'minsheng_http_request_duration_seconds_sum',
  'minsheng_sql_statement_duration_seconds_count',
  'minsheng_sql_statement_duration_seconds_sum',
  'minsheng_db_pool_in_use',
  'minsheng_db_pool_waiting',
  'minsheng_data_version',
  'minsheng_process_resident_memory_bytes',
  'minsheng_nodejs_eventloop_lag_p99_seconds',
  'minsheng_nodejs_gc_duration_seconds_sum',
];

export type MetricsScrape = Record<string, number>;

export async function scrapeMetrics(server: RunningServer): Promise<MetricsScrape> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
  const totals: MetricsScrape = {};
  for (const { name, value } of prometheusSamples(await response.text())) {
    if (SHOWN.includes(name)) totals[name] = (totals[name] ?? 0) + value;
  }
  return totals;
}

export function metricsTable(scaleName: string, scrape: MetricsScrape): string {
  return [
    `### /metrics of the uncached Minsheng server at the end of the ${scaleName} scale`,
    '',
    '| series (summed over its labels) | value |',
    '|---|---:|',
    ...SHOWN.filter((name) => name in scrape).map((name) => `| \`${name}\` | ${Number.isInteger(scrape[name]) ? scrape[name] : scrape[name]!.toFixed(4)} |`),
  ].join('\n');
}
