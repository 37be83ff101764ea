/**
 * `rdx performance`: how opening bodies performed in a period, from the ledger (L23, Z38): every body for the
 * bureau and regulators, its own for a body. Calls served come from the gateway's
 * `GET /v1/regulator/body-performance` (also as CSV for the province).
 */
import { defineCommand, reqString } from '../../command.js';
import { table } from '../../output.js';

export default defineCommand({
  path: ['performance'],
  roles: ['bureau', 'regulator', 'body'],
  summary:
    '绩效 how opening bodies performed in a period: datasets, demands, reviews on time, grants, complaints',
  options: [
    { flags: '--period <period>', description: '期间 a year (2026) or a quarter (2026Q4)', required: true },
  ],
  async run(ctx, inv) {
    const rows = await ctx.ledger().query.bodyPerformance(reqString(inv.opts, 'period'));
    return {
      data: rows,
      lines: table(
        [
          'body',
          'datasets',
          'stale',
          'demands',
          'reviews',
          'days (mean/max)',
          'late',
          'overdue',
          'grants live',
          'complaints',
          'on time',
        ],
        rows.map((r) => [
          r.body,
          String(r.datasets.listed),
          String(r.datasets.stale),
          String(r.demandsReceived),
          String(r.ownerReviews.doneInPeriod),
          r.ownerReviews.workingDays
            ? `${r.ownerReviews.workingDays.mean}/${r.ownerReviews.workingDays.max}`
            : '—',
          String(r.ownerReviews.late),
          String(r.ownerReviews.overdueNow + r.complaints.overdueNow),
          String(r.grants.liveNow),
          String(r.complaints.filedInPeriod),
          `${r.complaints.resolvedOnTime}/${r.complaints.resolvedInPeriod}`,
        ]),
      ),
    };
  },
});
