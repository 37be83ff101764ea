/**
 * The gateway's token signing keys (ES256), one PEM file per key id in a folder that gateways running side
 * by side share. The newest key signs; every key in the folder verifies and is published in the JWKS, so
 * rotation needs no downtime: add a key, and remove the old one once its last token has expired.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '@rdx/client';

export interface SigningKey {
  kid: string;
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  createdAt: number;
}

/** Misses of `find` reread the folder at most this often: an unknown kid cannot make every request read disk. */
const RELOAD_ON_MISS_MS = 5_000;

export class SigningKeys {
  private keys: SigningKey[] = [];
  private reloadedAt = 0;

  private constructor(private readonly dir: string) {}

  /** Loads the folder, creating it and a first key when empty. */
  static open(dir: string): SigningKeys {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const keys = new SigningKeys(dir);
    keys.reload();
    if (keys.keys.length === 0) keys.rotate();
    return keys;
  }

  reload(): void {
    this.reloadedAt = Date.now();
    this.keys = fs
      .readdirSync(this.dir)
      .filter((f) => /^k\d+\.pem$/.test(f))
      .map((f) => {
        const privateKey = crypto.createPrivateKey(fs.readFileSync(path.join(this.dir, f)));
        const kid = f.slice(0, -4);
        return {
          kid,
          privateKey,
          publicKey: crypto.createPublicKey(privateKey),
          createdAt: Number(kid.slice(1)),
        };
      })
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Creates a new signing key; it signs from now on, older keys still verify. */
  rotate(): SigningKey {
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    let createdAt = Date.now();
    while (fs.existsSync(path.join(this.dir, `k${createdAt}.pem`))) createdAt++;
    const kid = `k${createdAt}`;
    const file = path.join(this.dir, `${kid}.pem`);
    // Whole or not at all: another gateway may read the folder meanwhile.
    writeFileAtomic(file, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    this.reload();
    return this.current();
  }

  /**
   * Removes keys that stopped signing more than `graceMs` (the token lifetime) ago: every token they signed
   * has expired. A key stops signing when the next newer one is created.
   */
  prune(graceMs: number): string[] {
    const cutoff = Date.now() - graceMs;
    // keys are newest first: keys[i] was superseded when keys[i - 1] was created.
    const removed = this.keys
      .filter((k, i) => i > 0 && this.keys[i - 1]!.createdAt < cutoff)
      .map((k) => k.kid);
    for (const kid of removed) fs.rmSync(path.join(this.dir, `${kid}.pem`), { force: true });
    this.reload();
    return removed;
  }

  current(): SigningKey {
    const key = this.keys[0];
    if (!key) throw new Error(`no signing key in ${this.dir}`);
    return key;
  }

  /**
   * The key with this id. On a miss the folder is read again (another gateway may have rotated), but at most
   * once every few seconds, and only for an id that looks like one of ours.
   */
  find(kid: string): SigningKey | undefined {
    const found = this.keys.find((k) => k.kid === kid);
    if (found || !/^k\d{13,16}$/.test(kid) || Date.now() - this.reloadedAt < RELOAD_ON_MISS_MS) return found;
    this.reload();
    return this.keys.find((k) => k.kid === kid);
  }

  /**
   * Rotates when the signing key is older than `everyMs`, and drops keys whose last token has expired (older
   * than the newest by more than `tokenLifetimeMs`, plus a minute of clock skew). Returns what it did.
   */
  maintain(everyMs: number, tokenLifetimeMs: number): { rotated?: string; removed: string[] } {
    this.reload();
    const rotated = Date.now() - this.current().createdAt > everyMs ? this.rotate().kid : undefined;
    return { rotated, removed: this.prune(tokenLifetimeMs + 60_000) };
  }

  jwks(): { keys: Record<string, unknown>[] } {
    return {
      keys: this.keys.map((k) => ({
        ...k.publicKey.export({ format: 'jwk' }),
        kid: k.kid,
        alg: 'ES256',
        use: 'sig',
      })),
    };
  }
}
