/**
 * What anyone may call without credentials (operations, the public lists and documents, consistency proofs) is
 * limited per source address (an IPv6 caller's /64, http/caller-address.ts): readiness and the public lists read the ledger and a proof walks the log, so an
 * anonymous flood costs its sender, not the gateway. The limit (RDX_ANONYMOUS_RATE_PER_SECOND, default 50) is
 * well above what probes, scrapers and a browser need.
 *
 * The same budget is charged for whatever else a caller without credentials gets: a path or method no route has,
 * and the refusal of a call that showed no valid token; the console's files have a larger one of their own. A review flooded those from one
 * address, answered at once and unlimited, and another enterprise's data calls slowed from 7 to 185–388 ms.
 */
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { Limiter } from '../enforcement/limiter.js';
import { Problem, type ProblemCode } from '../problem.js';
import type { Services } from '../services.js';
import { callerNetwork } from './caller-address.js';
import { anonymousRateRefusal } from './late-refusal.js';

export const ANONYMOUS_RATE_DEFAULT = 50;

function overRate(): Problem {
  return anonymousRateRefusal('This address is calling faster than allowed; slow down.', 1);
}

export function perAddressRate(limiter: Limiter): RequestHandler {
  return (req, _res, next) => {
    if (limiter.take(callerNetwork(req))) return next();
    next(overRate());
  };
}

/**
 * The console's files, per address, with a budget of their own four times the routes' (200 a second by default):
 * a first visit loads some two dozen of them, a reload (they are not cached) as many again, and several people
 * behind one office's address open it at once. A flood of them still costs its sender.
 */
export function consoleFilesRate(s: Pick<Services, 'config'>): RequestHandler {
  const rate = 4 * (s.config.anonymousRatePerSecond ?? ANONYMOUS_RATE_DEFAULT);
  return perAddressRate(new Limiter(rate));
}

/** Refusals of a caller that showed no valid credential. */
const UNCREDENTIALED: ReadonlySet<ProblemCode> = new Set(['TOKEN_MISSING', 'TOKEN_INVALID']);

/**
 * `problem`, or, where it refuses a call without a valid credential from an address over its rate, the 429
 * answered late (http/late-refusal.ts) in its place.
 */
export function chargedRefusal(limiter: Limiter, req: Request, problem: Problem): Problem {
  if (!UNCREDENTIALED.has(problem.code) || limiter.take(callerNetwork(req))) return problem;
  return overRate();
}

/** Error middleware: {@link chargedRefusal} for the refusals of every route that does not record its own. */
export function chargeRefusals(limiter: Limiter): ErrorRequestHandler {
  return (err, req, _res, next) => next(err instanceof Problem ? chargedRefusal(limiter, req, err) : err);
}
