import { sql } from 'drizzle-orm';
import { facilities, organizationLinks, organizations, programs } from '../../db/tables/index.js';
import type { OrganizationLinkRole } from '../../db/tables/organizationLinks.js';
import { isAnyOf } from '../../db/sqlParts.js';
import type { Context } from '../../graphql/context.js';
import { loadGroupedByKey } from '../../graphql/relay/load.js';
import { LinkedOrganization, OrganizationLink } from './linkTypes.js';

interface LinkRow {
  organizationId: number;
  facilityId: number | null;
  programId: number | null;
  role: OrganizationLinkRole;
  sourceId: number;
  quote: string;
}

const l = organizationLinks;
const linkColumns = sql`${l.organizationId} as "organizationId", ${l.facilityId} as "facilityId", ${l.programId} as "programId",
  ${l.role} as "role", ${l.sourceId} as "sourceId", ${l.quote} as "quote"`;
// A link shows only while both of its ends are live (src/db/tables/retirement.ts).
const isLive = (table: typeof facilities | typeof programs | typeof organizations, id: unknown) =>
  sql`exists (select 1 from ${table} where ${table.id} = ${id} and ${table.retiredAt} is null)`;
const targetIsLive = sql`(${l.facilityId} is null or ${isLive(facilities, l.facilityId)}) and (${l.programId} is null or ${isLive(programs, l.programId)})`;

/** The links of many organizations, in their seed order: one statement per request. */
const linksOfOrganizations = (context: Context) =>
  loadGroupedByKey<number, LinkRow>(
    context,
    'organization.links',
    (ids) => sql`select ${linkColumns} from ${l}
    where ${isAnyOf(sql`${l.organizationId}`, ids)} and ${targetIsLive} order by ${l.organizationId}, ${l.position}`,
    (row) => row.organizationId,
  );

/** The links to many facilities or programs, by organization slug: one statement per request and kind of target. */
const linksTo = (context: Context, target: 'facility' | 'program') => {
  const targetColumn = target === 'facility' ? l.facilityId : l.programId;
  return loadGroupedByKey<number, LinkRow>(
    context,
    `${target}.organizations`,
    (ids) => sql`select ${linkColumns} from ${l}
    join ${organizations} on ${organizations.id} = ${l.organizationId} and ${organizations.retiredAt} is null
    where ${isAnyOf(sql`${targetColumn}`, ids)} order by ${targetColumn}, ${organizations.slug}, ${l.position}`,
    (row) => (target === 'facility' ? row.facilityId! : row.programId!),
  );
};

export async function organizationLinksOf(context: Context, organizationId: number): Promise<OrganizationLink[]> {
  return (await linksOfOrganizations(context).load(organizationId)).map((row) => Object.assign(new OrganizationLink(), row));
}

export async function organizationsLinkedTo(context: Context, target: 'facility' | 'program', id: number): Promise<LinkedOrganization[]> {
  return (await linksTo(context, target).load(id)).map((row) => Object.assign(new LinkedOrganization(), row));
}
