/**
 * The misuse monitor (issue 17): every audited data request of this gateway passes through `observe` after its
 * record is durable; each grant's activity (grant-activity.ts) says what crosses a threshold. A new signal is
 * stored once (`signals.db`, beside the audit log), counted in /metrics, and told to the owning body's inbox as
 * `misuse.signal` — a strong one with a proposal to suspend the grant, which a person of the body confirms on the
 * ledger (`rdx grant suspend … --as admin.…`) or not. Regulators list them at GET /v1/regulator/misuse-signals.
 *
 * What the monitor keeps in memory (hourly volumes, pages of the last day) is learnt again from the audit log's
 * last 8 days at a restart; the addresses each grant was used from are kept in the file. Each gateway watches
 * its own traffic.
 */
import crypto from 'node:crypto';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { NOTIFICATION_KINDS, type MisuseSignal, type Notification } from '@rdx/client';
import type { Metrics } from '../http/metrics.js';
import { LruMap } from '../lib/lru-map.js';
import { scanSince } from '../regulator/audit-stats.js';
import type { AuditRecord, AuditSink } from '../services.js';
import { bodyParty } from '../notify/derive.js';
import type { NotificationStore } from '../notify/notification-store.js';
import type { LedgerView } from '../view/ledger-view.js';
import {
  GrantActivity,
  type MisuseThresholds,
  type Observation,
  type Signal,
  type SignalKind,
  type SignalStrength,
} from './grant-activity.js';

/** A signal as stored and listed: what it is about, and whom (the owning body decides); the SDK's type. */
export type StoredSignal = MisuseSignal;

/** How much of the audit log a restart learns from: the volume baseline's 7 days and the hour before them. */
const REBUILD_DAYS = 8;

/** What a request's traffic is counted under: its grant, or its enterprise on its dataset. */
function keyOf(r: { grantId?: string; enterprise?: string; datasetId?: string }): string | undefined {
  return r.grantId ?? (r.enterprise ? `${r.enterprise}/${r.datasetId ?? ''}` : undefined);
}

/** Grants (or enterprise/dataset pairs) watched at once; the least recently used is forgotten past it. */
const MAX_WATCHED = 50_000;

export class MisuseMonitor {
  private readonly activity = new LruMap<string, GrantActivity>(MAX_WATCHED);
  /** A grant's activity as first watched: the addresses it was called from before, as stored. */
  private readonly loadActivity = (key: string): GrantActivity => {
    const known = this.addressesOf.all(key) as { address: string }[];
    return new GrantActivity(key, new Set(known.map((r) => r.address)));
  };
  private readonly counted: (labels: Record<string, string>, by?: number) => void;
  private readonly addAddress: StatementSync;
  private readonly addressesOf: StatementSync;
  private readonly addSignal: StatementSync;

  private constructor(
    private readonly db: DatabaseSync,
    private readonly view: LedgerView,
    private readonly thresholds: MisuseThresholds,
    private readonly rowsOf: (datasetId: string) => number | undefined,
    metrics: Metrics,
    private readonly notifications?: NotificationStore,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.counted = metrics.counter(
      'rdx_misuse_signals_total',
      'Misuse signals raised on this gateway, by kind and strength (issue 17)',
    );
    this.addAddress = db.prepare('INSERT OR IGNORE INTO addresses (key, address) VALUES (?, ?)');
    this.addressesOf = db.prepare('SELECT address FROM addresses WHERE key = ?');
    this.addSignal = db.prepare(
      'INSERT OR IGNORE INTO signals (id, at, body, grant_id, json) VALUES (?, ?, ?, ?, ?)',
    );
  }

