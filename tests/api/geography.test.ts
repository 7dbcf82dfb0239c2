import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../support/api.js';

// The Dadukou report gives no coordinates (and none are invented), so this file's own copy of the database
// gets three made-up test facilities at known points around Chongqing. They never reach the seeds.
let api: TestApi;
const points = [
  { slug: 'test-point-a', lat: 29.4846, lon: 106.4823 },
  { slug: 'test-point-b', lat: 29.49, lon: 106.4823 }, // ~600 m north of A
  { slug: 'test-point-c', lat: 29.563, lon: 106.5516 }, // ~11 km away
];
beforeAll(async () => {
  api = await startApi();
  for (const p of points) {
    await api.db.rows(sql`insert into facilities (slug, category, domain, status, name_zh, name_en, longitude, latitude, location_precision)
      values (${p.slug}, 'other', 'culture', 'open', ${`测试点${p.slug.at(-1)}`}, ${`Test point ${p.slug.at(-1)}`}, ${p.lon}, ${p.lat}, 'test')`);
  }
});
afterAll(async () => {
  await api?.close();
});

describe('geography', () => {
  it('near finds facilities within the radius, nearest first, with their distance', async () => {
    const data = await api.data(
      `{ facilities(filter: { near: { latitude: 29.4846, longitude: 106.4823, radiusMeters: 1000 } }) { nodes { slug distanceMeters } } }`,
    );
    expect(data.facilities.nodes.map((n: { slug: string }) => n.slug)).toEqual(['test-point-a', 'test-point-b']);
    expect(data.facilities.nodes[0].distanceMeters).toBeCloseTo(0, 3);
    expect(data.facilities.nodes[1].distanceMeters).toBeGreaterThan(590);
    expect(data.facilities.nodes[1].distanceMeters).toBeLessThan(610); // 0.0054° of latitude ≈ 600.5 m
  });

  it('a larger radius reaches farther, and DISTANCE can be ordered descending', async () => {
    const data = await api.data(
      `{ facilities(filter: { near: { latitude: 29.4846, longitude: 106.4823, radiusMeters: 20000 } }, orderBy: [{ field: DISTANCE, direction: DESC }]) { nodes { slug distanceMeters } } }`,
    );
    expect(data.facilities.nodes.map((n: { slug: string }) => n.slug)).toEqual(['test-point-c', 'test-point-b', 'test-point-a']);
    expect(data.facilities.nodes[0].distanceMeters).toBeGreaterThan(9000);
  });

  it('distance is null in lists without near', async () => {
    const data = await api.data(`{ facility(slug: "test-point-a") { distanceMeters } }`);
    expect(data.facility.distanceMeters).toBeNull();
  });

  it('a bounding box', async () => {
    const data = await api.data(`{ facilities(filter: { within: { south: 29.48, west: 106.48, north: 29.50, east: 106.49 } }) { nodes { slug } } }`);
    expect(data.facilities.nodes.map((n: { slug: string }) => n.slug)).toEqual(['test-point-a', 'test-point-b']);
  });

  it('GeoJSON features follow RFC 7946: [longitude, latitude], null geometry when unknown', async () => {
    const data = await api.data(`{ a: facility(slug: "test-point-a") { geojson(lang: EN) } b: facility(slug: "yuxin-primary-school") { geojson } }`);
    expect(data.a.geojson).toEqual({
      type: 'Feature',
      id: 'test-point-a',
      geometry: { type: 'Point', coordinates: [106.4823, 29.4846] },
      properties: { slug: 'test-point-a', name: 'Test point a', category: 'other', domain: 'culture', status: 'open', locationPrecision: 'test' },
    });
    expect(data.b.geojson.geometry).toBeNull();
  });

  it('bad geography is a clear mistake', async () => {
    const radius = await api.query(`{ facilities(filter: { near: { latitude: 29.5, longitude: 106.5, radiusMeters: 500000 } }) { totalCount } }`);
    expect(radius.body.errors![0]!.message).toBe('`near.radiusMeters` must be more than 0 and at most 100000; got 500000.');
    const box = await api.query(`{ facilities(filter: { within: { south: 30, west: 106, north: 29, east: 107 } }) { totalCount } }`);
    expect(box.body.errors![0]!.message).toBe('`within` has its south edge (30) north of its north edge (29).');
    const latitude = await api.query(`{ facilities(filter: { near: { latitude: 95, longitude: 106.5, radiusMeters: 5 } }) { totalCount } }`);
    expect(latitude.body.errors![0]!.message).toBe('`near`: latitude 95 is not between -90 and 90.');
  });
});
