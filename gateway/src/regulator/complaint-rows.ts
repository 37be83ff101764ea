/**
 * Complaints as the consoles list them (Z21, Z35, L17): the ledger's shells — never the complainant or the facts,
 * which stay in the owning body's collection — with the enterprise's name, and whether the answer is late.
 */
import type { Complaint, ComplaintRow, Page } from '@rdx/client';
import type { LedgerView } from '../view/ledger-view.js';

export function complaintRow(c: Complaint, view: LedgerView, today: string): ComplaintRow {
  const grant = c.grantId ? view.grants.get(c.grantId) : undefined;
  return {
    id: c.id,
    body: c.body,
    datasetId: c.datasetId,
    grantId: c.grantId ?? null,
    enterprise: grant ? (view.enterprises.get(grant.creditCode)?.name ?? grant.creditCode) : null,
    category: c.category ?? null,
    filedThrough: c.filedThrough ?? null,
    state: c.state,
    filedAt: c.filedAt,
    due: c.deadline.due,
    overdue: c.state === 'OPEN' && c.deadline.due < today,
    suspendedGrants: c.suspendedGrants ?? (c.suspendedOnFiling ? 1 : 0),
    outcome: c.outcome?.decision ?? null,
    complainantTold: c.notification?.notifiedOn ?? null,
  };
}

/** Reads pages of `list` until `max` complaints or the end; open ones soonest due first, then newest. */
export async function readComplaints(
  list: (bookmark: string) => Promise<Page<Complaint>>,
  max: number,
): Promise<{ items: Complaint[]; more: boolean }> {
  const items: Complaint[] = [];
  let bookmark = '';
  do {
    const page = await list(bookmark);
    items.push(...page.items);
    bookmark = page.bookmark;
  } while (bookmark && items.length < max);
  items.sort(
    (a, b) =>
      (a.state === 'OPEN' ? 0 : 1) - (b.state === 'OPEN' ? 0 : 1) ||
      (a.state === 'OPEN'
        ? a.deadline.due.localeCompare(b.deadline.due)
        : b.filedAt.localeCompare(a.filedAt)) ||
      a.id.localeCompare(b.id),
  );
  return { items: items.slice(0, max), more: !!bookmark || items.length > max };
}
