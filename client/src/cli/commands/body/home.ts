/**
 * `rdx home`: an opening body's (or the bureau's) own business in one place — its open complaints, the reviews it
 * owes, soonest due first, its other overdue duties, its datasets, the latest incident reports and data returns
 * under its agreements, its live grants, and how many notifications it has not read.
 * Signed with the `--as` Fabric identity (the admin or a reviewer).
 */
import { defineCommand } from '../../command.js';
import { table } from '../../output.js';

export default defineCommand({
  path: ['home'],
  roles: ['body', 'bureau'],
  summary: '工作台 your body’s reviews to do, overdue duties, datasets, live grants and unread notifications',
  async run(ctx) {
    const home = await ctx.publicGateway().bodyHome(ctx.ledger().connection.identity);
    const none = (what: string): string[] => [`${what}: 无 none`];
    const lines = [
      `${home.body}: ${home.unread} 未读通知 unread notifications (rdx inbox --as …)`,
      '',
      ...(home.signals.length
        ? table(
            ['风险预警 signal', 'strength', 'grant', 'measured', 'proposal'],
            home.signals.map((s) => [
              s.kind,
              s.strength,
              s.grantId ?? `${s.enterprise ?? '?'}/${s.datasetId ?? '?'}`,
              `${s.measure} ≥ ${s.threshold}`,
              s.proposal?.command ?? '—',
            ]),
          )
        : none('风险预警 misuse signals')),
      '',
      ...(home.complaints.length
        ? table(
            ['投诉 complaint', 'category', 'dataset', 'enterprise', 'due', 'suspended'],
            home.complaints.map((c) => [
              c.id,
              c.category ?? '—',
              c.datasetId,
              c.enterprise ?? '—',
              c.overdue ? `${c.due} 逾期 overdue` : c.due,
              String(c.suspendedGrants),
            ]),
          )
        : none('待办投诉 open complaints')),
      '',
      ...(home.reviews.length
        ? table(
            ['待审核 review', 'step', 'due', 'working days'],
            home.reviews.map((r) => [
              r.applicationId,
              r.step,
              r.due,
              r.workingDaysOverdue !== undefined
                ? `overdue ${r.workingDaysOverdue}`
                : `${r.workingDaysLeft} left`,
            ]),
          )
        : none('待审核 reviews to do')),
      '',
      ...(home.overdue.length
        ? table(
            ['逾期 overdue', 'id', 'step', 'due'],
            home.overdue.map((i) => [i.type, i.id, i.step, i.due]),
          )
        : none('逾期 overdue duties')),
      '',
      ...(home.datasets.length
        ? table(
            ['数据集 dataset', 'name', 'attribute', 'listing', 'version', 'live grants'],
            home.datasets.map((d) => [
              d.id,
              d.name,
              d.openAttribute,
              d.listing,
              d.version ?? '—',
              String(d.liveGrants),
            ]),
          )
        : none('数据集 datasets')),
      '',
      ...(home.reports.length
        ? table(
            ['报告 report', 'kind', 'enterprise', 'agreement', 'at'],
            home.reports.map((r) => [
              r.id,
              r.severity ? `${r.kind} (${r.severity})` : r.kind,
              r.enterprise ?? r.creditCode,
              r.agreementId,
              r.at,
            ]),
          )
        : none('安全事件报告与数据回流 incident reports and data returns')),
      '',
      ...(home.grants.length
        ? table(
            ['授权 grant', 'enterprise', 'dataset', 'state', 'valid until'],
            home.grants.map((g) => [g.id, g.enterprise ?? g.creditCode, g.datasetId, g.state, g.validUntil]),
          )
        : none('生效授权 live grants')),
    ];
    return { data: home, lines };
  },
});
