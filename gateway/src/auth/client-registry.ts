/**
 * OAuth2 clients of enterprises (client id = credit code) and of regulators (the console's inspectors, role
 * `regulator`). Secrets are stored only as salted scrypt hashes; `private_key_jwt` needs no stored secret at
 * all: the assertion is checked against the key the enterprise registered on the ledger.
 */
import crypto from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';

/** Who a client is: an enterprise (the default, and every client registered before roles existed) or a regulator. */
export type ClientRole = 'enterprise' | 'regulator';

export class ClientRegistry {
  private constructor(private readonly db: DatabaseSync) {}

  static open(file: string): ClientRegistry {
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
      CREATE TABLE IF NOT EXISTS clients (client_id TEXT PRIMARY KEY, salt TEXT NOT NULL, hash TEXT NOT NULL, created_at TEXT NOT NULL)`);
    // Registries made before roles existed hold enterprises only.
    const columns = db.prepare('PRAGMA table_info(clients)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'role')) {
      try {
        db.exec(`ALTER TABLE clients ADD COLUMN role TEXT NOT NULL DEFAULT 'enterprise'`);
      } catch (err) {
        // Another process sharing the file added it first.
        if (!/duplicate column/i.test((err as Error).message)) throw err;
      }
    }
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
    return row?.role === 'regulator' ? 'regulator' : row ? 'enterprise' : undefined;
  }

  close(): void {
    this.db.close();
  }
}
