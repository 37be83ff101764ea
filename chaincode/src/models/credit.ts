/**
 * Credit from facts (L24 信用评价): the grade an enterprise's record on the ledger supports for a period, which
 * the bureau confirms or overrides with a recorded reason. The facts, each counted in the period:
 *
 * - violations: grants terminated for a violation not rectified (Z39; `enterprise.violations`);
 * - upheld complaints: complaints about one of its grants resolved by withdrawing it, or upheld (a security
 *   incident it reported itself does not count against it, L18 asks it to report);
 * - missed duties: products not published by their deadline (L21), usage reports (L7) and data returns (L22)
 *   overdue;
 * - timely reports: usage reports and data returns it filed (L7, L22).
 *
 * The rule: any violation, or two upheld complaints, is `poor`; one upheld complaint or a missed duty is `fair`;
 * otherwise `excellent` with at least one report per quarter of the period, else `good`.
 */
import type { RdxContext } from '../lib/context';
import { today } from '../lib/deadlines';
import { idsByIndex } from '../lib/keys';
import { load } from '../lib/store';
import { loadAgreementShell, nextUsageReportDue } from './agreement';
import { chinaDayOf, periodRange } from './calendar';
import { loadComplaintShell } from './complaint';
import type { Enterprise } from './enterprise';

export const GRADES = ['excellent', 'good', 'fair', 'poor'] as const;
export type Grade = (typeof GRADES)[number];

export const CREDIT_RULE =
  'L24: a violation or 2 upheld complaints → poor; 1 upheld complaint or a missed duty → fair; else excellent with a report per quarter, otherwise good';

/** What an evaluation publishes of the facts: counts, the period's days, and the grade they support. */
export interface CreditBasis {
  from: string;
  to: string;
  violations: number;
  upheldComplaints: number;
  missedDuties: number;
  timelyReports: number;
  proposedGrade: Grade;
  rule: string;
}

/** The basis with the ledger ids behind each count (for the bureau and regulators). */
export interface CreditFacts extends CreditBasis {
  creditCode: string;
  period: string;
  ids: { violations: string[]; upheldComplaints: string[]; missedDuties: string[]; timelyReports: string[] };
}

export function gradeFor(
  f: Pick<CreditBasis, 'violations' | 'upheldComplaints' | 'missedDuties' | 'timelyReports'>,
  quarters: number,
): Grade {
  if (f.violations > 0 || f.upheldComplaints >= 2) return 'poor';
  if (f.upheldComplaints === 1 || f.missedDuties > 0) return 'fair';
  return f.timelyReports >= quarters ? 'excellent' : 'good';
}

/** The facts on the ledger about `enterprise` in `period`, and the grade they support. */
export async function creditFacts(
  ctx: RdxContext,
  enterprise: Enterprise,
  period: unknown,
): Promise<CreditFacts> {
  const range = periodRange(period);
  const within = (day: string | undefined): boolean => !!day && day >= range.from && day <= range.to;
  const now = today(ctx);
  const ids: CreditFacts['ids'] = {
    violations: [],
    upheldComplaints: [],
    missedDuties: [],
    timelyReports: [],
  };
  for (const v of enterprise.violations ?? []) if (within(chinaDayOf(v.at))) ids.violations.push(v.grantId);
  for (const id of await idsByIndex(ctx, 'complaint~enterprise', [enterprise.creditCode])) {
    const c = await loadComplaintShell(ctx, id);
    const against =
      c.outcome?.decision === 'withdraw' || (c.outcome?.decision === 'upheld' && c.category !== 'security');
    if (against && within(c.outcome ? chinaDayOf(c.outcome.at) : undefined)) ids.upheldComplaints.push(id);
  }
  for (const id of await idsByIndex(ctx, 'agreement~enterprise', [enterprise.creditCode])) {
    const a = await loadAgreementShell(ctx, id);
    const deadline = a.productDeadline;
    if (deadline && within(deadline) && deadline < now && !(a.product && a.product.publishedOn <= deadline))
      ids.missedDuties.push(`${id}:product`);
    if (
      a.state === 'IN_FORCE' &&
      a.dataReturn &&
      a.dataReturnDue &&
      a.dataReturnDue < now &&
      within(a.dataReturnDue)
    )
      ids.missedDuties.push(`${id}:data-return`);
    if (a.state === 'IN_FORCE' && a.inForceAt) {
      const due = nextUsageReportDue(a.inForceAt, a.lastUsageReportAt);
      if (due < now && within(due)) ids.missedDuties.push(`${id}:usage-report`);
    }
    for (const dutyId of await idsByIndex(ctx, 'duty~agreement', [id])) {
      const duty = await load(ctx, 'duty', dutyId, (raw) => raw as { kind?: string; at?: string });
      if (
        (duty.kind === 'usage-report' || duty.kind === 'data-return') &&
        within(duty.at ? chinaDayOf(duty.at) : undefined)
      )
        ids.timelyReports.push(dutyId);
    }
  }
  const counts = {
    violations: ids.violations.length,
    upheldComplaints: ids.upheldComplaints.length,
    missedDuties: ids.missedDuties.length,
    timelyReports: ids.timelyReports.length,
  };
  return {
    creditCode: enterprise.creditCode,
    period: range.period,
    from: range.from,
    to: range.to,
    ...counts,
    proposedGrade: gradeFor(counts, range.quarters),
    rule: CREDIT_RULE,
    ids,
  };
}
