/**
 * Per-test cleanup for Mocha tests: what a test opens as it goes (a log, a connection, a temp folder) is
 * registered with `defer` and undone when the test ends, pass or fail, last registered first.
 */

/** Registers a cleanup to run when the test ends. */
export type Defer = (cleanup: () => unknown) => void;

/**
 * Runs `body` with a `defer` for its cleanups, then runs them (each even if another fails). The test's own
 * failure wins over a cleanup's; a cleanup failure of a passing test fails it.
 */
export async function withCleanup<T>(body: (defer: Defer) => Promise<T>): Promise<T> {
  const cleanups: (() => unknown)[] = [];
  const defer: Defer = (cleanup) => {
    cleanups.push(cleanup);
  };
  let result: T;
  try {
    result = await body(defer);
  } catch (err) {
    await runAll(cleanups).catch((cleanupErr: unknown) =>
      console.error('cleanup after a failed test failed too:', cleanupErr),
    );
    throw err;
  }
  await runAll(cleanups);
  return result;
}

async function runAll(cleanups: (() => unknown)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} cleanups failed`);
}
