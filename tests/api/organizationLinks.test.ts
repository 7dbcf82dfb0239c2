import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSeedsDir } from '../../src/db/seed/readSeeds.js';
import { seedDadukou } from '../../src/composition/seeds.js';
import { SeedError } from '../../src/db/seed/index.js';
import { startApi, type TestApi } from '../support/api.js';

// The parts organizations play in facilities and programs beyond operator and lead (organization_links).
let api: TestApi;
let editedDir: string;
beforeAll(async () => {
  api = await startApi();
  editedDir = mkdtempSync(path.join(tmpdir(), 'minsheng-links-'));
});
afterAll(async () => {
  await api?.close();
  rmSync(editedDir, { recursive: true, force: true });
});

interface SeedLink {
  facility?: string;
  program?: string;
  role: string;
  source: string;
  quote: string;
}
type SeedOrganization = { slug: string; links?: SeedLink[] };
const seededOrganizations = (): SeedOrganization[] => JSON.parse(readFileSync(path.join(defaultSeedsDir, 'organizations.json'), 'utf8'));

/** A copy of the seeds with organizations.json changed by `edit`. */
function seedsWithOrganizations(edit: (records: SeedOrganization[]) => SeedOrganization[]): string {
  rmSync(editedDir, { recursive: true, force: true });
  cpSync(defaultSeedsDir, editedDir, { recursive: true });
  writeFileSync(path.join(editedDir, 'organizations.json'), JSON.stringify(edit(seededOrganizations())));
  return editedDir;
}

const orchestra = 'municipal-chinese-orchestra';
const orchestraQuote = '引进市民乐团启动钢花影剧院活化利用';
const theatreOrganizations = `{ facility(slug: "ganghua-theatre") { operator { slug } organizations { organization { slug name(lang: EN) } role quote } } }`;

