/**
 * The enterprise's side of the workflow. Each action is a request the enterprise signed with its own key
 * (see the SDK's EnterpriseSigner); the gateway checks it is the caller's, then brings it to the ledger,
 * where the chaincode verifies the signature. Reads return only the caller's own objects.
 */
import express, { Router, type Request } from 'express';
import { authenticate } from '../http/authenticate.js';
import { ledgerProblem, Problem } from '../problem.js';
import type { Services } from '../services.js';

interface SignedBody {
  request: string;
  signature: string;
}

function signedBody(req: Request, creditCode: string, action: string): SignedBody {
  const body = (req.body ?? {}) as Partial<SignedBody>;
  if (typeof body.request !== 'string' || typeof body.signature !== 'string') {
    throw new Problem(
      'BAD_REQUEST',
      'Send { "request": "<signed request JSON>", "signature": "<ES256, base64url>" } made with the SDK’s EnterpriseSigner.',
    );
  }
  let envelope: { action?: unknown; creditCode?: unknown; body?: Record<string, unknown> };
  try {
    envelope = JSON.parse(body.request) as typeof envelope;
  } catch {
    throw new Problem('BAD_REQUEST', 'request is not valid JSON');
  }
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
  const r = Router();
  const json = express.json({ limit: s.config.bodyLimit });

  function relay(
    path: string,
    method: 'post' | 'put',
    contract: string,
    fn: string,
    action: string,
    status = 200,
  ): void {
    r[method](path, json, async (req, res) => {
      const creditCode = authenticate(req, s.tokens);
      const body = signedBody(req, creditCode, action);
      try {
        const done = await s.ledger.submit(contract, fn, body.request, body.signature);
        res.status(status).json({ data: done.result, tx_id: done.txId, block: done.blockNumber });
      } catch (err) {
        throw ledgerProblem(err);
      }
    });
  }

  relay('/v1/applications', 'post', 'application', 'SubmitApplication', 'SubmitApplication', 201);
  relay('/v1/applications/:id', 'put', 'application', 'ResubmitApplication', 'ResubmitApplication');
  relay('/v1/applications/:id/disputes', 'post', 'application', 'DisputeReview', 'DisputeReview', 201);
  relay('/v1/agreements/:id/signature', 'post', 'agreement', 'SignAgreementAsEnterprise', 'SignAgreement');
  relay('/v1/agreements/:id/renewal', 'post', 'agreement', 'AcceptRenewal', 'AcceptRenewal');
  relay(
    '/v1/agreements/:id/termination',
    'post',
    'agreement',
    'TerminateAgreementAsEnterprise',
    'TerminateAgreement',
  );
  relay('/v1/usage-reports', 'post', 'duty', 'ReportUsage', 'ReportUsage', 201);
  relay('/v1/data-returns', 'post', 'duty', 'ReturnData', 'ReturnData', 201);
  relay('/v1/products', 'post', 'duty', 'PublishProduct', 'PublishProduct', 201);
  relay('/v1/security-issues', 'post', 'duty', 'ReportSecurityIssue', 'ReportSecurityIssue', 201);

  async function own(
    req: Request,
    contract: string,
    fn: string,
    owner: (o: Record<string, unknown>) => unknown,
  ): Promise<Record<string, unknown>> {
    const creditCode = authenticate(req, s.tokens);
    let found: Record<string, unknown>;
    try {
      found = (await s.ledger.evaluate(contract, fn, String(req.params.id))) as Record<string, unknown>;
    } catch (err) {
      throw ledgerProblem(err);
    }
    // Someone else's object answers as missing: its existence is not the caller's business.
    if (owner(found) !== creditCode)
      throw new Problem('NOT_FOUND', `There is no ${contract} ${String(req.params.id)} of yours.`);
    return found;
  }

  r.get('/v1/applications/:id', async (req, res) => {
    res.json({ data: await own(req, 'application', 'GetApplication', (o) => o.creditCode) });
  });

  /** The agreement to sign: its terms and their hash, which the enterprise signs (SignAgreement). */
  r.get('/v1/agreements/:id', async (req, res) => {
    res.json({
      data: await own(
        req,
        'agreement',
        'GetAgreement',
        (o) => (o.terms as { creditCode?: string } | undefined)?.creditCode,
      ),
    });
  });

  r.get('/v1/grants', (req, res) => {
    const creditCode = authenticate(req, s.tokens);
    res.json({ data: s.view.grantsOf(creditCode) });
  });
  return r;
}
