/**
 * The bureau's report on opening bodies (L23, Z38) and its check of usage reports (L7): per body and quarter or
 * year, what the ledger records and the calls this gateway served, with a CSV for the province; and each usage
 * report beside the calls served in its period, largest difference first.
 */
import { api, download } from '../api.js';
import { card, h, link, mono, table } from '../dom.js';
import { t } from '../i18n.js';
import type { Page } from './common.js';

interface BodyRow {
  body: string;
  datasets: { listed: number; stale: number };
  demandsReceived: number;
  ownerReviews: {
    doneInPeriod: number;
    onTime: number;
    late: number;
    overdueNow: number;
    workingDays?: { mean: number; max: number };
  };
  grants: { issuedInPeriod: number; liveNow: number };
  complaints: { filedInPeriod: number; resolvedInPeriod: number; resolvedOnTime: number; overdueNow: number };
  callsServed: number;
}

interface ReportRow {
  reportId: string;
  enterpriseName: string;
  creditCode: string;
  period: string;
  reported: number;
  served?: number;
  difference?: number;
  note?: string;
}

/** This quarter and the three before it, and this year, as periods the report takes (China time). */
function periods(now = new Date()): string[] {
  const day = new Date(now.getTime() + 8 * 3_600_000);
  let year = day.getUTCFullYear();
  let q = Math.floor(day.getUTCMonth() / 3) + 1;
  const out: string[] = [];
  for (let i = 0; i < 4; i++) {
    out.push(`${year}Q${q}`);
    q -= 1;
    if (q === 0) [year, q] = [year - 1, 4];
  }
  return [...out, String(day.getUTCFullYear())];
}

export const performancePage: Page = async (root, params) => {
  const choices = periods();
  const period = choices.includes(params.get('period') ?? '') ? params.get('period')! : choices[0]!;
  root.append(h('h1', null, t('performance.title')));
  const [perf, recon] = await Promise.all([
    api<{ gatewayId: string; data: BodyRow[] }>(`/v1/regulator/body-performance?period=${period}`),
    api<{ data: ReportRow[] }>('/v1/regulator/usage-reconciliation'),
  ]);
  const csv = h('button', { type: 'button', 'data-testid': 'performance-csv' }, t('performance.csv'));
  csv.addEventListener('click', () => {
    void download(
      `/v1/regulator/body-performance?period=${period}&format=csv`,
      `body-performance-${period}.csv`,
    );
  });
  root.append(
    h(
      'div',
      { class: 'actions' },
      ...choices.map((p) =>
        link(`#/regulator/performance?period=${p}`, p, { class: p === period ? 'current' : undefined }),
      ),
      csv,
    ),
    card(
      t('performance.bodies', { period, gateway: perf.body.gatewayId }),
      table(
        [
          t('col.body'),
          t('performance.datasets'),
          t('performance.demands'),
          t('performance.reviews'),
          t('performance.grants'),
          t('performance.complaints'),
          t('performance.calls'),
        ],
        perf.body.data.map((r) => [
          r.body,
          `${r.datasets.listed} (${t('performance.stale', { n: r.datasets.stale })})`,
          r.demandsReceived,
          `${r.ownerReviews.onTime}/${r.ownerReviews.doneInPeriod}${r.ownerReviews.workingDays ? ` · ${t('performance.reviewDays', r.ownerReviews.workingDays)}` : ''}${r.ownerReviews.overdueNow ? ` · ${t('performance.overdue', { n: r.ownerReviews.overdueNow })}` : ''}`,
          `${r.grants.liveNow} (+${r.grants.issuedInPeriod})`,
          `${r.complaints.resolvedOnTime}/${r.complaints.filedInPeriod}${r.complaints.overdueNow ? ` · ${t('performance.overdue', { n: r.complaints.overdueNow })}` : ''}`,
          r.callsServed,
        ]),
        'performance-table',
      ),
    ),
    card(
      t('performance.reconciliation'),
      table(
        [
          t('col.enterprise'),
          t('performance.period'),
          t('performance.reported'),
          t('performance.served'),
          t('performance.difference'),
        ],
        recon.body.data.map((r) => [
          h('span', null, r.enterpriseName, ' ', mono(r.creditCode)),
          r.period,
          r.reported,
          r.served ?? '—',
          r.difference ?? (r.note ? h('span', { class: 'muted' }, r.note) : '—'),
        ]),
        'reconciliation-table',
      ),
    ),
  );
};
