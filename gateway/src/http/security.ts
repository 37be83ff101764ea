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
