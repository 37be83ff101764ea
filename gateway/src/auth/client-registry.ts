/**
 * OAuth2 clients of enterprises (client id = credit code). Secrets are stored only as salted scrypt hashes;
 * `private_key_jwt` needs no stored secret at all: the assertion is checked against the key the enterprise
 * registered on the ledger.
 */
import crypto from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';

export class ClientRegistry {
  private constructor(private readonly db: DatabaseSync) {}

  static open(file: string): ClientRegistry {
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
      CREATE TABLE IF NOT EXISTS clients (client_id TEXT PRIMARY KEY, salt TEXT NOT NULL, hash TEXT NOT NULL, created_at TEXT NOT NULL)`);
    return new ClientRegistry(db);
  }

  /** Creates or replaces the client's secret; returns the secret, which is never stored in clear. */
  register(clientId: string, secret: string = crypto.randomBytes(24).toString('base64url')): string {
    const salt = crypto.randomBytes(16).toString('hex');
    const hash = crypto.scryptSync(secret, salt, 32).toString('hex');
    this.db
      .prepare('INSERT INTO clients (client_id, salt, hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(client_id) DO UPDATE SET salt = excluded.salt, hash = excluded.hash, created_at = excluded.created_at')
      .run(clientId, salt, hash, new Date().toISOString());
    return secret;
  }

  /** Constant-time check of a client secret; false for unknown clients too (same cost). */
  verify(clientId: string, secret: string): boolean {
    const row = this.db.prepare('SELECT salt, hash FROM clients WHERE client_id = ?').get(clientId) as { salt: string; hash: string } | undefined;
    const salt = row?.salt ?? '00';
    const expected = Buffer.from(row?.hash ?? '00'.repeat(32), 'hex');
    const actual = crypto.scryptSync(secret, salt, 32);
    return crypto.timingSafeEqual(expected, actual) && row !== undefined;
  }

  close(): void {
    this.db.close();
  }
}
