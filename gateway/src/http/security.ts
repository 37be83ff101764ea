/** Headers every API response carries, and request ids. */
import crypto from 'node:crypto';
import type { RequestHandler } from 'express';

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
    'Cache-Control': 'no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  next();
};

/**
 * The console's pages and assets (under /console) load their own scripts, styles and images, and call the
 * API on the same origin: nothing else, nothing inline, and never inside a frame.
 */
export const consoleSecurityHeaders: RequestHandler = (_req, res, next) => {
  res.set(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  );
  next();
};

/** Every request gets an id, echoed in `X-Request-Id` and written to the audit log. */
export const requestId: RequestHandler = (req, res, next) => {
  const id = crypto.randomUUID();
  res.locals.requestId = id;
  res.set('X-Request-Id', id);
  next();
};

export function requestIdOf(res: { locals: Record<string, unknown> }): string {
  return String(res.locals.requestId);
}
