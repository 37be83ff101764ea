/**
 * Client assertions (private_key_jwt) and signed admin requests (their nonces) may be used once. Which were used
 * is kept where every gateway of the platform sees it: in PostgreSQL when the gateways share one (RDX_DATABASE_URL), so an assertion used at one
 * gateway is refused at the next; otherwise in a SQLite file of the gateway, so a restart forgets nothing.
 * Entries are dropped once they have expired, since an expired assertion or signing time is refused anyway.
 *
 * The access tokens their holders revoked (POST /oauth/revoke: a console's logout) are kept there too, until
 * they would have expired, under a client id no client has: every gateway learns them from it.
 *
 * A SQLite file can go back in time without a word: a damaged write-ahead log is read up to its first bad
 * frame, and a copy put back forgets what came after it. So the file counts its writes, and each count is also
 * written, after the commit, to a small file beside it (`<file>.mark`): a store that counts fewer writes than
 * its mark lost some, and is treated as made anew.
 */
import fs from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import type pg from 'pg';
import { connectPool, createOnce } from '../store/pg-pool.js';
import { immediateTransaction } from '../store/sqlite-transaction.js';

const SCHEMA_LOCK = 7_266_520_003;

/** The client id revoked access tokens are kept under: not one a client can have (client ids have no spaces). */
const REVOKED_TOKENS = 'revoked access token';

export interface ReplayStore {
  /** True the first time (`clientId`, `jti`) is used; false when it was used before. */
  use(clientId: string, jti: string, expiresAtMs: number): Promise<boolean>;
  /** Keeps the access token `jti` as revoked until it expires (ms). */
  revoke(jti: string, expiresAtMs: number): Promise<void>;
  /** The access tokens revoked and not yet expired, each with its expiry (ms). */
  revokedTokens(): Promise<Map<string, number>>;
  /**
   * When the store was made anew where the gateway had served before (its file lost, or left empty): what was
   * used before this instant (ms) may be unknown to it, so the callers refuse what could have
   * been used then (an assertion, a signed request of that time). Undefined for a store that knows its history.
   */
  readonly lostBefore: number | undefined;
  close(): Promise<void>;
}

export class SqliteReplayStore implements ReplayStore {
  private constructor(
    private readonly db: DatabaseSync,
    private readonly now: () => number,
    readonly lostBefore: number | undefined,
    private readonly mark: WriteMark,
  ) {}

  /**
   * `now`: the gateway's clock, which the expiries are on. `servedBefore`: whether the gateway has served before
   * (its audit log holds records): a file not there then was lost, and the instant it is made anew is kept in
   * it as {@link lostBefore}, across restarts, since a restart within the window must not forget it. A file
   * that counts fewer writes than its mark went back in time, and is likewise lost from now on.
   */
  static open(file: string, now: () => number = Date.now, servedBefore = false): SqliteReplayStore {
    const db = new DatabaseSync(file);
    const mark = new WriteMark(`${file}.mark`);
    try {
      db.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL');
      // Made now: no table yet, whether there was no file, an empty one, or one a crash left before its tables
      // were in. The tables, the count and the instant go in one transaction, so none of these can lose the instant.
      immediateTransaction(db, () => {
        const madeNow =
          db
            .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'used_assertions'")
            .get() === undefined;
        db.exec(`CREATE TABLE IF NOT EXISTS used_assertions (client_id TEXT NOT NULL, jti TEXT NOT NULL,
            expires_at INTEGER NOT NULL, PRIMARY KEY (client_id, jti)) STRICT;
          CREATE TABLE IF NOT EXISTS store (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT`);
        const writes = storeValue(db, 'writes') ?? 0;
        const wentBack = mark.damaged || (mark.written ?? 0) > writes;
        if ((madeNow && servedBefore) || wentBack)
          db.prepare("INSERT OR REPLACE INTO store VALUES ('lost_before', ?)").run(now());
        // Counted on from the mark, so that the next loss is told by the same comparison.
        if ((mark.written ?? 0) > writes)
          db.prepare("INSERT OR REPLACE INTO store VALUES ('writes', ?)").run(mark.written!);
      });
      mark.write(storeValue(db, 'writes') ?? 0);
    } catch (err) {
      db.close();
      mark.close();
      throw err;
    }
    return new SqliteReplayStore(db, now, storeValue(db, 'lost_before'), mark);
  }

