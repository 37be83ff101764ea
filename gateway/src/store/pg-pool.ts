/**
 * The PostgreSQL plumbing the gateway's PostgreSQL stores share (the access log in audit/pg-audit-log.ts and the
 * dataset store in pg-dataset-store.ts): the connection pool, namespaces, transactions and server error codes.
 */
import pg from 'pg';
import type { PoolClient } from 'pg';
import { LruMap } from '../lib/lru-map.js';

/** A result row by column name. */
export type Row = Record<string, unknown>;

const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * The namespace a store's rows belong to (the gateway id), `default` when none is given.
 * @throws TypeError when it is not 1–128 letters, digits, _ . - (starting with a letter or digit).
 */
export function checkNamespace(namespace: string | undefined): string {
  const name = namespace ?? 'default';
  if (typeof name !== 'string' || !NAMESPACE.test(name))
    throw new TypeError(`namespace ${JSON.stringify(name)} must be 1–128 letters, digits, _ . -`);
  return name;
}

/**
 * Connects a pool of at most `max` connections and runs `open` with it; when `open` fails the pool is ended
 * and the error thrown.
 * @throws if the database cannot be reached or is not usable (PostgreSQL 12 or later, UTF-8).
 */
export async function openWithPool<T>(
  connectionString: string,
  max: number,
  open: (pool: pg.Pool) => Promise<T>,
): Promise<T> {
  const pool = await connectPool(connectionString, max);
  try {
    return await open(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}

/** A pool whose bigint columns come back as numbers (all of ours are within ±2^53) and whose errors are caught. */
export async function connectPool(connectionString: string, max: number): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString,
    max,
    types: { getTypeParser },
    // A server that does not answer fails the call instead of hanging it; dead peers are noticed.
    connectionTimeoutMillis: 10_000,
    query_timeout: 60_000,
    keepAlive: true,
    // A connection keeps every statement prepared on it (StatementNames) until it closes: renewed hourly, so
    // those of retired names do not pile up on the server for the life of a busy gateway.
    maxLifetimeSeconds: 3600,
  });
  // A connection that breaks (server restart, terminated backend) must not crash the process: an idle one is
  // dropped by the pool; one in use fails its query, and its user drops it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    const { rows } = await pool.query(
      "SELECT current_setting('server_version_num')::int AS version, current_setting('server_encoding') AS encoding",
    );
    const server = rows[0] as Row;
    if (Number(server.version) < 120000)
      throw new Error(`PostgreSQL ${String(server.version)} is too old: 12 or later is needed`);
    if (server.encoding !== 'UTF8')
      throw new Error(`the database encoding is ${String(server.encoding)}: it must be UTF8`);
    return pool;
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}

function getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  // int8: a number when it is one exactly; otherwise the text, which the column checks then refuse.
  if (oid === 20 && format !== 'binary')
    return (value: string) => {
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : value;
    };
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

/**
 * Runs `fn` in a transaction on one connection of `pool`: COMMIT when it returns, ROLLBACK when it throws. A
 * connection that cannot even roll back is broken and is dropped from the pool.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw err;
  } finally {
    client.release(broken ? true : undefined);
  }
}

/** The SQLSTATE of an error the server sent; undefined for a connection or client error. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Errors of a socket the database was reached over (refused, reset, timed out, gone). */
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/**
 * Whether `err` says the database could not be reached or went away (not what a query asked): the server's
 * connection exceptions (08…), its shutting down or starting (57P01–57P03), too many connections (53300), a
 * socket's error, or the pool's own words for a connection lost or not made in time.
 */
export function databaseUnavailable(err: unknown): boolean {
  const sqlState = errorCode(err);
  if (sqlState !== undefined)
    return sqlState.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(sqlState);
  const e = err as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string' && CONNECTION_ERRORS.has(e.code)) return true;
  return (
    typeof e?.message === 'string' &&
    /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout)/.test(e.message)
  );
}

/**
 * Runs `ddl` (CREATE TABLE IF NOT EXISTS …) under the advisory lock `lock`: gateways starting together would
 * otherwise race on creating the same table.
 */
export async function createOnce(pool: pg.Pool, lock: number, ddl: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [lock]);
    await client.query(ddl);
  });
}

/**
 * Names for server-side prepared statements, by SQL text: a query sent with a name is parsed and planned by the
 * server once per connection, then only bound and run (a page query otherwise sends its text and is parsed and
 * planned again on every call). Bounded, least recently used out first, as query shapes (fields, filters,
 * tables of new versions) keep coming; a name is never given to another text, since connections keep what
 * they prepared under it (until they close: see `maxLifetimeSeconds` above).
 */
export class StatementNames {
  private readonly byText: LruMap<string, string>;
  private issued = 0;

  constructor(
    private readonly prefix: string,
    max = 256,
  ) {
    this.byText = new LruMap(max);
  }

  /** The name to prepare `sql` under. */
  of(sql: string): string {
    return this.byText.getOrMake(sql, this.issue);
  }

  private readonly issue = (): string => `${this.prefix}${this.issued++}`;
}