  static open(
    file: string,
    deps: {
      view: LedgerView;
      thresholds: MisuseThresholds;
      rowsOf: (datasetId: string) => number | undefined;
      metrics: Metrics;
      notifications?: NotificationStore;
      log?: (line: string) => void;
    },
  ): MisuseMonitor {
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
      CREATE TABLE IF NOT EXISTS signals (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL,
        at TEXT NOT NULL, body TEXT, grant_id TEXT, json TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS signals_body ON signals (body, seq);
      CREATE TABLE IF NOT EXISTS addresses (key TEXT NOT NULL, address TEXT NOT NULL, PRIMARY KEY (key, address))`);
    return new MisuseMonitor(
      db,
      deps.view,
      deps.thresholds,
      deps.rowsOf,
      deps.metrics,
      deps.notifications,
      deps.log,
    );
  }

  /**
   * One audited request. Cheap on the hot path: a few map updates per request; the file is written only when a
   * grant is used from a new address or a signal is new. Never throws: watching must not fail a request.
   */
  observe(entry: {
    time: string;
    decision: 'allow' | 'deny';
    rowCount: number;
    query?: string;
    grantId?: string;
    enterprise?: string;
    datasetId?: string;
    address: string;
  }): StoredSignal[] {
    try {
      const key = keyOf(entry);
      if (!key) return [];
      const activity = this.activityOf(key);
      const newAddress = entry.decision === 'allow' && !activity.knownAddresses().has(entry.address);
      const observation: Observation = {
        at: new Date(entry.time),
        decision: entry.decision,
        rowCount: entry.rowCount,
        address: entry.address,
        ...(entry.query === undefined ? {} : { query: entry.query }),
      };
      const raised = activity.observe(
        observation,
        this.thresholds,
        entry.datasetId ? this.rowsOf(entry.datasetId) : undefined,
      );
      if (newAddress) this.addAddress.run(key, entry.address);
      return raised.length ? this.keep(raised, entry) : [];
    } catch (err) {
      this.log(`misuse: a request could not be watched (${(err as Error).message})`);
      return [];
    }
  }

  /**
   * Learns the last 8 days of this gateway's audit log (up to the scan limit), so the baselines do not start
   * again after a restart; run once at start, beside the requests that already come in. The number of requests
   * learnt.
   */
  async rebuild(audit: AuditSink, now = Date.now()): Promise<number> {
    const records: AuditRecord[] = [];
    await scanSince(audit, now - REBUILD_DAYS * 86_400_000, (r) => {
      if (r.enterprise !== undefined) records.push(r);
    });
    for (const r of records.reverse()) {
      const key = keyOf(r);
      if (key)
        this.activityOf(key).learn({
          at: new Date(r.time),
          decision: r.decision,
          rowCount: r.rowCount,
          ...(r.query === undefined ? {} : { query: r.query }),
        });
    }
    return records.length;
  }

  /** Signals, newest first: all of them, or those about one body's data. */
  list(opts: { body?: string; limit?: number } = {}): StoredSignal[] {
    const limit = opts.limit ?? 100;
    const rows = (
      opts.body === undefined
        ? this.db.prepare('SELECT json FROM signals ORDER BY seq DESC LIMIT ?').all(limit)
        : this.db
            .prepare('SELECT json FROM signals WHERE body = ? ORDER BY seq DESC LIMIT ?')
            .all(opts.body, limit)
    ) as { json: string }[];
    return rows.map((r) => JSON.parse(r.json) as StoredSignal);
  }

  close(): void {
    this.db.close();
  }

  private activityOf(key: string): GrantActivity {
    return this.activity.getOrMake(key, this.loadActivity);
  }

  /** Stores the new ones, counts and tells them; the ones stored before are not told again. */
  private keep(
    raised: Signal[],
    entry: { grantId?: string; enterprise?: string; datasetId?: string },
  ): StoredSignal[] {
    const grant = entry.grantId ? this.view.grants.get(entry.grantId) : undefined;
    const body =
      grant?.body ?? (entry.datasetId ? this.view.datasets.get(entry.datasetId)?.owner : undefined);
    const fresh: StoredSignal[] = [];
    for (const s of raised) {
      const stored: StoredSignal = {
        ...s,
        ...(entry.grantId ? { grantId: entry.grantId } : {}),
        ...(entry.enterprise ? { enterprise: entry.enterprise } : {}),
        ...(entry.datasetId ? { datasetId: entry.datasetId } : {}),
        ...(body ? { body } : {}),
        ...(s.strength === 'strong' && entry.grantId && body
          ? {
              proposal: {
                action: 'suspend' as const,
                grantId: entry.grantId,
                command: `rdx grant suspend ${entry.grantId} --reason violation --note "${WHY[s.kind]}" --as <the body's admin>`,
              },
            }
          : {}),
      };
      if (
        Number(
          this.addSignal.run(s.id, s.at, body ?? null, entry.grantId ?? null, JSON.stringify(stored)).changes,
        ) !== 1
      )
        continue;
      fresh.push(stored);
      this.counted({ kind: s.kind, strength: s.strength });
    }
    if (fresh.length && this.notifications) this.notifications.add(fresh.flatMap((s) => notificationOf(s)));
    for (const s of fresh)
      this.log(
        `misuse: ${s.strength} ${s.kind} on ${s.grantId ?? s.enterprise ?? '?'} (${s.measure} ≥ ${s.threshold})`,
      );
    return fresh;
  }
}

/** Why a suspension is proposed, in the note the command suggests. */
const WHY: Record<SignalKind, string> = {
  volume: '调用量远超历史水平 calls far above the grant’s own history',
  walk: '遍历数据集 the dataset was walked end to end',
  probing: '逐条查询识别项 records looked up one by one',
  denied: '拒绝调用激增 refused calls piling up',
  'off-hours': '约定时段外调用 calls outside the agreed hours',
  'new-address': '新的来源地址 calls from a new address',
};

/** The owning body's notification of a signal; none when the body is not known. */
function notificationOf(s: StoredSignal): Notification[] {
  if (!s.body) return [];
  return [
    {
      id: `ntf_${crypto.createHash('sha256').update(`misuse|${s.id}`).digest('hex').slice(0, 32)}`,
      kind: 'misuse.signal',
      title: NOTIFICATION_KINDS['misuse.signal'][1],
      recipient: bodyParty(s.body),
      subject: s.grantId ? { type: 'grant', id: s.grantId } : { type: 'dataset', id: s.datasetId ?? '' },
      at: s.at,
      detail: {
        signal: s.kind,
        strength: s.strength satisfies SignalStrength,
        measure: s.measure,
        threshold: s.threshold,
        why: WHY[s.kind],
        ...(s.enterprise ? { enterprise: s.enterprise } : {}),
        ...(s.proposal ? { proposal: s.proposal } : {}),
      },
    },
  ];
}
