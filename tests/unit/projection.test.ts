// type-graphql reads decorator metadata through Reflect even with emitDecoratorMetadata off.
import 'reflect-metadata';
import { parse, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type OperationDefinitionNode } from 'graphql';
import { Field, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { propertiesOf } from '../../src/db/sqlParts.js';
import { facilities, observations, programs } from '../../src/db/tables/index.js';
import { facilityProjection } from '../../src/domains/facilities/queries.js';
import { programProjection } from '../../src/domains/programs/queries.js';
import { observationProjection } from '../../src/domains/statistics/queries.js';
import '../../src/composition/schema.js'; // every resolver module, as the server has them
import { Reads, ReadsWholeRow, RowProjection } from '../../src/graphql/projection.js';

// What a field reads is declared beside its resolver (src/graphql/projection.ts); the projections are
// worked out from those declarations and the type-graphql metadata, with no server and no database.

/** The resolve info of the first root field of `document`, as much of it as a projection reads. */
function infoOf(document: string): GraphQLResolveInfo {
  const parsed = parse(document);
  const operation = parsed.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  const fragments = Object.fromEntries(
    parsed.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((fragment) => [fragment.name.value, fragment]),
  );
  return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments } as unknown as GraphQLResolveInfo;
}

/** The reads of every field of a row type, as they were listed by hand beside each table before they moved to the resolvers. */
function handListed(table: Parameters<typeof propertiesOf>[0], plainFields: string[], resolved: Record<string, readonly string[] | undefined>) {
  const columns = new Set(propertiesOf(table));
  for (const field of plainFields) expect(columns.has(field), field).toBe(true);
  return new Map<string, readonly string[] | undefined>([...plainFields.map((field): [string, string[]] => [field, [field]]), ...Object.entries(resolved)]);
}

describe('the domains’ row projections', () => {
  // The maps that were kept in step with the resolvers by hand: the derived ones must equal them (so the
  // SQL sent is as it was), with the fields they did not list (which fetched every column) as whole-row.
  it('Facility', () => {
    expect(facilityProjection.fieldReads()).toEqual(
      handListed(facilities, ['slug', 'category', 'domain', 'status', 'revision'], {
        id: ['slug'],
        retiredAt: ['retiredAt'],
        retirement: ['slug', 'retiredAt'],
        name: ['nameZh', 'nameEn'],
        description: ['descriptionZh', 'descriptionEn'],
        address: ['addressZh', 'addressEn'],
        location: ['longitude', 'latitude', 'locationPrecision'],
        distanceMeters: [],
        geojson: undefined,
        division: ['divisionId'],
        operator: ['operatorId'],
        observations: [],
        organizations: undefined,
        sources: [],
        programs: [],
      }),
    );
  });

  it('Program', () => {
    expect(programProjection.fieldReads()).toEqual(
      handListed(programs, ['slug', 'domain', 'kind', 'status', 'startDate', 'endDate', 'revision'], {
        id: ['slug'],
        retiredAt: ['retiredAt'],
        retirement: ['slug', 'retiredAt'],
        name: ['nameZh', 'nameEn'],
        description: ['descriptionZh', 'descriptionEn'],
        leadOrganization: ['leadOrganizationId'],
        division: ['divisionId'],
        parent: ['parentId'],
        children: [],
        observations: [],
        organizations: undefined,
        sources: [],
        facilities: [],
      }),
    );
  });

  it('Observation', () => {
    expect(observationProjection.fieldReads()).toEqual(
      handListed(observations, ['key', 'value', 'qualifier', 'unit', 'measure', 'status', 'reportedInDomain', 'revision'], {
        id: ['key'],
        retiredAt: ['retiredAt'],
        retirement: ['key', 'retiredAt'],
        indicator: ['indicatorId'],
        period: ['periodStart', 'periodEnd', 'periodLabelZh', 'periodLabelEn'],
        label: ['labelZh', 'labelEn'],
        division: ['divisionId'],
        facility: ['facilityId'],
        program: ['programId'],
        programs: ['programId'],
        source: ['sourceId', 'quote'],
        conflictsWith: ['conflictGroup', 'key'],
        // Declared in citationResolver.ts, which the hand-kept map never listed (they fetched every column).
        permalink: observationProjection.fieldReads().get('permalink'),
        citation: observationProjection.fieldReads().get('citation'),
      }),
    );
  });

  it('a list of facilities fetches the columns of the fields asked, through fragments', () => {
    const info = infoOf(`{ facilities { nodes { slug ...F } edges { node { division { name } } } } }
      fragment F on Facility { name programs { totalCount } }`);
    expect(facilityProjection.forConnection(info)).toEqual({
      key: 'divisionId,id,nameEn,nameZh,slug-',
      properties: ['divisionId', 'id', 'nameEn', 'nameZh', 'slug'],
      cursors: false,
    });
    // Worked out once per field of a parsed document.
    expect(facilityProjection.forConnection(info)).toBe(facilityProjection.forConnection(info));
    expect(facilityProjection.forConnection(infoOf('{ facilities { nodes { geojson } pageInfo { endCursor } } }'))).toEqual({
      key: '*',
      properties: undefined,
      cursors: true,
    });
  });
});

