/**
 * Every data request's decision goes to the audit log before the response leaves: an allow with the row
 * count and the hash of the exact body sent, or a deny with its reason.
 */
import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { requestIdOf } from '../http/security.js';
import { Problem, problemBody, PROBLEMS } from '../problem.js';
import type { AuditEntry, Services } from '../services.js';

export interface AccessContext {
  enterprise?: string;
  datasetId?: string;
  grantId?: string;
  items: string[];
}

export function accessContext(req: Request): AccessContext {
  return { datasetId: typeof req.params.id === 'string' ? req.params.id : undefined, items: [] };
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
  return {
    time: s.now().toISOString(),
    requestId: requestIdOf(res),
    gatewayId: s.config.gatewayId,
    clientId: a.enterprise,
    enterprise: a.enterprise,
    method: req.method,
    path: req.path,
    datasetId: a.datasetId,
    grantId: a.grantId,
    decision,
    reason,
    items: a.items,
    rowCount,
    responseHash,
    status,
  };
}

/** Records a denial durably, then answers it as a problem. */
export async function deny(
  s: Services,
  req: Request,
  res: Response,
  a: AccessContext,
  problem: Problem,
): Promise<void> {
  const body = JSON.stringify(
    problemBody(problem.code, problem.detail, { ...problem.extra, request_id: requestIdOf(res) }),
  );
  const hash = crypto.createHash('sha256').update(body).digest('hex');
  await s.audit.append(entry(s, req, res, a, 'deny', problem.code, problem.status, 0, hash));
  decisions(s, 'deny', problem.code);
  res.status(PROBLEMS[problem.code].status).type('application/problem+json').send(body);
}

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
  const hash = crypto.createHash('sha256').update(body).digest('hex');
  await s.audit.append(entry(s, req, res, a, 'allow', 'OK', 200, rowCount, hash));
  decisions(s, 'allow', 'OK');
  res.status(200).type(contentType).send(body);
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

/** Runs an audited handler: any Problem it throws is recorded as a denial. */
export function auditedHandler(
  s: Services,
  handler: (req: Request, res: Response, a: AccessContext) => Promise<void>,
) {
  return async (req: Request, res: Response): Promise<void> => {
    const a = accessContext(req);
    try {
      await handler(req, res, a);
    } catch (err) {
      if (err instanceof Problem) return deny(s, req, res, a, err);
      throw err;
    }
  };
}
