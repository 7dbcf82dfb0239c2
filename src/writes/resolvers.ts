import type { ClassType } from '../graphql/domain.js';
import type { KindsByName } from '../db/records/lookups.js';
import { AuditLogResolver } from './auditLogResolver.js';
import { editResolver } from './editResolver.js';
import { registerRecordKinds } from './types.js';

/** The resolvers of writing (mutations, drafts, the audit log), given the seed kinds records are written as. */
export function writeResolvers(kinds: KindsByName): ClassType[] {
  registerRecordKinds(kinds);
  return [editResolver(kinds), AuditLogResolver];
}
