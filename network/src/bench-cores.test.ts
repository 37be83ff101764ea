/**
 * Figure 1c's CPU pinning (bench/cores.mjs): the server under test alone on CPU 0, the bench and the network's
 * processes on the others — and every one of them given all CPUs back afterwards, also when the bench is
 * stopped by a signal half-way (a network left on one CPU would slow everything after it). Run in a child
 * process that plays the bench, so this test's own process is never pinned.
 */
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cores = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/cores.mjs');

/** The CPUs a process may run on, as the kernel lists them ("0", "1", "0-1"). */
function cpusOf(pid: number): string {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)![1]!;
}

/** A stand-in bench: pins `server` and a network process, prints "pinned", then unpins when told (or dies). */
const BENCH = `
const { pinServers } = await import(process.argv[1]);
const [server, peer, home] = process.argv.slice(2);
const unpin = pinServers({ servers: [Number(server)], others: [], home });
// A process the bench starts now, as it starts its load generators: on the bench's CPUs.
const { spawnSync } = await import('node:child_process');
const status = spawnSync('cat', ['/proc/self/status'], { encoding: 'utf8' }).stdout;
console.log('started on ' + /^Cpus_allowed_list:\\s*(\\S+)$/m.exec(status)[1]);
console.log('pinned');
process.stdin.once('data', () => { unpin(); console.log('unpinned'); process.stdin.destroy(); });
`;

describe("the bench's CPU pinning (figure 1c)", function () {
  const all = `0-${os.availableParallelism() - 1}`;
  let home: string;
  let server: ChildProcess;
  let peer: ChildProcess;

  before(function () {
    if (process.platform !== 'linux' || os.availableParallelism() < 2) this.skip(); // the figure itself is skipped there, with the reason printed
    if (spawnSync('taskset', ['--version']).status !== 0) this.skip();
  });

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-cores-'));
    server = spawn('sleep', ['60']);
    peer = spawn('sleep', ['60']);
    // The network's processes are found by their pid files, as `network stop` finds them.
    fs.mkdirSync(path.join(home, 'run'));
    fs.writeFileSync(path.join(home, 'run', 'peer0.bureau.pid'), `${peer.pid}\n`);
  });

  afterEach(() => {
    server.kill();
    peer.kill();
    fs.rmSync(home, { recursive: true, force: true });
  });

  /** Starts the stand-in bench and resolves once it has pinned; `started` is where a process it starts runs. */
  async function pinnedBench(): Promise<{ bench: ChildProcess; started: string }> {
    const bench = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        BENCH,
        pathToFileURL(cores).href,
        String(server.pid),
        String(peer.pid),
        home,
      ],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    let out = '';
    await new Promise<void>((resolve, reject) => {
      bench.stdout.on('data', (d: Buffer) => (out += d.toString()).includes('pinned') && resolve());
      bench.once('exit', (code) => reject(new Error(`the bench exited (${code}) before pinning`)));
    });
    return { bench, started: /started on (\S+)/.exec(out)![1]! };
  }

  it('keeps the server on CPU 0 and the bench and the network off it, then gives them all CPUs back', async () => {
    const { bench, started } = await pinnedBench();
    expect(cpusOf(server.pid!)).to.equal('0');
    expect(cpusOf(peer.pid!)).to.not.include('0');
    expect(cpusOf(bench.pid!)).to.not.include('0');
    expect(started, 'a load generator started by the bench').to.not.include('0');
    const done = new Promise((resolve) => bench.once('exit', resolve));
    bench.stdin!.write('unpin\n');
    await done;
    expect(cpusOf(server.pid!)).to.equal(all);
    expect(cpusOf(peer.pid!)).to.equal(all);
  });

  it('gives every pinned process all CPUs back when the bench is stopped by a signal half-way', async () => {
    const { bench } = await pinnedBench();
    expect(cpusOf(peer.pid!)).to.not.include('0');
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      bench.once('exit', (_c, sig) => resolve(sig)),
    );
    bench.kill('SIGINT');
    expect(await exited, 'the signal still ends the bench').to.equal('SIGINT');
    expect(cpusOf(server.pid!)).to.equal(all);
    expect(cpusOf(peer.pid!)).to.equal(all);
  });
});
