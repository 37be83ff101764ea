/**
 * Usage reports checked against what was served (L7, L21: the enterprise reports its calls; the platform logs
 * them). For each usage report on the ledger, the calls this gateway allowed on the grants of the report's
 * agreement in the report's period are counted from the access log and set beside the reported figure.
 *
 * A report's period is free text on the ledger; the forms enterprises use are read — a year (2026), a quarter
 * (2026Q4, 2026-Q4), a month (2026-11) — and any other is shown unreconciled, with the reason. Only this
 * gateway's log is read: where several gateways serve, each reconciles its own share (`gatewayId`).
 *
 * Regulators read every report (routes/regulator.ts); an opening body reads those under its own agreements,
 * signed with its Fabric identity (routes/admin.ts).
 */
import type { Duty, DutyApi, UsageReconciliation } from '@rdx/client';
import type { AuditSink } from '../services.js';
import type { LedgerView } from '../view/ledger-view.js';
import { chinaDay, chinaDayStart, MAX_SCAN, scanSince, type ScanResult } from './audit-stats.js';

/** One report beside the calls served: the SDK's type, so clients read exactly what is sent. */
export type Reconciliation = UsageReconciliation;

function lastDayOfMonth(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/** A report's period as its first and last China day, or undefined when it is not a year, quarter or month. */
export function periodDays(period: string): { from: string; to: string } | undefined {
  const p = period.trim();
  let m = /^(\d{4})-?Q([1-4])$/i.exec(p);
  if (m) {
    const y = Number(m[1]);
    const q = Number(m[2]);
    return { from: `${y}-${String(3 * q - 2).padStart(2, '0')}-01`, to: lastDayOfMonth(y, 3 * q) };
  }
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(p);
  if (m) return { from: `${m[1]}-${m[2]}-01`, to: lastDayOfMonth(Number(m[1]), Number(m[2])) };
  m = /^(\d{4})$/.exec(p);
  if (m) return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31` };
  return undefined;
}

/** Every usage report on the ledger, or one agreement's, page by page. */
export async function usageReports(duty: DutyApi, agreement?: string): Promise<Duty[]> {
  const reports: Duty[] = [];
  let bookmark = '';
  do {
    const page = await duty.list(agreement ? { agreement } : { kind: 'usage-report' }, {
      pageSize: 200,
      bookmark,
    });
    reports.push(...page.items.filter((d) => d.kind === 'usage-report'));
    bookmark = page.bookmark;
  } while (bookmark);
  return reports;
}

/** The rows to look at first: the largest difference between reported and served, then by report id. */
export function largestDifferenceFirst(rows: Reconciliation[]): Reconciliation[] {
  const gap = (x: Reconciliation): number => Math.abs(x.difference ?? 0);
  return rows.sort((a, b) => gap(b) - gap(a) || a.reportId.localeCompare(b.reportId));
}

/** The opening body of each agreement with a grant in the view (for reports recorded before duties named it). */
function agreementBodies(view: LedgerView): Map<string, string> {
  const bodies = new Map<string, string>();
  for (const g of view.grants.values()) bodies.set(g.agreementId, g.body);
  return bodies;
}

/** Reconciles `reports` (usage-report duty records) against the access log, in one scan back to the earliest period. */
export async function reconcileUsage(
  reports: Duty[],
  view: LedgerView,
  audit: AuditSink,
): Promise<{ rows: Reconciliation[] } & ScanResult> {
  const bodies = agreementBodies(view);
  const rows: Reconciliation[] = reports.map((d) => {
    const period = typeof d.detail.period === 'string' ? d.detail.period : '';
    const days = periodDays(period);
    return {
      reportId: d.id,
      agreementId: d.agreementId,
      creditCode: d.creditCode,
      enterpriseName: view.enterprises.get(d.creditCode)?.name ?? '',
      body: d.body ?? bodies.get(d.agreementId) ?? '',
      period,
      ...(days ?? {}),
      reported: Number(d.detail.callCount ?? 0),
      ...(days ? { served: 0 } : { note: 'the period is not a year, quarter (2026Q4) or month (2026-11)' }),
    };
  });
  const readable = rows.filter((r) => r.from);
  if (readable.length === 0) return { rows, scanned: 0, truncated: false };
  const earliest = readable.reduce((a, r) => (r.from! < a ? r.from! : a), readable[0]!.from!);
  // Calls served per agreement and China day, in one scan; then summed over each report's days.
  const served = new Map<string, Map<string, number>>();
  const scan = await scanSince(
    audit,
    chinaDayStart(earliest),
    (r, t) => {
      const agreementId =
        r.decision === 'allow' && r.grantId ? view.grants.get(r.grantId)?.agreementId : undefined;
      if (!agreementId) return;
      const days = served.get(agreementId) ?? new Map<string, number>();
      const day = chinaDay(t);
      days.set(day, (days.get(day) ?? 0) + 1);
      served.set(agreementId, days);
    },
    MAX_SCAN,
  );
  for (const row of readable) {
    let calls = 0;
    for (const [day, n] of served.get(row.agreementId) ?? [])
      if (day >= row.from! && day <= row.to!) calls += n;
    row.served = calls;
    row.difference = row.reported - calls;
  }
  return { rows, ...scan };
}
