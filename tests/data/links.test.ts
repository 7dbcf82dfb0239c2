import { describe, expect, it } from 'vitest';
import { facilities, organizations, programs, sourceText } from './dataset.js';

/** Every link of an organization to a facility or program: operator, lead, and the roles of its `links`. */
function linksOf(slug: string): string[] {
  const organization = organizations.find((o) => o.slug === slug);
  return [
    ...facilities.filter((f) => f.operator_slug === slug).map((f) => `operator of ${f.slug}`),
    ...programs.filter((p) => p.lead_organization_slug === slug).map((p) => `lead of ${p.slug}`),
    ...(organization?.links ?? []).map((link: { facility?: string; program?: string; role: string }) => `${link.role} of ${link.facility ?? link.program}`),
  ];
}

/**
 * Organizations the report names without tying them to any recorded facility or program (seeds/DATA.md,
 * "Organizations and their links"): each with what the report does say of it.
 */
const NAMED_WITHOUT_A_RECORD: Record<string, string> = {
  'dadukou-education-commission': 'credited for a photo of pupils; the photo shows no recorded program',
  'dadukou-media-convergence-centre': 'credited for every photo not otherwise credited',
};

describe('organizations are linked as the report links them', () => {
  it('each link the report states is recorded, with its role', () => {
    expect(linksOf('dadukou-safe-dadukou-office')).toEqual(['lead of safe-dadukou', 'spokesperson of shajie-brand']);
    expect(linksOf('china-broadcasting-art-troupe')).toEqual(['lead of cbat-mass-art-centre']);
    expect(linksOf('chongqing-political-legal-affairs-commission')).toEqual(['lead of chongqing-political-legal-reform-best-practice-selection']);
    expect(linksOf('chongqing-law-society')).toEqual(['organizer of chongqing-political-legal-reform-best-practice-selection']);
    expect(linksOf('china-media-group')).toEqual(['lead of grandpas-trophy-cmg-gala']);
    expect(linksOf('dadukou-integrated-care-leading-group')).toEqual(['lead of integrated-care-full-coverage']);
    expect(linksOf('ximalaya')).toEqual(['host_platform of ximalaya-sky-library']);
    expect(linksOf('municipal-chinese-orchestra')).toEqual(['brought_in of ganghua-theatre', 'brought_in of ganghua-theatre-revitalisation']);
    expect(linksOf('dadukou-culture-tourism-commission')).toEqual(['photo_credit of dandelion-growth-play-camp']);
    expect(linksOf('dadukou-political-legal-affairs-commission')).toEqual(['photo_credit of shajie-shouwei-campaign']);
  });

  it('every organization is linked, or the report ties it to no recorded facility or program', () => {
    const unexplained = organizations.filter((o) => linksOf(o.slug).length === 0 && !(o.slug in NAMED_WITHOUT_A_RECORD)).map((o) => o.slug);
    expect(unexplained).toEqual([]);
    // and the list stays true: an organization that gets a link leaves it
    expect(Object.keys(NAMED_WITHOUT_A_RECORD).filter((slug) => linksOf(slug).length > 0)).toEqual([]);
    expect(Object.keys(NAMED_WITHOUT_A_RECORD).filter((slug) => !organizations.some((o) => o.slug === slug))).toEqual([]);
  });

  it("every link's quote is verbatim in the report and names the organization", () => {
    for (const organization of organizations) {
      for (const link of organization.links ?? []) {
        expect(sourceText.includes(link.quote), `${organization.slug}: ${link.quote}`).toBe(true);
        expect(link.quote.includes(organization.name_zh), `${organization.slug}: ${link.quote}`).toBe(true);
      }
    }
  });

  it('the facility whose text says only that phase one is complete is not recorded as open', () => {
    expect(facilities.find((f) => f.slug === 'warehouse-no-4-film-base')!.status).toBe('under_construction');
  });
});
