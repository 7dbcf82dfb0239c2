import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/apiKeys.js';
import { defaultSeedsDir } from '../../src/db/seed/readSeeds.js';
import { startApi, type TestApi } from '../support/api.js';

// What tests/api/writes.test.ts (facilities) leaves out: every other kind of record, a key scoped to one
// organization, facility links, tokens that write, and the checks that name a parent loop, a retired record,
// a decided or missing draft, and a changed key. Every change made here is harmless (a rewording that adds no
// fact, or a value set again), or is put back before its test ends.
const issuer = 'https://id.example.test/';
const audience = 'minsheng-write-kinds';

let api: TestApi;
let directory: string;
let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
const keys: Record<string, string> = {};
const keyIds: Record<string, number> = {};

beforeAll(async () => {
  directory = mkdtempSync(path.join(tmpdir(), 'minsheng-write-kinds-'));
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  const jwks = path.join(directory, 'jwks.json');
  writeFileSync(jwks, JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' }] }));
  api = await startApi({ settings: { jwt: { issuer, audience, jwks, claims: 'minsheng' } } });
  const make = async (name: string, access: Parameters<typeof createApiKey>[3]) => {
    const created = await createApiKey(api.db, name, 'standard', access);
    keys[name] = created.key;
    keyIds[name] = created.info.id;
  };
  await make('admin', { role: 'admin' });
  await make('commission editor', { role: 'editor', organizations: ['dadukou-education-commission'] });
  await make('education editor', { role: 'editor', domains: ['education'] });
  await make('education publisher', { role: 'publisher', domains: ['education'] });
});
afterAll(async () => {
  await api?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

const as = (name: string) => ({ authorization: `Bearer ${keys[name]}` });
const by = (name: string) => `key ${keyIds[name]} (${name})`;

/** A token as the identity provider would sign it, for `sub`, expiring in five minutes unless told otherwise. */
function token(sub: string, claims: Record<string, unknown>, expiresAt = Math.floor(Date.now() / 1000) + 300) {
  return new SignJWT({ minsheng: claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'test-key', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(signingKey);
}

const PAYLOAD = 'revision draft { id kind key operation status baseRevision author publishedRevision record } userErrors { field code message }';
const UPDATE = `mutation ($input: UpdateRecordInput!) { updateRecord(input: $input) { ${PAYLOAD} } }`;
const RETIRE = `mutation ($input: RetireRecordInput!) { retireRecord(input: $input) { ${PAYLOAD} } }`;
const PUBLISH = `mutation ($input: PublishDraftInput!) { publishDraft(input: $input) { ${PAYLOAD} } }`;
const REJECT = `mutation ($input: RejectDraftInput!) { rejectDraft(input: $input) { ${PAYLOAD} } }`;
const LINK = `mutation ($input: LinkFacilityInput!) { linkFacilityToProgram(input: $input) { ${PAYLOAD} } }`;
const UNLINK = `mutation ($input: LinkFacilityInput!) { unlinkFacilityFromProgram(input: $input) { ${PAYLOAD} } }`;
const AUDIT = `query ($filter: AuditLogFilter) { auditLog(filter: $filter, first: 10) { entries { principal role operation outcome revision after } } }`;

type Json = Record<string, any>;

/** A record as its seed file has it. */
function seedRecord(file: string, keyField: string, key: string): Json {
  const records = JSON.parse(readFileSync(path.join(defaultSeedsDir, file), 'utf8')) as Json[];
  const record = records.find((candidate) => candidate[keyField] === key);
  if (!record) throw new Error(`no record ${key} in seeds/${file}`);
  return record;
}

/** `text` with `from` replaced by `to`, failing if `from` is not in it (so a rewording never silently does nothing). */
function reword(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`"${from}" is not in "${text}"`);
  return text.replace(from, to);
}

/** Rejects every pending draft, so that the next proposal starts clean. */
async function clearPending() {
  const pending = await api.data('{ drafts(status: PENDING, first: 100) { nodes { id } } }', undefined, as('admin'));
  for (const { id } of pending.drafts.nodes) {
    expect((await api.data(REJECT, { input: { draft: id, reason: 'test clean-up' } }, as('admin'))).rejectDraft.userErrors).toEqual([]);
  }
}

/** What the database holds as published for a record (the record a publication wrote). */
async function published(kind: string, key: string): Promise<unknown> {
  const [row] = await api.db.rows<{ record: unknown }>(sql`select record from published_records where kind = ${kind} and key = ${key}`);
  return row?.record;
}

const counts = async () =>
  (
    await api.db.rows<{ drafts: number; audit: number }>(
      sql`select (select count(*) from drafts)::int as drafts, (select coalesce(max(id), 0) from audit_log)::int as audit`,
    )
  )[0]!;

// ---------------------------------------------------------------------------------------------------------
// 1. Every kind of record

interface KindCase {
  kind: string;
  /** The seed kind's name, as drafts and published records are filed. */
  table: string;
  file: string;
  keyField: string;
  key: string;
  /** The public query: its answer's node has `revision` and `shown`, the field the change is seen in. */
  query: string;
  node: (data: Json) => Json;
  /** The change: a rewording that adds no fact, or a field set again to its value. */
  changes: (record: Json) => Json;
  /** `shown` as the public should read it from a record. */
  shown: (record: Json) => unknown;
}

const kindCases: KindCase[] = [
  {
    kind: 'SOURCE',
    table: 'sources',
    file: 'sources.json',
    keyField: 'slug',
    key: 'dadukou-2023-livelihood',
    query: '{ sources(first: 100) { nodes { slug revision shown: note(lang: EN) } } }',
    node: (data) => data.sources.nodes.find((node: Json) => node.slug === 'dadukou-2023-livelihood'),
    changes: (r) => ({
      title_en: r.title_en,
      note: reword(r.note, 'URL or licence, so those fields are null:', 'URL or licence; those fields are therefore null:'),
    }),
    shown: (r) => r.note,
  },
  {
    kind: 'DIVISION',
    table: 'divisions',
    file: 'divisions.json',
    keyField: 'code',
    key: '500104',
    query: '{ division(code: "500104") { revision shown: note(lang: EN) } }',
    node: (data) => data.division,
    changes: (r) => ({ level: r.level, note: reword(r.note, 'The report covers the whole district', 'The report covers the entire district') }),
    shown: (r) => r.note,
  },
  {
    // An organization has no description or note: its English name is sent again as it is.
    kind: 'ORGANIZATION',
    table: 'organizations',
    file: 'organizations.json',
    keyField: 'slug',
    key: 'dadukou-culture-tourism-commission',
    query: '{ organization(slug: "dadukou-culture-tourism-commission") { revision shown: name(lang: EN) links { role facility { slug } quote } } }',
    node: (data) => data.organization,
    changes: (r) => ({ name_en: r.name_en }),
    shown: (r) => r.name_en,
  },
  {
    kind: 'PROGRAM',
    table: 'programs',
    file: 'programs.json',
    keyField: 'slug',
    key: 'elderly-canteen-policies',
    query: '{ program(slug: "elderly-canteen-policies") { revision shown: description(lang: EN) status } }',
    node: (data) => data.program,
    changes: (r) => ({
      status: r.status,
      description_en: reword(r.description_en, '8 community elderly canteens built;', '8 community elderly canteens have been built;'),
    }),
    shown: (r) => r.description_en,
  },
  {
    kind: 'INDICATOR',
    table: 'indicators',
    file: 'indicators.json',
    keyField: 'code',
    key: 'cultural-event-attendance',
    query: '{ indicator(code: "cultural-event-attendance") { revision shown: description(lang: EN) unit } }',
    node: (data) => data.indicator,
    changes: (r) => ({ unit: r.unit, description_en: reword(r.description_en, 'events, online and offline', 'events, both online and offline') }),
    shown: (r) => r.description_en,
  },
  {
    kind: 'OBSERVATION',
    table: 'observations',
    file: 'observations.json',
    keyField: 'key',
    key: 'elderly-care-beds',
    query: '{ observations(filter: { key: ["elderly-care-beds"] }) { nodes { revision value period { shown: label(lang: EN) } } } }',
    node: ({
      observations: {
        nodes: [{ period, ...rest }],
      },
    }) => ({ ...rest, shown: period.shown }),
    changes: (r) => ({ value: r.value, period: { ...r.period, label_en: reword(r.period.label_en, 'At the report date', 'At the date of the report') } }),
    shown: (r) => r.period.label_en,
  },
];

describe('every kind of record: an admin updates one, a publisher publishes it', () => {
  for (const c of kindCases) {
    it(`${c.kind} ${c.key}: the revision goes up by one and the public record is the draft's`, async () => {
      await clearPending();
      const seed = seedRecord(c.file, c.keyField, c.key);
      const changes = c.changes(seed);
      const before = c.node(await api.data(c.query));
      expect(before.shown).toBe(c.shown(seed));

      const proposed = (await api.data(UPDATE, { input: { kind: c.kind, key: c.key, changes, expectedRevision: before.revision } }, as('admin'))).updateRecord;
      expect(proposed.userErrors).toEqual([]);
      expect(proposed.draft).toMatchObject({
        kind: c.kind,
        key: c.key,
        operation: 'UPDATE',
        status: 'PENDING',
        baseRevision: before.revision,
        author: by('admin'),
      });
      expect(proposed.draft.record).toMatchObject({ ...seed, ...changes });
      expect(c.node(await api.data(c.query))).toEqual(before); // a draft is not public

      const done = (await api.data(PUBLISH, { input: { draft: proposed.draft.id, expectedRevision: before.revision } }, as('admin'))).publishDraft;
      expect(done).toMatchObject({ userErrors: [], revision: before.revision + 1, draft: { status: 'PUBLISHED', publishedRevision: before.revision + 1 } });
      const after = c.node(await api.data(c.query));
      expect(after).toEqual({ ...before, revision: before.revision + 1, shown: c.shown(proposed.draft.record) });
      expect(after.shown).toBe(c.shown({ ...seed, ...changes }));

      // The record as published is the draft's, in the database and in the audit log's publication.
      expect(await published(c.table, c.key)).toEqual(proposed.draft.record);
      const audit = await api.data(AUDIT, { filter: { kind: c.kind, key: c.key, operation: 'PUBLISH' } }, as('admin'));
      expect(audit.auditLog.entries[0]).toMatchObject({ outcome: 'PUBLISHED', revision: before.revision + 1, after: proposed.draft.record });
    });
  }

  // A source's text is what every quote citing it is checked against; a new text that drops a quote cited by
  // a live record would leave that citation unverifiable (checkRecord checks the records citing it).
  it('SOURCE: a new text that drops a quote some record cites is refused (QUOTE_NOT_IN_SOURCE), and nothing changes', async () => {
    await clearPending();
    try {
      const SOURCE = 'dadukou-2023-livelihood';
      const QUOTE = '学生体验捏彩泥(大渡口区教委供图)'; // dadukou-education-commission's citation
      const text = readFileSync(path.join(defaultSeedsDir, 'sources', `${SOURCE}.txt`), 'utf8');
      const cut = reword(text, QUOTE, '学生体验捏彩泥');
      const CITED = '{ organization(slug: "dadukou-education-commission") { revision } }';
      const { revision } = (await api.data('{ sources(first: 100) { nodes { slug revision } } }')).sources.nodes.find((n: Json) => n.slug === SOURCE);
      const citing = await api.data(CITED);
      const answer = (await api.data(UPDATE, { input: { kind: 'SOURCE', key: SOURCE, changes: {}, text: cut, expectedRevision: revision } }, as('admin')))
        .updateRecord;
      expect(answer.draft).toBeNull();
      expect(answer.userErrors).toEqual([expect.objectContaining({ field: ['text'], code: 'QUOTE_NOT_IN_SOURCE' })]);
      expect(await api.data(CITED)).toEqual(citing);
    } finally {
      await clearPending();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// 2. A key scoped to one organization

describe('a key acting for the education commission (role editor, --org dadukou-education-commission)', () => {
  const PROGRAM = 'one-plus-four-school-group-model';
  const PROGRAM_QUERY = `{ program(slug: "${PROGRAM}") { revision leadOrganization { slug } } }`;

  it('may propose an update of the commission’s own record', async () => {
    await clearPending();
    const seed = seedRecord('organizations.json', 'slug', 'dadukou-education-commission');
    const { revision } = (await api.data('{ organization(slug: "dadukou-education-commission") { revision } }')).organization;
    const answer = await api.query(
      UPDATE,
      { input: { kind: 'ORGANIZATION', key: 'dadukou-education-commission', changes: { name_en: seed.name_en }, expectedRevision: revision } },
      as('commission editor'),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.data.updateRecord).toMatchObject({
      userErrors: [],
      draft: { kind: 'ORGANIZATION', key: 'dadukou-education-commission', status: 'PENDING', baseRevision: revision, author: by('commission editor') },
    });
  });

  it('may propose an update of a program the commission leads, and not of the same program while no organization leads it', async () => {
    // No program in seeds/programs.json names the commission as its lead organization, so an admin makes it the
    // lead of the "1+4" model for this test, and puts the program back (no lead) at the end.
    await clearPending();
    const seed = seedRecord('programs.json', 'slug', PROGRAM);
    const rewording = { description_en: reword(seed.description_en, 'extending the reach', 'widening the reach') };
    const start = (await api.data(PROGRAM_QUERY)).program;
    expect(start.leadOrganization).toBeNull();

    const unled = await api.query(
      UPDATE,
      { input: { kind: 'PROGRAM', key: PROGRAM, changes: rewording, expectedRevision: start.revision } },
      as('commission editor'),
    );
    expect(unled.status).toBe(403);
    expect(unled.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(unled.body.errors?.[0]?.message).toBe(
      'This program belongs to domain EDUCATION, and you act for none of them: a key or token acting for one of them (or an admin) may.',
    );

    const lead = async (slug: string | null, revision: number) => {
      const { updateRecord } = await api.data(
        UPDATE,
        { input: { kind: 'PROGRAM', key: PROGRAM, changes: { lead_organization_slug: slug }, expectedRevision: revision } },
        as('admin'),
      );
      expect(updateRecord.userErrors).toEqual([]);
      expect((await api.data(PUBLISH, { input: { draft: updateRecord.draft.id } }, as('admin'))).publishDraft.revision).toBe(revision + 1);
    };
    await lead('dadukou-education-commission', start.revision);
    expect((await api.data(PROGRAM_QUERY)).program).toEqual({ revision: start.revision + 1, leadOrganization: { slug: 'dadukou-education-commission' } });
    try {
      const led = await api.query(
        UPDATE,
        { input: { kind: 'PROGRAM', key: PROGRAM, changes: rewording, expectedRevision: start.revision + 1 } },
        as('commission editor'),
      );
      expect(led.status).toBe(200);
      expect(led.body.data.updateRecord).toMatchObject({
        userErrors: [],
        draft: { kind: 'PROGRAM', key: PROGRAM, status: 'PENDING', baseRevision: start.revision + 1, author: by('commission editor') },
      });
    } finally {
      await clearPending();
      await lead(null, start.revision + 1);
    }
    expect((await api.data(PROGRAM_QUERY)).program).toEqual({ revision: start.revision + 2, leadOrganization: null });
  });

  it('gets 403 FORBIDDEN on a program of another organization in another domain, naming both; nothing is written but the refusal', async () => {
    await clearPending();
    const seed = seedRecord('programs.json', 'slug', 'safe-dadukou');
    expect(seed).toMatchObject({ lead_organization_slug: 'dadukou-safe-dadukou-office', domain: 'minor_protection' });
    const { revision } = (await api.data('{ program(slug: "safe-dadukou") { revision } }')).program;
    const before = await counts();
    const answer = await api.query(
      UPDATE,
      { input: { kind: 'PROGRAM', key: 'safe-dadukou', changes: { status: seed.status }, expectedRevision: revision } },
      as('commission editor'),
    );
    expect(answer.status).toBe(403);
    expect(answer.body.data?.updateRecord ?? null).toBeNull();
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(answer.body.errors?.[0]?.message).toBe(
      'This program belongs to organization dadukou-safe-dadukou-office and domain MINOR_PROTECTION, and you act for none of them: ' +
        'a key or token acting for one of them (or an admin) may.',
    );
    expect(await counts()).toEqual({ drafts: before.drafts, audit: before.audit + 1 });
    const audit = await api.data(AUDIT, { filter: { key: 'safe-dadukou', outcome: 'REFUSED' } }, as('admin'));
    expect(audit.auditLog.entries[0]).toMatchObject({ principal: by('commission editor'), role: 'editor', operation: 'UPDATE', outcome: 'REFUSED' });
    expect((await api.data('{ program(slug: "safe-dadukou") { revision } }')).program.revision).toBe(revision);
  });

  // The record as it is and as it would be must both be the editor's: naming one's own organization as the new
  // lead does not make another organization's program one's own.
  it('gets 403 FORBIDDEN too when the change would make the commission the program’s lead', async () => {
    await clearPending();
    try {
      const { revision } = (await api.data('{ program(slug: "safe-dadukou") { revision } }')).program;
      const answer = await api.query(
        UPDATE,
        { input: { kind: 'PROGRAM', key: 'safe-dadukou', changes: { lead_organization_slug: 'dadukou-education-commission' }, expectedRevision: revision } },
        as('commission editor'),
      );
      expect(answer.status).toBe(403);
      expect(answer.body.errors?.[0]?.message).toContain('organization dadukou-safe-dadukou-office and domain MINOR_PROTECTION');
    } finally {
      await clearPending();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// 3. Linking facilities to programs

describe('linking and unlinking facilities: drafts of the program, public once an education publisher publishes them', () => {
  // The Yuxin group's four schools, as the report names them ("钰鑫小学+公民小学+景翔小学+义渡小学"). Each test
  // leaves the links as the seeds have them.
  const GROUP = 'yuxin-primary-school-education-group';
  const LINKS = `{ program(slug: "${GROUP}") { revision facilities { edges { role node { slug } } } } }`;
  const SEEDED = [
    { role: 'MEMBER', node: { slug: 'gongmin-primary-school' } },
    { role: 'MEMBER', node: { slug: 'jingxiang-primary-school' } },
    { role: 'MEMBER', node: { slug: 'yidu-primary-school' } },
    { role: 'LEAD', node: { slug: 'yuxin-primary-school' } },
  ];
  const links = async () => {
    const { program } = await api.data(LINKS);
    return { revision: program.revision as number, edges: program.facilities.edges as Json[] };
  };
  const publish = async (draft: string, revision: number) => {
    const done = (await api.data(PUBLISH, { input: { draft } }, as('education publisher'))).publishDraft;
    expect(done).toMatchObject({ userErrors: [], revision: revision + 1, draft: { status: 'PUBLISHED' } });
  };

  it('unlinking a member school and linking it again: each a draft the public sees only once it is published', async () => {
    await clearPending();
    const start = await links();
    expect(start.edges).toEqual(SEEDED);

    const unlinked = (
      await api.data(UNLINK, { input: { program: GROUP, facility: 'gongmin-primary-school', expectedRevision: start.revision } }, as('education editor'))
    ).unlinkFacilityFromProgram;
    expect(unlinked.userErrors).toEqual([]);
    expect(unlinked.draft).toMatchObject({ kind: 'PROGRAM', key: GROUP, operation: 'UPDATE', status: 'PENDING', baseRevision: start.revision });
    expect(unlinked.draft.record.facilities).toEqual([
      { slug: 'yuxin-primary-school', role: 'lead' },
      { slug: 'jingxiang-primary-school', role: 'member' },
      { slug: 'yidu-primary-school', role: 'member' },
    ]);
    expect(await links()).toEqual(start);
    await publish(unlinked.draft.id, start.revision);
    expect(await links()).toEqual({ revision: start.revision + 1, edges: SEEDED.filter((edge) => edge.node.slug !== 'gongmin-primary-school') });

    const linked = (
      await api.data(
        LINK,
        { input: { program: GROUP, facility: 'gongmin-primary-school', role: 'MEMBER', expectedRevision: start.revision + 1 } },
        as('education editor'),
      )
    ).linkFacilityToProgram;
    expect(linked.userErrors).toEqual([]);
    expect(linked.draft).toMatchObject({ status: 'PENDING', baseRevision: start.revision + 1 });
    expect(linked.draft.record.facilities).toContainEqual({ slug: 'gongmin-primary-school', role: 'member' });
    expect((await links()).edges).toHaveLength(3); // not public yet
    await publish(linked.draft.id, start.revision + 1);
    expect(await links()).toEqual({ revision: start.revision + 2, edges: SEEDED });
  });

  it('linking a facility already linked changes its role; linking it back restores it', async () => {
    await clearPending();
    const start = await links();
    expect(start.edges).toEqual(SEEDED);
    const relink = async (role: string, revision: number) => {
      const shown = await links();
      const { linkFacilityToProgram } = await api.data(
        LINK,
        { input: { program: GROUP, facility: 'yidu-primary-school', role, expectedRevision: revision } },
        as('education editor'),
      );
      expect(linkFacilityToProgram.userErrors).toEqual([]);
      expect(linkFacilityToProgram.draft.record.facilities.filter((link: Json) => link.slug === 'yidu-primary-school')).toEqual([
        { slug: 'yidu-primary-school', role: role.toLowerCase() },
      ]);
      expect(linkFacilityToProgram.draft.record.facilities).toHaveLength(SEEDED.length); // the same link, not a second one
      expect(await links()).toEqual(shown); // not public until published
      await publish(linkFacilityToProgram.draft.id, revision);
    };
    await relink('BENEFICIARY', start.revision);
    expect(await links()).toEqual({
      revision: start.revision + 1,
      edges: SEEDED.map((edge) => (edge.node.slug === 'yidu-primary-school' ? { ...edge, role: 'BENEFICIARY' } : edge)),
    });
    await relink('MEMBER', start.revision + 1);
    expect(await links()).toEqual({ revision: start.revision + 2, edges: SEEDED });
  });

  it('a link to a facility that does not exist is UNKNOWN_REFERENCE on its place in the list; a stale revision is CONFLICT', async () => {
    await clearPending();
    const start = await links();
    const before = await counts();
    const unknown = (
      await api.data(LINK, { input: { program: GROUP, facility: 'no-such-school', role: 'MEMBER', expectedRevision: start.revision } }, as('education editor'))
    ).linkFacilityToProgram;
    expect(unknown.draft).toBeNull();
    expect(unknown.userErrors).toEqual([
      { field: ['facilities', String(start.edges.length), 'slug'], code: 'UNKNOWN_REFERENCE', message: 'no facility "no-such-school" is published' },
    ]);

    const stale = (
      await api.data(
        LINK,
        { input: { program: GROUP, facility: 'gongmin-primary-school', role: 'MEMBER', expectedRevision: start.revision - 1 } },
        as('education editor'),
      )
    ).linkFacilityToProgram;
    expect(stale.draft).toBeNull();
    expect(stale.userErrors).toEqual([
      {
        field: ['expectedRevision'],
        code: 'CONFLICT',
        message: `the record is at revision ${start.revision}, not ${start.revision - 1}: read it again and make your change to revision ${start.revision}`,
      },
    ]);
    expect((await counts()).drafts).toBe(before.drafts);
    expect(await links()).toEqual(start);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 4. Tokens

describe('tokens from the identity provider write too', () => {
  const PROGRAM = 'age-friendly-home-modification';
  const QUERY = `{ program(slug: "${PROGRAM}") { revision description(lang: EN) } }`;

  it('an editor token proposes, a publisher token publishes, and the audit log names each by its subject', async () => {
    await clearPending();
    const seed = seedRecord('programs.json', 'slug', PROGRAM);
    const before = (await api.data(QUERY)).program;
    const description_en = reword(seed.description_en, "100 households' homes modified.", "100 households' homes were modified.");
    const editor = await token('editor-7@idp', { role: 'editor', domains: ['elderly_care'] });
    const proposed = (
      await api.data(
        UPDATE,
        { input: { kind: 'PROGRAM', key: PROGRAM, changes: { description_en }, expectedRevision: before.revision } },
        { authorization: `Bearer ${editor}` },
      )
    ).updateRecord;
    expect(proposed.userErrors).toEqual([]);
    expect(proposed.draft).toMatchObject({ status: 'PENDING', author: 'token editor-7@idp', baseRevision: before.revision });

    const publisher = await token('publisher-9@idp', { role: 'publisher', domains: ['elderly_care'] });
    const done = (await api.data(PUBLISH, { input: { draft: proposed.draft.id } }, { authorization: `Bearer ${publisher}` })).publishDraft;
    expect(done).toMatchObject({ userErrors: [], revision: before.revision + 1, draft: { status: 'PUBLISHED' } });
    expect((await api.data(QUERY)).program).toEqual({ revision: before.revision + 1, description: description_en });

    const audit = await api.data(AUDIT, { filter: { kind: 'PROGRAM', key: PROGRAM } }, as('admin'));
    expect(audit.auditLog.entries.map(({ principal, role, operation, outcome }: Json) => ({ principal, role, operation, outcome }))).toEqual([
      { principal: 'token publisher-9@idp', role: 'publisher', operation: 'PUBLISH', outcome: 'PUBLISHED' },
      { principal: 'token editor-7@idp', role: 'editor', operation: 'UPDATE', outcome: 'PROPOSED' },
    ]);
  });

  it('an expired token gets 401, and nothing is written, not even to the audit log', async () => {
    await clearPending();
    const { revision } = (await api.data(QUERY)).program;
    const before = await counts();
    const expired = await token('editor-7@idp', { role: 'editor', domains: ['elderly_care'] }, Math.floor(Date.now() / 1000) - 60);
    const answer = await api.query(
      UPDATE,
      { input: { kind: 'PROGRAM', key: PROGRAM, changes: { status: 'ongoing' }, expectedRevision: revision } },
      { authorization: `Bearer ${expired}` },
    );
    expect(answer.status).toBe(401);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors?.[0]?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'expired' });
    expect(await counts()).toEqual(before);
    expect((await api.data(QUERY)).program.revision).toBe(revision);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 5. Validation paths

describe('what a change is refused for, and why', () => {
  it('a program whose parent would be its own child: PARENT_LOOP on parent_slug', async () => {
    await clearPending();
    const PARENT = 'one-plus-four-school-group-model';
    const CHILD = 'yuxin-primary-school-education-group';
    expect(seedRecord('programs.json', 'slug', CHILD).parent_slug).toBe(PARENT);
    const { revision } = (await api.data(`{ program(slug: "${PARENT}") { revision } }`)).program;
    const before = await counts();
    const answer = (
      await api.data(UPDATE, { input: { kind: 'PROGRAM', key: PARENT, changes: { parent_slug: CHILD }, expectedRevision: revision } }, as('admin'))
    ).updateRecord;
    expect(answer.draft).toBeNull();
    expect(answer.userErrors).toEqual([{ field: ['parent_slug'], code: 'PARENT_LOOP', message: `the parent chain loops back to "${PARENT}"` }]);
    expect((await counts()).drafts).toBe(before.drafts);
    expect((await api.data(`{ program(slug: "${PARENT}") { revision parent { slug } } }`)).program).toEqual({ revision, parent: null });
  });

  it('retiring a retired record: NOT_FOUND on key', async () => {
    await clearPending();
    const KEY = 'age-friendly-modified-households';
    const FIGURE = `{ observations(filter: { key: ["${KEY}"] }) { nodes { revision } } }`;
    const { revision } = (await api.data(FIGURE)).observations.nodes[0];
    const retire = (expectedRevision: number) =>
      api.data(RETIRE, { input: { kind: 'OBSERVATION', key: KEY, reason: 'test of retiring twice', expectedRevision } }, as('admin'));
    const first = (await retire(revision)).retireRecord;
    expect(first.userErrors).toEqual([]);
    expect((await api.data(PUBLISH, { input: { draft: first.draft.id } }, as('admin'))).publishDraft.revision).toBe(revision + 1);

    const before = await counts();
    for (const expectedRevision of [revision + 1, revision]) {
      const again = (await retire(expectedRevision)).retireRecord;
      expect(again.draft).toBeNull();
      expect(again.userErrors).toEqual([{ field: ['key'], code: 'NOT_FOUND', message: `no live observation "${KEY}"` }]);
    }
    expect((await counts()).drafts).toBe(before.drafts);
  });

  it('rejecting a draft already published: CONFLICT on draft, naming who published it', async () => {
    await clearPending();
    const { revision } = (await api.data('{ indicator(code: "elderly-care-beds") { revision } }')).indicator;
    const seed = seedRecord('indicators.json', 'code', 'elderly-care-beds');
    const proposed = (
      await api.data(UPDATE, { input: { kind: 'INDICATOR', key: 'elderly-care-beds', changes: { unit: seed.unit }, expectedRevision: revision } }, as('admin'))
    ).updateRecord;
    expect((await api.data(PUBLISH, { input: { draft: proposed.draft.id } }, as('admin'))).publishDraft.revision).toBe(revision + 1);

    const rejected = (await api.data(REJECT, { input: { draft: proposed.draft.id, reason: 'too late' } }, as('admin'))).rejectDraft;
    expect(rejected.draft).toBeNull();
    expect(rejected.userErrors).toEqual([
      { field: ['draft'], code: 'CONFLICT', message: `draft ${proposed.draft.id} was already published by ${by('admin')}` },
    ]);
    const { draft } = await api.data(
      'query ($id: String!) { draft(id: $id) { status decisionReason publishedRevision } }',
      { id: proposed.draft.id },
      as('admin'),
    );
    expect(draft).toEqual({ status: 'PUBLISHED', decisionReason: null, publishedRevision: revision + 1 });
  });

  it('publishing a draft that does not exist: NOT_FOUND on draft', async () => {
    const before = await counts();
    const answer = (await api.data(PUBLISH, { input: { draft: '987654' } }, as('admin'))).publishDraft;
    expect(answer).toEqual({ revision: null, draft: null, userErrors: [{ field: ['draft'], code: 'NOT_FOUND', message: 'no draft 987654' }] });
    expect((await counts()).drafts).toBe(before.drafts);
  });

  const keyCases: [string, string, string, string][] = [
    ['PROGRAM', 'slug', 'elderly-canteen-policies', 'program'],
    ['INDICATOR', 'code', 'cultural-event-attendance', 'indicator'],
    ['DIVISION', 'code', '500104', 'division'],
  ];
  for (const [kind, field, key, noun] of keyCases) {
    it(`changing a ${noun}'s key: INVALID on ${field}`, async () => {
      await clearPending();
      const read = `{ ${noun}(${field}: "${key}") { revision } }`;
      const { revision } = (await api.data(read))[noun];
      const before = await counts();
      const answer = (await api.data(UPDATE, { input: { kind, key, changes: { [field]: `${key}-renamed` }, expectedRevision: revision } }, as('admin')))
        .updateRecord;
      expect(answer.draft).toBeNull();
      expect(answer.userErrors).toEqual([
        { field: [field], code: 'INVALID', message: `a record's key never changes: create a new ${noun} and retire this one` },
      ]);
      expect((await counts()).drafts).toBe(before.drafts);
      expect((await api.data(read))[noun].revision).toBe(revision);
    });
  }
});
