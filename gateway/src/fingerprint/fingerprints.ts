/**
 * The gateway's side of fingerprints (issue 17, docs/TRACE.md): the bureau's fingerprint secret, each grant's key
 * derived from it, the marks put into the restricted records a grant is served, and the commitment to each key
 * recorded on the ledger the first time a grant is served here.
 *
 * The secret is a file of 32 random bytes (made on first start, readable by the gateway's user only); every
 * gateway of the bureau must hold the same file, or their commitments disagree and the ledger keeps the first.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LruMap } from '../lib/lru-map.js';
import {
  FINGERPRINT_SECRET_BYTES,
  fingerprintCommitment,
  grantFingerprintKey,
  LedgerRefusedError,
  markDate,
  markValue,
  type FingerprintCommitment,
} from '@rdx/client';

/** Keys of this many grants are kept derived; more are derived again when needed. */
const KEYS_CACHED = 10_000;

/** What the ledger side needs: read a commitment, record one. */
export interface CommitmentLedger {
  fingerprintCommitment(grantId: string): Promise<FingerprintCommitment>;
  commitFingerprint(grantId: string, commitment: string): Promise<unknown>;
}

export class Fingerprints {
  private readonly keys = new LruMap<string, crypto.KeyObject>(KEYS_CACHED);
  private readonly makeKey = (grantId: string): crypto.KeyObject =>
    crypto.createSecretKey(this.keyBytes(grantId));
  /** Grants whose commitment is on the ledger, or being recorded now. */
  private readonly committed = new Set<string>();
  private readonly pending = new Set<string>();

  constructor(
    private readonly secret: Buffer,
    private readonly ledger?: CommitmentLedger,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    if (secret.length < FINGERPRINT_SECRET_BYTES)
      throw new RangeError(`the fingerprint secret must be at least ${FINGERPRINT_SECRET_BYTES} bytes`);
  }

  /** The secret in `file`, made (32 random bytes, mode 0600) when the file does not exist yet. */
  static readSecret(file: string): Buffer {
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fs.writeFileSync(file, crypto.randomBytes(FINGERPRINT_SECRET_BYTES), { mode: 0o600, flag: 'wx' });
    }
    const secret = fs.readFileSync(file);
    if (secret.length < FINGERPRINT_SECRET_BYTES)
      throw new Error(
        `${file} holds ${secret.length} bytes; a fingerprint secret has ${FINGERPRINT_SECRET_BYTES}`,
      );
    return secret;
  }

  /** Grant `grantId`'s key (the raw bytes go into an evidence package only). */
  keyBytes(grantId: string): Buffer {
    return grantFingerprintKey(this.secret, grantId);
  }

  private key(grantId: string): crypto.KeyObject {
    return this.keys.getOrMake(grantId, this.makeKey);
  }

  commitment(grantId: string): string {
    return fingerprintCommitment(this.keyBytes(grantId));
  }

  /**
   * Marks the numbers of the marked items in rows served under `grantId` (in place: the rows are this request's
   * own projection), and sees that the grant's commitment is on the ledger.
   */
  mark(grantId: string, rows: Record<string, unknown>[], marked: string[]): void {
    if (marked.length === 0) return;
    const key = this.key(grantId);
    for (const row of rows)
      for (const item of marked) {
        const v = row[item];
        if (typeof v === 'number') row[item] = markValue(key, v);
        else if (typeof v === 'string') row[item] = markDate(key, v);
      }
    this.ensureCommitted(grantId);
  }

  /** Records the grant's commitment on the ledger in the background, once per grant and process. */
  ensureCommitted(grantId: string): void {
    if (!this.ledger || this.committed.has(grantId) || this.pending.has(grantId)) return;
    this.pending.add(grantId);
    void this.record(grantId).finally(() => this.pending.delete(grantId));
  }

  private async record(grantId: string): Promise<void> {
    const mine = this.commitment(grantId);
    try {
      const onLedger = await this.ledger!.fingerprintCommitment(grantId).catch((err: unknown) => {
        if (err instanceof LedgerRefusedError && err.code === 'NOT_FOUND') return undefined;
        throw err;
      });
      if (!onLedger) await this.ledger!.commitFingerprint(grantId, mine);
      else if (onLedger.commitment !== mine)
        this.log(
          `fingerprint: grant ${grantId}'s commitment on the ledger is not this gateway's: its fingerprint secret differs from the gateway that served the grant first`,
        );
      this.committed.add(grantId);
    } catch (err) {
      // Tried again the next time the grant is served.
      this.log(
        `fingerprint: the commitment of grant ${grantId} was not recorded (${(err as Error).message})`,
      );
    }
  }
}
