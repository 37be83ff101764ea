/**
 * Express 5 makes `req.query` a getter that parses the query string again on every read, and a data call reads it
 * half a dozen times (its length check, fields, limit, cursor, filter). This middleware reads it once and keeps
 * the result on the request, so every later read is a property load.
 */
import type { NextFunction, Request, Response } from 'express';

export function parseQueryOnce(req: Request, _res: Response, next: NextFunction): void {
  Object.defineProperty(req, 'query', {
    value: req.query,
    enumerable: true,
    configurable: true,
    writable: false,
  });
  next();
}
