/**
 * A start and a stop on one home, at the same time, do not undo each other: a start waits for a stop under way and
 * for another start; a stop ends a start under way first. Real processes: each start or stop here is a process of
 * its own that marks itself as the CLI's do (under-way.ts), in a throwaway home.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Paths } from './paths.js';
import { isAlive, readPid, runningPid, sleep, waitUntil, writePid } from './proc.js';
import { markStart, markStop, STARTING, STOPPING } from './under-way.js';

const underWay = path.join(path.dirname(fileURLToPath(import.meta.url)), 'under-way.js');
const pathsModule = path.join(path.dirname(fileURLToPath(import.meta.url)), 'paths.js');

describe('a start and a stop at the same time', () => {
  let dir: string;
  let paths: Paths;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-under-way-'));
    paths = new Paths(path.join(dir, 'home'), dir);
    fs.mkdirSync(paths.home);
  });
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A process that marks itself as a start (markStart), holds the mark `holdMs`, prints when it had it, and ends. */
  function startProcess(holdMs: number): { child: ChildProcess; held: Promise<[number, number]> } {
    const script = `
      const { markStart } = await import(${JSON.stringify(underWay)});
      const { Paths } = await import(${JSON.stringify(pathsModule)});
      const unmark = await markStart(new Paths(${JSON.stringify(paths.home)}, ${JSON.stringify(dir)}), () => {});
      const from = Date.now();
      await new Promise((r) => setTimeout(r, ${holdMs}));
      const to = Date.now();
      unmark();
      console.log(JSON.stringify([from, to]));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const held = new Promise<[number, number]>((resolve, reject) =>
      child.on('exit', (code) =>
        code === 0 ? resolve(JSON.parse(out) as [number, number]) : reject(new Error(`exit ${code}`)),
      ),
    );
    return { child, held };
  }

  /** A process that sleeps: marked by the test as a start or a stop under way. */
  function sleeper(ms: number): { child: ChildProcess; ended: Promise<number> } {
    const child = spawn(process.execPath, ['-e', `setTimeout(() => {}, ${ms})`], { stdio: 'ignore' });
    children.push(child);
    return { child, ended: new Promise((resolve) => child.on('exit', () => resolve(Date.now()))) };
  }

  it('a start made during a stop waits for the stop to end, saying so, then marks itself', async () => {
    const stop = sleeper(1500);
    writePid(paths, STOPPING, stop.child.pid!);
    const said: string[] = [];
    const unmark = await markStart(paths, (l) => said.push(l));
    const marked = Date.now();
    expect(marked, 'marked only after the stop ended').to.be.at.least(await stop.ended);
    expect(said[0]).to.equal(`Waiting for a stop under way (pid ${stop.child.pid}) to finish…`);
    expect(said.at(-1)).to.match(/^ {2}it finished after \d+\.\d s\.$/);
    expect(runningPid(paths, STARTING)).to.equal(process.pid);
    unmark();
    expect(fs.existsSync(paths.pid(STARTING)), 'the mark goes with the start').to.equal(false);
  });

  it('a mark left by a start or a stop that died is passed over at once', async () => {
    const dead = sleeper(0);
    await dead.ended;
    writePid(paths, STOPPING, dead.child.pid!);
    fs.writeFileSync(paths.pid(STARTING), String(dead.child.pid));
    const said: string[] = [];
    const before = Date.now();
    const unmark = await markStart(paths, (l) => said.push(l));
    expect(Date.now() - before).to.be.below(1000);
    expect(said, 'nothing waited for').to.deep.equal([]);
    expect(readPid(paths, STARTING)).to.equal(process.pid);
    unmark();
  });

  it('of three starts made at once, one at a time works: none holds the mark while another does', async () => {
    const runs = await Promise.all(
      [startProcess(700), startProcess(700), startProcess(700)].map((s) => s.held),
    );
    runs.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < runs.length; i++)
      expect(runs[i]![0], `start ${i + 1} began after start ${i} ended`).to.be.at.least(runs[i - 1]![1]);
    expect(fs.existsSync(paths.pid(STARTING)), 'no mark left').to.equal(false);
  });

  it('a stop ends a start under way first, and marks itself until it is done', async () => {
    const start = startProcess(60_000);
    await waitUntil(() => Promise.resolve(runningPid(paths, STARTING) === start.child.pid), {
      what: 'the start to mark itself',
      timeoutMs: 10_000,
    });
    const { unmark, endedStart } = await markStop(paths, 2000);
    expect(endedStart).to.equal(start.child.pid);
    expect(isAlive(start.child.pid), 'the start is gone').to.equal(false);
    expect(runningPid(paths, STOPPING)).to.equal(process.pid);
    // A start made now waits for this stop.
    const said: string[] = [];
    const next = markStart(paths, (l) => said.push(l));
    await sleep(500);
    expect(said).to.deep.equal([`Waiting for a stop under way (pid ${process.pid}) to finish…`]);
    unmark();
    (await next)();
  });

  it('a stop made during another waits for it, so that a start made meanwhile waits for both', async () => {
    const first = sleeper(1200);
    writePid(paths, STOPPING, first.child.pid!);
    const said: string[] = [];
    const { unmark } = await markStop(paths, 2000, (l) => said.push(l));
    expect(Date.now(), 'marked only after the first stop ended').to.be.at.least(await first.ended);
    expect(said[0]).to.equal(`Waiting for another stop under way (pid ${first.child.pid}) to finish…`);
    expect(runningPid(paths, STOPPING)).to.equal(process.pid);
    unmark();
  });

  it('a stop on a home not made yet marks nothing and ends nothing', async () => {
    const none = new Paths(path.join(dir, 'not-made'), dir);
    const { unmark, endedStart } = await markStop(none);
    expect(endedStart).to.equal(undefined);
    unmark();
    expect(fs.existsSync(none.home)).to.equal(false);
  });
});
