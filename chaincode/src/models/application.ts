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
 *
 * Sealed (lib/sealed.ts). An application concerns the bureau and the bodies it names, so its filing — form,
 * demands, documents — is kept in each named body's collection, and the reasons given at each step are notes
 * there too: the bureau's (formal review, re-review) with every named body, a body's own review and a dispute
 * of it with that body only. The channel holds the shell: enterprise, named bodies, state, revision, each
 * step's decision and time, deadlines — what every endorser must agree on to move the workflow.
 */
import { isBodyStaff, type Actor } from '../lib/access';
import type { RdxContext } from '../lib/context';
import { RdxError, ErrorCode } from '../lib/errors';
import { assertNoPersonalData } from '../lib/personal-data';
import { deleteSecret, getSecret, putSecret, requireSecret } from '../lib/sealed';
import type { Deadline } from '../lib/deadlines';
import type { Stamp } from '../lib/stamp';
import { load, save, stored } from '../lib/store';
import {
  arr,
  int,
  obj,
  optionalStr,
  parsedExactly,
  sha256Hex,
  str,
  stringList,
  ident,
  newApplicationId,
  visibleLength,
  type Json,
} from '../lib/validate';

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
  /** The owner-review deadline it answered (reviews before this field have none). */
  due?: string;
  dispute?: { reason?: string; at: string };
  coordination?: { outcome: 'approved' | 'rejected'; minutesHash: string; at: string };
}

export interface Application extends Stamp {
  id: string;
  creditCode: string;
  /** The opening bodies its demands name (from the catalogue), sorted. */
  bodies: string[];
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
  /**
   * Per body named, the day its owner review is due: the earlier of its next published batch day and 15 working
   * days from the formal acceptance (L11(3); applications accepted before this field have the one deadline).
   */
  ownerReviewDue?: Record<string, string>;
  reReview?: { decision: 'approved' | 'rejected'; reason?: string; at: string };
  /** The current step's deadline; past ones stay in the key's history. */
  deadline?: Deadline;
  /** SHA-256 of the filing (form, demands, documents) as kept in the named bodies' collections. */
  sealedHash?: string;
}

/** What the channel holds of an application: no form, demands, documents or reasons. */
export type ApplicationShell = Omit<Application, 'form' | 'demands' | 'documents'> & { sealedHash: string };

/** The filing: the part of an application every named body and the bureau hold. */
export interface ApplicationFiling {
  form: ApplicationForm;
  demands: Demand[];
  documents: Documents;
}

/** Steps whose reasons are notes: the bureau's go to every named body, a body's (and a dispute of it) to it. */
export type NoteStep = 'formal-review' | 're-review' | `owner-review.${string}` | `dispute.${string}`;

interface Note {
  reason: string;
  at: string;
}

export function parseApplicationShell(raw: unknown): ApplicationShell {
  return stored<ApplicationShell>(raw, 'application', [
    'id',
    'creditCode',
    'bodies',
    'state',
    'ownerReviews',
  ]);
}

export function loadApplicationShell(ctx: RdxContext, id: string): Promise<ApplicationShell> {
  return load(ctx, 'application', id, parseApplicationShell);
}

/** Writes the filing to every named body's collection; returns its hash for the shell. */
export function fileApplication(
  ctx: RdxContext,
  id: string,
  bodies: string[],
  filing: ApplicationFiling,
): Promise<string> {
  return putSecret(ctx, bodies, 'application', id, filing);
}

/** Removes the filing from a body the application no longer names. */
export function unfileApplication(ctx: RdxContext, id: string, body: string): Promise<void> {
  return deleteSecret(ctx, body, 'application', id);
}

/** Records the reason of `step` in `holders`' collections (nothing when no reason was given). */
export async function putNote(
  ctx: RdxContext,
  holders: string[],
  id: string,
  step: NoteStep,
  reasonText: string | undefined,
  at: string,
): Promise<void> {
  if (reasonText === undefined) return;
  await putSecret(ctx, holders, 'application-note', `${id}.${step}`, { reason: reasonText, at });
}

/**
 * The whole application as `actor` may read it: the filing from a collection its org's peer holds (a body's
 * own; the bureau's peer holds them all), and the reasons of the notes it holds. A body reads the bureau's
 * reasons and its own; others' reviews without their reasons.
 */
export async function readApplication(
  ctx: RdxContext,
  actor: Actor,
  shell: ApplicationShell,
): Promise<Application> {
  const holders = isBodyStaff(actor) ? [actor.mspId] : shell.bodies;
  const filing = await requireSecret<ApplicationFiling>(ctx, holders[0]!, 'application', shell.id);
  const note = async (
    step: NoteStep,
    at: string | undefined,
    from = holders,
  ): Promise<string | undefined> => {
    if (at === undefined) return undefined;
    for (const holder of from) {
      const found = await getSecret<Note>(ctx, holder, 'application-note', `${shell.id}.${step}`);
      if (found?.at === at) return found.reason;
    }
    return undefined;
  };
  const ownerReviews: Record<string, OwnerReview> = {};
  for (const [body, review] of Object.entries(shell.ownerReviews)) {
    const mine = holders.includes(body) ? [body] : [];
    const reason = await note(`owner-review.${body}`, review.at, mine);
    const disputeReason = await note(`dispute.${body}`, review.dispute?.at, mine);
    ownerReviews[body] = {
      ...review,
      ...(reason !== undefined ? { reason } : {}),
      ...(review.dispute
        ? {
            dispute: { ...review.dispute, ...(disputeReason !== undefined ? { reason: disputeReason } : {}) },
          }
        : {}),
    };
  }
  const formalReason = await note('formal-review', shell.formalReview?.at);
  const reReason = await note('re-review', shell.reReview?.at);
  return {
    ...shell,
    ...filing,
    ownerReviews,
    ...(shell.formalReview
      ? {
          formalReview: {
            ...shell.formalReview,
            ...(formalReason !== undefined ? { reason: formalReason } : {}),
          },
        }
      : {}),
    ...(shell.reReview
      ? { reReview: { ...shell.reReview, ...(reReason !== undefined ? { reason: reReason } : {}) } }
      : {}),
  };
}

