/**
 * A complaint or opinion (投诉举报 / 意见建议, Z21, L17): filed with the owning body (or the bureau), handled
 * within 10 working days, with an outcome on the grant and a recorded notification of the complainant.
 */
import type { RdxContext } from '../lib/context';
import { putSecret, requireSecret } from '../lib/sealed';
import type { Stamp } from '../lib/stamp';
import { load, save, stored } from '../lib/store';
import { workingDaysFromToday, type Deadline } from '../lib/deadlines';
import type { EventName } from '../lib/events';
import { deleteIndex, putIndex } from '../lib/keys';
import { loadGrantShell } from './grant';
import { COMPLAINT_CATEGORIES } from '../data/complaint-categories';

import { COMPLAINT_KINDS } from './complaint-fields';

export { COMPLAINT_CATEGORIES, COMPLAINT_KINDS };
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];
/** Who complained: staff record a person or an organisation; the platform records an enterprise or a citizen. */
export const COMPLAINANT_KINDS = ['person', 'organisation'] as const;
/** How the complaint reached the body: recorded by staff, signed by an enterprise, or sent by anyone. */
export const FILING_CHANNELS = ['staff', 'enterprise', 'public'] as const;
/**
 * withdraw: the suspended grants are revoked; restore / reopen (after processing): they are active again;
 * dismiss: not upheld, nothing changes; upheld: upheld and handled without a suspension (the data or the
 * catalogue was corrected).
 */
