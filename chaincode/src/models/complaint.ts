/**
 * A complaint or opinion (投诉举报 / 意见建议, Z21, L17): filed with the owning body (or the bureau), handled
 * within 10 working days, with an outcome on the grant and a recorded notification of the complainant.
 */
import type { RdxContext } from '../lib/context';
import { putSecret, requireSecret } from '../lib/sealed';
import type { Stamp } from '../lib/stamp';
import { load, save, stored } from '../lib/store';
import type { Deadline } from '../lib/deadlines';

export const COMPLAINT_KINDS = ['complaint', 'opinion'] as const;
export const COMPLAINANT_KINDS = ['person', 'organisation'] as const;
export const OUTCOMES = ['withdraw', 'restore', 'reopen', 'dismiss'] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** Z21: complaints and opinions are handled within ten working days. */
export const COMPLAINT_WORKING_DAYS = 10;

export interface Complaint extends Stamp {
  id: string;
  kind: (typeof COMPLAINT_KINDS)[number];
  body: string;
  datasetId: string;
  grantId?: string;
  /** A person is recorded only as a salted hash; an organisation by name. */
  complainant: { kind: (typeof COMPLAINANT_KINDS)[number]; nameHash?: string; name?: string };
  factsHash: string;
  state: 'OPEN' | 'RESOLVED';
  filedAt: string;
  deadline: Deadline;
  /** True when the grant was suspended on verification, in the filing transaction. */
  suspendedOnFiling: boolean;
  outcome?: { decision: Outcome; note: string; at: string };
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
  outcomeNote?: string;
}

export type ComplaintShell = Omit<Complaint, 'complainant'> & { sealedHash: string };

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
      ...(c.outcome ? { outcomeNote: c.outcome.note } : {}),
    };
    sealedHash = await putSecret(ctx, [c.body], 'complaint', c.id, secret);
  }
  const { complainant: _c, ...rest } = c as Complaint;
  const shell: ComplaintShell = {
    ...rest,
    ...(rest.outcome ? { outcome: { ...rest.outcome, note: '' } } : {}),
    sealedHash,
  };
  await save(ctx, 'complaint', c.id, shell);
  return shell;
}
