/**
 * Complaints and opinions from anyone (Z21: 公民、法人和其他组织 … 通过公共数据平台): no login. A citizen sends the
 * dataset (and grant) concerned, a category, what happened, and a contact; the gateway brings it to the ledger
 * with its own identity (complaint:FileComplaintFromPublic) and answers with the complaint's id, its due date and
 * a receipt. The contact reaches the ledger only hashed with that receipt, so whoever holds both can show the
 * owning body they are the complainant; the receipt alone (in a header, never the URL) shows where it stands.
 *
 * Every filing is a ledger transaction, so besides the anonymous rate the route takes a few per address and
 * hour, and a cap for all addresses together (config: RDX_PUBLIC_COMPLAINTS_PER_HOUR[_TOTAL]). Only a complaint
 * the ledger could take spends them: one the chaincode would refuse on its face (its own check,
 * `complaintFields`), or about a dataset or grant the gateway's view does not hold, is refused first, so empty
 * bodies from many addresses cannot use up the hour's cap for everyone.
 */
import type { Request, RequestHandler, Router } from 'express';
import {
  COMPLAINT_RECEIPT_HEADER,
  newComplaintReceipt,
  personalDataHash,
  RdxLedger,
  receiptHashOf,
  type PlatformComplaint,
} from '@rdx/client';
import { complaintFields, RdxError } from '@rdx/chaincode';
import { Limiter } from '../enforcement/limiter.js';
import { callerNetwork } from '../http/caller-address.js';
import { anonymousRateRefusal } from '../http/late-refusal.js';
import { apiRouter, jsonBody, onlyFields } from '../http/routing.js';
import { ledgerProblem, Problem } from '../problem.js';
import type { Services } from '../services.js';
import type { LedgerView } from '../view/ledger-view.js';

/** The fields a citizen sends; anything else is refused rather than silently dropped. */
const FIELDS = ['datasetId', 'grantId', 'kind', 'category', 'facts', 'contact'] as const;

/** The complaint as sent, its shape checked; the chaincode checks its values (dataset, category, facts). */
function complaintBody(raw: unknown): PlatformComplaint & { contact: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Problem(
      'BAD_REQUEST',
      'Send a JSON object: { datasetId, category, facts, contact, grantId?, kind? }.',
    );
  const body = raw as Record<string, unknown>;
  onlyFields(body, FIELDS, 'a complaint');
  for (const k of FIELDS)
    if (body[k] !== undefined && typeof body[k] !== 'string')
      throw new Problem('BAD_REQUEST', `${k} must be a string.`);
  for (const k of ['datasetId', 'category', 'facts', 'contact'] as const)
    if (!body[k]) throw new Problem('BAD_REQUEST', `${k} is required.`);
  const contact = String(body.contact).trim();
  if (contact.length < 5 || contact.length > 128)
    throw new Problem('BAD_REQUEST', 'contact must be a phone number or e-mail address (5–128 characters).');
  return { ...(body as unknown as PlatformComplaint), contact };
}

/**
 * Refuses what the ledger would: the complaint's own fields by the chaincode's check, and, while the view follows
 * the ledger, a dataset it does not hold or a grant not on that dataset (in the chaincode's words, which do not
 * tell whether a grant exists). A view that lags leaves those two to the chaincode.
 */
function refuseWhatTheLedgerWould(complaint: PlatformComplaint, view: LedgerView): void {
  let fields;
  try {
    fields = complaintFields(complaint as unknown as Record<string, unknown>, true);
  } catch (err) {
    if (err instanceof RdxError) throw new Problem('INVALID_ARGUMENT', err.message);
    throw err;
  }
  if (!view.following) return;
  const { datasetId, grantId } = fields;
  if (!view.datasets.has(datasetId)) throw new Problem('NOT_FOUND', `dataset ${datasetId} does not exist`);
  if (grantId !== undefined && view.grants.get(grantId)?.datasetId !== datasetId)
    throw new Problem('INVALID_ARGUMENT', `grant ${grantId} is not a grant of dataset ${datasetId}`);
}

export function publicComplaintRoutes(s: Services, anonymous: RequestHandler): Router {
  const r = apiRouter();
  const { complaint } = new RdxLedger(s.ledger);
  const perHour = s.config.publicComplaintsPerHour ?? 10;
  const total = s.config.publicComplaintsPerHourTotal ?? 600;
  const perAddress = new Limiter(perHour / 3600, perHour);
  const all = new Limiter(total / 3600, total);
  const spendFilingBudget = (req: Request): void => {
    if (perAddress.take(callerNetwork(req)) && all.take('all')) return;
    throw anonymousRateRefusal(
      `Complaints are taken at most ${perHour} an hour from one address (${total} from all); try again later.`,
      600,
    );
  };

  r.post('/v1/public/complaints', anonymous, ...jsonBody(s.config.bodyLimit), async (req, res) => {
    const { contact, ...fields } = complaintBody(req.body);
    refuseWhatTheLedgerWould(fields, s.view);
    spendFilingBudget(req);
    const { id, receipt, receiptHash } = newComplaintReceipt();
    try {
      const done = await complaint.fileFromPublic({
        ...fields,
        id,
        contactHash: personalDataHash(contact, receipt),
        receiptHash,
      });
      res.status(201).json({ data: { id, due: done.value.deadline.due, receipt }, txId: done.txId });
    } catch (err) {
      throw ledgerProblem(err);
    }
  });

  r.get('/v1/public/complaints/:id', anonymous, async (req, res) => {
    const receipt = req.get(COMPLAINT_RECEIPT_HEADER);
    if (!receipt)
      throw new Problem(
        'BAD_REQUEST',
        `Send the receipt you were given in the ${COMPLAINT_RECEIPT_HEADER} header.`,
      );
    try {
      res
        .set('Cache-Control', 'no-store')
        .json({ data: await complaint.status(String(req.params.id), receiptHashOf(receipt)) });
    } catch (err) {
      throw ledgerProblem(err);
    }
  });
  return r;
}
