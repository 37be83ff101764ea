/**
 * Errors as RFC 9457 problem details with the platform's stable codes (`@rdx/errors` holds the one table of
 * codes, statuses and titles). Routes throw `Problem`, or let a known error class through; one middleware
 * answers, mapping by class. Chaincode codes map through the same table.
 */
import type { ErrorRequestHandler, Response } from 'express';
import { CODES, PROBLEM_CODES, isProblemCode, statusOf, type ProblemCode } from '@rdx/errors';
import {
  DatasetFileError,
  LedgerTransactionInvalidError,
  LedgerUnavailableError,
  RdxSdkError,
} from '@rdx/client';
import { AuditWriteError } from './audit/audit-record.js';
import { FailureLog } from './http/failure-log.js';
import { databaseUnavailable } from './store/pg-pool.js';
import { diskFull } from './store/disk-full.js';
import { DatasetNotLoadedError, QueryError, VersionConflictError } from './store/query-plan.js';

export { isProblemCode, type ProblemCode };

/** Status and title of every code the gateway answers with, from the platform's one table. */
export const PROBLEMS = Object.fromEntries(
  PROBLEM_CODES.map((code) => [code, { status: statusOf(code), title: CODES[code].title }]),
) as Readonly<Record<ProblemCode, { status: number; title: string }>>;

