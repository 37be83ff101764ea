/**
 * Middleware run one after the other as one layer of Express's router. The router dispatches every layer a request
 * passes (its path matched, its parameters, a closure or two), which a profile of the data call put at a few µs
 * for the handful every request goes through; in one layer they pay that once. Each handler is called as the
 * router would call it: an error it throws, hands to `next` or rejects with goes to the error handlers, and one
 * that answers without calling `next` ends the request's way there.
 */
import type { NextFunction, RequestHandler } from 'express';

export function inSequence(...handlers: RequestHandler[]): RequestHandler {
  return (req, res, done) => {
    let at = 0;
    const next = ((err?: unknown): void => {
      // 'route' and 'router' skip what is left of this layer, as they would have skipped the handlers' own.
      if (err !== undefined || at === handlers.length) return done(err);
      const handler = handlers[at++]!;
      try {
        const ran: unknown = handler(req, res, next);
        if (ran instanceof Promise)
          ran.catch((e: unknown) => done(e ?? new Error('A handler rejected without a reason')));
      } catch (e) {
        done(e);
      }
    }) as NextFunction;
    next();
  };
}
