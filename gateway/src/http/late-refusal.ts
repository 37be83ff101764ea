/**
 * Refusals of an anonymous caller's rate are answered late: after their Retry-After, at most a second
 * (RDX_RATE_REFUSAL_DELAY_MS). A refusal costs little, but answered at once it invites the next request at once:
 * one address flooding the token endpoint over its 64 connections (http/connection-cap.ts) took most turns of
 * the event loop and data calls waited seconds behind it (docs/PERFORMANCE.md, figure 1b). Held, each of those
 * connections sends one request a second and costs a timer. An honest client loses nothing: it may not try
 * again before Retry-After anyway.
 */
import type { ErrorRequestHandler } from 'express';
import { rateLimited, type Problem } from '../problem.js';

export const RATE_REFUSAL_DELAY_MS_DEFAULT = 1000;

/** The refusals made by {@link anonymousRateRefusal}: the only ones answered late. */
const late = new WeakSet<Problem>();

/** A 429 RATE_LIMITED ({@link rateLimited}) for an anonymous caller, to be answered late. */
export function anonymousRateRefusal(
  detail: string,
  retryAfterSeconds: number,
  extra: Record<string, unknown> = {},
): Problem {
  const problem = rateLimited(detail, retryAfterSeconds, extra);
  late.add(problem);
  return problem;
}

/** How long to hold `err` before answering: min(Retry-After, `delayMs`) for a marked refusal, else 0. */
export function holdFor(err: unknown, delayMs = RATE_REFUSAL_DELAY_MS_DEFAULT): number {
  if (delayMs <= 0 || !late.has(err as Problem)) return 0;
  return Math.min(delayMs, Number((err as Problem).headers['Retry-After'] ?? 0) * 1000);
}

/** Error middleware, just before the problem handler: passes on every error, a marked refusal late. */
export function lateRefusals(delayMs = RATE_REFUSAL_DELAY_MS_DEFAULT): ErrorRequestHandler {
  return (err, _req, _res, next) => {
    const ms = holdFor(err, delayMs);
    if (ms === 0) return next(err);
    setTimeout(() => next(err), ms);
  };
}
