/**
 * What anyone may call without credentials (operations, the public lists and documents, consistency proofs) is
 * limited per source address (an IPv6 caller's /64, http/caller-address.ts): readiness and the public lists read the ledger and a proof walks the log, so an
 * anonymous flood costs its sender, not the gateway. The limit (RDX_ANONYMOUS_RATE_PER_SECOND, default 50) is
 * well above what probes, scrapers and a browser need.
 */
import type { RequestHandler } from 'express';
import { Limiter } from '../enforcement/limiter.js';
import { callerNetwork } from './caller-address.js';
import { anonymousRateRefusal } from './late-refusal.js';

export const ANONYMOUS_RATE_DEFAULT = 50;

export function perAddressRate(ratePerSecond = ANONYMOUS_RATE_DEFAULT): RequestHandler {
  const limiter = new Limiter(ratePerSecond);
  return (req, _res, next) => {
    if (limiter.take(callerNetwork(req))) return next();
    next(anonymousRateRefusal('This address is calling faster than allowed; slow down.', 1));
  };
}
