/**
 * When the clerk's next round runs. Validities end at midnight China time (UTC+8, the ledger's day), so a
 * round runs just after each one; between midnights at least every `intervalMs`. After a round that could not
 * reach the ledger, or could not mark everything due, sooner, backing off to the interval.
 */
const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;
/** After midnight, so the transaction time the ledger sees is already the new day even with a little skew. */
export const AFTER_MIDNIGHT_MS = 2_000;
const FIRST_RETRY_MS = 5_000;

/** The first instant of the next day in China time, after `now`. */
export function nextChinaMidnight(now: number): number {
  return Math.floor((now + CHINA_OFFSET_MS) / DAY_MS + 1) * DAY_MS - CHINA_OFFSET_MS;
}

/**
 * @param failuresInARow rounds in a row that could not reach the ledger or left something due (0 after one that
 *   finished).
 */
export function nextRoundAt(now: number, intervalMs: number, failuresInARow = 0): number {
  const regular = Math.min(now + intervalMs, nextChinaMidnight(now) + AFTER_MIDNIGHT_MS);
  if (failuresInARow === 0) return regular;
  const retry = now + Math.min(intervalMs, FIRST_RETRY_MS * 2 ** Math.min(failuresInARow - 1, 20));
  return Math.min(retry, regular);
}
