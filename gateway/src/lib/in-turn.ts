/**
 * Work run one call at a time, in call order, whatever each one's outcome: the audit logs record anchors so, and
 * the dataset stores load versions so.
 */
export class InTurn {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const run = this.last.then(work);
    this.last = run.catch(() => undefined);
    return run;
  }

  /** Resolves once everything started so far has ended. */
  idle(): Promise<unknown> {
    return this.last;
  }
}