export class Problem extends Error {
  override name = 'Problem';
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    /** Response headers the answer needs, e.g. `Retry-After` on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  get status(): number {
    return statusOf(this.code);
  }
}

/**
 * The `Retry-After` of a 503 while the gateway cannot record or anchor (AUDIT_BEHIND, AUDIT_UNWRITABLE,
 * STORE_UNAVAILABLE, STORE_FULL): clients that honour it stop asking as fast as they are refused.
 */
export const RETRY_WHILE_UNAVAILABLE_S = 10;

/** A 429 RATE_LIMITED telling the caller to try again after `retryAfterSeconds` (its `Retry-After`). */
export function rateLimited(
  detail: string,
  retryAfterSeconds: number,
  extra: Record<string, unknown> = {},
): Problem {
  return new Problem('RATE_LIMITED', detail, extra, { 'Retry-After': String(retryAfterSeconds) });
}

export function problemBody(
  code: ProblemCode,
  detail: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const status = statusOf(code);
  const { title } = CODES[code];
  return {
    type: `urn:rdx:problem:${code.toLowerCase().replace(/_/g, '-')}`,
    title,
    status,
    code,
    detail,
    ...extra,
  };
}

/**
 * The challenge a 401 of a protected route carries (RFC 6750 §3): which scheme to use, and for a token that was
 * sent but refused, `invalid_token` with the reason (quotes and non-ASCII dropped, as the header grammar asks).
 */
function bearerChallenge(code: ProblemCode, detail: string): Record<string, string> {
  if (code === 'TOKEN_MISSING') return { 'WWW-Authenticate': 'Bearer realm="rdx"' };
  if (code !== 'TOKEN_INVALID') return {};
  const reason = detail.replace(/[^\x20-\x7e]|["\\]/g, '');
  return {
    'WWW-Authenticate': `Bearer realm="rdx", error="invalid_token", error_description="${reason}"`,
  };
}

export function sendProblem(
  res: Response,
  code: ProblemCode,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): void {
  res
    .set({ ...bearerChallenge(code, detail), ...headers })
    .status(statusOf(code))
    .type('application/problem+json')
    .json(problemBody(code, detail, extra));
}

/**
 * Maps a failure of the ledger (the SDK's errors) to a problem: a refusal keeps the chaincode's code; anything
 * that is not the ledger's is rethrown as it is.
 */
export function ledgerProblem(err: unknown): Problem {
  // Ordered but invalidated (an MVCC conflict, an endorsement policy not met): nothing changed.
  if (err instanceof LedgerTransactionInvalidError) return new Problem('INVALID_STATE', err.message);
  if (err instanceof RdxSdkError && !(err instanceof LedgerUnavailableError) && isProblemCode(err.code))
    return new Problem(err.code, err.message);
  if (err instanceof RdxSdkError)
    return new Problem('LEDGER_UNAVAILABLE', `The ledger did not complete the request: ${err.message}`);
  throw err;
}

/** The problem a known error class stands for, or undefined for an unexpected error (a 500). */
export function problemOf(err: unknown): Problem | undefined {
  if (err instanceof Problem) return err;
  if (err instanceof RdxSdkError) return ledgerProblem(err);
  if (err instanceof DatasetFileError) return new Problem('INVALID_ARGUMENT', err.message);
  if (err instanceof QueryError) return new Problem('QUERY_INVALID', err.message);
  if (err instanceof DatasetNotLoadedError) return new Problem('DATA_NOT_LOADED', err.message);
  if (err instanceof VersionConflictError) return new Problem('VERSION_CONFLICT', err.message);
  if (databaseUnavailable(err))
    return new Problem(
      'STORE_UNAVAILABLE',
      "The gateway's database did not answer, so nothing was served.",
      {},
      { 'Retry-After': String(RETRY_WHILE_UNAVAILABLE_S) },
    );
  if (diskFull(err))
    return new Problem(
      'STORE_FULL',
      "The gateway's disk is full, so it did nothing of this request.",
      {},
      { 'Retry-After': String(RETRY_WHILE_UNAVAILABLE_S) },
    );
  if (err instanceof AuditWriteError) {
    auditFailures.seen(err);
    // What failed stays in the gateway's log: it names the data folder and the database.
    return new Problem(
      'AUDIT_UNWRITABLE',
      'The gateway could not write the audit record of this request, so it served nothing.',
      {},
      { 'Retry-After': String(RETRY_WHILE_UNAVAILABLE_S) },
    );
  }
  const e = err as { type?: string; status?: number };
  if (e.type === 'entity.too.large')
    return new Problem('PAYLOAD_TOO_LARGE', 'The request body is larger than the gateway accepts.');
  if (e.type === 'entity.parse.failed')
    return new Problem('BAD_REQUEST', 'The request body is not valid JSON.');
  if (e.status && e.status >= 400 && e.status < 500) return unreadableRequest(err);
  return undefined;
}

/**
 * A request the body parser or the router could not read (a 4xx of theirs), as a problem that says which part:
 * the body's charset or compression, or the path's percent-encoding.
 */
function unreadableRequest(err: unknown): Problem {
  const e = err as { type?: string; charset?: string; encoding?: string; code?: unknown; message?: string };
  if (e.type === 'charset.unsupported')
    return new Problem(
      'UNSUPPORTED_MEDIA_TYPE',
      `The body's charset ${JSON.stringify(String(e.charset).slice(0, 40))} is not read here: send UTF-8.`,
    );
  if (e.type === 'encoding.unsupported')
    return new Problem(
      'UNSUPPORTED_MEDIA_TYPE',
      `The body's Content-Encoding ${JSON.stringify(String(e.encoding).slice(0, 40))} is not read here: send it gzip, deflate or br, or not compressed.`,
    );
  // zlib's own errors (Z_DATA_ERROR, Z_BUF_ERROR for a cut stream; brotli's ERR__ERROR_*) passed on by the parser.
  if (typeof e.code === 'string' && /^(Z_|ERR__ERROR_)/.test(e.code))
    return new Problem(
      'BAD_REQUEST',
      `The body could not be decompressed as its Content-Encoding says (${e.message}): it is not that compression, or it is cut short.`,
    );
  if (e.type === 'request.aborted' || e.type === 'request.size.invalid')
    return new Problem('BAD_REQUEST', 'The body ended before the length its headers announced.');
  // The router's words for a path parameter decodeURIComponent refused (`%`, `%zz`, bytes that are not UTF-8).
  if (typeof e.message === 'string' && e.message.startsWith('Failed to decode param'))
    return new Problem(
      'BAD_REQUEST',
      "The path's percent-encoding is invalid: each % must be followed by two hexadecimal digits, and together they must be UTF-8.",
    );
  return new Problem('BAD_REQUEST', 'The request could not be read.');
}

const auditFailures = new FailureLog();

/** The one error middleware: known errors answer as their problem, anything else as INTERNAL (logged). */
export const problemHandler: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  void _next;
  if (res.headersSent) return;
  const problem = problemOf(err);
  if (problem) return sendProblem(res, problem.code, problem.detail, problem.extra, problem.headers);
  console.error(err);
  sendProblem(res, 'INTERNAL', 'The gateway could not complete the request.');
};
