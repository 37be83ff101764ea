/**
 * The clerk (书记员) of the platform: what time alone makes due, it marks on the ledger. An agreement whose notice
 * period of termination has run ends, with its grants (annex 4); a grant whose last valid day has passed becomes
 * EXPIRED; a rating past its validity is marked expired (which suspends the enterprise's grants, as the chaincode
 * rules). It also reads what is overdue and which working-day calendar years are
 * missing, for its /metrics and /status.
 *
 * It keeps nothing of its own: every round asks the ledger what is due, as of the ledger's own day, so a round
 * cut short by a crash is simply done again by the next one. Each mark is idempotent on the ledger: a grant
 * already expired (by another clerk, the bureau or its body) or renewed in the meantime is refused
 * INVALID_STATE, which the clerk counts as "nothing left to do", never as a failure.
 */
import { RdxSdkError, type DuePage, type OverdueItem, type RdxLedger } from '@rdx/client';

/** What a round needs of the ledger (an {@link RdxLedger} as the clerk identity): its own functions. */
export interface ClerkLedger {
  platform: {
    heartbeat(): Promise<{ value: { count: number } }>;
    getHeartbeat(): Promise<{ count: number; at: string } | null>;
  };
  agreement: { completeTermination(id: string): Promise<unknown> };
  grant: { expireAsClerk(id: string): Promise<unknown> };
  enterprise: { expireRating(creditCode: string): Promise<unknown> };
  query: Pick<RdxLedger['query'], 'terminationsDue' | 'grantsDue' | 'ratingsDue' | 'overdue'>;
}

export type DueKind = 'termination' | 'grant' | 'rating';

/**
 * The shortest time between two heartbeats: a round (hourly, or sooner after a failure, the heartbeat's
 * included) moves it on once due.
 */
export const HEARTBEAT_EVERY_MS = 10 * 60_000;

export interface RoundReport {
  startedAt: string;
  finishedAt: string;
  /** The ledger's day (China time) the round worked to. */
  ledgerToday: string;
  /**
   * The count of the ledger's heartbeat this round moved it on to; null when it was not due (one moved it on
   * less than {@link HEARTBEAT_EVERY_MS} ago) or failed (logged).
   */
  heartbeat: number | null;
  /** Why the heartbeat could not be moved on this round: the service then tries again soon, not in an hour. */
  heartbeatError?: string;
  /** Marked by this round: grants and ratings expired, agreements ended after their notice period. */
  expired: { grants: string[]; ratings: string[] };
  terminated: string[];
  /** Due when listed, but refused as no longer due: marked by someone else meanwhile, or renewed. */
  alreadyDone: { kind: DueKind; id: string; reason: string }[];
  /** Not marked (the ledger unreachable, a conflicting transaction): the next round tries again. */
  failed: { kind: DueKind; id: string; code: string; message: string }[];
  /** Overdue items by type, as query:ListOverdue lists them. */
  overdue: Record<string, number>;
  /** Working-day calendar years missing now or, from October, next year. */
  missingCalendars: { year: string; due: string }[];
  /** The round stopped early because the clerk is stopping. */
  interrupted: boolean;
}

export interface ClerkOptions {
  pageSize: number;
  log: (line: string) => void;
  /** Progress is logged at most this often while marking (default 5 s). */
  progressEveryMs?: number;
}

/** A refusal meaning the item is no longer due: someone else marked it, or its validity was extended. */
function noLongerDue(err: unknown): err is RdxSdkError {
  return err instanceof RdxSdkError && err.code === 'INVALID_STATE';
}

export class Clerk {
  private stopping = false;

  constructor(
    private readonly ledger: ClerkLedger,
    private readonly options: ClerkOptions,
  ) {}

  /** Ends the current round after the transaction in flight; the next start does the rest. */
  stop(): void {
    this.stopping = true;
  }

