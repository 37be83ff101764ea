/**
 * Operations: liveness, readiness (ledger reachable and followed), the API description. The metrics are not
 * here but on a loopback listener of their own (http/metrics-server.ts).
 */
import type { RequestHandler, Router } from 'express';
import { apiRouter } from '../http/routing.js';
import type { Services } from '../services.js';
import { sendProblem } from '../problem.js';
import { OPENAPI } from '../openapi/openapi.js';

/** How long after an audit commit failed, none succeeding since, readiness says the gateway cannot write. */
export const UNWRITABLE_FOR_MS = 10_000;

export function opsRoutes(s: Services, anonymous: RequestHandler): Router {
  const r = apiRouter();

  /** Liveness: the process is up. Says nothing about the ledger. */
  r.get('/healthz', anonymous, (_req, res) => {
    res.json({ status: 'ok' });
  });

  /**
   * Readiness: the ledger answers, and the view follows its events (else restricted data is refused). Anyone may
   * ask, so the answer says what is wrong, never the ledger's own error text, which names internal peers and
   * their ports (the event follower writes its errors to the gateway's log).
   */
  r.get('/readyz', anonymous, async (_req, res) => {
    try {
      const ledger = await s.ledger.status();
      const view = {
        following: s.view.following,
        lastBlock: s.view.lastBlock,
        madeFrom: s.view.madeFrom,
      };
      const silentFor = s.database?.unansweredFor();
      const database = s.database && { answering: silentFor === undefined };
      const broken = s.anchors.broken();
      const failing = s.audit.failing?.();
      // Failing while a commit failed lately and none succeeded since: with no traffic (a load balancer that
      // stopped sending any on this answer) it is ready again after a while, and the next request tries the disk.
      // A log whose file was deleted or replaced stays failing: only a restart ends that.
      const unwritable =
        failing !== undefined && (failing.lasting || Date.now() - failing.last < UNWRITABLE_FOR_MS);
      const audit = {
        writing: unwritable ? 'failing' : 'ok',
        unanchoredRecords: s.anchors.lagRecords(),
        anchoringBehind: s.anchors.behind(),
        integrity: broken ?? 'ok',
      };
      if (!s.view.following)
        return sendProblem(
          res,
          'LEDGER_NOT_FOLLOWED',
          'The gateway is not following ledger events (its log says why); restricted data is refused.',
          { ledger, view, audit },
        );
      if (silentFor !== undefined)
        return sendProblem(
          res,
          'STORE_UNAVAILABLE',
          `The gateway's database has not answered for ${Math.floor(silentFor / 1000)} s; nothing is served.`,
          { ledger, view, audit, database },
        );
      if (unwritable)
        return sendProblem(
          res,
          'AUDIT_UNWRITABLE',
          'The gateway cannot write its audit records (its log says why); nothing is served.',
          { ledger, view, audit },
        );
      if (broken)
        return sendProblem(
          res,
          'AUDIT_LOG_BROKEN',
          `The audit log failed its integrity check (${broken}); restricted data is refused.`,
          { ledger, view, audit },
        );
      if (s.anchors.behind())
        return sendProblem(
          res,
          'AUDIT_BEHIND',
          'Audit anchoring is behind its bound; restricted data is refused.',
          { ledger, view, audit },
        );
      res.json({ status: 'ready', ledger, view, audit, ...(database ? { database } : {}) });
    } catch {
      sendProblem(res, 'LEDGER_UNAVAILABLE', "The ledger did not answer the gateway's status query.");
    }
  });

  r.get('/openapi.json', anonymous, (_req, res) => {
    res
      .set('Cache-Control', 'public, max-age=300')
      .json({ ...OPENAPI, servers: [{ url: s.config.issuer, description: 'this gateway' }] });
  });
  return r;
}
