import { expect } from 'chai';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { capConnectionsPerAddress, MAX_HELD_CONNECTIONS } from './connection-cap.js';

/**
 * A keep-alive connection from `localAddress` asking for `/`: resolves with the first answer's status, or how
 * the connection ended without one, and after how many milliseconds.
 */
function ask(
  port: number,
  localAddress = '127.0.0.1',
): Promise<{ socket: net.Socket; answer: string; afterMs: number }> {
  const start = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    const done = (answer: string): void => resolve({ socket, answer, afterMs: Date.now() - start });
    let data = '';
    socket.on('data', (d) => {
      data += String(d);
      if (data.includes('\r\n\r\n')) done(data.slice(9, 12));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code ?? 'error'));
    socket.on('close', () => done(data ? data.slice(9, 12) : 'closed'));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  });
}

const RESET = ['ECONNRESET', 'closed', 'EPIPE'];

describe('open connections per source address', () => {
  let server: http.Server;
  let port: number;
  let refused: number;
  /** Requests the server answered, and connections its own listeners were handed. */
  let served: number;
  let handedOver: number;

  async function serve(max: number, holdMs = 0, uncapped?: (address: string) => boolean): Promise<void> {
    refused = 0;
    served = 0;
    handedOver = 0;
    server = http.createServer((_req, res) => {
      served++;
      res.end('ok');
    });
    // A listener in front of the parser's, as the gateway's raw-URL reader is: only admitted sockets reach it.
    server.on('connection', () => handedOver++);
    capConnectionsPerAddress(server, { max, holdMs, refused: () => refused++, uncapped });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  }
  afterEach(() => {
    server.closeAllConnections();
    return new Promise((r) => server.close(r));
  });

  it('an address holding the cap gets its next connection reset before it is read; others are served', async () => {
    await serve(3);
    const held = await Promise.all([ask(port), ask(port), ask(port)]);
    expect(held.map((h) => h.answer)).to.deep.equal(['200', '200', '200']);
    const fourth = await ask(port);
    expect(fourth.answer).to.be.oneOf(RESET);
    expect([refused, served, handedOver]).to.deep.equal([1, 3, 3]);
    // Another source address (all of 127/8 is loopback) has its own count.
    expect((await ask(port, '127.0.0.2')).answer).to.equal('200');
    // One held connection closed: the address may open one again.
    held[0].socket.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect((await ask(port)).answer).to.equal('200');
    expect(refused).to.equal(1);
  });

  it('holds a connection over the cap unread until its refusal is due, then resets it: its request is never served', async () => {
    await serve(1, 400);
    const first = await ask(port);
    expect(first.answer).to.equal('200');
    const over = await ask(port);
    expect(over.answer).to.be.oneOf(RESET);
    expect(over.afterMs, 'held before the reset').to.be.within(380, 1500);
    expect([refused, served, handedOver]).to.deep.equal([1, 1, 1]);
  });

  it('holds at most MAX_HELD_CONNECTIONS at once and resets the rest at once; places free as holds end', async function () {
    this.timeout(20_000);
    await serve(1, 800);
    expect((await ask(port)).answer).to.equal('200');
    /** A connection asking for `/`, and whether it has ended (by the server's reset) yet. */
    const open = (): { socket: net.Socket; ended: () => boolean } => {
      let ended = false;
      const socket = net.connect({ port, host: '127.0.0.1' }, () =>
        socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      );
      socket.on('error', () => undefined);
      socket.on('close', () => (ended = true));
      return { socket, ended: () => ended };
    };
    const over = Array.from({ length: MAX_HELD_CONNECTIONS + 4 }, open);
    await new Promise((r) => setTimeout(r, 400));
    expect(
      over.filter((c) => c.ended()),
      'reset at once',
    ).to.have.length(4);
    expect(refused).to.equal(MAX_HELD_CONNECTIONS + 4);
    // Their holds over, all are reset, and the next connection over the cap is held again.
    await new Promise((r) => setTimeout(r, 1000));
    expect(
      over.every((c) => c.ended()),
      'reset once held',
    ).to.equal(true);
    const next = open();
    await new Promise((r) => setTimeout(r, 400));
    expect(next.ended(), 'held, not reset').to.equal(false);
    next.socket.destroy();
    expect(served, 'none of them was read').to.equal(1);
  });

  it('a trusted proxy’s connections are not capped: they carry many callers', async () => {
    await serve(2, 0, (address) => address === '127.0.0.3');
    const proxied = await Promise.all(Array.from({ length: 6 }, () => ask(port, '127.0.0.3')));
    expect(proxied.map((p) => p.answer)).to.deep.equal(Array(6).fill('200'));
    // Anyone else is still capped.
    await Promise.all([ask(port, '127.0.0.2'), ask(port, '127.0.0.2')]);
    expect((await ask(port, '127.0.0.2')).answer).to.be.oneOf(RESET);
    expect(refused).to.equal(1);
  });

  it('0 turns the cap off', async () => {
    await serve(0);
    const many = await Promise.all(Array.from({ length: 20 }, () => ask(port)));
    expect(many.every((h) => h.answer === '200')).to.equal(true);
    expect(refused).to.equal(0);
  });
});
