/**
 * The clerk as a long-running service: rounds on the schedule (schedule.ts), what the last one did kept for
 * /status and /metrics, and a clean stop that lets the transaction in flight finish.
 */
import { RdxSdkError } from '@rdx/client';
import type { Clerk, RoundReport } from './clerk.js';
import { nextRoundAt } from './schedule.js';

export interface ClerkStatus {
  /** The last round that reached the ledger, if any. */
  lastRound?: RoundReport;
  /** Why the last round could not reach the ledger, while that lasts. */
  lastError?: { at: string; message: string };
  nextRoundAt?: string;
  rounds: { ok: number; failed: number };
  expiredTotal: { grants: number; ratings: number };
  /** Agreements ended after their notice period. */
  terminatedTotal: number;
}

export class ClerkService {
  readonly status: ClerkStatus = {
    rounds: { ok: 0, failed: 0 },
    expiredTotal: { grants: 0, ratings: 0 },
    terminatedTotal: 0,
  };
  private stopped = false;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly clerk: Clerk,
    private readonly intervalMs: number,
    private readonly log: (line: string) => void,
  ) {}

  /** Runs a round now, then on schedule until stop(). */
  start(): void {
    this.running ??= this.loop();
  }

  /** Lets the transaction in flight finish, then ends the loop. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clerk.stop();
    this.wake?.();
    await this.running;
  }

  /** One round, recorded in the status. Resolves to its report, or to undefined when it could not reach the ledger. */
  async runRound(): Promise<RoundReport | undefined> {
    try {
      const report = await this.clerk.round();
      this.status.lastRound = report;
      this.status.lastError = undefined;
      this.status.rounds.ok++;
      this.status.expiredTotal.grants += report.expired.grants.length;
      this.status.expiredTotal.ratings += report.expired.ratings.length;
      this.status.terminatedTotal += report.terminated.length;
      for (const c of report.missingCalendars)
        this.log(
          `WARNING the working-day calendar of ${c.year} is missing (needed from ${c.due}): set it with rdx calendar set`,
        );
      return report;
    } catch (err) {
      // The peers' own words (a refused signature, a clock outside their time window) are in the details.
      const details = err instanceof RdxSdkError && err.details.length ? ` [${err.details.join('; ')}]` : '';
      const message = `${err instanceof Error ? err.message : String(err)}${details}`;
      this.status.lastError = { at: new Date().toISOString(), message };
      this.status.rounds.failed++;
      this.log(`round failed: ${message}`);
      return undefined;
    }
  }

  private async loop(): Promise<void> {
    let failuresInARow = 0;
    while (!this.stopped) {
      const report = await this.runRound();
      // A round that reached the ledger but left some of what was due (a transaction refused, or sent before a
      // restarted ordering service had its leader), or its heartbeat, is tried again as soon as one that could not
      // reach it: what it left is due today, not at the next interval (an hour by default).
      const finished = report !== undefined && report.failed.length === 0 && !report.heartbeatError;
      failuresInARow = finished ? 0 : failuresInARow + 1;
      if (this.stopped) break;
      const at = nextRoundAt(Date.now(), this.intervalMs, failuresInARow);
      this.status.nextRoundAt = new Date(at).toISOString();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, at - Date.now()));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
