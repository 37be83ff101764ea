/**
 * The query parameters an operation takes are the ones `/openapi.json` lists for it: one list, which clients read
 * and every handler that reads its query checks against. A parameter the document does not list is refused by
 * name: ignored, a misspelt one (`limt`, `unred`, `bdy`) would serve what was not asked, without a word.
 */
import type { Request } from 'express';
import { OPENAPI } from '../openapi/openapi.js';
import { Problem } from '../problem.js';

/** A query parameter as the document lists it. */
export interface QueryParameter {
  name: string;
  schema: { type?: string; maxLength?: number };
}

/** An operation of the document: the query parameters it takes, and what a refusal of another one names. */
export interface DocumentedOperation {
  /** `GET /v1/inbox`: what a refusal names. */
  named: string;
  params: readonly QueryParameter[];
  /** "takes after, limit and unread": the words of a refusal, made once. */
  takes: string;
}

type Item = Record<
  string,
  { parameters?: { in?: string; name?: string; schema?: QueryParameter['schema'] }[] }
>;

/**
 * The document's operations keyed as Express matches them (`GET /v1/admin/grants/:id/stats`), made at the first
 * call (the document imports modules that import this one).
 */
let operations: Map<string, DocumentedOperation> | undefined;

function operationTable(): Map<string, DocumentedOperation> {
  const table = new Map<string, DocumentedOperation>();
  for (const [template, item] of Object.entries(OPENAPI.paths as Record<string, Item>)) {
    const shared = (item as { parameters?: Item[string]['parameters'] }).parameters ?? [];
    for (const [method, op] of Object.entries(item)) {
      if (method === 'parameters') continue;
      const params = [...shared, ...(op.parameters ?? [])]
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name!, schema: p.schema ?? {} }));
      const names = params.map((p) => p.name);
      const takes =
        names.length === 0
          ? 'takes no parameters'
          : `takes ${names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0]}`;
      const verb = method.toUpperCase();
      table.set(`${verb} ${expressPath(template)}`, {
        named: `${verb} ${template}`,
        params,
        takes,
      });
    }
  }
  return table;
}

function operationOf(method: string, expressPath: string): DocumentedOperation {
  operations ??= operationTable();
  const op = operations.get(`${method === 'HEAD' ? 'GET' : method} ${expressPath}`);
  // A route served but not documented is the programmer's error, which the document's own tests also catch.
  if (!op) throw new Error(`${method} ${expressPath} is not in /openapi.json`);
  return op;
}

/** `/v1/admin/grants/{id}/stats` as Express writes it: `/v1/admin/grants/:id/stats`. */
function expressPath(template: string): string {
  return template.replace(/\{([^}]+)\}/g, ':$1');
}

/** The operation `method` at `template` (`/v1/datasets/{id}/records`), as the document lists it. */
export function documentedOperation(method: string, template: string): DocumentedOperation {
  return operationOf(method.toUpperCase(), expressPath(template));
}

/** The refusal, as `code`, of a query parameter `name` that the operation `op` does not list. */
export function unknownParameter(
  op: DocumentedOperation,
  name: string,
  code: 'QUERY_INVALID' | 'BAD_REQUEST' = 'BAD_REQUEST',
): Problem {
  return new Problem(code, `unknown parameter ${JSON.stringify(name.slice(0, 40))}: ${op.named} ${op.takes}`);
}

/**
 * Refuses, as `code` (a 400) naming the parameter, a value that is not one text: a parameter given twice
 * (`body=A&body=B`, which a route reading one text would take as none, serving every body's), or empty
 * (`limit=`, `filter=`: a script's unset variable, which read as absent would serve the default, unnarrowed).
 */
export function oneValue(
  name: string,
  value: unknown,
  code: 'QUERY_INVALID' | 'BAD_REQUEST' = 'BAD_REQUEST',
): asserts value is string {
  if (Array.isArray(value))
    throw new Problem(code, `${name.slice(0, 40)} is given more than once: give it once`);
  if (value === '')
    throw new Problem(code, `${name.slice(0, 40)} is empty: give it a value, or leave it out`);
}

/**
 * The operation of each route Express has matched, found once. Express makes a route object per
 * `router.get(…)`/`router.post(…)`, so one object is one method (a HEAD is served by the GET route, as the document
 * has it); keyed by that object, a request finds its operation without making a key of its method and path.
 */
const byRoute = new WeakMap<object, DocumentedOperation>();

/**
 * Refuses, as a 400 naming it and what the operation takes, a query parameter that the operation `req` matched
 * does not list in the document, and one listed but not given one value ({@link oneValue}). Called by the
 * handler, after it knows its caller: a caller without credentials is answered 401 whatever it asked.
 */
export function onlyDocumentedParams(req: Request): void {
  const route = req.route as { path: string };
  let op = byRoute.get(route);
  if (!op) byRoute.set(route, (op = operationOf(req.method, route.path)));
  // for…in: the parsed query has no prototype, and no array of keys is made for a query that is fine.
  for (const name in req.query) {
    if (!op.params.some((p) => p.name === name)) throw unknownParameter(op, name);
    oneValue(name, req.query[name]);
  }
}
