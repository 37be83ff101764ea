/**
 * What stands between an anonymous client and the token endpoint's costly work. Checking a client secret is a
 * deliberately slow hash (scrypt); unguarded, a few hundred bogus attempts keep the CPU busy and every data call
 * waits. So: attempts are limited per source address and, with a secret, per claimed client id from that address
 * (token buckets), repeated failures lock the address and the client id there out for a growing time, and the
 * hashes run off the event loop, a bounded number at a time, with a bounded queue. A refusal is 429 with
 * `Retry-After`, answered after it or after a second, whichever is sooner (http/late-refusal.ts).
 *
 * A client id is counted and locked only together with the address it is tried from: anyone may claim any id,
 * so counted alone, a stranger's bogus secrets would lock the enterprise itself out from wherever it asks. A
 * guess at a secret (192 random bits) gains nothing from many addresses; what bounds the hashing is the queue.
 * An address here is what http/caller-address.ts counts a caller by: an IPv6 caller's whole /64.
 * A signed client assertion cannot be guessed and costs little to check: it is never refused for its client id.
 */
import crypto from 'node:crypto';
import { anonymousRateRefusal } from '../http/late-refusal.js';
import { LruMap } from '../lib/lru-map.js';
import type { Problem } from '../problem.js';

export interface LoginGuardOptions {
  /** Attempts per minute from one source address (burst: the same number). Default 120. */
  perAddressPerMinute: number;
  /**
   * Attempts with a client secret per minute for one claimed client id from one address (burst: the same
   * number). Default 20. A signed client assertion is not counted here (its failures count for the address).
   */
  perClientPerMinute: number;
  /** Failures in a row a client id may have from one address before each further one locks it out there. Default 5. */
  freeFailures: number;
  /**
   * The same for a source address, which many honest clients may share behind one NAT. Default 20 (and never
   * fewer than `freeFailures`).
   */
  freeFailuresPerAddress: number;
  /** Longest lockout, in seconds. Default 900. */
  maxLockoutSeconds: number;
  /** Secret hashes computed at once (each keeps a CPU core busy for ~50 ms). Default 1. */
  hashesInFlight: number;
  /** Attempts waiting for a hash; more are refused without one (answered late: http/late-refusal.ts). Default 32. */
  hashQueue: number;
  /** Most addresses and client ids remembered; the least recently seen are forgotten first. */
  maxTracked: number;
  now: () => number;
}

export const LOGIN_GUARD_DEFAULTS: LoginGuardOptions = {
  perAddressPerMinute: 120,
  perClientPerMinute: 20,
  freeFailures: 5,
  freeFailuresPerAddress: 20,
  maxLockoutSeconds: 900,
  hashesInFlight: 1,
  hashQueue: 32,
  maxTracked: 100_000,
  now: () => Date.now(),
};

interface Track {
  tokens: number;
  at: number;
  failures: number;
  lockedUntil: number;
}

/** The number of attempts refused, by reason; read by /metrics. */
export interface LoginGuardCounts {
  refusedRate: number;
  refusedLockout: number;
  refusedBusy: number;
  failures: number;
}

export class LoginGuard {
  private readonly opts: LoginGuardOptions;
  private readonly tracks: LruMap<string, Track>;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  readonly counts: LoginGuardCounts = { refusedRate: 0, refusedLockout: 0, refusedBusy: 0, failures: 0 };

  constructor(options: Partial<LoginGuardOptions> = {}) {
    this.opts = { ...LOGIN_GUARD_DEFAULTS, ...options };
    this.tracks = new LruMap(this.opts.maxTracked);
  }

  /** How many addresses and client ids (with their address) it remembers now, at most `maxTracked`. */
  get tracked(): number {
    return this.tracks.size;
  }

  /**
   * Admits one attempt from `address`, or throws 429 RATE_LIMITED with the seconds to wait. Checked before the
   * request body is even parsed, so a flood costs as little as possible.
   */
  admitAddress(address: string): void {
    this.take(`a:${address}`, this.opts.perAddressPerMinute);
  }

