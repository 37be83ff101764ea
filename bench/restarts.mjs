// Plain JavaScript, so exported functions carry no type annotations.
/* eslint-disable @typescript-eslint/explicit-module-boundary-types */
/**
 * Figure 6 repeated (`--restarts=N`). One restart says little: most take 6–8 s, but one in a few dozen meets a
 * race in Fabric's gossip and takes 11–18 s. N restarts in a row give the spread, how many missed the 10 s
 * target, and, from the start command's own step lines, which step each one waited in.
 */

/** Restart to ready should take no longer than this (issue 14). */
export const RESTART_TARGET_MS = 10_000;

/**
 * The steps `rdx-network start` printed, `[12.3s] Peers discover each other (gossip)`, each with how long it took
 * (until the next step began; the last, `Ready`, takes nothing). Lines that are not steps are skipped.
 * @returns `[{ what, atMs, ms }]` in the order printed
 */
export function startSteps(output) {
  const steps = [...String(output).matchAll(/^\[(\d+(?:\.\d+)?)s\] (.+)$/gm)].map((m) => ({
    what: m[2].trim(),
    atMs: Math.round(Number(m[1]) * 1000),
  }));
  return steps.map((s, i) => ({ ...s, ms: i + 1 < steps.length ? steps[i + 1].atMs - s.atMs : 0 }));
}

/**
 * When, in the start's own output, the two waits it runs beside its other steps settled: the ordering service
 * taking transactions (`  ordering service ready at 4.3s`) and every peer knowing the others through gossip
 * (`  every peer knew the others at 5.1s`). A wait the start did not print is left out.
 * @returns `{ orderingReadyAtMs?, peersKnewAtMs? }`
 */
export function startWaits(output) {
  const at = (what) => {
    const m = new RegExp(`^\\s+${what} at (\\d+(?:\\.\\d+)?)s$`, 'm').exec(String(output));
    return m ? Math.round(Number(m[1]) * 1000) : undefined;
  };
  const waits = {
    orderingReadyAtMs: at('ordering service ready'),
    peersKnewAtMs: at('every peer knew the others'),
  };
  return Object.fromEntries(Object.entries(waits).filter(([, ms]) => ms !== undefined));
}

/**
 * The figure over several restarts, each `{ startToReadyMs, ... }`: the median restart (of an even count, the
 * slower of the middle two, so a tail is not hidden), the fastest and slowest, and how many missed the target.
 */
export function restartSpread(runs, targetMs = RESTART_TARGET_MS) {
  if (runs.length === 0) throw new RangeError('no restarts to summarize');
  const sorted = [...runs].sort((a, b) => a.startToReadyMs - b.startToReadyMs);
  return {
    restarts: runs.length,
    median: sorted[Math.floor(sorted.length / 2)],
    minMs: sorted[0].startToReadyMs,
    maxMs: sorted[sorted.length - 1].startToReadyMs,
    targetMs,
    overTarget: runs.filter((r) => r.startToReadyMs > targetMs).length,
  };
}
