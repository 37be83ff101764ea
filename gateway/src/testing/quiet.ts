/**
 * For tests that provoke an error the app logs with console.error: the log line is swallowed (it is expected)
 * and counted, and console.error is restored afterwards whatever happens.
 */

/** How often console.error was called while silenced. */
export interface ErrorLog {
  calls: number;
}

/** Runs `body` with console.error silenced and counted; restores it afterwards. */
export async function withConsoleErrorSilenced<T>(body: (logged: ErrorLog) => Promise<T>): Promise<T> {
  const original = console.error;
  const logged: ErrorLog = { calls: 0 };
  console.error = () => {
    logged.calls++;
  };
  try {
    return await body(logged);
  } finally {
    console.error = original;
  }
}
