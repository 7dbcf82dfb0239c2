import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, withoutExtensions, type TestApi } from '../support/api.js';

// Every root field of the contract, asked as a client would, answered with real Dadukou data.
let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

describe('root fields', () => {
  it('facilities: the must-show query of the foundation issue', async () => {
    const data = await api.data(`{ facilities(first: 5) { totalCount nodes { name(lang: ZH) division { name } programs(first: 3) { nodes { name } } } } }`);
    expect(data.facilities.totalCount).toBe(31);
    expect(data.facilities.nodes).toHaveLength(5);
    // Default order is by slug: all-weather-stage (风雨舞台) comes first.
    expect(data.facilities.nodes[0]).toEqual({ name: '风雨舞台', division: { name: '大渡口区' }, programs: { nodes: [{ name: '风雨舞台周周演出' }] } });
  });

  it('facility(slug) and its fields, with sources quoted verbatim', async () => {
    const data = await api.data(`{ facility(slug: "yuxin-primary-school") {
      slug name(lang: ZH) nameEn: name(lang: EN) category domain status location { latitude }
      programs { nodes { slug } } sources { quote document { title } }
    } }`);
    expect(data.facility).toMatchObject({
      slug: 'yuxin-primary-school',
      name: '钰鑫小学',
      nameEn: 'Yuxin Primary School',
      category: 'SCHOOL',
      domain: 'EDUCATION',
      status: 'OPEN',
      location: null,
    });
    expect(data.facility.programs.nodes.map((p: { slug: string }) => p.slug)).toContain('yuxin-primary-school-education-group');
    expect(data.facility.sources[0].quote).toContain('钰鑫小学');
    expect(data.facility.sources[0].document.title).toBe('大渡口 保障民生民利 幸福可感可及');
  });

  it('facility(slug) of an unknown slug is null, not an error', async () => {
    const result = await api.query(`{ facility(slug: "no-such-place") { slug } }`);
    expect(withoutExtensions(result.body)).toEqual({ data: { facility: null } });
  });

  it('programs and program(slug): an education group lists its lead and member schools with roles', async () => {
    const data = await api.data(`{ program(slug: "yuxin-primary-school-education-group") {
      name(lang: ZH) kind domain status parent { slug }
      facilities { totalCount edges { role node { slug } } }
    } programs(filter: { kind: [SCHOOL_GROUP] }) { totalCount nodes { slug } } }`);
    expect(data.program).toMatchObject({
      name: '钰鑫小学教育集团',
      kind: 'SCHOOL_GROUP',
      domain: 'EDUCATION',
      parent: { slug: 'one-plus-four-school-group-model' },
    });
    const roles = Object.fromEntries(data.program.facilities.edges.map((e: { role: string; node: { slug: string } }) => [e.node.slug, e.role]));
    expect(roles).toEqual({
      'yuxin-primary-school': 'LEAD',
      'gongmin-primary-school': 'MEMBER',
      'jingxiang-primary-school': 'MEMBER',
      'yidu-primary-school': 'MEMBER',
    });
    expect(data.program.facilities.totalCount).toBe(4);
    expect(data.programs.totalCount).toBe(4);
  });

  it('program children: the "1+4" model holds four education groups and the alliance', async () => {
    const data = await api.data(`{ program(slug: "one-plus-four-school-group-model") { children { totalCount nodes { kind } } } }`);
    expect(data.program.children.totalCount).toBe(5);
    expect(data.program.children.nodes.map((n: { kind: string }) => n.kind).sort()).toEqual([
      'ALLIANCE',
      'SCHOOL_GROUP',
      'SCHOOL_GROUP',
      'SCHOOL_GROUP',
      'SCHOOL_GROUP',
    ]);
  });

  it('divisions and division(code): the district has five subdistricts and three towns', async () => {
    const data = await api.data(`{ division(code: "500104") { name(lang: EN) level parent { code } children(first: 20) { nodes { code level } } }
      divisions(filter: { level: [SUBDISTRICT, TOWN] }) { totalCount } }`);
    expect(data.division).toMatchObject({ name: 'Dadukou District', level: 'DISTRICT', parent: null });
    expect(data.division.children.nodes.map((c: { code: string }) => c.code)).toEqual([
      '500104001',
      '500104002',
      '500104003',
      '500104004',
      '500104005',
      '500104100',
      '500104101',
      '500104102',
    ]);
    expect(data.divisions.totalCount).toBe(8);
  });

  it('division facilities include those of divisions under it', async () => {
    const data = await api.data(`{ district: division(code: "500104") { facilities { totalCount } }
      chunhuilu: division(code: "500104005") { facilities { nodes { slug division { code } } } } }`);
    expect(data.district.facilities.totalCount).toBe(31);
    expect(data.chunhuilu.facilities.nodes).toEqual([{ slug: 'gudu-community-elderly-canteen', division: { code: '500104005-gudu' } }]);
  });

  it('organizations and organization(slug)', async () => {
    const data = await api.data(`{ organizations { totalCount nodes { slug kind } } }`);
    expect(data.organizations.totalCount).toBe(12);
    const first = data.organizations.nodes[0].slug;
    const one = await api.data(`query($slug: String!) { organization(slug: $slug) { slug name(lang: EN) } }`, { slug: first });
    expect(one.organization.slug).toBe(first);
  });

  it('indicators, indicator(code) and its observations as a time series', async () => {
    const data = await api.data(`{ indicators { totalCount } indicator(code: "elderly-care-institutions") {
      name(lang: EN) unit domain observations { nodes { value period { end } } } } }`);
    expect(data.indicators.totalCount).toBe(36);
    expect(data.indicator.unit).toBe('INSTITUTION');
    expect(data.indicator.observations.nodes.map((o: { value: number }) => o.value).sort()).toEqual([32, 34]);
  });

  it('observations carry value in base units, qualifier, period, label and verbatim quote', async () => {
    const data = await api.data(`{ observations(filter: { search: "46亿元" }) { nodes {
      value unit qualifier measure status label(lang: ZH) period { end } source { quote } division { code } } } }`);
    expect(data.observations.nodes).toEqual([
      {
        value: 4600000000,
        unit: 'CNY',
        qualifier: 'APPROXIMATE',
        measure: 'CUMULATIVE',
        status: 'ACTUAL',
        label: '约46亿元',
        period: { end: '2023-12-31' },
        source: { quote: '大渡口区累计投资约46亿元' },
        division: { code: '500104' },
      },
    ]);
  });

  it('conflicting figures are both published and point at each other', async () => {
    const data = await api.data(`{ observations(filter: { conflicting: true }) { totalCount nodes { value conflictsWith { value source { quote } } } } }`);
    expect(data.observations.totalCount).toBe(2);
    const byValue = Object.fromEntries(data.observations.nodes.map((n: { value: number; conflictsWith: unknown[] }) => [n.value, n.conflictsWith]));
    expect(byValue[32]).toEqual([{ value: 34, source: { quote: '全区养老机构34家' } }]);
    expect(byValue[34]).toEqual([{ value: 32, source: { quote: '全区共有养老机构32家' } }]);
  });

  it('sources', async () => {
    const data = await api.data(`{ sources { totalCount nodes { slug title(lang: ZH) publisher url licence } } }`);
    expect(data.sources).toEqual({
      totalCount: 1,
      nodes: [{ slug: 'dadukou-2023-livelihood', title: '大渡口 保障民生民利 幸福可感可及', publisher: null, url: null, licence: null }],
    });
  });

  it('node(id) and nodes(ids) fetch every type again by its global ID', async () => {
    const data = await api.data(`{
      facility(slug: "yuxin-primary-school") { id } program(slug: "yuxin-primary-school-education-group") { id }
      division(code: "500104") { id } indicator(code: "elderly-care-institutions") { id }
      observations(first: 1) { nodes { id } } organizations(first: 1) { nodes { id } } sources(first: 1) { nodes { id } }
    }`);
    const ids = [
      data.facility.id,
      data.program.id,
      data.division.id,
      data.indicator.id,
      data.observations.nodes[0].id,
      data.organizations.nodes[0].id,
      data.sources.nodes[0].id,
    ];
    const nodes = await api.data(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids });
    expect(nodes.nodes.map((n: { __typename: string }) => n.__typename)).toEqual([
      'Facility',
      'Program',
      'Division',
      'Indicator',
      'Observation',
      'Organization',
      'Source',
    ]);
    expect(nodes.nodes.map((n: { id: string }) => n.id)).toEqual(ids);
    const one = await api.data(`query($id: ID!) { node(id: $id) { ... on Facility { slug } } }`, { id: data.facility.id });
    expect(one.node).toEqual({ slug: 'yuxin-primary-school' });
  });

  it('node(id) of a well-formed ID whose object does not exist is null', async () => {
    const id = Buffer.from('Facility:gone', 'utf8').toString('base64url');
    expect(withoutExtensions((await api.query(`query($id: ID!) { node(id: $id) { id } }`, { id })).body)).toEqual({ data: { node: null } });
  });
});
