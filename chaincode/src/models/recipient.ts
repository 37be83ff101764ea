/**
 * The public recipients list (名单信息): one row per live grant — who holds which restricted dataset, since when —
 * and the order it is read in. `query:ListRecipients` gives the whole list, `query:ListRecipientsPage` a page of
 * grants at a time; the SDK puts the pages back in this order. Types and pure functions only: the SDK loads it
 * (through api.ts), and with it no contract.
 */
import type { GrantState } from './grant';

/** The grant states whose holders are on the recipients list. */
export const LIVE_GRANT_STATES = ['ACTIVE', 'SUSPENDED'] as const satisfies readonly GrantState[];

/** A row of the recipients list. */
export interface RecipientRow {
  enterpriseName: string;
  creditCode: string;
  datasetId: string;
  datasetName: string;
  body: string;
  since: string;
  validUntil: string;
  state: GrantState;
}

/** The list's order: oldest grant first, then by dataset. */
export function compareRecipients(a: RecipientRow, b: RecipientRow): number {
  return a.since.localeCompare(b.since) || a.datasetId.localeCompare(b.datasetId);
}
