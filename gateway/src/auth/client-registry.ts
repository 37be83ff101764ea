/**
 * OAuth2 clients of enterprises (client id = credit code), of regulators (the console's inspectors, role
 * `regulator`) and the console accounts of opening bodies' staff (role `body`, tied to the body's MSP, made and
 * removed by the body's admin with its Fabric identity). Secrets are stored only as salted scrypt hashes;
 * `private_key_jwt` needs no stored secret at all: the assertion is checked against the key the enterprise
 * registered on the ledger.
 */
import crypto from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';

/**
 * Who a client is: an enterprise (the default, and every client registered before roles existed), a regulator,
 * or a console account of an opening body's staff.
 */
export type ClientRole = 'enterprise' | 'regulator' | 'body';

/** A console account of an opening body, as its admin lists them (never with its secret). */
export interface BodyAccount {
  clientId: string;
  org: string;
  name: string;
  createdAt: string;
}

/** Console accounts one body may hold: enough for its staff, not a store anyone can fill. */
export const MAX_BODY_ACCOUNTS = 50;

export class ClientRegistry {
  private constructor(private readonly db: DatabaseSync) {}

  static open(file: string): ClientRegistry {
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
      CREATE TABLE IF NOT EXISTS clients (client_id TEXT PRIMARY KEY, salt TEXT NOT NULL, hash TEXT NOT NULL, created_at TEXT NOT NULL)`);
    // Registries made before roles existed hold enterprises only; before body accounts, no org or name.
    const columns = db.prepare('PRAGMA table_info(clients)').all() as { name: string }[];
    const add = (column: string, definition: string): void => {
      if (columns.some((c) => c.name === column)) return;
      try {
        db.exec(`ALTER TABLE clients ADD COLUMN ${column} ${definition}`);
      } catch (err) {
        // Another process sharing the file added it first.
        if (!/duplicate column/i.test((err as Error).message)) throw err;
      }
    };
    add('role', `TEXT NOT NULL DEFAULT 'enterprise'`);
    add('org', 'TEXT');
    add('name', 'TEXT');
    return new ClientRegistry(db);
  }

  /** Creates or replaces the client's secret and role; returns the secret, which is never stored in clear. */
  register(
    clientId: string,
    secret: string = crypto.randomBytes(24).toString('base64url'),
    role: ClientRole = 'enterprise',
  ): string {
    const salt = crypto.randomBytes(16).toString('hex');
    const hash = crypto.scryptSync(secret, salt, 32).toString('hex');
    this.db
      .prepare(
        'INSERT INTO clients (client_id, salt, hash, created_at, role) VALUES (?, ?, ?, ?, ?) ON CONFLICT(client_id) DO UPDATE SET salt = excluded.salt, hash = excluded.hash, created_at = excluded.created_at, role = excluded.role',
      )
      .run(clientId, salt, hash, new Date().toISOString(), role);
    return secret;
  }

  /**
   * Constant-time check of a client secret for a client of `role` (enterprise unless said otherwise); false
   * for unknown clients and clients of another role too (same cost).
   */
  verify(clientId: string, secret: string, role: ClientRole = 'enterprise'): boolean {
    const row = this.db.prepare('SELECT salt, hash, role FROM clients WHERE client_id = ?').get(clientId) as
      { salt: string; hash: string; role: string } | undefined;
    const salt = row?.salt ?? '00';
    const expected = Buffer.from(row?.hash ?? '00'.repeat(32), 'hex');
    const actual = crypto.scryptSync(secret, salt, 32);
    return crypto.timingSafeEqual(expected, actual) && row !== undefined && row.role === role;
  }

  /**
   * The same check without blocking the event loop: the hash runs through `hash` (the login guard's bounded
   * scrypt), so a flood of attempts cannot stall other requests.
   */
  async verifyAsync(
    clientId: string,
    secret: string,
    role: ClientRole,
    hash: (secret: string, salt: string, length: number) => Promise<Buffer>,
  ): Promise<boolean> {
    const row = this.db.prepare('SELECT salt, hash, role FROM clients WHERE client_id = ?').get(clientId) as
      { salt: string; hash: string; role: string } | undefined;
    // An unknown client costs the same as a known one, so timing does not tell which ids exist.
    const expected = Buffer.from(row?.hash ?? '00'.repeat(32), 'hex');
    const actual = await hash(secret, row?.salt ?? '00', 32);
    return crypto.timingSafeEqual(expected, actual) && row !== undefined && row.role === role;
  }

  /** The role of a registered client; undefined for an unknown one. */
  roleOf(clientId: string): ClientRole | undefined {
    const row = this.db.prepare('SELECT role FROM clients WHERE client_id = ?').get(clientId) as
      { role: string } | undefined;
    if (!row) return undefined;
    return row.role === 'regulator' || row.role === 'body' ? row.role : 'enterprise';
  }

  /**
   * A new console account for a person of the body `org` (`name` says who, for the body's own list); returns its
   * client id and secret, the secret only now. RangeError past MAX_BODY_ACCOUNTS.
   */
  addBodyAccount(org: string, name: string): { clientId: string; secret: string } {
    if (this.bodyAccounts(org).length >= MAX_BODY_ACCOUNTS)
      throw new RangeError(`${org} already has ${MAX_BODY_ACCOUNTS} console accounts: remove one first.`);
    // The id names the body, so a login page and a log line say whose it is; the random part makes it unguessable.
    const clientId = `${org.replace(/MSP$/, '').toLowerCase()}-${crypto.randomBytes(6).toString('hex')}`;
    const secret = this.register(clientId, undefined, 'body');
    this.db.prepare('UPDATE clients SET org = ?, name = ? WHERE client_id = ?').run(org, name, clientId);
    return { clientId, secret };
  }

  /** The body a console account belongs to; undefined for any other client, or one removed. */
  orgOf(clientId: string): string | undefined {
    const row = this.db
      .prepare(`SELECT org FROM clients WHERE client_id = ? AND role = 'body'`)
      .get(clientId) as { org: string | null } | undefined;
    return row?.org ?? undefined;
  }

  /** The console accounts of `org`, oldest first. */
  bodyAccounts(org: string): BodyAccount[] {
    const rows = this.db
      .prepare(
        `SELECT client_id, org, name, created_at FROM clients WHERE role = 'body' AND org = ? ORDER BY created_at, client_id`,
      )
      .all(org) as { client_id: string; org: string; name: string | null; created_at: string }[];
    return rows.map((r) => ({
      clientId: r.client_id,
      org: r.org,
      name: r.name ?? '',
      createdAt: r.created_at,
    }));
  }

  /** Removes a console account of `org`; false if `org` has none of that id. */
  removeBodyAccount(org: string, clientId: string): boolean {
    const done = this.db
      .prepare(`DELETE FROM clients WHERE client_id = ? AND role = 'body' AND org = ?`)
      .run(clientId, org);
    return Number(done.changes) > 0;
  }

  close(): void {
    this.db.close();
  }
}
