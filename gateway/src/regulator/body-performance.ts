/**
 * The performance of opening bodies for the province's report (L23, Z38): the ledger's figures per body and
 * period (query:BodyPerformance) with the calls this gateway served on each body's grants in the period, as JSON
 * or as CSV (one row per body, columns named as the JSON's paths).
 */
import type { BodyPerformance } from '@rdx/client';
import type { AuditSink } from '../services.js';
import type { LedgerView } from '../view/ledger-view.js';
import { chinaDay, chinaDayStart, scanSince, type ScanResult } from './audit-stats.js';

export type BodyReport = BodyPerformance & { callsServed: number };

/** Adds to each body's figures the calls this gateway allowed on its grants within the period. */
export async function withCallsServed(
  rows: BodyPerformance[],
  view: LedgerView,
  audit: AuditSink,
): Promise<{ rows: BodyReport[] } & ScanResult> {
  const calls = new Map<string, number>();
  const first = rows[0];
  if (!first) return { rows: [], scanned: 0, truncated: false };
  const scan = await scanSince(audit, chinaDayStart(first.from), (r, t) => {
    if (r.decision !== 'allow' || !r.grantId) return;
    const day = chinaDay(t);
    if (day < first.from || day > first.to) return;
    const body = view.grants.get(r.grantId)?.body;
    if (body) calls.set(body, (calls.get(body) ?? 0) + 1);
  });
  return { rows: rows.map((r) => ({ ...r, callsServed: calls.get(r.body) ?? 0 })), ...scan };
}

/** Flattens an object to `path.to.leaf` columns. */
function flatten(o: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(o).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? flatten(v as Record<string, unknown>, `${prefix}${k}.`)
      : [[`${prefix}${k}`, v] as [string, unknown]],
  );
}

/** RFC 4180 CSV, one row per body; a cell a spreadsheet would evaluate is prefixed with `'`. */
export function performanceCsv(rows: BodyReport[]): string {
  const cell = (v: unknown): string => {
    let text = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const flat = rows.map((r) => new Map(flatten(r as unknown as Record<string, unknown>)));
  // Every column any row has (a figure may be absent for one body, e.g. review days with no review done).
  const header = [...new Set(flat.flatMap((f) => [...f.keys()]))];
  if (!header.length) header.push('body');
  const lines = [header.join(','), ...flat.map((f) => header.map((k) => cell(f.get(k))).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
