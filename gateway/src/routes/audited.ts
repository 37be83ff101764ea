/**
 * Every data request's decision goes to the audit log before the response leaves: an allow with the row
 * count and the hash of the exact body sent, or a deny with its reason. Every field is capped, so no request
 * writes more than a bounded record. Requests nobody answers for (no valid token, or a dataset that does not
 * exist) are counted in /metrics and only sampled into the log at a bounded rate: an anonymous client cannot
 * grow the log (and its Merkle tree and anchoring work) at will. An authenticated enterprise's requests on real
 * datasets are all logged but for its repeated refusals, sampled per reason. Each of an enterprise's requests
 * goes past the misuse monitor, logged or sampled out.
 */
import crypto from 'node:crypto';
import type { ErrorRequestHandler, Request, Response } from 'express';
import { chargedRefusal } from '../http/anonymous-rate.js';
import { callerNetwork } from '../http/caller-address.js';
import { holdFor } from '../http/late-refusal.js';
import { encodedAnswer } from '../http/whole-answer-encoding.js';
import { requestIdOf } from '../http/security.js';
import { Problem, problemBody, problemOf, PROBLEMS } from '../problem.js';
import { wellFormedEntry } from '../audit/audit-record.js';
import type { AuditEntry, Services } from '../services.js';

export interface AccessContext {
  enterprise?: string;
  datasetId?: string;
  grantId?: string;
  items: string[];
  /**
   * The request's query in canonical form (fields, filters, cursor, limit; or the computed result asked for
   * and its ε), so a regulator can see how records were singled out.
   */
  query?: string;
}

/**
 * A data request's context, with its caller when a route checked the token first (`tokenFirst`): whatever is
 * refused after that, a body it cannot read included, is recorded under the caller's name.
 */
export function accessContext(req: Request, res: Response): AccessContext {
  return {
    enterprise: res.locals.creditCode as string | undefined,
    datasetId: typeof req.params.id === 'string' ? req.params.id : undefined,
    items: [],
  };
}

/** Longest value kept of each logged field (characters), and most items kept. */
const CAP = { path: 256, id: 128, item: 64, items: 64, reason: 64, query: 4096 } as const;

