/**
 * How the platform starts each of its daemons, and whether one already running was started so.
 *
 * A start leaves a running process be, but one that a release before this one started may take other arguments
 * or settings than this release gives it (a CA without its purpose CAs, an orderer whose admin endpoint takes
 * another client root, a gateway without its HTTPS pair), and the tooling's next call to it would fail. So a
 * start compares the running process's own command line and environment (Linux's /proc: the environment is
 * readable by its owner alone) with the launch it would make, and restarts it where they differ. A Node service's
 * environment carries the digest of its code (code-id.ts), so one started before a rebuild differs too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CODE_ID } from './code-id.js';
import type { Paths } from './paths.js';
import { isAlive, keepStart, processStart, runningPid, startDaemon, stopDaemon } from './proc.js';

export interface Launch {
  /** The process's name: its pid file and its log. */
  name: string;
  cmd: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Names in `env` not compared with a running process's, so a change of them alone restarts nothing: what the shell
   * gives (PATH), the settings a service only passes on, which reach it when it next starts, and what varies while
   * the release does not (a node's client TLS roots: node-env.ts NODE_SETTINGS_NOT_COMPARED).
   */
  notCompared: ReadonlySet<string>;
}

/** What every launch leaves out of the comparison: the shell's PATH differs from one operator's shell to another. */
export const SHELL_ONLY: ReadonlySet<string> = new Set(['PATH']);

export function startLaunch(paths: Paths, launch: Launch): number {
  return startDaemon(paths, launch.name, launch.cmd, launch.args, launch.env, launch.cwd);
}

/**
 * Whether another process is restarting `name` ({@link ensureLaunched}): between its stop and its start the
 * supervisor, which restarts a gateway, clerk or chaincode server it finds down, leaves it to that one. A marker
 * whose writer has exited is a dead one's.
 */
export function restartUnderWay(paths: Paths, name: string): boolean {
  let marker: string;
  try {
    marker = fs.readFileSync(restartMarker(paths, name), 'utf8').trim();
  } catch {
    return false;
  }
  // The writer's pid and its start: a pid an unrelated process has since (a start killed before it removed its
  // marker, then a reboot) does not hold the supervisor back.
  const space = marker.indexOf(' ');
  const by = Number(space < 0 ? marker : marker.slice(0, space));
  if (!Number.isInteger(by) || by <= 0 || !isAlive(by)) return false;
  return space < 0 || processStart(by) === marker.slice(space + 1);
}

function restartMarker(paths: Paths, name: string): string {
  return path.join(paths.runDir(), `${name}.restarting`);
}

/**
 * Starts `launch`'s process, by `start`, unless it runs as `launch` would start it. One running otherwise is
 * stopped first, and the log says why; from the stop until `start` is done (or has failed) a marker tells the
 * supervisor to leave the process to this start.
 * @returns whether `start` ran.
 */
export async function ensureLaunched(
  paths: Paths,
  launch: Launch,
  log: (line: string) => void,
  start: () => Promise<void> | void,
): Promise<boolean> {
  const pid = runningPid(paths, launch.name);
  const change = pid === undefined ? undefined : launchChange(pid, launch);
  if (pid !== undefined && change === undefined) {
    // Running as launched, it is the platform's: a pid file from a release before gets its start.
    keepStart(paths, launch.name, pid);
    return false;
  }
  if (pid === undefined) {
    await start();
    return true;
  }
  log(`  restart ${launch.name}: it runs otherwise than this release starts it (${change})`);
  await whileRestarting(paths, launch.name, async () => {
    await stopDaemon(paths, launch.name);
    await start();
  });
  return true;
}

/**
 * Runs `restart` (a stop and a start of `name`) under the marker that tells the supervisor to leave `name` to it,
 * from before the stop until the start is done or has failed.
 */
export async function whileRestarting(
  paths: Paths,
  name: string,
  restart: () => Promise<void>,
): Promise<void> {
  const marker = restartMarker(paths, name);
  fs.mkdirSync(paths.runDir(), { recursive: true });
  fs.writeFileSync(marker, `${process.pid} ${processStart(process.pid) ?? ''}`.trim());
  try {
    await restart();
  } finally {
    fs.rmSync(marker, { force: true });
  }
}

/**
 * How the running process `pid` was started otherwise than `launch` would start it: the arguments its command line
 * lacks, or the names of the settings it lacks or holds with another value; undefined when it was started so, or
 * when its command line or environment cannot be read (no procfs, another user's process, gone), where nothing can
 * be said and it is left be.
 */
export function launchChange(pid: number, launch: Launch): string | undefined {
  const cmdline = readNulSeparated(`/proc/${pid}/cmdline`);
  const running = runningEnvironment(pid);
  if (!cmdline || !running) return undefined;
  // Its arguments are the command line's last ones, after the command (an interpreter, from a script's #! line, may
  // come first). The command is compared by its name: where the binaries are kept (RDX_CACHE) is the shell's.
  const at = cmdline.length - launch.args.length - 1;
  if (
    at < 0 ||
    path.basename(cmdline[at]!) !== path.basename(launch.cmd) ||
    launch.args.some((a, i) => a !== cmdline[at + 1 + i])
  ) {
    const lacks = launch.args.filter((a) => !cmdline.includes(a));
    return lacks.length
      ? `its command line lacks ${lacks.slice(0, 3).join(' ')}${lacks.length > 3 ? ' …' : ''}`
      : 'its command line differs';
  }
  const differ = Object.entries(launch.env)
    .filter(
      ([name, value]) => value !== undefined && !launch.notCompared.has(name) && running.get(name) !== value,
    )
    .map(([name]) => name);
  const settings = differ.filter((name) => name !== CODE_ID);
  const why = [
    ...(settings.length
      ? [`its ${settings.join(', ')} ${settings.length === 1 ? 'differs' : 'differ'}`]
      : []),
    // Its digest missing is a service started before the digest was given: its code is not known to be this build's.
    ...(differ.includes(CODE_ID) ? ["its code is not this build's"] : []),
  ];
  return why.length ? why.join('; ') : undefined;
}

/**
 * The environment the process `pid` was started with (/proc/<pid>/environ, readable by its owner alone); undefined
 * when it cannot be read.
 */
export function runningEnvironment(pid: number): Map<string, string> | undefined {
  const environ = readNulSeparated(`/proc/${pid}/environ`);
  if (!environ) return undefined;
  const running = new Map<string, string>();
  for (const entry of environ) {
    const eq = entry.indexOf('=');
    if (eq > 0) running.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return running;
}

function readNulSeparated(file: string): string[] | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.endsWith('\0') ? text.slice(0, -1).split('\0') : text.split('\0');
  } catch {
    return undefined;
  }
}
