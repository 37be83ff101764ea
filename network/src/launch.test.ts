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
  ensureLaunched,
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
    expect(launchChange(pid, launch(['start', '--port', '7055'], {}))).to.equal(
      'its command line lacks 7055',
    );
    expect(launchChange(pid, launch(['start', '--port', '7054', '--cafiles', '/x'], {}))).to.equal(
      'its command line lacks --cafiles /x',
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

  it('says nothing of a process that is gone (its command line cannot be read)', () => {
    expect(launchChange(2 ** 22 + 1, launch([], { ROOT: '/a' }))).to.equal(undefined);
  });

  it('starts nothing when one runs as launched; stops one that runs otherwise, saying why, and starts it anew', async () => {
    const logged: string[] = [];
    const log = (line: string): void => void logged.push(line);
    let starts = 0;
    const start = (l: Launch) => (): void => {
      starts++;
      startLaunch(paths, l);
    };
    const pid = startLaunch(paths, launch([], { ROOT: '/a' }));
    expect(
      await ensureLaunched(paths, launch([], { ROOT: '/a' }), log, start(launch([], { ROOT: '/a' }))),
    ).to.equal(false);
    expect([starts, logged, runningPid(paths, 'daemon')]).to.deep.equal([0, [], pid]);
    expect(
      await ensureLaunched(paths, launch([], { ROOT: '/b' }), log, start(launch([], { ROOT: '/b' }))),
    ).to.equal(true);
    const now = runningPid(paths, 'daemon')!;
    expect(now, 'a new process').to.be.a('number').and.not.equal(pid);
    expect(launchChange(now, launch([], { ROOT: '/b' }))).to.equal(undefined);
    expect(logged).to.deep.equal([
      '  restart daemon: it runs otherwise than this release starts it (its ROOT differs)',
    ]);
    await stopDaemon(paths, 'daemon', 0);
    expect(
      await ensureLaunched(paths, launch([], { ROOT: '/b' }), log, start(launch([], { ROOT: '/b' }))),
    ).to.equal(true);
    expect([starts, logged.length], 'none ran: started, nothing said').to.deep.equal([2, 1]);
  });

  it('marks the restart under way from the stop until the start is done or has failed, for the supervisor', async () => {
    startLaunch(paths, launch([], { ROOT: '/a' }));
    expect(restartUnderWay(paths, 'daemon'), 'running, no restart').to.equal(false);
    let during: [boolean, number | undefined] | undefined;
    await ensureLaunched(
      paths,
      launch([], { ROOT: '/b' }),
      () => undefined,
      () => {
        during = [restartUnderWay(paths, 'daemon'), runningPid(paths, 'daemon')];
        startLaunch(paths, launch([], { ROOT: '/b' }));
      },
    );
    expect(during, 'stopped, being started').to.deep.equal([true, undefined]);
    expect(restartUnderWay(paths, 'daemon'), 'started').to.equal(false);
    const failing = ensureLaunched(
      paths,
      launch([], { ROOT: '/c' }),
      () => undefined,
      () => {
        throw new Error('port 7054 is in use');
      },
    );
    await expect(failing).to.be.rejectedWith('port 7054 is in use');
    expect(restartUnderWay(paths, 'daemon'), 'a start that failed').to.equal(false);
    // A marker left by a start that was killed counts for nothing once its process has exited, nor once its pid is
    // another process's (this one's, started at another tick).
    const marker = path.join(paths.runDir(), 'daemon.restarting');
    fs.writeFileSync(marker, String(2 ** 22 + 1));
    expect(restartUnderWay(paths, 'daemon'), 'its writer gone').to.equal(false);
    fs.writeFileSync(marker, `${process.pid} 1 00000000-0000-0000-0000-000000000000`);
    expect(restartUnderWay(paths, 'daemon'), 'its pid reused').to.equal(false);
  });

  it("records the start of a process it finds running as launched whose pid file had none (a release before's)", async () => {
    const l = launch([], { ROOT: '/a' });
    const pid = startLaunch(paths, l);
    const started = path.join(paths.runDir(), 'daemon.started');
    const recorded = fs.readFileSync(started, 'utf8');
    fs.rmSync(started);
    expect(
      await ensureLaunched(
        paths,
        l,
        () => undefined,
        () => undefined,
      ),
    ).to.equal(false);
    expect(fs.readFileSync(started, 'utf8')).to.equal(recorded);
    expect(runningPid(paths, 'daemon')).to.equal(pid);
  });
});
