/**
 * The controlled vocabularies of the data model. Each is a map from the value stored in the database
 * (snake_case) to its English description. The database checks values against these lists, the seed
 * validator accepts only these values, and the GraphQL enums are built from them (as UPPER_CASE names),
 * so the three can never drift apart.
 */

export const domains = {
  culture: 'Public culture: museums, galleries, cultural centres, performances, libraries.',
  tourism: 'Tourism and leisure: scenic areas, camps, film bases, resorts.',
  education: 'Primary and secondary education: schools, school groups, school places.',
  minor_protection: 'Protection of minors and prevention of juvenile crime.',
  elderly_care: 'Elderly care: care homes, community canteens, subsidies, beds.',
  health: 'Health care: community health centres, integrated medical and elderly care.',
} as const;

export const facilityCategories = {
  school: 'A primary school, secondary school or nine-year school.',
  school_campus: 'A campus of a school run as a separate site.',
  museum: 'A museum.',
  art_gallery: 'An art gallery.',
  cultural_center: 'A cultural centre (文化馆) that organises public cultural activities.',
  library: 'A public library.',
  theater: 'A theatre or cinema-theatre.',
  stage: 'An open-air or covered public stage.',
  scenic_area: 'A rated scenic area or visitor park.',
  camp: 'A recreation or education camp.',
  film_base: 'A film and television production base.',
  wellness_resort: 'A health and wellness (康养) development.',
  rural_complex: 'A rural leisure and agriculture complex (田园综合体).',
  elderly_care_home: 'A residential elderly-care institution.',
  elderly_care_center: 'A community elderly-care service centre or station.',
  elderly_canteen: 'A community canteen serving older residents.',
  community_health_center: 'A community health service centre (社区卫生服务中心).',
  community_health_station: 'A community health service station (社区卫生服务站).',
  other: 'A facility of another kind.',
} as const;

export const facilityStatuses = {
  open: 'Built and in service.',
  under_construction: 'Being built.',
  planned: 'Announced or planned; construction has not been reported.',
} as const;

export const programKinds = {
  initiative: 'A standing initiative or working mechanism.',
  service: 'A public service delivered to residents.',
  event_series: 'A series of events (concerts, performances, activities).',
  event: 'A single event.',
  campaign: 'A time-bound campaign or special action (专项行动).',
  school_group: 'An education group of schools run under one lead school (教育集团).',
  alliance: 'An alliance or community of institutions (联盟, 共同体).',
  award: 'An award or recognition received.',
  policy: 'A policy, plan or official document.',
  standard: 'A technical standard or specification.',
  platform: 'An online platform or digital service.',
  project: 'A construction or development project.',
} as const;

export const programStatuses = {
  ongoing: 'Running.',
  completed: 'Finished.',
  planned: 'Announced, not started.',
} as const;

export const programFacilityRoles = {
  lead: 'The facility leads the program (the lead school of an education group).',
  member: 'The facility is a member of the program (a member school, an alliance school).',
  venue: 'The program takes place at the facility.',
  provider: "The facility provides the program's service.",
  beneficiary: "The facility receives the program's service.",
  recipient: 'The facility received the award or rating.',
} as const;

export const organizationKinds = {
  government: "A people's government or one of its departments or commissions.",
  party_committee: 'A Communist Party committee or one of its offices.',
  public_institution: 'A public institution (事业单位): a school, a hospital, a media centre.',
  enterprise: 'A company.',
  social_organization: 'An association, foundation or other social organization.',
  coordinating_body: 'A cross-department leading group or working body (领导小组).',
  other: 'An organization of another kind.',
} as const;

export const divisionLevels = {
  district: 'A county-level district (区).',
  subdistrict: 'A subdistrict (街道).',
  town: 'A town (镇).',
  community: 'An urban community or village (社区, 村).',
} as const;

export const units = {
  cny: 'Chinese yuan (CNY).',
  percent: 'Percent; 92% is stored as 92.',
  person: 'Persons.',
  person_time: 'Person-times (人次): one person served once.',
  household: 'Households.',
  bed: 'Beds.',
  institution: 'Institutions or organizations.',
  facility: 'Facilities or sites.',
  school: 'Schools.',
  school_place: 'School places (学位).',
  event: 'Events or performances (场次).',
  document: 'Documents (policies, plans).',
  year: 'Years.',
  edition: 'Editions of a recurring event or award (届).',
  count: 'A plain count of items.',
} as const;

export const measures = {
  level: 'A stock at the end of the period (how many there are).',
  count: 'A flow during the period (how many happened or were delivered).',
  cumulative: 'A running total from an earlier start up to the end of the period.',
  yoy_change: 'Signed change against the same period a year earlier, in percent.',
  share: 'A share or rate, in percent.',
} as const;

export const valueQualifiers = {
  exact: 'The figure is given as exact.',
  approximate: 'About (约): the true value is close to the figure.',
  nearly: 'Nearly (近): close to the figure and not above it.',
  at_least: 'More than (余, 多, 以上): the figure is a lower bound.',
  at_most: 'At most: the figure is an upper bound.',
} as const;

export const observationStatuses = {
  actual: 'A reported outcome.',
  planned: 'A target or plan.',
} as const;

export type Domain = keyof typeof domains;
export type FacilityCategory = keyof typeof facilityCategories;
export type FacilityStatus = keyof typeof facilityStatuses;
export type ProgramKind = keyof typeof programKinds;
export type ProgramStatus = keyof typeof programStatuses;
export type ProgramFacilityRole = keyof typeof programFacilityRoles;
export type OrganizationKind = keyof typeof organizationKinds;
export type DivisionLevel = keyof typeof divisionLevels;
export type Unit = keyof typeof units;
export type Measure = keyof typeof measures;
export type ValueQualifier = keyof typeof valueQualifiers;
export type ObservationStatus = keyof typeof observationStatuses;

/** The values of a vocabulary, as a non-empty tuple (what zod's enum and SQL checks want). */
export function valuesOf<T extends Record<string, string>>(vocabulary: T): [keyof T & string, ...(keyof T & string)[]] {
  return Object.keys(vocabulary) as [keyof T & string, ...(keyof T & string)[]];
}
