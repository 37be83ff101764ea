/**
 * The watch on the gateway's PostgreSQL: a real server (a throwaway cluster, see testing/postgres.ts; skipped,
 * saying so, where PostgreSQL is not installed) reached through a relay that the test can freeze, as a server
 * whose processes are stopped (SIGSTOP) or whose host hangs looks from the gateway: connections stay open and
 * nothing comes back. Also a server that takes connections and never answers, and a port with nothing on it.
 */
import { expect } from 'chai';
import net from 'node:net';
import { testPostgres } from '../testing/postgres.js';
import { startTcpRelay } from '../testing/tcp-relay.js';
import { DatabaseWatch } from './database-watch.js';

const server = await testPostgres();

const WATCH = { everyMs: 50, answerWithinMs: 300 };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds, or fails after `ms` saying `what`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(20);
  }
}

/** `url` with its host and port those of the relay on `port`. */
function through(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  u.searchParams.delete('host');
  return u.toString();
}

describe('the watch on PostgreSQL', () => {
  after(() => server.stop?.());

  it('answering, then frozen: it says so once the bound has passed; thawed, it answers again on the same connection', async function () {
    if (server.url === undefined) {
      if (server.error) throw server.error;
      console.log(`      skipped: ${server.skip}`);
      this.skip();
    }
    const port = Number(new URL(server.url).port);
    const relay = await startTcpRelay(port);
    const watch = new DatabaseWatch(through(server.url, relay.port), WATCH).start();
    try {
      await sleep(WATCH.answerWithinMs + 200);
      expect(watch.unansweredFor(), 'a server that answers').to.equal(undefined);

      relay.freeze(true);
      const frozenAt = performance.now();
      await until(
        () => watch.unansweredFor() !== undefined,
        3_000,
        'the frozen server counts as not answering',
      );
      expect(performance.now() - frozenAt, 'not before the bound').to.be.at.least(WATCH.answerWithinMs - 60);
      await sleep(300);
      expect(watch.unansweredFor(), 'still frozen').to.be.at.least(WATCH.answerWithinMs + 200);

      relay.freeze(false);
      await until(() => watch.unansweredFor() === undefined, 3_000, 'the thawed server answers again');
    } finally {
      watch.close();
      await relay.close();
    }
  });

  it('a server that takes connections but never answers, and a port with nothing on it, count as not answering', async () => {
    const mute = net.createServer(() => undefined);
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    const mutePort = (mute.address() as net.AddressInfo).port;
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const watches = [mutePort, closedPort].map((port) =>
      new DatabaseWatch(`postgres://rdx:secret@127.0.0.1:${port}/rdx`, WATCH).start(),
    );
    try {
      expect(watches[0]!.unansweredFor(), 'not before the bound').to.equal(undefined);
      for (const [i, watch] of watches.entries())
        await until(() => watch.unansweredFor() !== undefined, 3_000, `watch ${i} says not answering`);
    } finally {
      for (const watch of watches) watch.close();
      mute.close();
    }
  });
});
