import { inLanguage, type Language } from '../../graphql/language.js';
import type { FacilityRow } from './types.js';

/**
 * A facility as an RFC 7946 Feature. Coordinates are [longitude, latitude] (RFC 7946 §3.1.1); a facility
 * whose location no reliable source gives has a null geometry (RFC 7946 §3.2), never a guessed point.
 */
export function toGeoJsonFeature(facility: FacilityRow, language: Language) {
  return {
    type: 'Feature',
    id: facility.slug,
    geometry: facility.longitude == null || facility.latitude == null ? null : { type: 'Point', coordinates: [facility.longitude, facility.latitude] },
    properties: {
      slug: facility.slug,
      name: inLanguage(language, facility.nameZh, facility.nameEn),
      category: facility.category,
      domain: facility.domain,
      status: facility.status,
      locationPrecision: facility.locationPrecision,
    },
  };
}
