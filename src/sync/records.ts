/**
 * What the mirror keeps of each kind of record: the list that pages it, its natural key, and the GraphQL
 * fields read. Only the record's own fields and the keys of what it names: keys never change and a named
 * record cannot be retired, so every field here changes only with a change of this record in the feed.
 * Derived fields (citation, conflictsWith, latest, nested lists) change without one, and are left out.
 */
export interface RecordKind {
  /** As the change feed names it (RecordKind). */
  name: 'FACILITY' | 'PROGRAM' | 'DIVISION' | 'ORGANIZATION' | 'INDICATOR' | 'OBSERVATION' | 'SOURCE';
  typename: string;
  /** The root list, and the mirror's table of the same name. */
  list: string;
  /** The field holding the natural key. */
  key: string;
  /** The fields read, inside `... on <typename> { }`. */
  fields: string;
}

const LIFE = 'id revision retiredAt retirement';
const both = (field: string, args = '') => `${field}Zh: ${field}(lang: ZH${args}) ${field}En: ${field}(lang: EN${args})`;
const citation = 'document { slug } quote';

export const recordKinds: readonly RecordKind[] = [
  {
    name: 'DIVISION',
    typename: 'Division',
    list: 'divisions',
    key: 'code',
    fields: `${LIFE} code level verified ${both('name')} ${both('note')} parent { code }`,
  },
  {
    name: 'ORGANIZATION',
    typename: 'Organization',
    list: 'organizations',
    key: 'slug',
    fields: `${LIFE} slug kind ${both('name')} division { code }`,
  },
  {
    name: 'SOURCE',
    typename: 'Source',
    list: 'sources',
    key: 'slug',
    fields: `${LIFE} slug ${both('title')} ${both('publisher')} ${both('note')} publishedOn url licence`,
  },
  {
    name: 'FACILITY',
    typename: 'Facility',
    list: 'facilities',
    key: 'slug',
    fields:
      `${LIFE} slug category domain status ${both('name')} ${both('description')} ${both('address')} ` +
      `location { latitude longitude precision } division { code } operator { slug } sources { ${citation} }`,
  },
  {
    name: 'PROGRAM',
    typename: 'Program',
    list: 'programs',
    key: 'slug',
    fields:
      `${LIFE} slug kind domain status ${both('name')} ${both('description')} startDate endDate ` +
      `division { code } leadOrganization { slug } parent { slug } sources { ${citation} }`,
  },
  {
    name: 'INDICATOR',
    typename: 'Indicator',
    list: 'indicators',
    key: 'code',
    fields: `${LIFE} code kind unit domain ${both('name')} ${both('description')}`,
  },
  {
    name: 'OBSERVATION',
    typename: 'Observation',
    list: 'observations',
    key: 'key',
    fields:
      `${LIFE} key value unit measure qualifier status reportedInDomain ${both('label')} period { start end ${both('label')} } ` +
      `indicator { code } division { code } facility { slug } program { slug } source { ${citation} }`,
  },
];

export const kindNamed = new Map(recordKinds.map((kind) => [kind.name, kind]));
export const kindOfTypename = new Map(recordKinds.map((kind) => [kind.typename, kind]));

/**
 * One kind's fields, for a read (`nodes`) of records of that kind. One kind a request: `kind` and `status`
 * have a different enum type on each, which GraphQL refuses to merge under one response name.
 */
export const nodeFields = (kind: RecordKind) => `__typename ... on ${kind.typename} { ${kind.fields} }`;

/** One record as read: the GraphQL object, with the fields every kind has. */
export interface RecordRead {
  id: string;
  revision: number;
  retiredAt: string | null;
  [field: string]: unknown;
}

/** A record as the mirror stores it: the columns it is found by, and the answer as read. */
export interface MirroredRecord {
  id: string;
  key: string;
  revision: number;
  retired: boolean;
  fields: Record<string, unknown>;
}

export function mirrored(kind: RecordKind, read: RecordRead): MirroredRecord {
  const { __typename: _typename, ...fields } = read;
  return { id: read.id, key: String(read[kind.key]), revision: read.revision, retired: read.retiredAt !== null, fields };
}
