/**
 * Checks answers against the OpenAPI document: the operation exists, the status is listed, the content
 * type is one the response declares, and a JSON body fits its schema. The validator covers the subset of
 * JSON Schema the document uses: type (also a list of types), required, properties (and no field beyond them
 * unless additionalProperties says so), items, enum, minimum,
 * maximum and $ref to components.
 */
import { OPENAPI } from '../openapi/openapi.js';
import type { Exchange } from './harness.js';

type Schema = Record<string, unknown>;
type Doc = {
  paths: Record<string, Record<string, Schema>>;
  components: Record<string, Record<string, Schema>>;
};
const DOC = OPENAPI as unknown as Doc;

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Every (method, path template) the document lists. */
export function documentedOperations(): { method: string; template: string }[] {
  const out: { method: string; template: string }[] = [];
  for (const [template, item] of Object.entries(DOC.paths)) {
    for (const method of Object.keys(item))
      if ((HTTP_METHODS as readonly string[]).includes(method)) out.push({ method, template });
  }
  return out;
}

/** Resolves `#/components/<kind>/<name>`. */
export function resolveRef(ref: string): Schema {
  const m = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref);
  const target = m ? DOC.components[m[1] ?? '']?.[m[2] ?? ''] : undefined;
  if (!target) throw new Error(`unresolvable $ref ${ref}`);
  return target;
}

function deref(s: Schema): Schema {
  let cur = s;
  for (let n = 0; typeof cur.$ref === 'string'; n++) {
    if (n > 10) throw new Error('$ref loop');
    cur = resolveRef(cur.$ref);
  }
  return cur;
}

function typeOf(v: unknown): string[] {
  if (v === null) return ['null'];
  if (Array.isArray(v)) return ['array'];
  if (typeof v === 'number') return Number.isInteger(v) ? ['integer', 'number'] : ['number'];
  return [typeof v];
}

/** Problems of `value` against `schema`, each with its JSON path; empty when it fits. */
export function validate(schema: Schema, value: unknown, at = '$'): string[] {
  const s = deref(schema);
  const errors: string[] = [];
  if (s.type !== undefined) {
    const allowed = Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : [];
    if (!typeOf(value).some((t) => allowed.includes(t))) {
      return [`${at}: expected ${allowed.join(' | ')}, got ${typeOf(value)[0]}`];
    }
  }
  if (Array.isArray(s.enum) && !s.enum.includes(value))
    errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`);
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum)
      errors.push(`${at}: ${value} < minimum ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum)
      errors.push(`${at}: ${value} > maximum ${s.maximum}`);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (Array.isArray(s.required)) {
      for (const key of s.required as string[])
        if (!Object.hasOwn(o, key)) errors.push(`${at}: required property ${key} is missing`);
    }
    if (s.properties && typeof s.properties === 'object') {
      const properties = s.properties as Record<string, Schema>;
      for (const [key, sub] of Object.entries(properties)) {
        if (Object.hasOwn(o, key)) errors.push(...validate(sub, o[key], `${at}.${key}`));
      }
      // Every field the server sends is documented where the schema lists fields at all (an object schema
      // without properties is free-form: rows of a dataset, ledger objects under `data`).
      if (s.additionalProperties === undefined)
        for (const key of Object.keys(o))
          if (!Object.hasOwn(properties, key)) errors.push(`${at}.${key}: not in the schema`);
    }
  }
  if (Array.isArray(value) && s.items && typeof s.items === 'object') {
    value.forEach((v, i) => errors.push(...validate(s.items as Schema, v, `${at}[${i}]`)));
  }
  return errors;
}

/** The documented operation answering `method path`, with the path template it matched. */
export function findOperation(
  method: string,
  urlPath: string,
): { template: string; operation: Schema } | undefined {
  const segments = urlPath.split('/');
  for (const [template, item] of Object.entries(DOC.paths)) {
    const parts = template.split('/');
    if (parts.length !== segments.length) continue;
    if (!parts.every((p, k) => /^\{[^}]+\}$/.test(p) || p === segments[k])) continue;
    const operation = item[method.toLowerCase()];
    if (operation) return { template, operation };
  }
  return undefined;
}

/** Why an exchange does not match the document; empty when it does. */
export function checkExchange(
  ex: Pick<Exchange, 'method' | 'path' | 'status' | 'contentType' | 'body'>,
): string[] {
  const where = `${ex.method} ${ex.path} → ${ex.status}`;
  const found = findOperation(ex.method, ex.path);
  if (!found) return [`${where}: no such operation in the document`];
  const responses = found.operation.responses as Record<string, Schema>;
  const declared = responses[String(ex.status)] ?? responses.default;
  if (!declared)
    return [
      `${where}: status ${ex.status} is not listed for ${ex.method.toUpperCase()} ${found.template} (lists ${Object.keys(responses).join(', ')})`,
    ];
  const response = deref(declared);
  const content = response.content as Record<string, { schema?: Schema }> | undefined;
  if (!content)
    return ex.body.length === 0 ? [] : [`${where}: the document declares no body, but one was sent`];
  const mediaType = ex.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const media = content[mediaType];
  if (!media)
    return [
      `${where}: content type ${mediaType || '(none)'} is not one of ${Object.keys(content).join(', ')}`,
    ];
  if (!media.schema || !/[/+]json$/.test(mediaType)) return [];
  let body: unknown;
  try {
    body = JSON.parse(ex.body.toString('utf8')) as unknown;
  } catch {
    return [`${where}: the body is not JSON`];
  }
  return validate(media.schema, body).map((e) => `${where}: ${e}`);
}
