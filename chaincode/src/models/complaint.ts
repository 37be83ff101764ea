/**
 * A complaint or opinion (投诉举报 / 意见建议, Z21, L17): filed with the owning body (or the bureau), handled
 * within 10 working days, with an outcome on the grant and a recorded notification of the complainant.
 */
import type { Stamp } from '../lib/stamp';
import { stored } from '../lib/store';
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
}

export function parseComplaint(raw: unknown): Complaint {
  return stored<Complaint>(raw, 'complaint', ['id', 'body', 'datasetId', 'state', 'deadline']);
}
