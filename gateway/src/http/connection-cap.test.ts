import { expect } from 'chai';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { capConnectionsPerAddress } from './connection-cap.js';

/** A keep-alive connection from `localAddress`; resolves with the first answer's status, or the error. */
function ask(port: number, localAddress = '127.0.0.1'): Promise<{ socket: net.Socket; answer: string }> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    let data = '';
    socket.on('data', (d) => {
      data += String(d);
      if (data.includes('\r\n\r\n')) resolve({ socket, answer: data.slice(9, 12) });
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve({ socket, answer: err.code ?? 'error' }));
    socket.on('close', () => resolve({ socket, answer: data ? data.slice(9, 12) : 'closed' }));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  });
}

describe('open connections per source address', () => {
  let server: http.Server;
  let port: number;
  let refused: number;

  async function serve(max: number): Promise<void> {
    refused = 0;
    server = http.createServer((_req, res) => res.end('ok'));
    capConnectionsPerAddress(server, max, () => refused++);
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
    expect(fourth.answer).to.be.oneOf(['ECONNRESET', 'closed', 'EPIPE']);
    expect(refused).to.equal(1);
    // Another source address (all of 127/8 is loopback) has its own count.
    expect((await ask(port, '127.0.0.2')).answer).to.equal('200');
    // One held connection closed: the address may open one again.
    held[0].socket.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect((await ask(port)).answer).to.equal('200');
    expect(refused).to.equal(1);
  });

  it('0 turns the cap off', async () => {
    await serve(0);
    const many = await Promise.all(Array.from({ length: 20 }, () => ask(port)));
    expect(many.every((h) => h.answer === '200')).to.equal(true);
    expect(refused).to.equal(0);
  });
});
