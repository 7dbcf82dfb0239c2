import { domains as domainVocabulary, type Domain } from '../db/vocabulary.js';

/** What a principal may do, from least to most (what each may write: src/writes/actor.ts, docs/writing.md). */
export const roles = {
  reader: 'Reads public data, as anyone may.',
  editor: 'Proposes changes to the records of the organizations and domains it acts for.',
  publisher: 'Publishes changes to the records of the organizations and domains it acts for.',
  admin: 'Acts for every organization and domain.',
} as const;
export type Role = keyof typeof roles;

export function isRole(text: string): text is Role {
  return Object.hasOwn(roles, text);
}

/** Why a role and scope do not go together, or undefined when they do. */
export function scopeProblem(role: Role, organizations: number, domains: number): string | undefined {
  if ((role === 'editor' || role === 'publisher') && organizations + domains === 0) {
    return `a${role === 'editor' ? 'n' : ''} ${role} acts for at least one organization or domain`;
  }
  return undefined;
}

/** A domain as stored (`elderly_care`) from either spelling, stored or GraphQL (`ELDERLY_CARE`); undefined when none is. */
export function domainNamed(text: string): Domain | undefined {
  const value = text.trim().toLowerCase();
  return Object.hasOwn(domainVocabulary, value) ? (value as Domain) : undefined;
}

/** The domains as the API spells them, for messages. */
export const domainNames = (): string =>
  Object.keys(domainVocabulary)
    .map((domain) => domain.toUpperCase())
    .join(', ');