  /**
   * Admits an attempt with a secret for the claimed `clientId` (when the request names one) from `address`, or
   * throws 429. An attempt with a signed client assertion (`withSecret` false) is admitted: it cannot be guessed.
   */
  admitClient(clientId: string | undefined, address: string, withSecret: boolean): void {
    if (clientId && withSecret) this.take(clientKey(clientId, address), this.opts.perClientPerMinute);
  }

  /** A lockout check, then (with a rate) one token from the key's bucket. */
  private take(key: string, perMinute: number | undefined): void {
    const now = this.opts.now();
    const t = this.track(key, now);
    if (t.lockedUntil > now) {
      this.counts.refusedLockout++;
      throw refused(t.lockedUntil - now, 'too many failed attempts: wait before trying again');
    }
    if (perMinute === undefined) return;
    // A clock stepped back gives back nothing, rather than taking minutes' worth (logins refused for the step).
    t.tokens = Math.min(perMinute, t.tokens + (Math.max(0, now - t.at) / 60_000) * perMinute);
    t.at = now;
    if (t.tokens < 1) {
      this.counts.refusedRate++;
      throw refused(((1 - t.tokens) / perMinute) * 60_000, 'too many token requests: slow down');
    }
    t.tokens -= 1;
  }

  /**
   * A failed authentication: after the free ones in a row, each one locks out for twice as long — the address,
   * and for an attempt with a secret (`withSecret`), the claimed client id from that address.
   */
  failed(address: string, clientId: string | undefined, withSecret: boolean): void {
    this.counts.failures++;
    const now = this.opts.now();
    for (const key of [`a:${address}`, ...(clientId && withSecret ? [clientKey(clientId, address)] : [])]) {
      const t = this.track(key, now);
      t.failures += 1;
      const free = key.startsWith('a:')
        ? Math.max(this.opts.freeFailures, this.opts.freeFailuresPerAddress)
        : this.opts.freeFailures;
      const over = t.failures - free;
      if (over > 0) t.lockedUntil = now + Math.min(2 ** (over - 1), this.opts.maxLockoutSeconds) * 1000;
    }
  }

  /** A successful authentication clears the client id's failures there (not the address's: it may be shared). */
  succeeded(clientId: string, address: string): void {
    const t = this.tracks.get(clientKey(clientId, address));
    if (t) {
      t.failures = 0;
      t.lockedUntil = 0;
    }
  }

  /**
   * scrypt off the event loop, at most `hashesInFlight` at once; an attempt that finds the queue full is
   * refused (429) rather than queued without bound.
   */
  async scrypt(secret: string, salt: string, length: number): Promise<Buffer> {
    if (this.inFlight >= this.opts.hashesInFlight) {
      if (this.waiting.length >= this.opts.hashQueue) {
        this.counts.refusedBusy++;
        throw refused(1000, 'the token endpoint is busy: try again in a moment');
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.inFlight++;
    }
    try {
      return await new Promise<Buffer>((resolve, reject) =>
        crypto.scrypt(secret, salt, length, (err, key) => (err ? reject(err) : resolve(key))),
      );
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.inFlight--;
    }
  }

  private track(key: string, now: number): Track {
    let t = this.tracks.get(key);
    if (!t) {
      const perMinute = key.startsWith('a:') ? this.opts.perAddressPerMinute : this.opts.perClientPerMinute;
      t = { tokens: perMinute, at: now, failures: 0, lockedUntil: 0 };
      this.tracks.set(key, t);
    }
    return t;
  }
}

/** The key a claimed client id is counted by, together with the address it is tried from. */
function clientKey(clientId: string, address: string): string {
  return `c:${clientId} ${address}`;
}

function refused(waitMs: number, detail: string): Problem {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return anonymousRateRefusal(`${detail} (retry after ${seconds} s)`, seconds, { error: 'slow_down' });
}
