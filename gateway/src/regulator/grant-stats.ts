/**
 * A grant's interface calls per day from this gateway's audit log, as regulators read them
 * (`/v1/regulator/grants/{id}/stats`) and the opening body whose grant it is (`/v1/admin/grants/{id}/stats`).
 */
import type { Services } from '../services.js';
import type { GrantView } from '../view/ledger-view.js';
import { grantCallsPerDay } from './audit-stats.js';

/** A grant as the regulator's and the body's views name it. */
export function grantSummary(s: Services, g: GrantView): Record<string, unknown> {
  return {
    id: g.id,
    enterprise: g.creditCode,
    enterpriseName: s.view.enterprises.get(g.creditCode)?.name ?? null,
    dataset: g.datasetId,
    datasetName: s.view.datasets.get(g.datasetId)?.name ?? null,
    body: g.body,
    state: g.state,
    validUntil: g.validUntil,
    grantedAt: g.grantedAt,
  };
}

/** The grant, and its calls allowed and denied per China day over the last `days` days. */
export async function grantStatsReply(
  s: Services,
  grant: GrantView,
  days: number,
): Promise<Record<string, unknown>> {
  const stats = await grantCallsPerDay(s.audit, grant.id, s.now(), days);
  return {
    grant: { ...grantSummary(s, grant), dailyQuota: grant.dailyQuota, items: grant.items },
    gatewayId: s.config.gatewayId,
    days: stats.days,
    allow: stats.days.reduce((n, d) => n + d.allow, 0),
    deny: stats.days.reduce((n, d) => n + d.deny, 0),
    rows: stats.rows,
    denyReasons: stats.reasons,
    truncated: stats.truncated,
  };
}
