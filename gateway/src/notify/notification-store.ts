/**
 * The notifications of every party, their webhooks and each delivery's state, in one SQLite file of the
 * gateway's data folder (WAL, synchronous=FULL): a notification and the deliveries it owes are stored in the
 * same transaction as the block they came from is marked done, so a crash loses none and a restart sends what
 * was owed. Ids are the notifications' own (derived from the transaction), so storing one twice stores it once.
 */
import crypto from 'node:crypto';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { immediateTransaction } from '../store/sqlite-transaction.js';
import {
  NOTIFICATION_KINDS,
  type Notification,
  type NotificationKind,
  type Webhook as SdkWebhook,
  type WebhookDelivery,
} from '@rdx/client';

/** A webhook and a delivery as the API shows them: the SDK's types, so clients read exactly what is sent. */
export type Webhook = SdkWebhook;
export type Delivery = WebhookDelivery;
export type DeliveryState = WebhookDelivery['state'];

/** A delivery to attempt: the webhook's address and secret, and the notification's JSON. */
export interface DueDelivery {
  notificationId: string;
  webhookId: string;
  url: string;
  secret: string;
  body: string;
  attempts: number;
}

/** Most webhooks one party may register. */
export const MAX_WEBHOOKS_PER_PARTY = 10;

export class NotificationStore {
  /** The webhook dispatcher's poll (every 250 ms): prepared once, not compiled again on every poll. */
  private readonly dueDeliveries: StatementSync;

  private constructor(private readonly db: DatabaseSync) {
    // Each webhook's first `perWebhook` due deliveries, first attempts before retries: a receiver that fails or
    // never answers, with many deliveries owed, neither fills the list nor keeps others' first tries waiting.
    this.dueDeliveries = db.prepare(
      `SELECT notification_id, webhook_id, url, secret, json, attempts FROM (
         SELECT d.notification_id, d.webhook_id, w.url, w.secret, n.json, d.attempts, n.seq,
           ROW_NUMBER() OVER (PARTITION BY d.webhook_id ORDER BY n.seq) AS place
         FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN notifications n ON n.id = d.notification_id
         WHERE d.state = 'pending' AND d.next_at <= ?)
       WHERE place <= ? ORDER BY attempts, seq LIMIT ?`,
    );
  }

