/**
 * A log of one kind of failure that every request meets alike while it lasts (an audit record that cannot be
 * written: a full disk). A line with its stack for each request filled the disk the logs share with the data at
 * tens of thousands a minute. The first is written, then one a period with how many more were refused meanwhile.
 */
export class FailureLog {
  private lastAt = -Infinity;
  private since = 0;

  constructor(
    private readonly periodMs = 10_000,
    private readonly write: (line: string) => void = (line) => console.error(line),
    private readonly now: () => number = Date.now,
  ) {}

  seen(err: Error): void {
    const now = this.now();
    if (now - this.lastAt < this.periodMs) {
      this.since++;
      return;
    }
    const more = this.since > 0 ? ` (${this.since} more refused since the last such line)` : '';
    this.write(`${new Date(now).toISOString()} ${err.message}: the request was refused${more}`);
    this.lastAt = now;
    this.since = 0;
  }
}
