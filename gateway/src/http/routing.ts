/**
 * How paths are matched, in one place: exactly as documented (case-sensitive, no trailing slash), and a known
 * path asked with a method it does not take is a 405 naming the methods it does (RFC 9110 §15.5.6), not a 404.
 */
import { decimalWholeNumber } from '@rdx/chaincode';
import express, { Router, type Express, type RequestHandler } from 'express';
import { Problem } from '../problem.js';

/** Every router of the API: `/V1/datasets` and `/v1/datasets/` are not `/v1/datasets`. */
export function apiRouter(): Router {
  return Router({ strict: true, caseSensitive: true });
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** The routes an app serves, as path patterns with their methods, read from its routers once. */
function routeTable(app: Express): { pattern: RegExp; methods: string[] }[] {
  const table: { pattern: RegExp; methods: string[] }[] = [];
  const walk = (stack: Layer[]): void => {
    for (const layer of stack) {
      if (layer.route) {
        const source = layer.route.path
          .split(/(:[A-Za-z0-9_]+)/)
          .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
          .join('');
        const methods = Object.entries(layer.route.methods)
          .filter(([m, on]) => on && m !== '_all')
          .map(([m]) => m.toUpperCase());
        table.push({ pattern: new RegExp(`^${source}$`), methods });
      }
      if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return table;
}

/** The methods `path` is served with (HEAD wherever GET is), empty for an unknown path. */
export function allowedMethods(app: Express): (path: string) => string[] {
  let table: ReturnType<typeof routeTable> | undefined;
  return (path) => {
    table ??= routeTable(app);
    const allowed = new Set(table.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods));
    if (allowed.has('GET')) allowed.add('HEAD');
    return [...allowed].sort();
  };
}

/** After every route: a path that exists under other methods answers 405 with `Allow`. */
export function methodNotAllowed(allowedAt: (path: string) => string[]): RequestHandler {
  return (req, _res, next) => {
    const allowed = allowedAt(req.path);
    if (allowed.length === 0 || allowed.includes(req.method)) return next();
    const allow = allowed.join(', ');
    next(
      new Problem(
        'METHOD_NOT_ALLOWED',
        `${req.path} takes ${allow}, not ${req.method}`,
        {},
        { Allow: allow },
      ),
    );
  };
}

/**
 * A JSON body parser that refuses, with 415, a body of another type: Express's own parser would skip it and the
 * route would run as if nothing had been asked (an aggregate of the whole dataset). No body at all is fine.
 */
export function jsonBody(limit: string): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
    if (hasBody && !req.is(['application/json', 'application/*+json']))
      return next(
        new Problem(
          'UNSUPPORTED_MEDIA_TYPE',
          `The body must be JSON (Content-Type: application/json), not ${req.get('content-type') ?? 'untyped'}.`,
        ),
      );
    next();
  };
  return [requireJson, express.json({ limit })];
}

/**
 * Refuses, as `code` (a 400) naming them, the fields of a JSON object that `what` does not take: ignored, a
 * misspelt field does what the caller did not ask (a computed result over every row, a webhook for every kind).
 */
export function onlyFields(
  body: object,
  fields: readonly string[],
  what: string,
  code: 'QUERY_INVALID' | 'BAD_REQUEST' = 'BAD_REQUEST',
): void {
  const unknown = Object.keys(body).filter((k) => !fields.includes(k));
  if (unknown.length === 0) return;
  const named = unknown.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 64)));
  const takes =
    fields.length > 1 ? `${fields.slice(0, -1).join(', ')} and ${fields.at(-1)}` : fields.join('');
  throw new Problem(code, `unknown field ${named.join(', ')}: ${what} takes ${takes}`);
}

/**
 * An integer query parameter within [min, max] (`fallback` when absent), in decimal digits as the ledger reads
 * its arguments ({@link decimalWholeNumber}).
 * @throws Problem `code` (a 400) naming the parameter and its range
 */
export function intParam(
  raw: unknown,
  name: string,
  fallback: number,
  min: number,
  max: number,
  code: 'QUERY_INVALID' | 'BAD_REQUEST' = 'QUERY_INVALID',
): number {
  if (raw === undefined) return fallback;
  const n = decimalWholeNumber(raw);
  if (n === undefined || n < min || n > max)
    throw new Problem(
      code,
      `${name} must be an integer from ${min} to ${max}, in decimal digits without a leading zero`,
    );
  return n;
}

/**
 * A boolean query parameter, `true` or `false` (`fallback` when absent): any other word (`yes`, `1`) is refused,
 * where read as false it would serve what was not asked (every notification for `unread=yes`).
 * @throws Problem `code` (a 400) naming the parameter
 */
export function booleanParam(
  raw: unknown,
  name: string,
  fallback: boolean,
  code: 'QUERY_INVALID' | 'BAD_REQUEST' = 'QUERY_INVALID',
): boolean {
  if (raw === undefined) return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new Problem(code, `${name} must be true or false`);
}