/**
 * The whole application for a transaction of `actor`: a body reads its own collection; for anyone else
 * this is only for evaluation (a transaction reading several collections cannot be endorsed).
 */
export async function loadApplicationAs(ctx: RdxContext, actor: Actor, id: string): Promise<Application> {
  const shell = await loadApplicationShell(ctx, id);
  if (isBodyStaff(actor) && !shell.bodies.includes(actor.mspId))
    throw new RdxError(ErrorCode.NOT_FOUND, `application ${id} does not exist`);
  return readApplication(ctx, actor, shell);
}

/** Saves the shell of an application, dropping what only the collections may hold. */
export async function saveApplicationShell(
  ctx: RdxContext,
  app: ApplicationShell | Application,
): Promise<ApplicationShell> {
  const { form: _f, demands: _d, documents: _o, ...rest } = app as Application;
  const strip = <T extends { reason?: string }>(x: T | undefined): T | undefined => {
    if (!x) return x;
    const { reason: _r, ...kept } = x;
    return kept as T;
  };
  const ownerReviews: Record<string, OwnerReview> = {};
  for (const [body, review] of Object.entries(rest.ownerReviews)) {
    ownerReviews[body] = {
      ...strip(review)!,
      ...(review.dispute ? { dispute: { at: review.dispute.at } } : {}),
    };
  }
  const shell = {
    ...rest,
    ownerReviews,
    formalReview: strip(rest.formalReview),
    reReview: strip(rest.reReview),
    sealedHash: rest.sealedHash ?? '',
  } as ApplicationShell;
  await save(ctx, 'application', shell.id, shell);
  return shell;
}

function text(value: unknown, field: string, max = 500): string {
  const s = str(value, field, { max });
  assertNoPersonalData(s, field);
  return s;
}

export function parseForm(value: unknown): ApplicationForm {
  const f = obj(value, 'form');
  return parsedExactly<ApplicationForm>(f, 'form', {
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
  });
}

/** The demand list as requested; `body` is filled in later from the catalog. */
export function parseDemands(value: unknown): Omit<Demand, 'body'>[] {
  const demands = arr(value, 'demands', 1, 50, (v, field) => {
    const d = obj(v, field);
    return parsedExactly(d, field, {
      scenario: text(d.scenario, `${field}.scenario`),
      datasetId: ident(d.datasetId, `${field}.datasetId`),
      items: stringList(d.items, `${field}.items`, 1, 200),
    });
  });
  const ids = demands.map((d) => d.datasetId);
  if (new Set(ids).size !== ids.length)
    throw new RdxError(ErrorCode.INVALID_ARGUMENT, 'demands must name each dataset once');
  return demands;
}

export function parseDocuments(value: unknown): Documents {
  const d = obj(value, 'documents');
  return parsedExactly<Documents>(d, 'documents', {
    mlpsCertificate: sha256Hex(d.mlpsCertificate, 'documents.mlpsCertificate'),
    creditReport: sha256Hex(d.creditReport, 'documents.creditReport'),
    securityCommitment: sha256Hex(d.securityCommitment, 'documents.securityCommitment'),
  });
}

export interface ApplicationInput {
  id: string;
  form: ApplicationForm;
  demands: Omit<Demand, 'body'>[];
  documents: Documents;
}

export function parseApplicationInput(body: Json): ApplicationInput {
  return {
    id: newApplicationId(body.id, 'id'),
    form: parseForm(body.form),
    demands: parseDemands(body.demands),
    documents: parseDocuments(body.documents),
  };
}

/** A reason, mandatory where the rules demand one (a rejection without reason is invalid, L11). */
export function reason(value: unknown, field = 'reason'): string {
  // min 0: a blank reason is told what a reason takes, below, not only that it is empty.
  const r = optionalStr(value, field, { min: 0, max: 2000 }) ?? '';
  if (visibleLength(r) < 4)
    throw new RdxError(
      ErrorCode.INVALID_ARGUMENT,
      `${field} is required: state the reason (at least 4 characters, not counting spaces and invisible ones)`,
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

/** The bodies a demand list names, sorted. */
export function bodiesOfDemands(demands: Demand[]): string[] {
  return [...new Set(demands.map((d) => d.body))].sort();
}

export function requireState(app: Pick<Application, 'id' | 'state'>, ...states: ApplicationState[]): void {
  if (!states.includes(app.state)) {
    throw new RdxError(
      ErrorCode.INVALID_STATE,
      `application ${app.id} is ${app.state}; this needs ${states.join(' or ')}`,
    );
  }
}

/** Whether `body`'s demands ended approved (directly, or through coordination). */
export function bodyApproved(app: Pick<Application, 'ownerReviews'>, body: string): boolean {
  const review = app.ownerReviews[body];
  const outcome =
    review?.coordination?.outcome ?? (review?.decision === 'approved' ? 'approved' : 'rejected');
  return outcome === 'approved';
}

/** Demands whose owner review ended approved (directly, or through coordination). */
export function approvedDemands(app: Application): Demand[] {
  return app.demands.filter((d) => bodyApproved(app, d.body));
}
