/**
 * The enterprise's side of the workflow. Each action is a request the enterprise signed with its own key
 * (see the SDK's EnterpriseSigner); the gateway checks it is the caller's, then brings it to the ledger,
 * where the chaincode verifies the signature. Reads return only the caller's own objects.
 */
import { enterpriseParty } from '../notify/derive.js';
import type { Router, Request } from 'express';
import { apiRouter, jsonBody, onlyFields } from '../http/routing.js';
import { onlyDocumentedParams } from '../http/documented-query.js';
import { authenticateWithinRate, tokenAroundBody } from '../http/authenticate.js';
import { ledgerProblem, Problem } from '../problem.js';
import type { Services } from '../services.js';
import { LedgerRefusedError, RdxLedger, type Committed } from '@rdx/client';

interface SignedBody {
  request: string;
  signature: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function signedBody(req: Request, creditCode: string, action: string): SignedBody {
  const body = (req.body ?? {}) as Partial<SignedBody>;
  if (typeof body.request !== 'string' || typeof body.signature !== 'string') {
    throw new Problem(
      'BAD_REQUEST',
      'Send { "request": "<signed request JSON>", "signature": "<ES256, base64url>" } made with the SDK’s EnterpriseSigner.',
    );
  }
  onlyFields(body, ['request', 'signature'], 'a signed request');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.request);
  } catch {
    throw new Problem('BAD_REQUEST', 'request is not valid JSON');
  }
  // `null`, a number or a list parsed and then read as an envelope threw (500) or was "signed for undefined" (403).
  if (!isObject(parsed) || (parsed.body !== undefined && !isObject(parsed.body)))
    throw new Problem(
      'BAD_REQUEST',
      'request must be a JSON object { action, creditCode, nonce, signedAt, body }, its body an object, as the SDK’s EnterpriseSigner makes it',
    );
  const envelope = parsed as { action?: unknown; creditCode?: unknown; body?: Record<string, unknown> };
  if (envelope.creditCode !== creditCode)
    throw new Problem(
      'FORBIDDEN',
      `The request is signed for ${String(envelope.creditCode)}, but the access token is ${creditCode}'s.`,
    );
  if (envelope.action !== action)
    throw new Problem(
      'BAD_REQUEST',
      `This endpoint takes a signed ${action} request, not ${String(envelope.action)}.`,
    );
  // The object in the URL must be the one the enterprise signed for.
  const idField =
    action === 'ResubmitApplication' ? 'id' : action === 'DisputeReview' ? 'applicationId' : 'agreementId';
  if (typeof req.params.id === 'string' && envelope.body?.[idField] !== req.params.id) {
    throw new Problem(
      'BAD_REQUEST',
      `The signed request is for ${String(envelope.body?.[idField])}, not ${req.params.id}.`,
    );
  }
  return body as SignedBody;
}

export function workflowRoutes(s: Services): Router {
  const r = apiRouter();
  const enterpriseBody = tokenAroundBody(s.tokens, jsonBody(s.config.bodyLimit));
  const rdx = new RdxLedger(s.ledger);

  /** A route that brings the enterprise's signed `action` to the ledger through `call`. */
  function relay(
    path: string,
    method: 'post' | 'put',
    action: string,
    call: (signed: SignedBody) => Promise<Committed<unknown>>,
    status = 200,
    committed: (creditCode: string, value: unknown) => void = () => undefined,
  ): void {
    r[method](path, ...enterpriseBody, async (req, res) => {
      const creditCode = res.locals.creditCode as string;
      const body = signedBody(req, creditCode, action);
      try {
        const done = await call(body);
        committed(creditCode, done.value);
        res.status(status).json({ data: done.value, txId: done.txId, blockNumber: done.blockNumber });
      } catch (err) {
        throw ledgerProblem(err);
      }
    });
  }

  const { application, agreement, complaint, duty } = rdx;
  relay('/v1/applications', 'post', 'SubmitApplication', (b) => application.submitSigned(b), 201);
  relay('/v1/applications/:id', 'put', 'ResubmitApplication', (b) => application.resubmitSigned(b));
  relay('/v1/applications/:id/disputes', 'post', 'DisputeReview', (b) => application.disputeSigned(b), 201);
  relay('/v1/agreements/:id/signature', 'post', 'SignAgreement', (b) => agreement.signAsEnterpriseSigned(b));
  relay('/v1/agreements/:id/renewal', 'post', 'AcceptRenewal', (b) => agreement.acceptRenewalSigned(b));
  relay('/v1/agreements/:id/renewal-request', 'post', 'RequestRenewal', (b) =>
    agreement.requestRenewalSigned(b),
  );
  relay('/v1/agreements/:id/termination', 'post', 'TerminateAgreement', (b) =>
    agreement.terminateAsEnterpriseSigned(b),
  );
  relay('/v1/usage-reports', 'post', 'ReportUsage', (b) => duty.reportUsageSigned(b), 201);
  relay('/v1/data-returns', 'post', 'ReturnData', (b) => duty.returnDataSigned(b), 201);
  relay('/v1/products', 'post', 'PublishProduct', (b) => duty.publishProductSigned(b), 201);
  relay('/v1/security-issues', 'post', 'ReportSecurityIssue', (b) => duty.reportSecurityIssueSigned(b), 201);
  // Who filed is kept in the body's collection, out of the gateway's reach: remember it to tell them the outcome.
  relay(
    '/v1/complaints',
    'post',
    'FileComplaint',
    (b) => complaint.fileSigned(b),
    201,
    (code, value) => {
      const id = (value as { id?: unknown }).id;
      if (typeof id === 'string') s.notifications?.rememberComplainant(id, enterpriseParty(code));
    },
  );

  /**
   * The caller's own object. Someone else's answers exactly as a missing one, word for word: whether it
   * exists is not the caller's business.
   */
  async function own<T>(
    req: Request,
    what: string,
    read: (id: string) => Promise<T>,
    owner: (o: T) => unknown,
  ): Promise<T> {
    const creditCode = authenticateWithinRate(req, s);
    onlyDocumentedParams(req);
    const id = String(req.params.id);
    const missing = (): Problem =>
      new Problem('NOT_FOUND', `There is no ${what} ${id.slice(0, 128)} of yours.`);
    let found: T;
    try {
      found = await read(id);
    } catch (err) {
      if (err instanceof LedgerRefusedError && err.code === 'NOT_FOUND') throw missing();
      throw ledgerProblem(err);
    }
    if (owner(found) !== creditCode) throw missing();
    return found;
  }

  r.get('/v1/applications/:id', async (req, res) => {
    res.json({
      data: await own(
        req,
        'application',
        (id) => application.get(id),
        (o) => o.creditCode,
      ),
    });
  });

  /** The agreement to sign: its terms and their hash, which the enterprise signs (SignAgreement). */
  r.get('/v1/agreements/:id', async (req, res) => {
    res.json({
      data: await own(
        req,
        'agreement',
        (id) => agreement.get(id),
        (o) => o.terms?.creditCode,
      ),
    });
  });

  r.get('/v1/grants', (req, res) => {
    const creditCode = authenticateWithinRate(req, s);
    onlyDocumentedParams(req);
    res.json({ data: s.view.grantsOf(creditCode) });
  });
  return r;
}
