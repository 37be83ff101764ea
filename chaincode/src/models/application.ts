/**
 * A demand application (需求申请, SPEC §2 steps 1–4, L11, annexes 1–3) and its review workflow:
 *
 *   FORMAL_REVIEW ──accept──▶ OWNER_REVIEW ──all bodies decided──▶ RE_REVIEW ──approve──▶ APPROVED
 *        │  ▲                     │  escalate                        │  ▲          └─reject─▶ REJECTED
 *     return│ resubmit             ▼                                  dispute│ coordinate
 *        ▼  │                 COORDINATION ◀──────────────────────────┘  │
 *      RETURNED                   └────────── coordinate (bureau) ───────┘
 *
 * Each step has a deadline in working days, stored with the application. Personal data never appears in
 * clear: contacts are salted SHA-256 hashes, and free text that looks like an ID number or phone is refused.
 */
import { RdxError, ErrorCode } from '../lib/errors';
import { assertNoPersonalData } from '../lib/personal-data';
import type { Deadline } from '../lib/deadlines';
import type { Stamp } from '../lib/stamp';
import { stored } from '../lib/store';
import { arr, int, obj, optionalStr, sha256Hex, str, stringList, ident, type Json } from '../lib/validate';

export const APPLICATION_STATES = [
  'FORMAL_REVIEW',
  'RETURNED',
  'OWNER_REVIEW',
  'COORDINATION',
  'RE_REVIEW',
  'APPROVED',
  'REJECTED',
] as const;
export type ApplicationState = (typeof APPLICATION_STATES)[number];
/** States in which someone owes a decision by the stored deadline. */
export const OPEN_STATES: ApplicationState[] = ['FORMAL_REVIEW', 'OWNER_REVIEW', 'COORDINATION', 'RE_REVIEW'];

export interface ApplicationForm {
  serviceName: string;
  field: string;
  scenarios: string;
  serviceScope: string;
  serviceUsers: string;
  concurrency: number;
  expectedBenefit: string;
  systemName: string;
  machineRoom: string;
  mlpsLevel: number;
  mlpsFiling: string;
  /** Salted SHA-256 of the contact's name, ID number and phone; the clear text stays off-chain. */
  contactNameHash: string;
  contactIdHash: string;
  contactPhoneHash: string;
}

export interface Demand {
  scenario: string;
  datasetId: string;
  items: string[];
  /** The opening body that owns the dataset (filled in from the catalog, not trusted from the request). */
  body: string;
}

export interface Documents {
  mlpsCertificate: string;
  creditReport: string;
  securityCommitment: string;
}

export interface OwnerReview {
  decision: 'approved' | 'rejected' | 'escalated';
  reason?: string;
  at: string;
  by: string;
  dispute?: { reason: string; at: string };
  coordination?: { outcome: 'approved' | 'rejected'; minutesHash: string; at: string };
}

export interface Application extends Stamp {
  id: string;
  creditCode: string;
  form: ApplicationForm;
  demands: Demand[];
  documents: Documents;
  state: ApplicationState;
  /** 1 for the first submission, +1 per resubmission after a return for correction. */
  revision: number;
  submittedAt: string;
  formalReview?: { decision: 'accepted' | 'returned'; reason?: string; at: string };
  /** Per opening body named in the demand list. */
  ownerReviews: Record<string, OwnerReview>;
  /** Quarterly batch the owner review belongs to (due by Mar 30, Jun 30, Sep 30, Dec 30). */
  ownerReviewBatch?: string;
  reReview?: { decision: 'approved' | 'rejected'; reason?: string; at: string };
  /** The current step's deadline; past ones stay in the key's history. */
  deadline?: Deadline;
}

function text(value: unknown, field: string, max = 500): string {
  const s = str(value, field, { max });
  assertNoPersonalData(s, field);
  return s;
}

