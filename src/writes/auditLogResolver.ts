import { GraphQLError } from 'graphql';
import { GraphQLDateTime, GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Ctx, Field, ID, InputType, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { Identity } from '../access/identity.js';
import { AboutTheCaller } from '../graphql/aboutTheCaller.js';
import type { Context } from '../graphql/context.js';
import { graphqlEnum } from '../graphql/enums.js';
import { badUserInput } from '../graphql/errors.js';
import { MaxItems } from '../graphql/listBound.js';
import {
  auditOperations,
  auditOutcomeDescriptions,
  auditPageSize,
  auditRangeProblem,
  DEFAULT_AUDIT_PAGE,
  MAX_AUDIT_PAGE,
  readAuditLog,
  type AuditLogPage,
  type AuditOperation,
  type AuditOutcome,
} from './auditLog.js';
import { RecordKindEnum } from './types.js';

const AuditOperationEnum = graphqlEnum('AuditOperation', 'What a write set out to do.', auditOperations);
const AuditOutcomeEnum = graphqlEnum('AuditOutcome', 'How a write ended.', auditOutcomeDescriptions);

@InputType({ description: 'Narrows the audit log. All given conditions must hold.' })
export class AuditLogFilter {
  @Field(() => RecordKindEnum, { nullable: true, description: 'The kind of record.' })
  kind?: string | null;

  @Field(() => String, { nullable: true, description: "The record's natural key (a slug, a code)." })
  key?: string | null;

  @Field(() => AuditOperationEnum, { nullable: true, description: 'What the write set out to do.' })
  operation?: AuditOperation | null;

  @Field(() => AuditOutcomeEnum, { nullable: true, description: 'How it ended.' })
  outcome?: AuditOutcome | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'Entries written at or after this time.' })
  since?: Date | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'Entries written before this time.' })
  until?: Date | null;
}

@ObjectType({ description: 'One write or attempted write, as the append-only audit log recorded it.', simpleResolvers: true })
export class AuditEntry {
  @Field(() => ID, { description: "The entry's number: numbers grow in the order entries were written. Not a global ID (`node` does not resolve it)." })
  id!: string;

  @Field(() => GraphQLDateTime, { description: 'When it was written.' })
  at!: Date;

  @Field(() => String, { description: 'The caller as it was known then: `key 12 (civil-affairs app)`, `token user@idp`, `anonymous 10.0.0.1`.' })
  principal!: string;

  @Field(() => String, { description: "The caller's role then: admin, publisher, editor, reader, or anonymous." })
  role!: string;

  @Field(() => [String], { description: 'Slugs of the organizations the caller acted for.' })
  organizations!: string[];

  @Field(() => AuditOperationEnum, { description: 'What the write set out to do.' })
  operation!: AuditOperation;

  @Field(() => AuditOutcomeEnum, { description: 'How it ended.' })
  outcome!: AuditOutcome;

  @Field(() => RecordKindEnum, { nullable: true, description: 'The kind of record.' })
  kind!: string | null;

  @Field(() => String, { nullable: true, description: "The record's natural key." })
  key!: string | null;

  @Field(() => ID, { nullable: true, description: 'The draft it made or decided on (`draft(id:)` shows it).' })
  draftId!: string | null;

  @Field(() => Int, { nullable: true, description: "The record's revision it wrote, or the one it was refused against." })
  revision!: number | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The record before, as in its seed file.' })
  before!: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The record after, or as proposed.' })
  after!: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'Why it was refused, what conflicted, or the reason given.' })
  detail!: string | null;

  @Field(() => String, { nullable: true, description: 'The `x-request-id` of the request that wrote it.' })
  requestId!: string | null;
}

@ObjectType('AuditLogPage', { description: 'A page of the audit log, newest first.', simpleResolvers: true })
export class AuditLogPageType {
  @Field(() => [AuditEntry], { description: 'The entries, newest first.' })
  @MaxItems(MAX_AUDIT_PAGE)
  entries!: AuditEntry[];

  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null when the page is empty.' })
  endCursor!: string | null;

  @Field(() => Boolean, { description: 'Whether older entries follow.' })
  hasNextPage!: boolean;
}

/** Admins only: anonymous callers are asked to authenticate (401), anyone else is forbidden (403). */
export function requireAdmin(identity: Identity, what: string): void {
  if (identity.kind === 'anonymous') {
    throw new GraphQLError(`${what} is for admins: send an admin's API key or token as \`Authorization: Bearer <key>\`.`, {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: new Map([['www-authenticate', 'Bearer realm="minsheng"']]) } },
    });
  }
  if (identity.role !== 'admin') {
    throw new GraphQLError(
      `${what} is for admins; "${identity.name}" is ${identity.role === 'editor' ? 'an' : 'a'} ${identity.role}. Use an admin's key or token.`,
      {
        extensions: { code: 'FORBIDDEN', http: { status: 403 } },
      },
    );
  }
}

@Resolver()
export class AuditLogResolver {
  @Query(() => AuditLogPageType, {
    description: 'Who wrote what to which record, and refused attempts too, newest first. Admins only.',
  })
  @AboutTheCaller()
  auditLog(
    @Arg('filter', () => AuditLogFilter, { nullable: true, description: 'Which entries.' }) filter: AuditLogFilter | null,
    @Arg('first', () => Int, { nullable: true, description: `How many entries: 0 to ${MAX_AUDIT_PAGE}, default ${DEFAULT_AUDIT_PAGE}.` }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'Entries older than this cursor (an `endCursor`).' }) after: string | null,
    @Ctx() context: Context,
  ): Promise<AuditLogPage> {
    requireAdmin(context.identity, 'The audit log');
    const size = auditPageSize(first);
    const problem = auditRangeProblem(filter ?? {});
    if (problem) throw badUserInput(`${problem} Give a \`since\` before \`until\`.`, { argument: 'filter' });
    return readAuditLog(context.db, filter ?? {}, { size, after: after ?? null, order: 'newest' });
  }
}
