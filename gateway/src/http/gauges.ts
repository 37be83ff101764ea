/**
 * The gauges an operator alerts on: anchoring lag and failures, the audit log's integrity, commit times and waits,
 * how closely the gateway follows the ledger, and the event loop's lag. Read at scrape time from the live services.
 */
import { AUDIT_SECONDS_BUCKETS, type AuditLogStats } from '../audit/audit-record.js';
import { LOOP_LAG_BUCKETS, LoopLag } from './loop-lag.js';
import type { Metrics } from './metrics.js';
import type { NotificationStore } from '../notify/notification-store.js';
import type { Services } from '../services.js';

export function registerGauges(
  metrics: Metrics,
  s: Pick<Services, 'anchors' | 'view' | 'database'> & { audit: { stats(): AuditLogStats } },
): void {
  const { anchors, view, audit, database } = s;
  metrics.gauge('rdx_audit_unanchored_records', 'Audit records not yet anchored on the ledger', () =>
    anchors.lagRecords(),
  );
  metrics.gauge('rdx_audit_anchor_lag_seconds', 'Age of the oldest unanchored audit record', () =>
    anchors.lagSeconds(),
  );
  metrics.gauge('rdx_audit_anchoring_failing', '1 while the last attempt to anchor failed', () =>
    anchors.lastFailure() === undefined ? 0 : 1,
  );
  metrics.gauge(
    'rdx_audit_log_broken',
    '1 once the audit log failed a check (altered, or a fork of its anchor chain): restricted data is refused',
    () => (anchors.broken() === undefined ? 0 : 1),
  );
  metrics.gauge(
    'rdx_audit_failed_commits',
    'Audit commits that failed since the gateway started (a full disk, the file gone): their requests were refused',
    () => audit.stats().failedCommits,
  );
  metrics.gauge(
    'rdx_audit_writing_failing',
    '1 while audit commits fail (until one succeeds): every data request is refused with AUDIT_UNWRITABLE',
    () => (audit.stats().failing === undefined ? 0 : 1),
  );
  if (database)
    metrics.gauge(
      'rdx_database_answering',
      '0 while PostgreSQL has not answered for 5 s (frozen, out of reach): every request that needs it is refused with STORE_UNAVAILABLE',
      () => (database.unansweredFor() === undefined ? 1 : 0),
    );
  metrics.gauge('rdx_ledger_following', '1 while the gateway follows ledger events', () =>
    view.following ? 1 : 0,
  );
  metrics.gauge('rdx_ledger_event_lag_seconds', 'Seconds since the last ledger event was applied', () =>
    view.lastEventAt ? (Date.now() - view.lastEventAt) / 1000 : -1,
  );
  metrics.gauge('rdx_ledger_last_block', 'Last block whose events were applied', () => view.lastBlock);
  // Every data call waits for the audit commit before its answer: a slow or stalling disk shows here first.
  const auditHistograms = [
    [
      'rdx_audit_commit_seconds',
      'Time to make a batch of audit records durable, from handed to the writer to committed (fsync included)',
      'commitSeconds',
    ],
    [
      'rdx_audit_wait_seconds',
      'Time each audit record waited from appended to durable: what a data call waits for before its answer',
      'waitSeconds',
    ],
  ] as const;
  for (const [name, help, of] of auditHistograms)
    metrics.histogram(name, help, AUDIT_SECONDS_BUCKETS, () => audit.stats()[of]);
}

/** The webhook deliveries by state: what is owed, and what gave up (an operator looks at the dead ones). */
export function registerNotificationGauges(
  metrics: Metrics,
  store: NotificationStore,
  follower: { following: boolean },
): void {
  metrics.gauge(
    'rdx_notifications_following',
    '1 while chaincode events are turned into notifications',
    () => (follower.following ? 1 : 0),
  );
  metrics.gauge(
    'rdx_webhook_deliveries_pending',
    'Webhook deliveries owed (first try or a retry)',
    () => store.deliveryCounts().pending,
  );
  metrics.gauge(
    'rdx_webhook_deliveries_dead',
    'Webhook deliveries that gave up after the last attempt',
    () => store.deliveryCounts().dead,
  );
}

/** The event loop's lag (http/loop-lag.ts), measured from now on (its timer keeps no process alive). */
export function registerLoopLag(metrics: Metrics): void {
  const lag = new LoopLag();
  metrics.histogram(
    'rdx_event_loop_lag_seconds',
    "How late the gateway's event loop ran a timer due every 10 ms: a stall of the process, at its length",
    LOOP_LAG_BUCKETS,
    () => lag.read(),
  );
}
