/**
 * A start replaces a supervisor whose code is not this build's, and nothing it keeps running stops: this build's
 * supervisor (run for real in a process of its own) leaves on SIGUSR2; one of a release before, which records no
 * code, dies of it; one that stays is left running and the start stops. One that runs this build is left be, and
 * of two supervisors the one the pid file does not name leaves.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeId } from '../code-id.js';
import { loadConfig } from '../config.js';
import type { NetworkContext } from '../context.js';
import { Paths } from '../paths.js';
import {
  isAlive,
  readPid,
  removePid,
  runningPid,
  startDaemon,
  stopDaemon,
  waitUntil,
  writePid,
} from '../proc.js';
import { recordSupervisorCode, replaceOutdatedSupervisor, SUPERVISOR } from './supervise.js';

const supervisorModule = fileURLToPath(new URL('./supervise.js', import.meta.url));
const configModule = fileURLToPath(new URL('../config.js', import.meta.url));
const contextModule = fileURLToPath(new URL('../context.js', import.meta.url));

describe('a start and the supervisor of another build', () => {
  let dir: string;
  let paths: Paths;
  let ctx: NetworkContext;
  let logged: string[];
  const repoRoot = loadConfig({}).repoRoot;
  const code = codeId(repoRoot, 'network');
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-supervisor-'));
    paths = new Paths(path.join(dir, 'home'), repoRoot);
    logged = [];
    ctx = {
      paths,
      config: { ...loadConfig({ RDX_HOME: paths.home }), repoRoot },
      log: (l: string) => logged.push(l),
    } as unknown as NetworkContext;
    // A process the supervisor watches (the ordering org's orderer, as on an orderer-only host).
    startDaemon(paths, 'orderer1.orderer', 'sleep', ['600'], { PATH: process.env.PATH });
  });
  afterEach(async () => {
    await stopDaemon(paths, SUPERVISOR, 0);
    await stopDaemon(paths, 'orderer1.orderer', 0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * This build's supervisor, for the ordering org alone (it starts nothing there), in a process of its own, recorded
   * as a start records the one it spawns.
   */
  function startSupervisor(): number {
    const script = [
      `const { supervise } = await import(${JSON.stringify(supervisorModule)});`,
      `const { loadConfig } = await import(${JSON.stringify(configModule)});`,
      `const { pathsFor, topologyFor } = await import(${JSON.stringify(contextModule)});`,
      'const config = loadConfig();',
      "await supervise({ config, paths: pathsFor(config), topology: topologyFor(config), log: console.log }, 'OrdererMSP');",
    ].join('\n');
    const pid = startDaemon(
      paths,
      SUPERVISOR,
      process.execPath,
      ['--input-type=module', '-e', script],
      { PATH: process.env.PATH, RDX_HOME: paths.home },
      repoRoot,
    );
    recordSupervisorCode(ctx, pid, code);
    return pid;
  }

  /** Until the supervisor's first round has run (it reports the orderers this host lacks as down). */
  async function supervising(): Promise<void> {
    await waitUntil(
      () =>
        Promise.resolve(fs.readFileSync(paths.log(SUPERVISOR), 'utf8').includes('orderer2.orderer is down')),
      { what: 'the supervisor running its rounds', timeoutMs: 30_000, processName: SUPERVISOR, paths },
    );
  }

  it('leaves one of this build running, also one just spawned that has not loaded its code yet', async () => {
    const pid = startSupervisor();
    expect(await replaceOutdatedSupervisor(ctx, code), 'at once').to.equal(false);
    await supervising();
    expect(await replaceOutdatedSupervisor(ctx, code), 'running').to.equal(false);
    expect(runningPid(paths, SUPERVISOR)).to.equal(pid);
    expect(logged).to.deep.equal([]);
  });

  it('replaces one of another build: it leaves on its own, the processes it watched run on', async () => {
    const pid = startSupervisor();
    await supervising();
    // The repository rebuilt since it started: its code is no longer this build's.
    fs.writeFileSync(path.join(paths.runDir(), `${SUPERVISOR}.code`), `${pid} 0123456789abcdef\n`);
    expect(await replaceOutdatedSupervisor(ctx, code)).to.equal(true);
    expect(logged).to.deep.equal([`Replacing the supervisor (pid ${pid}): its code is not this build's.`]);
    expect(isAlive(pid), 'gone').to.equal(false);
    expect(readPid(paths, SUPERVISOR), 'its pid file too').to.equal(undefined);
    expect(runningPid(paths, 'orderer1.orderer'), 'what it watched still runs').not.to.equal(undefined);
    expect(fs.readFileSync(paths.log(SUPERVISOR), 'utf8')).to.include(
      'replaced by the supervisor of another build; every process runs on',
    );
  });

  it('replaces one of a release before, which records no code and knows no SIGUSR2', async () => {
    startDaemon(paths, SUPERVISOR, process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      PATH: process.env.PATH,
    });
    expect(await replaceOutdatedSupervisor(ctx, code)).to.equal(true);
    expect(runningPid(paths, SUPERVISOR)).to.equal(undefined);
    expect(runningPid(paths, 'orderer1.orderer')).not.to.equal(undefined);
  });

  it("replaces one whose record names another process, even with this build's digest (a record left from before)", async () => {
    const pid = startSupervisor();
    await supervising();
    fs.writeFileSync(path.join(paths.runDir(), `${SUPERVISOR}.code`), `${pid + 1} ${code}\n`);
    expect(await replaceOutdatedSupervisor(ctx, code)).to.equal(true);
    expect(isAlive(pid)).to.equal(false);
  });

  it('is not killed when it does not leave (a supervisor stopping the platform takes no SIGUSR2): the start stops, saying why', async () => {
    const stays = startDaemon(
      paths,
      SUPERVISOR,
      process.execPath,
      ['-e', "process.on('SIGUSR2', () => {}); console.log('handler', 'set'); setInterval(() => {}, 1000)"],
      { PATH: process.env.PATH },
    );
    // Its output, not its command line (which the log's first line quotes).
    await waitUntil(
      () => Promise.resolve(fs.readFileSync(paths.log(SUPERVISOR), 'utf8').includes('handler set')),
      { what: 'the stand-in ignoring SIGUSR2', timeoutMs: 10_000 },
    );
    const refused = await replaceOutdatedSupervisor(ctx, code, 1000).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(String(refused)).to.match(/The supervisor \(pid \d+\) did not leave within 1 s of being replaced/);
    expect(runningPid(paths, SUPERVISOR), 'still running, its pid file kept').to.equal(stays);
  });

  it('leaves when another supervisor has taken its pid file (two starts at once), stopping nothing', async () => {
    const pid = startSupervisor();
    await supervising();
    const other = readPid(paths, 'orderer1.orderer')!;
    writePid(paths, SUPERVISOR, other);
    await waitUntil(() => Promise.resolve(!isAlive(pid)), {
      what: 'the supervisor leaving',
      timeoutMs: 10_000,
    });
    expect(fs.readFileSync(paths.log(SUPERVISOR), 'utf8')).to.include(
      'another supervisor runs (its pid file names it); leaving',
    );
    expect(runningPid(paths, 'orderer1.orderer')).to.equal(other);
    removePid(paths, SUPERVISOR); // not the orderer's to stop as the supervisor
  });

  it('has nothing to replace when no supervisor runs', async () => {
    expect(await replaceOutdatedSupervisor(ctx, code)).to.equal(false);
  });
});