/** At most `max` characters of `text` (a cut that parts a pair is mended with the rest, by wellFormedEntry). */
function cap(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return text;
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function entry(
  s: Services,
  req: Request,
  res: Response,
  a: AccessContext,
  decision: 'allow' | 'deny',
  reason: string,
  status: number,
  rowCount: number,
  responseHash?: string,
): AuditEntry {
  return wellFormedEntry({
    time: s.now().toISOString(),
    requestId: requestIdOf(res),
    gatewayId: s.config.gatewayId,
    clientId: cap(a.enterprise, CAP.id),
    enterprise: cap(a.enterprise, CAP.id),
    method: cap(req.method, 16)!,
    path: cap(req.path, CAP.path)!,
    datasetId: cap(a.datasetId, CAP.id),
    grantId: cap(a.grantId, CAP.id),
    decision,
    reason: cap(reason, CAP.reason)!,
    items: a.items.slice(0, CAP.items).map((i) => cap(i, CAP.item)!),
    query: cap(a.query, CAP.query),
    rowCount,
    responseHash,
    status,
  });
}

/** Records a denial durably, then answers it as a problem. */
export async function deny(
  s: Services,
  req: Request,
  res: Response,
  a: AccessContext,
  refused: Problem,
): Promise<void> {
  // A call without a valid token, from an address over its rate: refused as over it, and late.
  const problem = chargedRefusal(s.addressRate, req, refused);
  const body = JSON.stringify(
    problemBody(problem.code, problem.detail, { ...problem.extra, requestId: requestIdOf(res) }),
  );
  const hash = crypto.hash('sha256', body, 'hex');
  const attributed = a.enterprise !== undefined && s.view.datasets.has(a.datasetId ?? '');
  const record = logged(s, problem, attributed ? a.enterprise : undefined);
  // Built only where it is read, by the log or the monitor: not for each of an anonymous flood's sampled out.
  const denied =
    record || attributed ? entry(s, req, res, a, 'deny', problem.code, problem.status, 0, hash) : undefined;
  if (record) await s.audit.append(denied!);
  decisions(s, 'deny', problem.code);
  // An anonymous caller over its rate waits for its refusal (http/late-refusal.ts); its record is written.
  const hold = holdFor(problem, s.config.rateRefusalDelayMs);
  if (hold > 0) await new Promise((resolve) => setTimeout(resolve, hold));
  res.set(problem.headers).status(PROBLEMS[problem.code].status).type('application/problem+json').send(body);
  // Sampled out of the log or not, the monitor sees an enterprise's refusal on a real dataset: a probing
  // enterprise is one whose refusals pile up. (A dataset that does not exist is no grant's to watch.)
  if (attributed) watch(s, req, denied!);
}

/** How many unattributed denials may enter the log per second, with a burst of ten seconds' worth. */
export const UNATTRIBUTED_LOG_PER_SECOND = 1;

/** Up to `burst` at once, then `perSecond`. */
class Sampler {
  private tokens: number;
  private at = Date.now();

  constructor(
    private readonly perSecond: number,
    private readonly burst = 10 * perSecond,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Refusals for one reason that one enterprise may add to the log per second, after a minute's worth at once.
 * Refused at once, an enterprise may send as fast as its connections go, each refusal a record: ten threads past
 * their grant's rate wrote 44 000 in three minutes (30 MB); three asking for a dataset they hold no grant on,
 * 7 000 in ten seconds; while a gateway fell behind anchoring, three wrote 32 000 AUDIT_BEHIND in thirty seconds
 * and filled what had been freed of a full disk — and a full disk stops every data call (AUDIT_UNWRITABLE). What
 * it is allowed is recorded each time; its refusals are sampled, per reason, and the rest counted. A minute's
 * worth at once, so a client refused a few times in a row, as honest ones are, has each refusal recorded.
 */
export const REFUSALS_LOGGED_PER_SECOND = 1;
const REFUSALS_LOGGED_AT_ONCE = 60 * REFUSALS_LOGGED_PER_SECOND;

/** What a gateway's denials may leave out of its log, and the counts of what they left out. */
interface Sampling {
  unattributed: Sampler;
  /**
   * Keyed by an enterprise the token service vouched for and a reason: as many as are onboarded, times the
   * reasons a data call is refused for.
   */
  refusalsOf: Map<string, Sampler>;
  unattributedUnlogged: (labels: Record<string, string>) => void;
  refusalsUnlogged: (labels: Record<string, string>) => void;
}

const samplings = new WeakMap<Services, Sampling>();
function samplingOf(s: Services): Sampling {
  let sampling = samplings.get(s);
  if (!sampling)
    samplings.set(
      s,
      (sampling = {
        unattributed: new Sampler(s.unattributedLogPerSecond ?? UNATTRIBUTED_LOG_PER_SECOND),
        refusalsOf: new Map(),
        unattributedUnlogged: s.metrics.counter(
          'rdx_unattributed_denials_unlogged_total',
          'Denials without a valid token or for an unknown dataset that the audit log sampled out',
        ),
        refusalsUnlogged: s.metrics.counter(
          'rdx_refusals_unlogged_total',
          "Enterprises' refusals that the audit log sampled out, by reason (it keeps one a second per enterprise and reason)",
        ),
      }),
    );
  return sampling;
}

/**
 * Whether a denial enters the log; counted when it does not. Unattributed ones (no valid token, or a dataset
 * that does not exist) are sampled together; an enterprise's, per enterprise and reason.
 */
function logged(s: Services, problem: Problem, enterprise: string | undefined): boolean {
  const sampling = samplingOf(s);
  if (enterprise === undefined) {
    if (sampling.unattributed.take()) return true;
    sampling.unattributedUnlogged({ reason: problem.code });
    return false;
  }
  const key = `${enterprise} ${problem.code}`;
  let sampler = sampling.refusalsOf.get(key);
  if (!sampler)
    sampling.refusalsOf.set(
      key,
      (sampler = new Sampler(REFUSALS_LOGGED_PER_SECOND, REFUSALS_LOGGED_AT_ONCE)),
    );
  if (sampler.take()) return true;
  sampling.refusalsUnlogged({ reason: problem.code });
  return false;
}

const EMPTY_SHA256 = crypto.hash('sha256', '', 'hex');

/** Records an allow with the hash of `body`, then sends exactly that body. */
export async function allow(
  s: Services,
  req: Request,
  res: Response,
  a: AccessContext,
  body: string,
  rowCount: number,
  contentType = 'application/json',
): Promise<void> {
  // A HEAD gets the headers of the answer and no body: recorded as what left the gateway, no rows.
  const headOnly = req.method === 'HEAD';
  // Encoded once, for the hash and the answer alike. Ended as a string, the body was joined to the headers and
  // copied once more on the heap before its encoding (~6 KB per 20-row page of Chinese text).
  const bytes = Buffer.from(body);
  // One-shot: no Hash object per answer (6.7 µs against 3.3 in the gateway under load).
  const hash = headOnly ? EMPTY_SHA256 : crypto.hash('sha256', bytes, 'hex');
  const allowed = entry(s, req, res, a, 'allow', 'OK', 200, headOnly ? 0 : rowCount, hash);
  // Compressed (for a client that asks) while the record is being made durable, rather than by the app's
  // compression of whole answers once it is ended (http/answer-compression.ts: an answer that names its
  // Content-Encoding passes it as it is). The record's hash stays that of the body itself, which is what the
  // client reads once it has decoded it.
  const [, sent] = await Promise.all([s.audit.append(allowed), encodedAnswer(req, bytes)]);
  decisions(s, 'allow', 'OK');
  // Ended directly rather than by Express's send, which would hash the body once more for an ETag: an answer
  // that is never stored (no-store) and names its own request id can never be revalidated. A HEAD gets the
  // length a GET would, and no body (Node leaves it out).
  res.statusCode = 200;
  res.setHeader('Content-Type', `${contentType}; charset=utf-8`);
  if (req.headers['accept-encoding']) res.vary('Accept-Encoding');
  if (sent.encoding) res.setHeader('Content-Encoding', sent.encoding);
  res.setHeader('Content-Length', sent.body.length);
  res.end(sent.body);
  // Watched once the answer is on its way: the monitor adds nothing to the response's latency.
  watch(s, req, allowed);
}

/**
 * Records an allow whose body is streamed: `hash` and `rowCount` come from a first pass over exactly the bytes
 * that `chunks` yields now; the record is durable before the first byte is sent.
 */
export async function allowStream(
  s: Services,
  req: Request,
  res: Response,
  a: AccessContext,
  hash: string,
  rowCount: number,
  contentType: string,
  chunks: AsyncIterable<string>,
): Promise<void> {
  const headOnly = req.method === 'HEAD';
  const sent = headOnly ? { rows: 0, hash: EMPTY_SHA256 } : { rows: rowCount, hash };
  const allowed = entry(s, req, res, a, 'allow', 'OK', 200, sent.rows, sent.hash);
  await s.audit.append(allowed);
  watch(s, req, allowed);
  decisions(s, 'allow', 'OK');
  res.status(200).type(contentType);
  if (headOnly) return void res.end();
  // Written in pieces of about STREAM_PIECE characters: a write per row (of a CSV) cost the gateway ~70 µs a row,
  // through the response and its compression.
  let piece: string[] = [];
  let length = 0;
  const canWrite = backpressure(res);
  const write = async (): Promise<void> => {
    const ok = res.write(piece.join(''));
    piece = [];
    length = 0;
    // Respect backpressure: a slow reader does not make the gateway buffer the whole file.
    if (!ok) await canWrite();
  };
  for await (const chunk of chunks) {
    if (res.destroyed) return; // the client went away
    piece.push(chunk);
    length += chunk.length;
    if (length >= STREAM_PIECE) await write();
  }
  if (res.destroyed) return;
  if (length > 0) await write();
  res.end();
}

/** Characters of a streamed answer written at once. */
const STREAM_PIECE = 64 * 1024;

/**
 * A wait for `res` to take more (or to have closed), with one `drain` and one `close` listener for the whole answer.
 * A listener per wait would pile up: the compression middleware moves `drain` listeners onto its zlib stream, where
 * `res.off` cannot reach them (Node warned past ten, one per 64 K piece).
 */
function backpressure(res: Response): () => Promise<void> {
  let closed = false;
  let wake: (() => void) | undefined;
  const woken = (): void => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  res.on('drain', woken);
  res.on('close', () => {
    closed = true;
    woken();
  });
  return () => (closed ? Promise.resolve() : new Promise((resolve) => (wake = resolve)));
}

/**
 * An enterprise's request on a real dataset goes past the misuse monitor (issue 17), from the network its caller
 * is counted by: an IPv6 caller's privacy addresses change daily, and each would have been a new address.
 */
function watch(s: Services, req: Request, e: AuditEntry): void {
  if (e.enterprise === undefined) return;
  s.misuse?.observe({ ...e, address: callerNetwork(req) });
}

const counters = new WeakMap<Services, (labels: Record<string, string>) => void>();
function decisions(s: Services, decision: string, reason: string): void {
  let c = counters.get(s);
  if (!c) {
    c = s.metrics.counter('rdx_access_decisions_total', 'Access decisions by outcome and reason');
    counters.set(s, c);
  }
  c({ decision, reason });
}

/**
 * After a data route's body parser: a body it refuses (not JSON, malformed, too large) is a refused data request
 * like any other, recorded with its caller rather than answered by the app's last error handler unrecorded.
 */
export function denyUnreadableBody(s: Services): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    const problem = problemOf(err);
    if (!problem) return next(err);
    deny(s, req, res, accessContext(req, res), problem).catch(next);
  };
}

/** Runs an audited handler: any Problem it throws is recorded as a denial. */
export function auditedHandler(
  s: Services,
  handler: (req: Request, res: Response, a: AccessContext) => Promise<void>,
) {
  return async (req: Request, res: Response): Promise<void> => {
    const a = accessContext(req, res);
    try {
      await handler(req, res, a);
    } catch (err) {
      if (err instanceof Problem) return deny(s, req, res, a, err);
      throw err;
    }
  };
}
