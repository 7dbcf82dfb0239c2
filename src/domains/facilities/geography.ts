import { sql, type SQL } from 'drizzle-orm';
import { PLANNED_FOR_ITS_VALUES } from '../../db/planning.js';
import { col } from '../../db/sqlParts.js';
import { badUserInput } from '../../graphql/errors.js';
import { MAX_RADIUS_METERS, type BoundingBoxInput, type NearInput } from './types.js';

/**
 * Geography without PostGIS (PGlite has none): great-circle distance by the haversine formula in plain
 * SQL, and a latitude/longitude box first so the (latitude, longitude) index narrows the candidates.
 */
const EARTH_RADIUS_METERS = 6_371_008.8; // mean radius, IUGG
const METERS_PER_DEGREE_LATITUDE = 111_320;

export function distanceMeters(alias: string, near: NearInput): SQL {
  const lat = col(alias, 'latitude');
  const lon = col(alias, 'longitude');
  return sql`(${EARTH_RADIUS_METERS}::float8 * 2 * asin(sqrt(
    power(sin(radians(${lat} - ${near.latitude}::float8) / 2), 2)
    + cos(radians(${near.latitude}::float8)) * cos(radians(${lat})) * power(sin(radians(${lon} - ${near.longitude}::float8) / 2), 2))))`;
}

/** graphql-scalars' Latitude/Longitude refuse integer literals (`30`), so inputs are Floats checked here. */
function checkCoordinates(argument: string, latitudes: number[], longitudes: number[]) {
  for (const latitude of latitudes)
    if (!(latitude >= -90 && latitude <= 90)) throw badUserInput(`\`${argument}\`: latitude ${latitude} is not between -90 and 90.`, { argument });
  for (const longitude of longitudes)
    if (!(longitude >= -180 && longitude <= 180)) throw badUserInput(`\`${argument}\`: longitude ${longitude} is not between -180 and 180.`, { argument });
}

export function withinDistance(alias: string, near: NearInput): SQL {
  checkCoordinates('near', [near.latitude], [near.longitude]);
  if (!(near.radiusMeters > 0) || near.radiusMeters > MAX_RADIUS_METERS) {
    throw badUserInput(`\`near.radiusMeters\` must be more than 0 and at most ${MAX_RADIUS_METERS}; got ${near.radiusMeters}.`, {
      argument: 'filter.near.radiusMeters',
      limit: MAX_RADIUS_METERS,
    });
  }
  const dLat = near.radiusMeters / METERS_PER_DEGREE_LATITUDE;
  const dLon = near.radiusMeters / (METERS_PER_DEGREE_LATITUDE * Math.max(Math.cos((near.latitude * Math.PI) / 180), 0.01));
  // How many rows a box holds depends on its size: planned for its values (planning.ts).
  return sql`${PLANNED_FOR_ITS_VALUES}(${col(alias, 'latitude')} between ${near.latitude - dLat}::float8 and ${near.latitude + dLat}::float8
    and ${col(alias, 'longitude')} between ${near.longitude - dLon}::float8 and ${near.longitude + dLon}::float8
    and ${distanceMeters(alias, near)} <= ${near.radiusMeters}::float8)`;
}

export function insideBox(alias: string, box: BoundingBoxInput): SQL {
  checkCoordinates('within', [box.south, box.north], [box.west, box.east]);
  if (box.south > box.north)
    throw badUserInput(`\`within\` has its south edge (${box.south}) north of its north edge (${box.north}).`, { argument: 'filter.within' });
  if (box.west > box.east)
    throw badUserInput(
      `\`within\` has its west edge (${box.west}) east of its east edge (${box.east}); boxes across the 180° meridian are not supported: split it in two with \`or\`.`,
      { argument: 'filter.within' },
    );
  return sql`${PLANNED_FOR_ITS_VALUES}(${col(alias, 'latitude')} between ${box.south}::float8 and ${box.north}::float8
    and ${col(alias, 'longitude')} between ${box.west}::float8 and ${box.east}::float8)`;
}
