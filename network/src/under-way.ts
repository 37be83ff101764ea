/**
 * What a start and a stop on one home tell each other while they work, so that neither undoes the other. A start
 * made while `npm stop` ran found the nodes that stop was ending and failed (`process orderer3.orderer exited`); a
 * stop made while a start ran returned with the start still launching nodes after it. Now:
 * - a start waits for a stop under way, then for another start under way (and then finds all up and checks it);
 * - a stop (or a reset) waits for another stop under way, then ends a start under way, as its Ctrl-C would, and
 *   stops what it had started.
 * Each marks itself with a pid file in the home's run folder (`starting.pid`, `stopping.pid`), its process's start
 * kept beside it (proc.ts), so that a mark left by a process that died is told from a live one and passed over.
 */
import fs from 'node:fs';
import type { Paths } from './paths.js';
import { claimPid, readPid, removePid, runningPid, sleep, stopDaemon } from './proc.js';

export const STARTING = 'starting';
export const STOPPING = 'stopping';

/** How often a wait says it still waits. */
const PROGRESS_EVERY_MS = 15_000;

/**
 * Waits for a stop under way on this home, then for another start, and marks this process as the start under way.
 * The home must exist and be the user's own (the caller has checked it).
 * @returns what ends the mark: called once the start is done with the nodes (before an attached start settles
 * into supervising them, so that a next start only checks what runs).
 */
export async function markStart(paths: Paths, log: (line: string) => void): Promise<() => void> {
  await waitWhileRunning(paths, STOPPING, 'a stop under way', log);
  await claim(paths, STARTING, 'another start under way', log);
  return () => unmark(paths, STARTING);
}

/**
 * Makes the mark `name` this process's, waiting while another live process holds it: several may ask at once,
 * and claimPid lets one of them make it.
 */
async function claim(paths: Paths, name: string, what: string, log: (line: string) => void): Promise<void> {
  while (!claimPid(paths, name, process.pid)) {
    if (runningPid(paths, name) === undefined) {
      removePid(paths, name); // left by one that died
      continue;
    }
    await waitWhileRunning(paths, name, what, log);
  }
}

/**
 * Marks this process as the stop under way (so that a start made now waits for it; another stop under way is
 * waited for first), and ends a start under way first: SIGTERM, and SIGKILL after `graceMs` (it ends at once, saying why: the CLI's start). Nothing to mark on a
 * home not made yet.
 * @returns what ends the mark, and the pid of the start it ended, if one was.
 */
export async function markStop(
  paths: Paths,
  graceMs = 10_000,
  log: (line: string) => void = (line) => console.log(line),
): Promise<{ unmark: () => void; endedStart: number | undefined }> {
  if (!fs.existsSync(paths.home)) return { unmark: () => undefined, endedStart: undefined };
  // A second stop overwrote the first's mark, and, done first, took it away while the first still stopped.
  await claim(paths, STOPPING, 'another stop under way', log);
  const start = runningPid(paths, STARTING);
  if (start !== undefined) await stopDaemon(paths, STARTING, graceMs);
  return { unmark: () => unmark(paths, STOPPING), endedStart: start };
}

/** Whether a stop is under way on this home (its process alive). */
export function stopUnderWay(paths: Paths): boolean {
  return runningPid(paths, STOPPING) !== undefined;
}

/** Removes this process's mark `name`, unless another's has taken its place. */
function unmark(paths: Paths, name: string): void {
  if (readPid(paths, name) === process.pid) removePid(paths, name);
}

async function waitWhileRunning(
  paths: Paths,
  name: string,
  what: string,
  log: (line: string) => void,
): Promise<void> {
  const pid = runningPid(paths, name);
  if (pid === undefined) return;
  log(`Waiting for ${what} (pid ${pid}) to finish…`);
  const since = Date.now();
  let told = since;
  while (runningPid(paths, name) === pid) {
    await sleep(200);
    if (Date.now() - told >= PROGRESS_EVERY_MS) {
      told = Date.now();
      log(`  still waiting for ${what} (pid ${pid}), ${Math.round((told - since) / 1000)} s`);
    }
  }
  log(`  it finished after ${((Date.now() - since) / 1000).toFixed(1)} s.`);
}
