/**
 * Errors as RFC 9457 problem details with stable codes, in one table with their HTTP status. Routes throw
 * `Problem`; one middleware answers. Chaincode codes map through the same table.
 */
import type { ErrorRequestHandler, Response } from 'express';

export const PROBLEMS = {
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  INVALID_ARGUMENT: { status: 400, title: 'Invalid argument' },
  QUERY_INVALID: { status: 400, title: 'Invalid query' },
  TOKEN_MISSING: { status: 401, title: 'Access token required' },
  TOKEN_INVALID: { status: 401, title: 'Access token invalid' },
  INVALID_CLIENT: { status: 401, title: 'Client authentication failed' },
  UNSUPPORTED_GRANT_TYPE: { status: 400, title: 'Unsupported grant type' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  ENTERPRISE_UNKNOWN: { status: 403, title: 'Enterprise not onboarded' },
  RATING_INSUFFICIENT: { status: 403, title: 'Rating does not allow restricted data' },
  NO_GRANT: { status: 403, title: 'No grant for this dataset' },
  GRANT_NOT_ACTIVE: { status: 403, title: 'Grant not active' },
  GRANT_NOT_IN_VALIDITY: { status: 403, title: 'Grant outside its validity' },
  ITEMS_NOT_GRANTED: { status: 403, title: 'Data items not granted' },
  DOWNLOAD_FORBIDDEN: { status: 403, title: 'Restricted data is never downloaded' },
  DATASET_NOT_OPEN: { status: 403, title: 'Dataset not open' },
  BAD_SIGNATURE: { status: 403, title: 'Enterprise signature invalid' },
  REPLAYED: { status: 409, title: 'Signed request already used' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  DATA_NOT_LOADED: { status: 409, title: 'Dataset has no loaded version' },
  ALREADY_EXISTS: { status: 409, title: 'Already exists' },
  INVALID_STATE: { status: 409, title: 'Not allowed in the current state' },
  CONTENT_HASH_MISMATCH: { status: 409, title: 'Content does not match the ledger' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  QUOTA_EXCEEDED: { status: 429, title: 'Daily quota exceeded' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  RECEIPT_PENDING: { status: 202, title: 'Record not anchored yet' },
  LEDGER_UNAVAILABLE: { status: 503, title: 'Ledger unavailable' },
  LEDGER_NOT_FOLLOWED: { status: 503, title: 'Gateway not following the ledger' },
  AUDIT_BEHIND: { status: 503, title: 'Audit anchoring behind' },
  INTERNAL: { status: 500, title: 'Internal error' },
} as const;
export type ProblemCode = keyof typeof PROBLEMS;

export function isProblemCode(code: string | undefined): code is ProblemCode {
  return code !== undefined && code in PROBLEMS;
}

export class Problem extends Error {
  override name = 'Problem';
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  get status(): number {
    return PROBLEMS[this.code].status;
  }
}

export function problemBody(
  code: ProblemCode,
  detail: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const { status, title } = PROBLEMS[code];
  return {
    type: `urn:rdx:problem:${code.toLowerCase().replace(/_/g, '-')}`,
    title,
    status,
    code,
    detail,
    ...extra,
  };
}

export function sendProblem(
  res: Response,
  code: ProblemCode,
  detail: string,
  extra: Record<string, unknown> = {},
): void {
  res
    .status(PROBLEMS[code].status)
    .type('application/problem+json')
    .json(problemBody(code, detail, extra));
}

/** The one error middleware: known problems answer as themselves, body-parser errors by type, else INTERNAL. */
export const problemHandler: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  void _next;
  if (res.headersSent) return;
  if (err instanceof Problem) return sendProblem(res, err.code, err.detail, err.extra);
  const e = err as { type?: string; status?: number };
  if (e.type === 'entity.too.large')
    return sendProblem(res, 'PAYLOAD_TOO_LARGE', 'The request body is larger than the gateway accepts.');
  if (e.type === 'entity.parse.failed')
    return sendProblem(res, 'BAD_REQUEST', 'The request body is not valid JSON.');
  if (e.status && e.status >= 400 && e.status < 500)
    return sendProblem(res, 'BAD_REQUEST', 'The request could not be read.');
  console.error(err);
  sendProblem(res, 'INTERNAL', 'The gateway could not complete the request.');
};