  /** One round: lists what is due, marks it, reads the overdue list. @throws RdxSdkError when the ledger cannot be read */
  async round(): Promise<RoundReport> {
    const startedAt = new Date().toISOString();
    const report: RoundReport = {
      startedAt,
      finishedAt: startedAt,
      ledgerToday: '',
      heartbeat: null,
      expired: { grants: [], ratings: [] },
      terminated: [],
      alreadyDone: [],
      failed: [],
      overdue: {},
      missingCalendars: [],
      interrupted: false,
    };
    await this.beat(report);
    // Agreements whose notice ran out first: their grants end with them (TERMINATED, not EXPIRED).
    const terminations = await this.due(report, (page) => this.ledger.query.terminationsDue(page));
    await this.mark(report, 'termination', terminations, async (id) => {
      await this.ledger.agreement.completeTermination(id);
      report.terminated.push(id);
    });
    // Grants before ratings: a grant that has simply run out is EXPIRED, not SUSPENDED by its enterprise's rating.
    const grants = [
      ...(await this.due(report, (page) => this.ledger.query.grantsDue('ACTIVE', page))),
      ...(await this.due(report, (page) => this.ledger.query.grantsDue('SUSPENDED', page))),
    ];
    await this.mark(report, 'grant', grants, async (id) => {
      await this.ledger.grant.expireAsClerk(id);
      report.expired.grants.push(id);
    });
    const ratings = await this.due(report, (page) => this.ledger.query.ratingsDue(page));
    await this.mark(report, 'rating', ratings, async (code) => {
      await this.ledger.enterprise.expireRating(code);
      report.expired.ratings.push(code);
    });
    if (!this.stopping) this.countOverdue(report, await this.ledger.query.overdue());
    report.interrupted = this.stopping;
    report.finishedAt = new Date().toISOString();
    return report;
  }

  /**
   * The heartbeat first: a transaction endorsed before it and held back can no longer commit (chaincode
   * lib/heartbeat.ts). Not more often than every {@link HEARTBEAT_EVERY_MS} (whichever clerk moved it on): each
   * one also fails every transaction in flight as it commits. A round whose heartbeat fails goes on: what is
   * due is due all the same.
   */
  private async beat(report: RoundReport): Promise<void> {
    try {
      const last = await this.ledger.platform.getHeartbeat();
      // Its time is the proposal's of whichever clerk moved it: one ahead of this clerk's clock (a clock set
      // back since) is not taken as recent, or it would hold the next heartbeat back by as much.
      const age = last ? Date.now() - Date.parse(last.at) : Infinity;
      if (age >= 0 && age < HEARTBEAT_EVERY_MS) return;
      report.heartbeat = (await this.ledger.platform.heartbeat()).value.count;
    } catch (err) {
      report.heartbeatError = err instanceof Error ? err.message : String(err);
      this.options.log(
        `heartbeat not moved on this round (a transaction held back keeps its chance until the next; tried again soon): ${report.heartbeatError}`,
      );
    }
  }

  /** Every page of a due list. */
  private async due(
    report: RoundReport,
    read: (page: { pageSize: number; bookmark: string }) => Promise<DuePage>,
  ): Promise<string[]> {
    const ids: string[] = [];
    let bookmark = '';
    do {
      const page = await read({ pageSize: this.options.pageSize, bookmark });
      report.ledgerToday = page.today;
      ids.push(...page.items.map((i) => i.id));
      bookmark = page.bookmark;
    } while (bookmark && !this.stopping);
    return ids;
  }

  /** Marks each id; a failure is tried once more after the others, then left to the next round. */
  private async mark(
    report: RoundReport,
    kind: DueKind,
    ids: string[],
    markOne: (id: string) => Promise<void>,
  ): Promise<void> {
    if (ids.length === 0) return;
    const { log, progressEveryMs = 5000 } = this.options;
    log(`${ids.length} ${kind}(s) due (ledger day ${report.ledgerToday})`);
    let done = 0;
    let lastProgress = Date.now();
    const attempt = async (id: string, last: boolean): Promise<boolean> => {
      try {
        await markOne(id);
        return true;
      } catch (err) {
        if (noLongerDue(err)) {
          report.alreadyDone.push({ kind, id, reason: err.message });
          return true;
        }
        if (last) {
          const code = err instanceof RdxSdkError ? err.code : 'ERROR';
          report.failed.push({ kind, id, code, message: err instanceof Error ? err.message : String(err) });
          log(`${kind} ${id} not marked (${code}); the next round tries again`);
        }
        return false;
      }
    };
    const retry: string[] = [];
    for (const id of ids) {
      if (this.stopping) break;
      if (!(await attempt(id, false))) retry.push(id);
      done++;
      if (Date.now() - lastProgress >= progressEveryMs) {
        log(`${done}/${ids.length} ${kind}(s) done`);
        lastProgress = Date.now();
      }
    }
    for (const id of retry) {
      if (this.stopping) break;
      await attempt(id, true);
    }
    const marked = {
      termination: report.terminated,
      grant: report.expired.grants,
      rating: report.expired.ratings,
    }[kind].length;
    log(
      `${marked} ${kind}(s) marked, ${report.failed.filter((f) => f.kind === kind).length} left for the next round`,
    );
  }

  private countOverdue(report: RoundReport, items: OverdueItem[]): void {
    for (const item of items) {
      report.overdue[item.type] = (report.overdue[item.type] ?? 0) + 1;
      if (item.type === 'calendar') report.missingCalendars.push({ year: item.id, due: item.due });
    }
  }
}
