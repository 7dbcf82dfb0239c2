/**
 * Nested query shapes, each asking for a page size of `n` at every level. statementCount.test.ts proves
 * their statement count does not depend on `n`; sqlSnapshots.test.ts records the SQL they send.
 * (A level that is empty for every parent is not asked for at all, so each shape's filter is chosen for
 * data at every level even in a page of two: then both page sizes exercise every level.)
 */
export interface NestedShape {
  /** What the shape reaches, as a test title. */
  name: string;
  /** File name of its SQL snapshot (tests/api/__snapshots__/sqlSnapshots/<file>.sql). */
  file: string;
  query: (n: number) => string;
}

export const nestedShapes: NestedShape[] = [
  {
    name: 'programs → facilities → programs, three levels',
    file: 'programs-facilities-programs',
    query: (n) => `{ programs(first: ${n}, filter: { kind: [SCHOOL_GROUP, ALLIANCE] }) { totalCount nodes { name leadOrganization { name } parent { name }
      facilities(first: ${n}) { totalCount edges { role node { name division { name } operator { name }
        programs(first: ${n}) { totalCount nodes { name(lang: EN) sources { quote document { title } } } } } } } } } }`,
  },
  {
    name: 'divisions → children → facilities, with observations',
    file: 'divisions-children-facilities-observations',
    query: (n) => `{ divisions(first: ${n}, filter: { level: [DISTRICT, SUBDISTRICT] }) { nodes { name parent { code }
      children(first: ${n}) { nodes { code facilities(first: ${n}) { nodes { slug observations(first: ${n}) { nodes { value } } } } } } } } }`,
  },
  {
    name: 'indicators → observations → conflicts and links',
    file: 'indicators-observations-conflicts-links',
    query: (n) => `{ indicators(first: ${n}, filter: { search: "机构" }, orderBy: [{ field: CODE }]) { nodes { code
      observations(first: ${n}) { totalCount nodes { value indicator { code } division { name } facility { slug } program { slug }
        source { quote document { title } } conflictsWith { key source { quote } } } } } } }`,
  },
  {
    name: 'program → children → facilities → programs → children',
    file: 'program-children-facilities-programs-children',
    query: (n) => `{ program(slug: "one-plus-four-school-group-model") { children(first: ${n}) { nodes {
      slug leadOrganization { slug } facilities(first: ${n}) { edges { role node { slug programs(first: ${n}) { nodes { slug children(first: ${n}) { totalCount } } } } } } } } } }`,
  },
  {
    name: 'filtered, searched and ordered nested lists',
    file: 'filtered-searched-ordered-nested-lists',
    query: (n) => `{ programs(first: ${n}, filter: { kind: [SCHOOL_GROUP, ALLIANCE] }, orderBy: [{ field: NAME_EN }]) { nodes {
      facilities(first: ${n}, filter: { or: [{ search: "小学" }, { category: SCHOOL }] }, orderBy: [{ field: NAME, direction: DESC }]) { totalCount edges { role node {
        programs(first: ${n}, filter: { not: { kind: [AWARD] } }, orderBy: [{ field: KIND }]) { totalCount nodes { slug
          observations(first: ${n}, filter: { value: { gte: 0 } }) { nodes { value } } } } } } } } } }`,
  },
];
