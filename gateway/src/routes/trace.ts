/**
 * `POST /v1/trace` (issue 17, 数据水印溯源): a regulator, or an opening body for its own datasets, sends a suspect
 * CSV, JSON or Excel file and hears which grant served it, if any, with the figures, the requests of that grant
 * that served the marks found, and an evidence package. A regulator signs in with its token; a body with its
 * staff's signature over the file or a console account's token.
 */
import express, { type Request, type RequestHandler, type Router } from 'express';
import { carriesFingerprint, SUSPECT_FORMATS, type SuspectFormat } from '@rdx/client';
import { TokenError, TokenRoleError } from '../auth/token-service.js';
import { bearerToken } from '../http/authenticate.js';
import { apiRouter } from '../http/routing.js';
import { onlyDocumentedParams } from '../http/documented-query.js';
import { bodyReader, requireSignedContent, staffSignerOfHeaders } from '../http/staff-signature.js';
import type { AdminSigner } from '../auth/admin-signature.js';
import { Problem, rateLimited } from '../problem.js';
import type { Services } from '../services.js';
import { traceFile } from '../fingerprint/trace.js';
import { requestsBehind } from '../fingerprint/requests.js';

/** The largest suspect file taken (a few hundred thousand rows of CSV). */
export const MAX_SUSPECT_FILE = '16mb';
/** Files received at once, all parties together (each up to MAX_SUSPECT_FILE in memory). */
const MAX_FILES_ON_THEIR_WAY = 8;

/** Who traces: a body's own datasets (its MSP), or a regulator's client (all of them); `party` takes turns. */
interface Tracer {
  body?: string;
  signer?: AdminSigner;
  party: string;
}

/**
 * Who asks, from the headers alone, before the file is read (nobody makes the gateway take in 16 MB unasked): a
 * regulator's token (every dataset), a body's console token, or a body's staff signature — whose signed content
 * hash the file must then match.
 */
async function tracerOf(s: Services, req: Request): Promise<Tracer> {
  const token = bearerToken(req);
  if (token === undefined) {
    const signer = await staffSignerOfHeaders(s, req);
    return { body: signer.mspId, signer, party: signer.mspId };
  }
  try {
    return { party: `regulator ${s.tokens.verify(token, 'regulator').sub}` };
  } catch (err) {
    if (!(err instanceof TokenRoleError)) {
      if (err instanceof TokenError) throw new Problem('TOKEN_INVALID', err.message);
      throw err;
    }
  }
  // Not a regulator's: a body's console account, or 403 for anyone else's.
  const { mspId } = await bodyReader(s, req);
  return { body: mspId, party: mspId };
}

/**
 * Tracing reads and scores the whole file on this process: one at a time, in the order the files were in, each
 * party with one trace on its way at most — so the queue is never longer than the parties, and none holds the
 * others up for longer than one trace of its own. (The turn was once taken before the file was read: a body
 * sending a few bytes a second kept every other trace, the regulator's too, refused until the request timed out.)
 */
class Turns {
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  /** Waits for the turn; the function returned ends it. */
  async take(): Promise<() => void> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.busy = true;
    return () => {
      const next = this.waiting.shift();
      if (next) next();
      else this.busy = false;
    };
  }
}

