/**
 * How a test shows that work leaves the event loop free: it counts the loop's turns while the work runs.
 * Work done synchronously (or in one long step) lets it turn about once.
 */

/** Starts counting turns of the event loop; the returned function stops counting and says how many there were. */
export function countEventLoopTurns(): () => number {
  let turns = 0;
  let counting = true;
  const spin = (): void => {
    if (!counting) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  return () => {
    counting = false;
    return turns;
  };
}
