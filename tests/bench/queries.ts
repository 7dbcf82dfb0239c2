/**
 * The query mix, each query written twice: for Minsheng's schema and for the one PostGraphile generates
 * from the same tables (allFacilities, indicatorByCode, …). Both halves ask for the same rows in the same
 * order with the same fields; check.ts compares what they return before anything is timed.
 */
export interface Operation {
  query: string;
  variables: Record<string, unknown>;
}

// GraphQL `data`: its shape is the query's, written just above each extractor.
type Data = any;

export interface BenchQuery {
  name: string;
  description: string;
  minsheng: Operation;
  postgraphile: Operation;
  /** The target, at most: 1 statement + 1 per nested list level, whatever the page size. */
  expectedStatements: number;
  /** The variable holding the page size: the probe also runs the query with a smaller one. */
  pageVariable?: string;
  /** Items as comparable strings (ids, slugs, values), one list per server. */
  items: { minsheng: (data: Data) => string[]; postgraphile: (data: Data) => string[] };
  /** Compare the lists in order, or as sets (nested lists whose order keys differ between the schemas). */
  ordered: boolean;
}

/** Arguments that depend on the data: looked up in fixtures.ts once the servers run. */
export interface Fixture {
  indicatorCode: string;
  deepCursor: { minsheng: string; postgraphile: string };
}

const observationKeys = (nodes: { key: string; value: number }[]) => nodes.map((n) => `${n.key}=${n.value}`);
// The root facility lists of both schemas, as slugs.
const facilitySlugs: BenchQuery['items'] = {
  minsheng: (d) => d.facilities.nodes.map((f: { slug: string }) => f.slug),
  postgraphile: (d) => d.allFacilities.nodes.map((f: { slug: string }) => f.slug),
};