export function parseForm(value: unknown): ApplicationForm {
  const f = obj(value, 'form');
  return {
    serviceName: text(f.serviceName, 'form.serviceName', 128),
    field: text(f.field, 'form.field', 64),
    scenarios: text(f.scenarios, 'form.scenarios', 2000),
    serviceScope: text(f.serviceScope, 'form.serviceScope'),
    serviceUsers: text(f.serviceUsers, 'form.serviceUsers'),
    concurrency: int(f.concurrency, 'form.concurrency', 1, 1_000_000),
    expectedBenefit: text(f.expectedBenefit, 'form.expectedBenefit', 2000),
    systemName: text(f.systemName, 'form.systemName', 128),
    machineRoom: text(f.machineRoom, 'form.machineRoom', 256),
    // Restricted data needs MLPS (等保) level 2 or higher (L10).
    mlpsLevel: int(f.mlpsLevel, 'form.mlpsLevel', 2, 5),
    mlpsFiling: str(f.mlpsFiling, 'form.mlpsFiling', { max: 64 }),
    contactNameHash: sha256Hex(f.contactNameHash, 'form.contactNameHash'),
    contactIdHash: sha256Hex(f.contactIdHash, 'form.contactIdHash'),
    contactPhoneHash: sha256Hex(f.contactPhoneHash, 'form.contactPhoneHash'),
  };
}

/** The demand list as requested; `body` is filled in later from the catalog. */
export function parseDemands(value: unknown): Omit<Demand, 'body'>[] {
  const demands = arr(value, 'demands', 1, 50, (v, field) => {
    const d = obj(v, field);
    return {
      scenario: text(d.scenario, `${field}.scenario`),
      datasetId: ident(d.datasetId, `${field}.datasetId`),
      items: stringList(d.items, `${field}.items`, 1, 200),
    };
  });
  const ids = demands.map((d) => d.datasetId);
  if (new Set(ids).size !== ids.length)
    throw new RdxError(ErrorCode.INVALID_ARGUMENT, 'demands must name each dataset once');
  return demands;
}

export function parseDocuments(value: unknown): Documents {
  const d = obj(value, 'documents');
  return {
    mlpsCertificate: sha256Hex(d.mlpsCertificate, 'documents.mlpsCertificate'),
    creditReport: sha256Hex(d.creditReport, 'documents.creditReport'),
    securityCommitment: sha256Hex(d.securityCommitment, 'documents.securityCommitment'),
  };
}

export interface ApplicationInput {
  id: string;
  form: ApplicationForm;
  demands: Omit<Demand, 'body'>[];
  documents: Documents;
}

export function parseApplicationInput(body: Json): ApplicationInput {
  return {
    id: ident(body.id, 'id'),
    form: parseForm(body.form),
    demands: parseDemands(body.demands),
    documents: parseDocuments(body.documents),
  };
}

/** A reason, mandatory where the rules demand one (a rejection without reason is invalid, L11). */
export function reason(value: unknown, field = 'reason'): string {
  const r = optionalStr(value, field, { max: 2000 }) ?? '';
  if (r.trim().length < 4)
    throw new RdxError(
      ErrorCode.INVALID_ARGUMENT,
      `${field} is required: state the reason (at least 4 characters)`,
    );
  assertNoPersonalData(r, field);
  return r;
}

/** An optional remark (on an approval): bounded, and never personal data in clear. */
export function optionalReason(value: unknown, field = 'reason'): string | undefined {
  const r = optionalStr(value === '' ? undefined : value, field, { max: 2000 });
  if (r !== undefined) assertNoPersonalData(r, field);
  return r;
}

export function bodiesOf(app: Application): string[] {
  return [...new Set(app.demands.map((d) => d.body))].sort();
}

export function parseApplication(raw: unknown): Application {
  return stored<Application>(raw, 'application', ['id', 'creditCode', 'state', 'demands', 'ownerReviews']);
}

export function requireState(app: Application, ...states: ApplicationState[]): void {
  if (!states.includes(app.state)) {
    throw new RdxError(
      ErrorCode.INVALID_STATE,
      `application ${app.id} is ${app.state}; this needs ${states.join(' or ')}`,
    );
  }
}

/** Demands whose owner review ended approved (directly, or through coordination). */
export function approvedDemands(app: Application): Demand[] {
  return app.demands.filter((d) => {
    const review = app.ownerReviews[d.body];
    const outcome =
      review?.coordination?.outcome ?? (review?.decision === 'approved' ? 'approved' : 'rejected');
    return outcome === 'approved';
  });
}
