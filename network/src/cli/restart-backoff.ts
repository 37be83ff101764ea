/**
 * How long the supervisor waits before restarting a process whose restarts keep failing: a gateway whose data
 * folder holds a file that will not open exits at every start, and was restarted every two seconds for as long as
 * the supervisor ran, its log growing by a stack each time. Waits double from `baseMs` to `maxMs`; a restart that
 * succeeds forgets them.
 */
export class RestartBackoff {
  private readonly failing = new Map<string, { count: number; nextAt: number }>();

  constructor(
    private readonly baseMs = 2_000,
    private readonly maxMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether `name` may be restarted now. */
  due(name: string): boolean {
    const f = this.failing.get(name);
    return f === undefined || this.now() >= f.nextAt;
  }

  /** A restart of `name` failed: how many in a row now, and how long until the next. */
  failed(name: string): { count: number; waitMs: number } {
    const count = (this.failing.get(name)?.count ?? 0) + 1;
    const waitMs = Math.min(this.maxMs, this.baseMs * 2 ** (count - 1));
    this.failing.set(name, { count, nextAt: this.now() + waitMs });
    return { count, waitMs };
  }

  succeeded(name: string): void {
    this.failing.delete(name);
  }
}