export const OUTCOMES = ['withdraw', 'restore', 'reopen', 'dismiss', 'upheld'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** Z21: complaints and opinions are handled within ten working days. */
export const COMPLAINT_WORKING_DAYS = 10;

export interface Complaint extends Stamp {
  id: string;
  kind: (typeof COMPLAINT_KINDS)[number];
  body: string;
  datasetId: string;
  grantId?: string;
  /** Z21 (1)–(4) or Z35; complaints filed before categories existed have none. */
  category?: ComplaintCategory;
  /** Complaints filed before channels existed were recorded by staff. */
  filedThrough?: (typeof FILING_CHANNELS)[number];
  /**
   * A person is recorded only as salted hashes (of a name, or of the contact a citizen gave); an organisation by
   * name; an enterprise by its credit code.
   */
  complainant: {
    kind: (typeof COMPLAINANT_KINDS)[number] | 'enterprise';
    nameHash?: string;
    contactHash?: string;
    name?: string;
    creditCode?: string;
  };
  factsHash: string;
  /** The facts as written through the platform (kept with the complainant in the body's collection). */
  facts?: string;
  /**
   * SHA-256 of the receipt the complainant keeps when filing through the platform: with it, and only with it,
   * the gateway shows the complainant where the complaint stands.
   */
  receiptHash?: string;
  /** The security-incident report (a duty record) that opened it. */
  reportId?: string;
  /** How many grants were suspended for it (the named one, or every active grant on the dataset). */
  suspendedGrants?: number;
  state: 'OPEN' | 'RESOLVED';
  filedAt: string;
  deadline: Deadline;
  /** True when the grant was suspended on verification, in the filing transaction. */
  suspendedOnFiling: boolean;
  /** `grants`: how many were suspended for it when decided; `leftSuspended`: of those, not restored (ended or rating). */
  outcome?: { decision: Outcome; note: string; at: string; grants?: number; leftSuspended?: number };
  notification?: { channel: string; notifiedOn: string; summaryHash: string; at: string };
  /** SHA-256 of the confidential part as last written. */
  sealedHash?: string;
}

/**
 * Sealed (lib/sealed.ts): who complained and the body's note on the outcome stay in the owning body's
 * collection; the channel holds the complaint's dataset, grant, facts hash, state and deadline.
 */
export interface ComplaintSecret {
  complainant: Complaint['complainant'];
  facts?: string;
  outcomeNote?: string;
}

export type ComplaintShell = Omit<Complaint, 'complainant' | 'facts'> & { sealedHash: string };

export function parseComplaintShell(raw: unknown): ComplaintShell {
  return stored<ComplaintShell>(raw, 'complaint', ['id', 'body', 'datasetId', 'state', 'deadline']);
}

export function loadComplaintShell(ctx: RdxContext, id: string): Promise<ComplaintShell> {
  return load(ctx, 'complaint', id, parseComplaintShell);
}

/** The whole complaint: shell and, from the owning body's collection, its secret. */
export async function loadComplaint(ctx: RdxContext, id: string): Promise<Complaint> {
  const shell = await loadComplaintShell(ctx, id);
  const secret = await requireSecret<ComplaintSecret>(ctx, shell.body, 'complaint', shell.id);
  return {
    ...shell,
    complainant: secret.complainant,
    ...(secret.facts === undefined ? {} : { facts: secret.facts }),
    ...(shell.outcome ? { outcome: { ...shell.outcome, note: secret.outcomeNote ?? '' } } : {}),
  };
}

/** Saves the shell; the secret too when `withSecret` (filing, and the outcome with its note). */
export async function saveComplaintObject(
  ctx: RdxContext,
  c: Complaint | ComplaintShell,
  withSecret: boolean,
): Promise<ComplaintShell> {
  let sealedHash = c.sealedHash ?? '';
  if (withSecret) {
    if (!('complainant' in c)) throw new Error('the secret of a complaint needs the whole complaint');
    const secret: ComplaintSecret = {
      complainant: c.complainant,
      ...(c.facts === undefined ? {} : { facts: c.facts }),
      ...(c.outcome ? { outcomeNote: c.outcome.note } : {}),
    };
    sealedHash = await putSecret(ctx, [c.body], 'complaint', c.id, secret);
  }
  const { complainant: _c, facts: _f, ...rest } = c as Complaint;
  const shell: ComplaintShell = {
    ...rest,
    ...(rest.outcome ? { outcome: { ...rest.outcome, note: '' } } : {}),
    sealedHash,
  };
  await save(ctx, 'complaint', c.id, shell);
  return shell;
}

/** Z21: handled, and the complainant told, within 10 working days of filing. */
export async function complaintDeadline(ctx: RdxContext): Promise<Deadline> {
  return {
    step: 'complaint-handling',
    due: await workingDaysFromToday(ctx, COMPLAINT_WORKING_DAYS),
    rule: `Z21: ${COMPLAINT_WORKING_DAYS} working days`,
  };
}

/**
 * Saves a complaint with its secret and keeps its indexes in step (by state, by body and state, and — until
 * the complainant is told — among the unanswered); lists the change in the transaction's event. Returns the
 * shell (what the block may hold).
 */
export async function recordComplaint(
  ctx: RdxContext,
  c: Complaint,
  previous: Complaint | undefined,
  event: EventName,
): Promise<ComplaintShell> {
  if (previous) {
    await deleteIndex(ctx, 'complaint~state', [previous.state, c.id]);
    await deleteIndex(ctx, 'complaint~body~state', [previous.body, previous.state, c.id]);
  } else {
    await putIndex(ctx, 'complaint~unanswered', [c.id]);
    // Whose grant it is about, for the credit facts of that enterprise (models/credit.ts).
    if (c.grantId) {
      const grant = await loadGrantShell(ctx, c.grantId);
      await putIndex(ctx, 'complaint~enterprise', [grant.creditCode, c.id]);
    }
  }
  const shell = await saveComplaintObject(ctx, c, true);
  await putIndex(ctx, 'complaint~state', [c.state, c.id]);
  await putIndex(ctx, 'complaint~body~state', [c.body, c.state, c.id]);
  // The dataset is on the channel already (in the shell): with it, whoever follows events knows whose data it is.
  ctx.changed(event, { type: 'complaint', id: c.id, state: c.state, dataset: c.datasetId });
  return shell;
}
