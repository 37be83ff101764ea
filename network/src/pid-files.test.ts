/**
 * A pid file names the process it was written for, and no later one given the same pid: a pid file left from
 * before a reboot, or from a process long gone, may name an unrelated process of the same user, which a start must
 * not wait for as the platform's nor stop. Real processes; a stale pid file is made by giving a pid file the start
 * of another process.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Paths } from './paths.js';
import { isAlive, runningPid, startDaemon, stopDaemon, writePid } from './proc.js';

describe('pid files', () => {
  let dir: string;
  let paths: Paths;
  let unrelated: ChildProcess;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-pid-files-'));
    paths = new Paths(path.join(dir, 'home'), dir);
    // Some other program of the same user, which now holds a pid the platform once recorded.
    unrelated = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    // A process's start is read in clock ticks (1/100 s): the daemon a test starts next must start a tick later,
    // as a process given a dead one's pid always does. Started within the same tick, the two read as one (CI once).
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  afterEach(() => {
    unrelated.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const started = (name: string): string => path.join(paths.runDir(), `${name}.started`);

  it("name their own process, which a stop ends, with the file and the process's start", async () => {
    const pid = startDaemon(paths, 'daemon', process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {});
    expect(runningPid(paths, 'daemon')).to.equal(pid);
    expect(fs.readFileSync(started('daemon'), 'utf8')).to.match(/^\d+ [0-9a-f-]{36}$/);
    expect(await stopDaemon(paths, 'daemon', 0)).to.equal(true);
    expect(isAlive(pid)).to.equal(false);
    expect(fs.existsSync(paths.pid('daemon')) || fs.existsSync(started('daemon')), 'both forgotten').to.equal(
      false,
    );
  });

  it('left naming a later process with that pid: nothing runs, and a stop leaves that process be', async () => {
    const own = startDaemon(paths, 'daemon', process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {});
    const recorded = fs.readFileSync(started('daemon'), 'utf8');
    await stopDaemon(paths, 'daemon', 0);
    // The pid file as a crash or a reboot left it, its pid now another process's (made here by writing the other
    // process's pid beside the daemon's recorded start).
    writePid(paths, 'daemon', unrelated.pid!);
    fs.writeFileSync(started('daemon'), recorded);
    expect(own).not.to.equal(unrelated.pid);
    expect(runningPid(paths, 'daemon')).to.equal(undefined);
    expect(await stopDaemon(paths, 'daemon', 0)).to.equal(false);
    expect(isAlive(unrelated.pid), 'the unrelated process is not signalled').to.equal(true);
    expect(fs.existsSync(paths.pid('daemon')), 'the stale pid file is gone').to.equal(false);
  });

  it('written by a release before starts were kept are taken at their word, a start left from later or not', () => {
    fs.mkdirSync(paths.runDir(), { recursive: true });
    fs.writeFileSync(paths.pid('daemon'), String(unrelated.pid));
    expect(runningPid(paths, 'daemon')).to.equal(unrelated.pid);
    // A start that a later release kept, then the pid file written again by a release before (a downgrade).
    fs.writeFileSync(started('daemon'), '1 00000000-0000-0000-0000-000000000000');
    const hourAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(started('daemon'), hourAgo, hourAgo);
    expect(runningPid(paths, 'daemon')).to.equal(unrelated.pid);
  });
});
