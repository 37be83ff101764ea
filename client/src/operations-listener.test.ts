/**
 * The operations listener the gateway's metrics and the clerk's endpoints are served on: its own names only, a few
 * connections, slow clients cut off.
 */
import { expect } from 'chai';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { listenForOperations, type OperationsListener } from './operations-listener.js';

/** GET `path` from the listener at `url`, asking for it by `host`. */
function asked(url: string, host: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    http
      .get({ host: hostname.replace(/^\[|\]$/g, ''), port, path: '/x', headers: { host } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      })
      .on('error', reject);
  });
}

describe('the operations listener', () => {
  const listeners: OperationsListener[] = [];
  const listen = async (host: string): Promise<OperationsListener> => {
    const l = await listenForOperations(
      host,
      0,
      (_req, res) => res.end('served'),
      () => undefined,
    );
    listeners.push(l);
    return l;
  };
  afterEach(async () => {
    await Promise.all(listeners.splice(0).map((l) => l.close()));
  });

  it('on 127.0.0.1 answers 127.0.0.1:<port> and localhost:<port>, and any other name 421, naming its own', async () => {
    const l = await listen('127.0.0.1');
    const port = new URL(l.url).port;
    expect(await asked(l.url, `127.0.0.1:${port}`)).to.deep.equal({ status: 200, text: 'served' });
    expect(await asked(l.url, `localhost:${port}`)).to.deep.equal({ status: 200, text: 'served' });
    for (const other of [`attacker.example:${port}`, '127.0.0.1', `localhost:${Number(port) + 1}`]) {
      const answer = await asked(l.url, other);
      expect(answer.status, other).to.equal(421);
      expect(answer.text).to.equal(`Ask for this host as 127.0.0.1:${port} or localhost:${port}.\n`);
    }
  });

  it('on ::1 is asked for as [::1]:<port> or localhost:<port>', async () => {
    const l = await listen('::1');
    const port = new URL(l.url).port;
    expect(l.url).to.equal(`http://[::1]:${port}`);
    expect((await asked(l.url, `[::1]:${port}`)).status).to.equal(200);
    expect((await asked(l.url, `localhost:${port}`)).status).to.equal(200);
    expect((await asked(l.url, `::1:${port}`)).status).to.equal(421);
  });

  it("on all of the host's addresses (0.0.0.0) answers each interface's address and localhost, and no other name", async () => {
    const l = await listen('0.0.0.0');
    const port = new URL(l.url).port;
    const at = `http://127.0.0.1:${port}`;
    expect((await asked(at, `127.0.0.1:${port}`)).status).to.equal(200);
    expect((await asked(at, `localhost:${port}`)).status).to.equal(200);
    for (const i of Object.values(os.networkInterfaces()).flatMap((list) => list ?? []))
      if (i.family === 'IPv4')
        expect((await asked(at, `${i.address}:${port}`)).status, i.address).to.equal(200);
    expect((await asked(at, `attacker.example:${port}`)).status).to.equal(421);
    expect((await asked(at, `0.0.0.0:${port}`)).status).to.equal(421);
  });

  it('cuts off a client that never finishes its request', async function () {
    this.timeout(20_000);
    const l = await listen('127.0.0.1');
    const socket = net.connect(Number(new URL(l.url).port), '127.0.0.1');
    socket.write('GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    socket.resume();
    const started = Date.now();
    await new Promise((resolve) => socket.on('close', resolve));
    // Node's own default would hold it for a minute.
    expect(Date.now() - started).to.be.within(9_000, 15_000);
  });
});