  static open(file: string): NotificationStore {
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;
      CREATE TABLE IF NOT EXISTS notifications (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, recipient TEXT NOT NULL,
        kind TEXT NOT NULL, json TEXT NOT NULL, read_at TEXT);
      CREATE INDEX IF NOT EXISTS notifications_recipient ON notifications (recipient, seq);
      CREATE TABLE IF NOT EXISTS checkpoint (name TEXT PRIMARY KEY, block INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS webhooks (
        id TEXT PRIMARY KEY, recipient TEXT NOT NULL, url TEXT NOT NULL, kinds TEXT NOT NULL,
        secret TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS deliveries (
        notification_id TEXT NOT NULL, webhook_id TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL,
        next_at INTEGER NOT NULL, last_result TEXT, updated_at TEXT NOT NULL,
        PRIMARY KEY (notification_id, webhook_id));
      CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_at);
      CREATE TABLE IF NOT EXISTS complainants (complaint_id TEXT PRIMARY KEY, recipient TEXT NOT NULL);`);
    return new NotificationStore(db);
  }

  close(): void {
    this.db.close();
  }

  /**
   * Remembers who filed a complaint this gateway brought to the ledger for them: the ledger keeps the
   * complainant where the gateway may not read it, and the outcome is theirs to hear.
   */
  rememberComplainant(complaintId: string, recipient: string): void {
    this.db
      .prepare('INSERT OR IGNORE INTO complainants (complaint_id, recipient) VALUES (?, ?)')
      .run(complaintId, recipient);
  }

  complainantOf(complaintId: string): string | undefined {
    const row = this.db
      .prepare('SELECT recipient FROM complainants WHERE complaint_id = ?')
      .get(complaintId) as { recipient: string } | undefined;
    return row?.recipient;
  }

  /** The last block whose events are stored, if any. */
  checkpoint(): number | undefined {
    const row = this.db.prepare("SELECT block FROM checkpoint WHERE name = 'events'").get() as
      { block: number } | undefined;
    return row?.block;
  }

  /**
   * Stores the notifications of one event and the deliveries each owes to its recipient's webhooks, and marks
   * `block` reached, in one transaction. Returns the notifications that were new.
   */
  record(block: number, notifications: readonly Notification[], now = Date.now()): Notification[] {
    return this.insert(notifications, block, now);
  }

  /** Stores notifications no block made (what time made due) and the deliveries they owe. */
  add(notifications: readonly Notification[], now = Date.now()): Notification[] {
    return this.insert(notifications, undefined, now);
  }

  private insert(
    notifications: readonly Notification[],
    block: number | undefined,
    now: number,
  ): Notification[] {
    const fresh: Notification[] = [];
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO notifications (id, recipient, kind, json) VALUES (?, ?, ?, ?)',
    );
    const hooks = this.db.prepare('SELECT id, kinds FROM webhooks WHERE recipient = ?');
    const owe = this.db.prepare(
      "INSERT OR IGNORE INTO deliveries (notification_id, webhook_id, state, attempts, next_at, updated_at) VALUES (?, ?, 'pending', 0, ?, ?)",
    );
    immediateTransaction(this.db, () => {
      for (const n of notifications) {
        if (insert.run(n.id, n.recipient, n.kind, JSON.stringify(n)).changes !== 1) continue;
        fresh.push(n);
        for (const hook of hooks.all(n.recipient) as { id: string; kinds: string }[]) {
          const kinds = JSON.parse(hook.kinds) as string[];
          if (kinds.length === 0 || kinds.includes(n.kind))
            owe.run(n.id, hook.id, now, new Date(now).toISOString());
        }
      }
      if (block !== undefined)
        this.db
          .prepare(
            "INSERT INTO checkpoint (name, block) VALUES ('events', ?) ON CONFLICT(name) DO UPDATE SET block = MAX(block, excluded.block)",
          )
          .run(block);
    });
    return fresh;
  }

  /**
   * A page of the recipient's notifications after `after` (a cursor from a previous page; none: from the
   * first), oldest first; `unread` keeps those not marked read. `next` continues after the page; `more` says
   * whether another page already follows (one row more is read to know it).
   */
  inbox(
    recipient: string,
    opts: { after?: number; limit: number; unread?: boolean },
  ): { items: Notification[]; next: number; more: boolean; unread: number } {
    const found = this.db
      .prepare(
        `SELECT seq, json, read_at FROM notifications WHERE recipient = ? AND seq > ? ${opts.unread ? 'AND read_at IS NULL' : ''} ORDER BY seq LIMIT ?`,
      )
      .all(recipient, opts.after ?? 0, opts.limit + 1) as {
      seq: number;
      json: string;
      read_at: string | null;
    }[];
    const more = found.length > opts.limit;
    const rows = more ? found.slice(0, opts.limit) : found;
    const unread = this.db
      .prepare('SELECT COUNT(*) AS n FROM notifications WHERE recipient = ? AND read_at IS NULL')
      .get(recipient) as { n: number };
    return {
      items: rows.map((r) => {
        const stored = JSON.parse(r.json) as Omit<Notification, 'title'> & { title?: string };
        return {
          ...stored,
          // Stored before notifications carried their title: said from the kind, as it is said now.
          title: stored.title ?? NOTIFICATION_KINDS[stored.kind][1],
          ...(r.read_at ? { readAt: r.read_at } : {}),
        };
      }),
      next: rows.at(-1)?.seq ?? opts.after ?? 0,
      more,
      unread: unread.n,
    };
  }

  /** Marks the recipient's notifications `ids` read; ids of others are left alone. Returns how many changed. */
  markRead(recipient: string, ids: readonly string[], at = new Date().toISOString()): number {
    const mark = this.db.prepare(
      'UPDATE notifications SET read_at = ? WHERE recipient = ? AND id = ? AND read_at IS NULL',
    );
    let changed = 0;
    for (const id of ids) changed += Number(mark.run(at, recipient, id).changes);
    return changed;
  }

  /** Registers a webhook; its secret is returned once, here. */
  addWebhook(
    recipient: string,
    url: string,
    kinds: readonly NotificationKind[],
  ): Webhook & { secret: string } {
    const count = this.db
      .prepare('SELECT COUNT(*) AS n FROM webhooks WHERE recipient = ?')
      .get(recipient) as {
      n: number;
    };
    if (count.n >= MAX_WEBHOOKS_PER_PARTY)
      throw new RangeError(`at most ${MAX_WEBHOOKS_PER_PARTY} webhooks per party: remove one first`);
    const hook = {
      id: `wh_${crypto.randomBytes(12).toString('hex')}`,
      recipient,
      url,
      kinds: [...kinds],
      createdAt: new Date().toISOString(),
      secret: `whsec_${crypto.randomBytes(24).toString('base64')}`,
    };
    this.db
      .prepare(
        'INSERT INTO webhooks (id, recipient, url, kinds, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(hook.id, recipient, url, JSON.stringify(hook.kinds), hook.secret, hook.createdAt);
    return hook;
  }

  webhooks(recipient: string): Webhook[] {
    const rows = this.db
      .prepare(
        'SELECT id, recipient, url, kinds, created_at FROM webhooks WHERE recipient = ? ORDER BY created_at, id',
      )
      .all(recipient) as { id: string; recipient: string; url: string; kinds: string; created_at: string }[];
    return rows.map((r) => ({
      id: r.id,
      recipient: r.recipient,
      url: r.url,
      kinds: JSON.parse(r.kinds) as NotificationKind[],
      createdAt: r.created_at,
    }));
  }

  /** The recipient's webhook `id` with its secret (for a test delivery), or undefined for anyone else's. */
  webhook(recipient: string, id: string): (Webhook & { secret: string }) | undefined {
    const hook = this.webhooks(recipient).find((w) => w.id === id);
    if (!hook) return undefined;
    const row = this.db.prepare('SELECT secret FROM webhooks WHERE id = ?').get(id) as { secret: string };
    return { ...hook, secret: row.secret };
  }

  /** Removes the recipient's webhook and what it was still owed; false when it has none of that id. */
  removeWebhook(recipient: string, id: string): boolean {
    return immediateTransaction(this.db, () => {
      const removed = this.db
        .prepare('DELETE FROM webhooks WHERE id = ? AND recipient = ?')
        .run(id, recipient);
      if (removed.changes === 1) this.db.prepare('DELETE FROM deliveries WHERE webhook_id = ?').run(id);
      return removed.changes === 1;
    });
  }

  /** The delivery log of the recipient's webhook, newest first. */
  deliveries(recipient: string, webhookId: string, limit = 100): Delivery[] {
    const rows = this.db
      .prepare(
        `SELECT d.notification_id, d.webhook_id, n.kind, d.state, d.attempts, d.next_at, d.last_result, d.updated_at
         FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN notifications n ON n.id = d.notification_id
         WHERE w.recipient = ? AND w.id = ? ORDER BY d.updated_at DESC, n.seq DESC LIMIT ?`,
      )
      .all(recipient, webhookId, limit) as {
      notification_id: string;
      webhook_id: string;
      kind: string;
      state: DeliveryState;
      attempts: number;
      next_at: number;
      last_result: string | null;
      updated_at: string;
    }[];
    return rows.map((r) => ({
      notificationId: r.notification_id,
      webhookId: r.webhook_id,
      kind: r.kind,
      state: r.state,
      attempts: r.attempts,
      ...(r.state === 'pending' ? { nextAt: new Date(r.next_at).toISOString() } : {}),
      ...(r.last_result ? { lastResult: r.last_result } : {}),
      updatedAt: r.updated_at,
    }));
  }

  /** Pending deliveries due by `now`: each webhook's first `perWebhook`, first attempts before retries, then oldest first. */
  due(now: number, limit: number, perWebhook = limit): DueDelivery[] {
    const rows = this.dueDeliveries.all(now, perWebhook, limit) as {
      notification_id: string;
      webhook_id: string;
      url: string;
      secret: string;
      json: string;
      attempts: number;
    }[];
    return rows.map((r) => ({
      notificationId: r.notification_id,
      webhookId: r.webhook_id,
      url: r.url,
      secret: r.secret,
      body: r.json,
      attempts: r.attempts,
    }));
  }

  /** Records an attempt: delivered, tried again at `nextAt`, or dead (no `nextAt`). */
  attempted(
    d: Pick<DueDelivery, 'notificationId' | 'webhookId'>,
    result: { delivered: boolean; nextAt?: number; lastResult: string },
    now = Date.now(),
  ): void {
    const state: DeliveryState = result.delivered
      ? 'delivered'
      : result.nextAt === undefined
        ? 'dead'
        : 'pending';
    this.db
      .prepare(
        'UPDATE deliveries SET state = ?, attempts = attempts + 1, next_at = ?, last_result = ?, updated_at = ? WHERE notification_id = ? AND webhook_id = ?',
      )
      .run(
        state,
        result.nextAt ?? now,
        result.lastResult,
        new Date(now).toISOString(),
        d.notificationId,
        d.webhookId,
      );
  }

  /** Deliveries by state, for the metrics. */
  deliveryCounts(): Record<DeliveryState, number> {
    const counts: Record<DeliveryState, number> = { pending: 0, delivered: 0, dead: 0 };
    for (const r of this.db.prepare('SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state').all() as {
      state: DeliveryState;
      n: number;
    }[])
      counts[r.state] = r.n;
    return counts;
  }
}
