/**
 * Whether the gateway's PostgreSQL answers. A database that stops answering without closing its connections
 * (frozen, its host hung, a network path that drops everything) fails no query: each waits for the pool's query
 * timeout, a minute, while readiness said ready and calls piled up. This asks `SELECT 1` every couple of seconds
 * on a connection of its own (a busy pool does not make it late), one question at a time (a hung one is not
 * asked again on top), and says how long the database has gone without answering once that passes a bound:
 * readiness then answers 503 and requests are refused at once (http/database-gate.ts) instead of hanging.
 */
import pg from 'pg';

export interface DatabaseWatchOptions {
  /** How often to ask (ms). Default 2000. */
  everyMs?: number;
  /** How long the database may go without answering before it counts as not answering (ms). Default 5000. */
  answerWithinMs?: number;
}

/** What the routes and readiness read of a {@link DatabaseWatch}. */
export interface DatabaseAnswers {
  /** How long (ms) the database has gone without answering, once past the bound; undefined while it answers. */
  unansweredFor(): number | undefined;
}

export class DatabaseWatch implements DatabaseAnswers {
  private readonly everyMs: number;
  private readonly answerWithinMs: number;
  private client: pg.Client | undefined;
  /** Whether a question is on its way (one at a time: a hung one is not asked again on top). */
  private asking = false;
  /** When it last answered (performance.now(); the watch's start before the first answer). */
  private answeredAt = performance.now();
  /** Whether the last question failed (no connection, an error), none answered since. */
  private failing = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    opts: DatabaseWatchOptions = {},
  ) {
    this.everyMs = opts.everyMs ?? 2_000;
    this.answerWithinMs = opts.answerWithinMs ?? 5_000;
  }

  /** Asks now and then every `everyMs`; the timer does not keep the process alive. */
  start(): this {
    this.answeredAt = performance.now();
    this.ask();
    this.timer = setInterval(() => this.ask(), this.everyMs);
    this.timer.unref();
    return this;
  }

  /**
   * Counted from its last answer, while a question waits or failed since: a database that froze just after
   * answering is told within `answerWithinMs` of it, not that plus the wait for the next question.
   */
  unansweredFor(now = performance.now()): number | undefined {
    if (!this.failing && !this.asking) return undefined;
    const waited = now - this.answeredAt;
    return waited >= this.answerWithinMs ? waited : undefined;
  }

  /** Stops asking and drops the connection, without waiting for a database that may never answer. */
  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.drop();
  }

  private ask(): void {
    if (this.closed || this.asking) return;
    this.asking = true;
    this.question().then(
      () => {
        this.asking = false;
        this.failing = false;
        this.answeredAt = performance.now();
      },
      () => {
        this.asking = false;
        this.failing = true;
        this.drop();
      },
    );
  }

  private async question(): Promise<void> {
    if (this.client === undefined) {
      const client = new pg.Client({
        connectionString: this.connectionString,
        // A server that takes the connection but never answers its start-up ends the attempt (and its socket).
        connectionTimeoutMillis: Math.max(this.answerWithinMs, 5_000),
        keepAlive: true,
        application_name: 'rdx-gateway-watch',
      });
      client.on('error', () => undefined);
      this.client = client;
      await client.connect();
    }
    await this.client.query('SELECT 1');
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    client?.end().catch(() => undefined);
  }
}