export function traceRoutes(s: Services): Router {
  const r = apiRouter();
  const turns = new Turns();
  /** The parties whose file is on its way or being traced. */
  const underWay = new Set<string>();
  const checkCaller: RequestHandler = async (req, res, next) => {
    const tracer = await tracerOf(s, req);
    // Before the file is read: a misspelt parameter (`datset=`) would trace against every dataset.
    onlyDocumentedParams(req);
    if (underWay.has(tracer.party)) throw rateLimited('A trace of yours is on its way: one at a time.', 5);
    if (underWay.size >= MAX_FILES_ON_THEIR_WAY)
      throw rateLimited(`${underWay.size} traces are on their way: try again shortly.`, 5);
    underWay.add(tracer.party);
    // Its place is kept until its trace is done, not only while its client waits: a file in the queue is held in
    // memory whether anyone still waits for it or not, so a client that hung up and sent again piled files up.
    res.on('close', () => {
      if (!res.locals.traceQueued) underWay.delete(tracer.party);
    });
    res.locals.tracer = tracer;
    next();
  };
  r.post(
    '/v1/trace',
    checkCaller,
    express.raw({ type: () => true, limit: MAX_SUSPECT_FILE }),
    async (req, res) => {
      // A token checked before the file is checked again now it is in: 16 MB may take until the request timeout
      // to arrive, and a token that expired meanwhile, or whose key was withdrawn, no longer speaks for anyone
      // (as tokenAroundBody does elsewhere). A staff signature is bound to this file's hash instead, below.
      if (bearerToken(req) !== undefined) await tracerOf(s, req);
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const who = res.locals.tracer as Tracer;
      if (who.signer) requireSignedContent(who.signer, raw);
      if (!s.fingerprints)
        throw new Problem(
          'INVALID_STATE',
          'This gateway serves no fingerprints (RDX_FINGERPRINT=off), so it traces none.',
        );
      const format = req.query.format;
      if (format !== undefined && !SUSPECT_FORMATS.includes(format as SuspectFormat))
        throw new Problem(
          'BAD_REQUEST',
          `format is ${SUSPECT_FORMATS.join(' or ')} (default: from the content).`,
        );
      const dataset = req.query.dataset;
      if (dataset !== undefined && typeof dataset !== 'string')
        throw new Problem('BAD_REQUEST', 'dataset is one dataset id.');
      if (dataset !== undefined && !s.view.datasets.has(dataset))
        throw new Problem('NOT_FOUND', `There is no dataset ${dataset.slice(0, 64)}.`);
      if (raw.length === 0) throw new Problem('BAD_REQUEST', 'Send the suspect file as the request body.');
      if (who.body && dataset !== undefined && s.view.datasets.get(dataset)?.owner !== who.body)
        throw new Problem('NOT_FOUND', `There is no dataset ${dataset} of yours.`);
      // Every grant that could have served marked records: on a dataset not (now) unconditional — a prohibited
      // one was restricted when it served — of one dataset, or of the body's own.
      const grants = [...s.view.grants.values()].filter((g) => {
        const d = s.view.datasets.get(g.datasetId);
        return (
          d !== undefined &&
          d.openAttribute !== 'unconditional' &&
          (dataset === undefined || g.datasetId === dataset) &&
          (who.body === undefined || d.owner === who.body)
        );
      });
      // Gone before its turn was asked for: nothing queued (its place was freed when it closed).
      if (res.destroyed) return;
      res.locals.traceQueued = true;
      const done = await turns.take();
      let result;
      let requests;
      try {
        // A caller gone while it waited is owed nothing.
        if (res.destroyed) return;
        try {
          result = await traceFile(raw, format as SuspectFormat | undefined, grants, s.fingerprints, {
            gatewayId: s.config.gatewayId,
            now: s.now(),
            datesMarked: (id) =>
              s.view.datasets.get(id)?.items.some((i) => i.type === 'date' && carriesFingerprint(i)) ?? false,
          });
        } catch (err) {
          if (err instanceof SyntaxError) throw new Problem('BAD_REQUEST', err.message);
          throw err;
        }
        // The grant named: which of its logged requests served the marks found (replayed from the audit log).
        const named = result.attributed ? s.view.grants.get(result.attributed) : undefined;
        requests = named && result.evidence ? await requestsBehind(s, named, result.evidence.readings) : null;
      } finally {
        done();
        underWay.delete(who.party);
      }
      res.json({
        ...result,
        candidates: result.candidates.map((c) => ({
          ...c,
          enterprise: s.view.enterprises.get(c.creditCode)?.name ?? null,
        })),
        requests,
        evidence:
          result.evidence && requests ? { ...result.evidence, requests: requests.requests } : result.evidence,
      });
    },
  );
  return r;
}
