// A typed Minsheng client: each graphql(`…`) document below gets its result and variable types from
// GraphQL Code Generator (codegen.ts next to this file writes them to ./gql/).
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { graphql } from './gql/index.js';

const endpoint = 'http://localhost:4000/graphql';

/** Sends one operation to the API; the document's types say what the variables and the data are. */
export async function request<Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables): Promise<Result> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const { data, errors } = (await response.json()) as { data?: Result; errors?: { message: string }[] };
  if (errors?.length || !data) throw new Error(errors?.map((error) => error.message).join('\n') ?? `HTTP ${response.status}`);
  return data;
}

const FiguresQuery = graphql(`
  query Figures($search: String!, $endingBefore: Date) {
    observations(filter: { search: $search, periodEnd: { lt: $endingBefore } }, first: 10) {
      nodes {
        value
        unit
        label
        period { start end }
        source { quote document { title url publishedOn } }
      }
    }
    rateLimit { remaining resetAt }
  }
`);

const FacilityMapQuery = graphql(`
  query FacilityMap($slug: String!) {
    facility(slug: $slug) {
      name
      location { latitude longitude }
      geojson
    }
  }
`);

/** Figures about a topic, with the period each one covers and where it was published. */
export async function figuresAbout(search: string) {
  const { observations, rateLimit } = await request(FiguresQuery, { search, endingBefore: '2024-01-01' });
  const figures = observations.nodes.map((figure) => {
    const periodEnd: string = figure.period.end; // Date: "2023-12-31"
    const link: URL | null = figure.source.document.url ? new URL(figure.source.document.url) : null;
    return { value: figure.value, label: figure.label, periodEnd, link, quote: figure.source.quote };
  });
  const budgetResetsAt = new Date(rateLimit.resetAt); // DateTime: an ISO 8601 string
  return { figures, budgetResetsAt };
}

/** One facility as a map marker: its point (null where the source gives none) and its GeoJSON Feature. */
export async function facilityMarker(slug: string) {
  const { facility } = await request(FacilityMapQuery, { slug });
  if (!facility) return null;
  const point: [longitude: number, latitude: number] | null = facility.location ? [facility.location.longitude, facility.location.latitude] : null;
  const feature: Record<string, unknown> = facility.geojson;
  return { name: facility.name, point, feature };
}
