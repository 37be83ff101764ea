/**
 * The gateway's token signing keys (ES256), one PEM file per key id in a folder that gateways running side
 * by side share. The newest key signs; every key in the folder verifies and is published in the JWKS, so
 * rotation needs no downtime: add a key, and remove the old one once its last token has expired.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface SigningKey {
  kid: string;
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  createdAt: number;
}

export class SigningKeys {
  private keys: SigningKey[] = [];

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
    // Write then rename, so another gateway never reads half a key.
    fs.writeFileSync(`${file}.tmp`, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
    this.reload();
    return this.current();
  }

  /** Removes keys older than the newest by more than `graceMs` (the token lifetime): their tokens are dead. */
  prune(graceMs: number): string[] {
    const newest = this.current().createdAt;
    const removed = this.keys.filter((k) => k.createdAt < newest - graceMs).map((k) => k.kid);
    for (const kid of removed) fs.rmSync(path.join(this.dir, `${kid}.pem`), { force: true });
    this.reload();
    return removed;
  }

  current(): SigningKey {
    const key = this.keys[0];
    if (!key) throw new Error(`no signing key in ${this.dir}`);
    return key;
  }

  /** The key with this id; rereads the folder once, since another gateway may have rotated. */
  find(kid: string): SigningKey | undefined {
    const found = this.keys.find((k) => k.kid === kid);
    if (found) return found;
    this.reload();
    return this.keys.find((k) => k.kid === kid);
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
