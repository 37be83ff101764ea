/**
 * Errors as RFC 9457 problem details with stable codes, in one table with their HTTP status.
 */
import type { ErrorRequestHandler, Response } from 'express';

export const PROBLEMS = {
  NOT_FOUND: { status: 404, title: 'Not found' },
  LEDGER_UNAVAILABLE: { status: 503, title: 'Ledger unavailable' },
  INTERNAL: { status: 500, title: 'Internal error' },
} as const;
export type ProblemCode = keyof typeof PROBLEMS;

export class Problem extends Error {
  override name = 'Problem';
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export function sendProblem(res: Response, code: ProblemCode, detail: string): void {
  const { status, title } = PROBLEMS[code];
  res
    .status(status)
    .type('application/problem+json')
    .json({
      type: `https://rdx.lishui.gov.cn/problems/${code.toLowerCase().replace(/_/g, '-')}`,
      title,
      status,
      code,
      detail,
    });
}

/** The one error middleware: known problems answer as themselves, anything else as INTERNAL, never a stack. */
export const problemHandler: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  void _next;
  if (err instanceof Problem) sendProblem(res, err.code, err.detail);
  else {
    console.error(err);
    sendProblem(res, 'INTERNAL', 'The gateway could not complete the request.');
  }
};
