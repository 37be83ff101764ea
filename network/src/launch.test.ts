/**
 * A running daemon against the launch a start would make: real processes, read back through /proc as a start
 * reads them.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  launchChange,
  restartUnderWay,
  runningAsLaunched,
  SHELL_ONLY,
  startLaunch,
  type Launch,
} from './launch.js';
import { Paths } from './paths.js';
import { runningPid, stopDaemon } from './proc.js';

describe('a running process against the launch a start would make', () => {
  let dir: string;
  let paths: Paths;
  let script: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-launch-'));
    paths = new Paths(path.join(dir, 'home'), dir);
    // A script run through its #! line: the interpreter comes first on its command line.
    script = path.join(dir, 'daemon');
    fs.writeFileSync(script, `#!${process.execPath}\nsetInterval(() => {}, 1000);\n`, { mode: 0o755 });
  });
  afterEach(async () => {
    await stopDaemon(paths, 'daemon', 0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const launch = (args: string[], env: NodeJS.ProcessEnv, notCompared = SHELL_ONLY): Launch => ({
    name: 'daemon',
    cmd: script,
    args,
    env,
    notCompared,
  });

  it('finds nothing changed in a process it started itself', () => {
    const l = launch(['--port', '7054'], { PATH: process.env.PATH, ROOT: '/a/ca-cert.pem' });
    const pid = startLaunch(paths, l);
    expect(launchChange(pid, l)).to.equal(undefined);
  });

  it('names a setting held with another value, or missing', () => {
    const pid = startLaunch(paths, launch([], { ROOT: '/a/ca-cert.pem', PORT: '1' }));
    expect(launchChange(pid, launch([], { ROOT: '/b/ca-cert.pem', PORT: '1' }))).to.equal('its ROOT differs');
    expect(launchChange(pid, launch([], { ROOT: '/a/ca-cert.pem', PORT: '1', HTTPS_CERT: '/c' }))).to.equal(
      'its HTTPS_CERT differs',
    );
    expect(launchChange(pid, launch([], { ROOT: '/b', PORT: '2' }))).to.equal('its ROOT, PORT differ');
  });

  it('finds changed arguments, one more or one fewer', () => {
    const pid = startLaunch(paths, launch(['start', '--port', '7054'], {}));
    expect(launchChange(pid, launch(['start', '--port', '7055'], {}))).to.equal('its command line differs');
    expect(launchChange(pid, launch(['start', '--port', '7054', '--cafiles', '/x'], {}))).to.equal(
      'its command line differs',
    );
    expect(launchChange(pid, launch(['--port', '7054'], {})), 'one fewer, at the front').to.equal(
      'its command line differs',
    );
    expect(
      launchChange(pid, { ...launch(['start', '--port', '7054'], {}), cmd: '/elsewhere/other' }),
    ).to.equal('its command line differs');
    // Where the command is kept is the shell's (a binary cache of its own): only its name counts.
    expect(
      launchChange(pid, { ...launch(['start', '--port', '7054'], {}), cmd: '/elsewhere/daemon' }),
    ).to.equal(undefined);
  });

  it('leaves out PATH and the settings a launch does not compare', () => {
    const pid = startLaunch(paths, launch([], { PATH: '/usr/bin', LOGGING: 'INFO', ROOT: '/a' }));
    const other = launch(
      [],
      { PATH: '/opt/bin:/usr/bin', LOGGING: 'DEBUG', ROOT: '/a' },
      new Set(['PATH', 'LOGGING']),
    );
    expect(launchChange(pid, other)).to.equal(undefined);
  });

  it('says nothing of a process whose command line it cannot read', () => {
    expect(launchChange(2 ** 22 + 1, launch([], { ROOT: '/a' }))).to.equal(undefined);
  });

  it('restarts nothing that runs as launched, and stops one that runs otherwise, saying why', async () => {
    const logged: string[] = [];
    const log = (line: string): void => void logged.push(line);
    const pid = startLaunch(paths, launch([], { ROOT: '/a' }));
    expect(await runningAsLaunched(paths, launch([], { ROOT: '/a' }), log)).to.equal(pid);
    expect(logged).to.deep.equal([]);
    expect(await runningAsLaunched(paths, launch([], { ROOT: '/b' }), log)).to.equal(undefined);
    expect(runningPid(paths, 'daemon'), 'stopped').to.equal(undefined);
    expect(logged).to.deep.equal([
      '  restart daemon: it runs otherwise than this release starts it (its ROOT differs)',
    ]);
    expect(await runningAsLaunched(paths, launch([], { ROOT: '/b' }), log), 'none runs').to.equal(undefined);
  });

  it('marks a restart under way from the stop to the start, for the supervisor to leave it be', async () => {
    startLaunch(paths, launch([], { ROOT: '/a' }));
    expect(restartUnderWay(paths, 'daemon'), 'running, no restart').to.equal(false);
    await runningAsLaunched(paths, launch([], { ROOT: '/b' }), () => undefined);
    expect(restartUnderWay(paths, 'daemon'), 'stopped by this process, not yet started').to.equal(true);
    startLaunch(paths, launch([], { ROOT: '/b' }));
    expect(restartUnderWay(paths, 'daemon'), 'started').to.equal(false);
    // A start that failed between the two left its marker: once its process has exited, it counts for nothing.
    fs.writeFileSync(path.join(paths.runDir(), 'daemon.restarting'), String(2 ** 22 + 1));
    expect(restartUnderWay(paths, 'daemon')).to.equal(false);
  });
});
