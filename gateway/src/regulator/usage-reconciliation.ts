/**
 * Usage reports checked against what was served (L7, L21: the enterprise reports its calls; the platform logs
 * them). For each usage report on the ledger, the calls this gateway allowed on the grants of the report's
 * agreement in the report's period are counted from the access log and set beside the reported figure.
 *
 * A report's period is free text on the ledger; the forms enterprises use are read — a year (2026), a quarter
 * (2026Q4, 2026-Q4), a month (2026-11) — and any other is shown unreconciled, with the reason. Only this
 * gateway's log is read: where several gateways serve, each reconciles its own share (`gatewayId`).
 */
import type { Duty } from '@rdx/client';
import type { AuditSink } from '../services.js';
import type { LedgerView } from '../view/ledger-view.js';
import { chinaDay, chinaDayStart, MAX_SCAN, scanSince, type ScanResult } from './audit-stats.js';

export interface Reconciliation {
  reportId: string;
  agreementId: string;
  creditCode: string;
  enterpriseName: string;
  body: string;
  period: string;
  /** The period's first and last day (China time), when the period could be read. */
  from?: string;
  to?: string;
  reported: number;
  /** Calls this gateway allowed on the agreement's grants in the period; absent when the period is unreadable. */
  served?: number;
  /** reported − served. */
  difference?: number;
  note?: string;
}

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

/** Reconciles `reports` (usage-report duty records) against the access log, in one scan back to the earliest period. */
export async function reconcileUsage(
  reports: Duty[],
  view: LedgerView,
  audit: AuditSink,
): Promise<{ rows: Reconciliation[] } & ScanResult> {
  const rows: Reconciliation[] = reports.map((d) => {
    const period = typeof d.detail.period === 'string' ? d.detail.period : '';
    const days = periodDays(period);
    return {
      reportId: d.id,
      agreementId: d.agreementId,
      creditCode: d.creditCode,
      enterpriseName: view.enterprises.get(d.creditCode)?.name ?? '',
      body: d.body ?? '',
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
