import { sql, type SQL } from 'drizzle-orm';
import { divisions } from '../../db/tables/index.js';

/** The ids of a division and every division under it, at any depth: a query for idIn(). */
function subtreeIds(root: SQL): SQL {
  return sql`with recursive "subtree"("id") as (
      select ${divisions.id} from ${divisions} where ${root}
      union all
      select "child"."id" from ${divisions} as "child" join "subtree" on "child"."parent_id" = "subtree"."id"
    ) select "id" from "subtree"`;
}

export const divisionSubtreeIds = (code: string) => subtreeIds(sql`${divisions.code} = ${code}`);
export const divisionSubtreeIdsOf = (divisionId: SQL) => subtreeIds(sql`${divisions.id} = ${divisionId}`);

/** The ids of a division's ancestors (its parent, that one's parent, and up): a query, the twin of subtreeIds. */
export const divisionAncestorIdsOf = (divisionId: SQL) => sql`with recursive "up"("id") as (
      select ${divisions.parentId} from ${divisions} where ${divisions.id} = ${divisionId}
      union all
      select "d"."parent_id" from ${divisions} as "d" join "up" on "d"."id" = "up"."id" where "d"."parent_id" is not null
    ) select "id" from "up" where "id" is not null`;
