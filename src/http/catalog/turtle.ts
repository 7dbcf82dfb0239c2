import type { JsonLdDocument, Options } from 'jsonld';
import { CONTEXT } from './dcatRecord.js';

/** Prefixes the Turtle is written with: those of the record's context, so it reads like the JSON-LD. */
const PREFIXES = CONTEXT;

/**
 * The same graph as Turtle. jsonld turns the JSON-LD into RDF by the JSON-LD 1.1 algorithms (its context
 * is inline, so nothing is fetched), n3 writes that RDF as Turtle: both serializations hold one graph,
 * and neither is written by hand.
 */
export async function jsonLdToTurtle(document: object): Promise<string> {
  // Loaded on the first Turtle asked for: a server that never writes Turtle does not carry them.
  const [{ default: jsonld }, { Parser, Writer }] = await Promise.all([import('jsonld'), import('n3')]);
  // safe mode: a term the context does not define is an error, never a silently dropped statement.
  const options = { format: 'application/n-quads', safe: true } as Options.ToRdf; // @types/jsonld predates `safe`
  const nquads = (await jsonld.toRDF(document as JsonLdDocument, options)) as unknown as string;
  const quads = new Parser({ format: 'application/n-quads' }).parse(nquads);
  const writer = new Writer({ prefixes: PREFIXES });
  writer.addQuads(quads);
  return new Promise((resolve, reject) => writer.end((error, result: string) => (error ? reject(error) : resolve(result))));
}
