/** One sample of Prometheus' text format: `name{labels} value`. */
export interface Sample {
  name: string;
  /** The name with its labels, as the line has them (`name{a="b"}`). */
  series: string;
  value: number;
}

/** The samples of a scrape (comment lines left out). */
export function prometheusSamples(text: string): Sample[] {
  return text.split('\n').flatMap((line) => {
    const match = /^(([a-z_:][a-z0-9_:]*)(?:\{.*\})?) (\S+)$/.exec(line);
    return match ? [{ series: match[1]!, name: match[2]!, value: Number(match[3]) }] : [];
  });
}
