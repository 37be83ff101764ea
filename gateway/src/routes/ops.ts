/** Operations: liveness, readiness (ledger reachable and followed), metrics, the API description. */
import type { RequestHandler, Router } from 'express';
import { claimsForwarding, plainAddress } from '../http/caller-address.js';
import { apiRouter } from '../http/routing.js';
import type { Services } from '../services.js';
import { Problem, sendProblem } from '../problem.js';
import { OPENAPI } from '../openapi/openapi.js';
import { isLoopbackHost } from '../config.js';

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
      const broken = s.anchors.broken();
      const audit = {
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
      res.json({ status: 'ready', ledger, view, audit });
    } catch {
      sendProblem(res, 'LEDGER_UNAVAILABLE', "The ledger did not answer the gateway's status query.");
    }
  });

  /**
   * For the operator's scraper on the gateway's own host, not for callers: the counts of refusals, of misuse
   * signals and of the login guard's entries would tell a caller probing the limits how close it came. What a
   * proxy forwards is never from this host, even through a proxy on it, trusted or not: it carries the network's
   * callers, and says so in X-Forwarded-For (docs/DEPLOY.md asks every proxy to).
   */
  r.get('/metrics', anonymous, (req, res) => {
    if (claimsForwarding(req) || !fromThisHost(req.socket.remoteAddress, req.socket.localAddress))
      throw new Problem(
        'FORBIDDEN',
        "The gateway's metrics are read on its own host (a Prometheus scraper there), not over the network or through a proxy.",
      );
    res.type('text/plain; version=0.0.4').send(s.metrics.render());
  });

  r.get('/openapi.json', anonymous, (_req, res) => {
    res
      .set('Cache-Control', 'public, max-age=300')
      .json({ ...OPENAPI, servers: [{ url: s.config.issuer, description: 'this gateway' }] });
  });
  return r;
}

/**
 * Whether a connection comes from the host it reached: over loopback, or to one of the host's own addresses
 * from that same address (a scraper on the host calling the address the gateway listens on).
 */
export function fromThisHost(remote: string | undefined, local: string | undefined): boolean {
  if (remote === undefined) return false;
  const from = plainAddress(remote);
  return isLoopbackHost(from) || from === plainAddress(local);
}
