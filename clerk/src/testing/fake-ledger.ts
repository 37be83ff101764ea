/**
 * An in-memory stand-in for the clerk's view of the ledger, with the chaincode's rules for what is due and
 * what an expiry refuses (query-contract ListTerminationsDue/ListGrantsDue/ListRatingsDue, CompleteTermination,
 * ExpireGrant, ExpireRating). The
 * real functions are proven on a real network (test/src/e2e/clerk.e2e.test.ts); this is for fast unit tests.
 */
import { RdxSdkError, type DuePage, type OverdueItem } from '@rdx/client';
import type { ClerkLedger } from '../clerk.js';

interface FakeGrant {
  state: 'ACTIVE' | 'SUSPENDED' | 'EXPIRED' | 'REVOKED';
  validUntil: string;
  /** Set when an expired rating suspended it. */
  suspendedBy?: 'rating';
}

export class FakeClerkLedger implements ClerkLedger {
  today = '2026-03-03';
  readonly grants = new Map<string, FakeGrant>();
  readonly ratings = new Map<string, { validUntil: string; expired: boolean }>();
  /** Agreements under notice of termination: the day it takes effect, and whether it has been completed. */
  readonly terminations = new Map<string, { effectiveOn: string; done: boolean }>();
  overdueItems: OverdueItem[] = [];
  /** Ids whose next expiry attempts fail with this code (each entry consumed per attempt; 'always' never is). */
  readonly failures = new Map<string, { code: string; times: number | 'always' }>();
  /** Runs before each expiry is applied, e.g. to act as another party in between. */
  beforeExpiry: (id: string) => void = () => undefined;
  /** Whether listing fails as if the peer were down. */
  unreachable = false;
  readonly submitted: string[] = [];

  /** The heartbeat's count; `heartbeatFails` makes the next one fail as if the transaction were refused. */
  heartbeats = 0;
  heartbeatFails = false;
  /** For each heartbeat, how many marks had been submitted before it. */
  readonly marksBeforeHeartbeat: number[] = [];
  readonly platform: ClerkLedger['platform'] = {
    heartbeat: async () => {
      await this.reach(() => undefined);
      if (this.heartbeatFails) throw new RdxSdkError('LEDGER_UNAVAILABLE', 'MVCC_READ_CONFLICT');
      this.marksBeforeHeartbeat.push(this.submitted.length);
      this.lastHeartbeatAt = new Date().toISOString();
      return { value: { count: ++this.heartbeats } };
    },
    getHeartbeat: () =>
      this.reach(() => (this.lastHeartbeatAt ? { count: this.heartbeats, at: this.lastHeartbeatAt } : null)),
  };
  /** The transaction time of the newest heartbeat (a test may set it back, as if it were older). */
  lastHeartbeatAt: string | undefined;
  readonly agreement: ClerkLedger['agreement'] = {
    completeTermination: (id) => this.apply(id, () => this.completeTermination(id)),
  };
  readonly grant: ClerkLedger['grant'] = {
    expireAsClerk: (id) => this.apply(id, () => this.expireGrant(id)),
  };
  readonly enterprise: ClerkLedger['enterprise'] = {
    expireRating: (code) => this.apply(code, () => this.expireRating(code)),
  };

  readonly query: ClerkLedger['query'] = {
    grantsDue: (state, page = {}) =>
      this.page(
        [...this.grants]
          .filter(([, g]) => g.state === state)
          .map(([id, g]) => ({ id, validUntil: g.validUntil })),
        page,
      ),
    ratingsDue: (page = {}) =>
      this.page(
        [...this.ratings].filter(([, r]) => !r.expired).map(([id, r]) => ({ id, validUntil: r.validUntil })),
        page,
      ),
    // Due on the day it takes effect (a grant or rating the day after its last valid day).
    terminationsDue: (page = {}) =>
      this.page(
        [...this.terminations]
          .filter(([, t]) => !t.done)
          .map(([id, t]) => ({ id, validUntil: t.effectiveOn })),
        page,
        true,
      ),
    overdue: () => this.reach(() => this.overdueItems),
  };

  private reach<T>(answer: () => T): Promise<T> {
    if (this.unreachable)
      return Promise.reject(new RdxSdkError('LEDGER_UNAVAILABLE', 'peer0.bureau is not answering'));
    return Promise.resolve(answer());
  }

  /** Like the chaincode: a page reads `pageSize` entries in key order and returns those past their validity. */
  private page(
    entries: { id: string; validUntil: string }[],
    { pageSize = 200, bookmark = '' }: { pageSize?: number; bookmark?: string },
    dueOnTheDay = false,
  ): Promise<DuePage> {
    return this.reach(() => {
      const sorted = entries.sort((a, b) => a.id.localeCompare(b.id));
      const start = bookmark ? sorted.findIndex((e) => e.id > bookmark) : 0;
      const slice = start < 0 ? [] : sorted.slice(start, start + pageSize);
      return {
        today: this.today,
        items: slice.filter((e) => (dueOnTheDay ? e.validUntil <= this.today : e.validUntil < this.today)),
        bookmark: slice.length < pageSize ? '' : slice[slice.length - 1]!.id,
      };
    });
  }

  private async apply(id: string, change: () => void): Promise<void> {
    await this.reach(() => undefined);
    this.beforeExpiry(id);
    const failure = this.failures.get(id);
    if (failure) {
      if (failure.times !== 'always' && --failure.times === 0) this.failures.delete(id);
      throw new RdxSdkError(failure.code, `${id}: ${failure.code}`);
    }
    change();
    this.submitted.push(id);
  }

  private expireGrant(id: string): void {
    const g = this.grants.get(id);
    if (!g) throw new RdxSdkError('NOT_FOUND', `grant ${id} does not exist`);
    if (g.state !== 'ACTIVE' && g.state !== 'SUSPENDED')
      throw new RdxSdkError('INVALID_STATE', `grant ${id} is ${g.state}`);
    if (g.validUntil >= this.today)
      throw new RdxSdkError('INVALID_STATE', `grant ${id} is valid until ${g.validUntil}`);
    g.state = 'EXPIRED';
  }

  private completeTermination(id: string): void {
    const t = this.terminations.get(id);
    if (!t) throw new RdxSdkError('NOT_FOUND', `agreement ${id} does not exist`);
    if (t.done) throw new RdxSdkError('INVALID_STATE', `agreement ${id} is TERMINATED`);
    if (t.effectiveOn > this.today)
      throw new RdxSdkError('INVALID_STATE', `agreement ${id} ends on ${t.effectiveOn}`);
    t.done = true;
  }

  private expireRating(code: string): void {
    const r = this.ratings.get(code);
    if (!r) throw new RdxSdkError('NOT_FOUND', `enterprise ${code} does not exist`);
    if (r.expired) throw new RdxSdkError('INVALID_STATE', `the rating of ${code} is already expired`);
    if (r.validUntil >= this.today)
      throw new RdxSdkError('INVALID_STATE', `the rating of ${code} is valid until ${r.validUntil}`);
    r.expired = true;
  }
}