export function queryMix(fixture: Fixture): BenchQuery[] {
  return [
    {
      name: 'filtered list',
      description: 'open museums ordered by Chinese name, a page of 20',
      minsheng: {
        query: `query ($n: Int!) { facilities(filter: { category: [MUSEUM], status: [OPEN] }, orderBy: [{ field: NAME }], first: $n) {
          nodes { slug name(lang: ZH) category status } } }`,
        variables: { n: 20 },
      },
      postgraphile: {
        query: `query ($n: Int!) { allFacilities(condition: { category: "museum", status: "open" }, orderBy: [NAME_ZH_ASC, ID_ASC], first: $n) {
          nodes { slug nameZh category status } } }`,
        variables: { n: 20 },
      },
      expectedStatements: 1,
      pageVariable: 'n',
      items: facilitySlugs,
      ordered: true,
    },
    {
      name: 'nested 3 levels',
      description: 'programs → facilities → programs, first: 50 at every level',
      minsheng: {
        query: `query ($n: Int!) { programs(orderBy: [{ field: SLUG, direction: DESC }], first: $n) { nodes { slug
          facilities(first: $n) { edges { role node { slug programs(first: $n) { nodes { slug } } } } } } } }`,
        variables: { n: 50 },
      },
      postgraphile: {
        query: `query ($n: Int!) { allPrograms(orderBy: [SLUG_DESC], first: $n) { nodes { slug
          programFacilitiesByProgramId(first: $n) { nodes { role facilityByFacilityId { slug
            programFacilitiesByFacilityId(first: $n) { nodes { programByProgramId { slug } } } } } } } } }`,
        variables: { n: 50 },
      },
      expectedStatements: 3,
      pageVariable: 'n',
      items: {
        minsheng: (d) =>
          d.programs.nodes.flatMap((p: Data) =>
            p.facilities.edges.flatMap((e: Data) => e.node.programs.nodes.map((q: Data) => `${p.slug}>${e.role.toLowerCase()}>${e.node.slug}>${q.slug}`)),
          ),
        postgraphile: (d) =>
          d.allPrograms.nodes.flatMap((p: Data) =>
            p.programFacilitiesByProgramId.nodes.flatMap((e: Data) =>
              e.facilityByFacilityId.programFacilitiesByFacilityId.nodes.map(
                (q: Data) => `${p.slug}>${e.role}>${e.facilityByFacilityId.slug}>${q.programByProgramId.slug}`,
              ),
            ),
          ),
      },
      ordered: false,
    },
    {
      name: 'time series',
      description: `one indicator's figures by period end, a page of 100`,
      minsheng: {
        query: `query ($code: String!, $n: Int!) { indicator(code: $code) { code
          observations(orderBy: [{ field: PERIOD_END }], first: $n) { nodes { key value period { start end } } } } }`,
        variables: { code: fixture.indicatorCode, n: 100 },
      },
      postgraphile: {
        query: `query ($code: String!, $n: Int!) { indicatorByCode(code: $code) { code
          observationsByIndicatorId(orderBy: [PERIOD_END_ASC, ID_ASC], first: $n) { nodes { key value periodStart periodEnd } } } }`,
        variables: { code: fixture.indicatorCode, n: 100 },
      },
      expectedStatements: 2,
      pageVariable: 'n',
      items: {
        minsheng: (d) => observationKeys(d.indicator.observations.nodes),
        postgraphile: (d) => observationKeys(d.indicatorByCode.observationsByIndicatorId.nodes),
      },
      ordered: true,
    },
    {
      name: 'search',
      description: 'facilities whose names or descriptions contain 养老, by slug, a page of 20',
      minsheng: {
        query: `query ($q: String!, $n: Int!) { facilities(filter: { search: $q }, orderBy: [{ field: SLUG }], first: $n) {
          nodes { slug name(lang: ZH) } } }`,
        variables: { q: '养老', n: 20 },
      },
      postgraphile: {
        // postgraphile-plugin-connection-filter: ILIKE on each column, the plugin's way to search text.
        query: `query ($q: String!, $n: Int!) { allFacilities(orderBy: [SLUG_ASC], first: $n, filter: { or: [
          { nameZh: { includesInsensitive: $q } }, { nameEn: { includesInsensitive: $q } },
          { descriptionZh: { includesInsensitive: $q } }, { descriptionEn: { includesInsensitive: $q } } ] }) {
          nodes { slug nameZh } } }`,
        variables: { q: '养老', n: 20 },
      },
      expectedStatements: 1,
      pageVariable: 'n',
      items: facilitySlugs,
      ordered: true,
    },
    {
      name: 'aggregate',
      // By division too: the synthetic divisions nest (a district's figure may count its subdistricts'), and
      // Minsheng refuses to add such figures together; one flow indicator's figures in one division and year add up.
      description: `one flow indicator's figures by year and division: count, sum, avg, min, max`,
      minsheng: {
        query: `query ($code: String!) { observationAggregate(groupBy: [YEAR, DIVISION], filter: { indicatorCode: [$code] }) {
          year division { code } count sum avg min max } }`,
        variables: { code: fixture.indicatorCode },
      },
      postgraphile: {
        // A SQL function the benchmark adds (database.ts): PostGraphile's documented way to a custom query.
        query: `query ($code: String!) { benchObservationsByYearAndDivision(indicatorCode: $code) { nodes { year divisionCode count sum avg min max } } }`,
        variables: { code: fixture.indicatorCode },
      },
      expectedStatements: 1,
      items: {
        minsheng: (d) =>
          d.observationAggregate.map((g: AggregateGroup & { division: { code: string } | null }) =>
            aggregateRow({ ...g, divisionCode: g.division?.code ?? null }),
          ),
        postgraphile: (d) => d.benchObservationsByYearAndDivision.nodes.map(aggregateRow),
      },
      ordered: false,
    },
    {
      name: 'deep page',
      description: 'figures by period end, 20 after the cursor of the row at 90%',
      minsheng: {
        query: `query ($after: String!, $n: Int!) { observations(first: $n, after: $after) { nodes { key value period { end } } pageInfo { endCursor } } }`,
        variables: { after: fixture.deepCursor.minsheng, n: 20 },
      },
      postgraphile: {
        query: `query ($after: Cursor!, $n: Int!) { allObservations(orderBy: [PERIOD_END_ASC, ID_ASC], first: $n, after: $after) {
          nodes { key value periodEnd } pageInfo { endCursor } } }`,
        variables: { after: fixture.deepCursor.postgraphile, n: 20 },
      },
      expectedStatements: 1,
      pageVariable: 'n',
      items: {
        minsheng: (d) => observationKeys(d.observations.nodes),
        postgraphile: (d) => observationKeys(d.allObservations.nodes),
      },
      ordered: true,
    },
  ];
}

interface AggregateGroup {
  year: number;
  divisionCode: string | null;
  count: number | string;
  sum: number;
  avg: number;
  min: number;
  max: number;
}

// Averages are rounded: the two servers may sum in a different order.
function aggregateRow(g: AggregateGroup): string {
  const round = (x: number) => Number(x).toPrecision(10);
  return [g.year, g.divisionCode, Number(g.count), round(g.sum), round(g.avg), round(g.min), round(g.max)].join('|');
}