describe('organization links', () => {
  it('an organization lists its links, each with its facility or program, role, quote and document', async () => {
    const data = await api.data(`{ organization(slug: "${orchestra}") { links {
      role quote document { slug } facility { slug } program { slug } } } }`);
    expect(data.organization.links).toEqual([
      { role: 'BROUGHT_IN', quote: orchestraQuote, document: { slug: 'dadukou-2023-livelihood' }, facility: { slug: 'ganghua-theatre' }, program: null },
      {
        role: 'BROUGHT_IN',
        quote: orchestraQuote,
        document: { slug: 'dadukou-2023-livelihood' },
        facility: null,
        program: { slug: 'ganghua-theatre-revitalisation' },
      },
    ]);
  });

  it('a facility and a program list the organizations linked to them, besides operator and lead', async () => {
    expect((await api.data(theatreOrganizations)).facility).toEqual({
      operator: null,
      organizations: [{ organization: { slug: orchestra, name: 'Municipal Chinese Orchestra' }, role: 'BROUGHT_IN', quote: orchestraQuote }],
    });
    const selection = await api.data(`{ program(slug: "chongqing-political-legal-reform-best-practice-selection") {
      leadOrganization { slug } organizations { organization { slug } role quote } } }`);
    expect(selection.program).toEqual({
      leadOrganization: { slug: 'chongqing-political-legal-affairs-commission' },
      organizations: [
        {
          organization: { slug: 'chongqing-law-society' },
          role: 'ORGANIZER',
          quote: '由中共重庆市委政法委员会、重庆市法学会主办的“改革求变 政法惠民”重庆市政法领域改革最佳实践评选活动发布仪式举行',
        },
      ],
    });
  });

  it('every link of the seed file answers, from both of its ends', async () => {
    // In the API's order: organizations by slug, each one's links as its record lists them.
    const expected = seededOrganizations()
      .sort((a, b) => (a.slug < b.slug ? -1 : 1))
      .flatMap((o) =>
        (o.links ?? []).map(({ facility, program, role, quote }) => ({ organization: o.slug, ...(facility ? { facility } : { program }), role, quote })),
      );
    expect(expected.length).toBeGreaterThan(5);
    const data = await api.data(`{ organizations(first: 100) { nodes { slug links {
      role quote facility { slug organizations { organization { slug } role quote } } program { slug organizations { organization { slug } role quote } } } } } }`);
    const answered = data.organizations.nodes.flatMap((o: { slug: string; links: any[] }) =>
      o.links.map((link) => ({
        organization: o.slug,
        ...(link.facility ? { facility: link.facility.slug } : { program: link.program.slug }),
        role: link.role.toLowerCase(),
        quote: link.quote,
        fromTheOtherEnd: (link.facility ?? link.program).organizations.some(
          (back: any) => back.organization.slug === o.slug && back.role === link.role && back.quote === link.quote,
        ),
      })),
    );
    expect(answered).toEqual(expected.map((link) => ({ ...link, fromTheOtherEnd: true })));
  });

  it('takes as many SQL statements for 2 organizations with their links as for all of them', async () => {
    // Only organizations with links, so that both page sizes reach every level (a facility and a program link among the first 2).
    const linked = seededOrganizations()
      .filter((o) => o.links?.length)
      .map((o) => o.slug);
    const query = (n: number) => `{ organizations(first: ${n}, filter: { slug: ${JSON.stringify(linked)} }) { nodes { slug links { role quote document { title }
      facility { slug organizations { organization { slug } role } } program { slug organizations { organization { name } role quote } } } } } }`;
    const small = await api.query(query(2));
    const large = await api.query(query(50));
    expect(small.body.errors).toBeUndefined();
    expect(large.body.errors).toBeUndefined();
    expect(large.body.data.organizations.nodes.length).toBeGreaterThan(small.body.data.organizations.nodes.length);
    const kinds = small.body.data.organizations.nodes.flatMap((o: { links: any[] }) => o.links.map((link) => (link.facility ? 'facility' : 'program')));
    expect(new Set(kinds)).toEqual(new Set(['facility', 'program']));
    expect(small.sqlStatements).toBeGreaterThan(0);
    expect(large.sqlStatements).toBe(small.sqlStatements);
  });

  it('the loader refuses a link to an unknown record, to two records, or with a quote not in its source, naming the record', async () => {
    const withLinks = (links: SeedLink[]) => seedsWithOrganizations((records) => records.map((o) => (o.slug === 'ximalaya' ? { ...o, links } : o)));
    const index = seededOrganizations().findIndex((o) => o.slug === 'ximalaya') + 1;
    const link: SeedLink = { program: 'ximalaya-sky-library', role: 'host_platform', source: 'dadukou-2023-livelihood', quote: '开通喜马拉雅“空中图书馆”' };
    const refusal = async (links: SeedLink[]) => {
      const error = await seedDadukou(api.db, withLinks(links)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SeedError);
      return (error as SeedError).message;
    };
    const where = `organizations.json: record ${index} ("ximalaya")`;
    expect(await refusal([{ ...link, program: 'no-such-program' }])).toContain(`${where}: field "links.0.program": no program "no-such-program" in the seeds`);
    expect(await refusal([{ ...link, facility: 'ganghua-theatre' }])).toContain(
      `${where}: field "links.0.facility": names exactly one of "facility" and "program"`,
    );
    expect(await refusal([{ ...link, quote: '喜马拉雅主办' }])).toContain(
      `${where}: field "links.0.quote": does not occur verbatim in source dadukou-2023-livelihood`,
    );
    expect(await refusal([link, link])).toContain(`${where}: field "links.1": links the program ximalaya-sky-library as host_platform twice`);
    expect(await refusal([{ ...link, role: 'sponsor' }])).toContain(`${where}: field "links.0.role"`);
    // nothing was written
    const data = await api.data('{ organization(slug: "ximalaya") { links { role program { slug } } } }');
    expect(data.organization.links).toEqual([{ role: 'HOST_PLATFORM', program: { slug: 'ximalaya-sky-library' } }]);
  });

  it("a link removed from the file is gone; a retired organization's links are not shown; both come back", async () => {
    const before = await api.data(theatreOrganizations);
    const withoutTheatreLink = seedsWithOrganizations((records) =>
      records.map((o) => (o.slug === orchestra ? { ...o, links: o.links!.filter((link) => link.facility !== 'ganghua-theatre') } : o)),
    );
    expect((await seedDadukou(api.db, withoutTheatreLink)).changed).toBe(2); // one removed, one renumbered
    expect((await api.data(theatreOrganizations)).facility.organizations).toEqual([]);
    const stillLinked = await api.data(`{ program(slug: "ganghua-theatre-revitalisation") { organizations { organization { slug } } } }`);
    expect(stillLinked.program.organizations).toEqual([{ organization: { slug: orchestra } }]);

    expect((await seedDadukou(api.db)).changed).toBeGreaterThan(0);
    expect(await api.data(theatreOrganizations)).toEqual(before);

    const withoutOrchestra = seedsWithOrganizations((records) => records.filter((o) => o.slug !== orchestra));
    expect((await seedDadukou(api.db, withoutOrchestra)).changed).toBe(1); // retired; its link rows stay with it
    expect((await api.data(theatreOrganizations)).facility.organizations).toEqual([]);
    const revitalisation = await api.data(`{ program(slug: "ganghua-theatre-revitalisation") { organizations { role } } }`);
    expect(revitalisation.program.organizations).toEqual([]);

    expect((await seedDadukou(api.db)).changed).toBe(1);
    expect(await api.data(theatreOrganizations)).toEqual(before);
  });
});