  use(clientId: string, jti: string, expiresAtMs: number): Promise<boolean> {
    let writes: number | undefined;
    immediateTransaction(this.db, () => {
      this.db.prepare('DELETE FROM used_assertions WHERE expires_at < ?').run(this.now());
      const inserted = this.db
        .prepare('INSERT INTO used_assertions VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
        .run(clientId, jti, expiresAtMs);
      if (inserted.changes === 1) {
        writes = (storeValue(this.db, 'writes') ?? 0) + 1;
        this.db.prepare("INSERT OR REPLACE INTO store VALUES ('writes', ?)").run(writes);
      }
    });
    // After the commit: a crash between the two leaves the mark behind the file, which is no loss.
    if (writes !== undefined) this.mark.write(writes);
    return Promise.resolve(writes !== undefined);
  }

  async revoke(jti: string, expiresAtMs: number): Promise<void> {
    await this.use(REVOKED_TOKENS, jti, expiresAtMs);
  }

  revokedTokens(): Promise<Map<string, number>> {
    const rows = this.db
      .prepare('SELECT jti, expires_at FROM used_assertions WHERE client_id = ? AND expires_at >= ?')
      .all(REVOKED_TOKENS, this.now()) as { jti: string; expires_at: number }[];
    return Promise.resolve(new Map(rows.map((r) => [r.jti, r.expires_at])));
  }

  close(): Promise<void> {
    this.db.close();
    this.mark.close();
    return Promise.resolve();
  }
}

function storeValue(db: DatabaseSync, key: string): number | undefined {
  const value = db.prepare('SELECT value FROM store WHERE key = ?').get(key)?.value;
  return typeof value === 'number' ? value : undefined;
}

/**
 * The count of a store's writes, kept outside its SQLite file: one decimal number, rewritten in place and
 * flushed to disk each time.
 */
class WriteMark {
  private readonly fd: number;
  /** The count read at open; undefined when there was none (a new store, or one older than marks). */
  readonly written: number | undefined;
  /** The mark did not read as a count: what the store missed is unknown, so it counts as lost. */
  readonly damaged: boolean;

  constructor(file: string) {
    this.fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    const text = fs.readFileSync(this.fd, 'utf8').trim();
    this.damaged = text !== '' && !/^\d{1,15}$/.test(text);
    this.written = text === '' || this.damaged ? undefined : Number(text);
  }

  write(count: number): void {
    // Fixed width: a rewrite covers the whole of the one before, so the file never holds two counts' digits.
    fs.writeSync(this.fd, `${String(count).padStart(15, '0')}\n`, 0);
    // A longer file (a damaged mark) would keep its tail, and read as damaged at every start.
    fs.ftruncateSync(this.fd, 16);
    fs.fdatasyncSync(this.fd);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

export class PgReplayStore implements ReplayStore {
  readonly lostBefore = undefined;

  private constructor(private readonly pool: pg.Pool) {}

  static async open(connectionString: string): Promise<PgReplayStore> {
    const pool = await connectPool(connectionString, 2);
    await createOnce(
      pool,
      SCHEMA_LOCK,
      `CREATE TABLE IF NOT EXISTS rdx_used_assertions (client_id text NOT NULL,
        jti text NOT NULL, expires_at bigint NOT NULL, PRIMARY KEY (client_id, jti))`,
    );
    return new PgReplayStore(pool);
  }

  async use(clientId: string, jti: string, expiresAtMs: number): Promise<boolean> {
    await this.pool.query('DELETE FROM rdx_used_assertions WHERE expires_at < $1', [Date.now()]);
    const inserted = await this.pool.query(
      'INSERT INTO rdx_used_assertions VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [clientId, jti, expiresAtMs],
    );
    return inserted.rowCount === 1;
  }

  async revoke(jti: string, expiresAtMs: number): Promise<void> {
    await this.use(REVOKED_TOKENS, jti, expiresAtMs);
  }

  async revokedTokens(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ jti: string; expires_at: string }>(
      'SELECT jti, expires_at FROM rdx_used_assertions WHERE client_id = $1 AND expires_at >= $2',
      [REVOKED_TOKENS, Date.now()],
    );
    return new Map(rows.map((r) => [r.jti, Number(r.expires_at)]));
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