// Row types of their own, so that each check meets only its own declarations.
interface GaugeRow {
  id: number;
  slug: string;
  nameZh: string;
  nameEn: string;
}
const gaugeColumns = ['id', 'slug', 'nameZh', 'nameEn'];

describe('a field that declares its reads', () => {
  @ObjectType()
  class Gauge {
    @Field(() => String)
    slug!: string;
  }
  @Resolver(() => Gauge)
  class GaugeResolver {
    @FieldResolver(() => String)
    @Reads<GaugeRow>('nameZh', 'nameEn')
    name(@Root() gauge: GaugeRow) {
      return gauge.nameZh;
    }
  }
  @Resolver(() => Gauge)
  class GaugeReadingsResolver {
    @FieldResolver(() => [String])
    @Reads()
    readings() {
      return [];
    }

    @FieldResolver(() => String)
    @ReadsWholeRow()
    summary(@Root() gauge: GaugeRow) {
      return JSON.stringify(gauge);
    }
  }
  const gauges = new RowProjection(() => Gauge, gaugeColumns);

  it('is read as declared, in whichever resolver class declares it', () => {
    expect([GaugeResolver, GaugeReadingsResolver]).toHaveLength(2);
    expect(gauges.forObject(infoOf('{ gauge { name readings } }')).properties).toEqual(['id', 'nameEn', 'nameZh']);
    expect(gauges.forObject(infoOf('{ gauge { slug __typename } }')).properties).toEqual(['id', 'slug']);
    expect(gauges.forObject(infoOf('{ gauge { slug summary } }')).properties).toBeUndefined();
  });
});

describe('a field that does not declare its reads', () => {
  it('fails the first use of the projection, naming the field', () => {
    @ObjectType()
    class Meter {
      @Field(() => String)
      slug!: string;
    }
    @Resolver(() => Meter)
    class MeterResolver {
      @FieldResolver(() => String)
      @Reads<GaugeRow>('nameZh')
      name(@Root() meter: GaugeRow) {
        return meter.nameZh;
      }

      @FieldResolver(() => String)
      label(@Root() meter: GaugeRow) {
        return meter.nameEn;
      }
    }
    expect(MeterResolver).toBeDefined();
    const meters = new RowProjection(() => Meter, gaugeColumns);
    expect(() => meters.forObject(infoOf('{ meter { slug } }'))).toThrow(/Meter\.label \(MeterResolver\.label\) does not say what it reads/);
  });

  it('fails when a plain field is no column of the row', () => {
    @ObjectType()
    class Dial {
      @Field(() => String)
      colour!: string;
    }
    const dials = new RowProjection(() => Dial, gaugeColumns);
    expect(() => dials.fieldReads()).toThrow(/Dial\.colour is no property of the row/);
  });

  it('fails when a declaration is on no field resolver', () => {
    @ObjectType()
    class Scale {
      @Field(() => String)
      slug!: string;
    }
    @Resolver(() => Scale)
    class ScaleResolver {
      @Reads<GaugeRow>('nameZh')
      name(meter: GaugeRow) {
        return meter.nameZh;
      }
    }
    expect(ScaleResolver).toBeDefined();
    expect(() => new RowProjection(() => Scale, gaugeColumns).fieldReads()).toThrow(/ScaleResolver\.name declares what it reads but is no @FieldResolver/);
  });
});
