// Route schemas from schemas/api.schema.json, the API's one source of truth. Each definition is
// inlined (its $refs replaced by the schemas they point to) so that the validators, the response
// serializers and the OpenAPI document all see the same plain schema, with no shared-schema
// registry to keep in step.
import apiSchema from '../../schemas/api.schema.json' with { type: 'json' };
import diagnosticSchema from '../../schemas/diagnostic.schema.json' with { type: 'json' };

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export type ApiDefinition = keyof typeof apiSchema.definitions;

const documents: Record<string, JsonObject> = {
  'api.schema.json': apiSchema as unknown as JsonObject,
  'diagnostic.schema.json': diagnosticSchema as unknown as JsonObject,
};

/** Keywords for the type generator only (json-schema-to-typescript), not JSON Schema. */
const generatorOnly = new Set(['tsType', '$schema', '$id', 'title', 'definitions']);

function resolve(ref: string, inDocument: string): { schema: JsonObject; document: string } {
  const [file, pointer = ''] = ref.split('#');
  const document = file ? file : inDocument;
  let node: Json | undefined = documents[document];
  for (const part of pointer.split('/').filter(Boolean)) node = node && typeof node === 'object' && !Array.isArray(node) ? node[part] : undefined;
  if (!node || typeof node !== 'object' || Array.isArray(node)) throw new Error(`unresolvable $ref ${ref} in ${inDocument}`);
  return { schema: node, document };
}

function inline(node: Json, document: string): Json {
  if (Array.isArray(node)) return node.map((x) => inline(x, document));
  if (!node || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') {
    const target = resolve(node.$ref, document);
    return inline(target.schema, target.document);
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (generatorOnly.has(k)) continue;
    // Keys of `properties` are names, not keywords: keep them whatever they are called.
    out[k] = k === 'properties' && v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([name, s]) => [name, inline(s, document)])) : inline(v, document);
  }
  return out;
}

const cache = new Map<string, JsonObject>();

/** The named definition of schemas/api.schema.json as a self-contained schema. */
export function def(name: ApiDefinition): JsonObject {
  let s = cache.get(name);
  if (!s) {
    s = inline(resolve(`#/definitions/${name}`, 'api.schema.json').schema, 'api.schema.json') as JsonObject;
    cache.set(name, s);
  }
  return s;
}

/** An array of a definition. */
export function listOf(name: ApiDefinition): JsonObject {
  return { type: 'array', items: def(name) };
}

/** Responses every authenticated route can give, besides its own. */
export function errors(...codes: number[]): Record<number, JsonObject> {
  return Object.fromEntries([400, 401, 403, ...codes].map((c) => [c, def('Error')]));
}

/**
 * For routes that take no fields (submit, retire, rollback): an empty object or no body at all,
 * which `bodyOptional` reads as {}; any field is refused with a 400, as on every other route.
 */
export function noFields(): { body: JsonObject } {
  return { body: def('EmptyBody') };
}

/** preValidation hook of the routes with `noFields()`: a request without a body is an empty one. */
export async function bodyOptional(request: { body: unknown }): Promise<void> {
  request.body ??= {};
}
