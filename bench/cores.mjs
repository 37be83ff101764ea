// Plain JavaScript, so exported functions carry no type annotations.
/* eslint-disable @typescript-eslint/explicit-module-boundary-types */
/**
 * Figure 1c: the data call with the server under test on a core of its own. In figure 1 the gateway (or bare
 * Express), its load generator, the idle Fabric network and the bench itself share the machine's cores as the
 * kernel pleases, so a request's latency includes waiting for the generator to give a core back — which is not
 * how a gateway runs on its own host. Here every thread of the servers under test is kept on CPU 0 and every
 * other process of the bench (the bench itself and the load generators it starts, the other gateways, the
 * network's peers, orderers, CAs and chaincode servers) on the remaining CPUs, with `taskset`. Both sides get the
 * same core; the gateway's writer thread and collector share it with its event loop, as they would on a host
 * of one core. Linux only, at least two CPUs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Signals that end the bench: pinned processes get every CPU back before it goes. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Why the machine cannot run figure 1c, or undefined when it can. */
export function cannotPin() {
  if (process.platform !== 'linux') return 'CPU affinity is set with taskset, on Linux only';
  if (os.availableParallelism() < 2) return 'one CPU: nothing to keep the server apart from its load';
  if (spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status !== 0) return 'taskset is missing';
  return undefined;
}

/** Puts every thread of `pid` on `cpus` (a taskset list such as "0" or "1-3"); false if the process is gone. */
function setCpus(pid, cpus) {
  return spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' }).status === 0;
}

/** The processes the bench network started, from its pid files (`$RDX_HOME/run/*.pid`). */
function networkPids(home) {
  const run = path.join(home, 'run');
  if (!fs.existsSync(run)) return [];
  return fs
    .readdirSync(run)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => Number(fs.readFileSync(path.join(run, f), 'utf8').trim()))
    .filter((pid) => Number.isSafeInteger(pid) && pid > 0);
}

/**
 * Keeps `servers` (pids) on CPU 0 and the bench (this process, hence every load generator it starts from now
 * on), `others` (pids) and the network under `home` on the other CPUs.
 * @returns the function that gives every one of them all CPUs again (also called if the bench exits or is
 *   stopped by a signal before it does).
 */
export function pinServers({ servers, others, home }) {
  const all = `0-${os.availableParallelism() - 1}`;
  const rest = `1-${os.availableParallelism() - 1}`;
  const moved = [process.pid, ...others, ...networkPids(home)].filter((pid) => !servers.includes(pid));
  const unpin = () => {
    process.off('exit', unpin);
    for (const signal of SIGNALS) process.off(signal, onSignal);
    for (const pid of [...moved, ...servers]) setCpus(pid, all);
  };
  // A bench stopped half-way (Ctrl-C, a failure) must not leave the network's peers and orderers on one CPU.
  const onSignal = (signal) => {
    unpin();
    process.kill(process.pid, signal); // no handler left: the signal now ends the bench as it would have
  };
  process.once('exit', unpin);
  for (const signal of SIGNALS) process.once(signal, onSignal);
  try {
    for (const pid of moved) setCpus(pid, rest);
    for (const pid of servers) {
      if (!setCpus(pid, '0')) throw new Error(`could not keep process ${pid} on CPU 0`);
    }
  } catch (err) {
    unpin();
    throw err;
  }
  return unpin;
}
