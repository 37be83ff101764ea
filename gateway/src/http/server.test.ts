/**
 * The gateway's server over HTTPS, as a client on the network meets it: served only over TLS with a certificate
 * of the operator's CA, with what the plain server does (raw UTF-8 URLs, problem answers for unreadable requests,
 * the per-address connection cap) still done.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { tlsServerPair } from '../testing/test-ca.js';
import { createGatewayServer } from './server.js';

/** curl's exit code, the status and the body of one request (status 0 when nothing answered over HTTP). */
function curl(...args: string[]): Promise<{ exit: number; status: number; body: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '10', '-w', '\n%{http_code}', ...args], (err, stdout) => {
      const cut = stdout.lastIndexOf('\n');
      resolve({
        exit: typeof err?.code === 'number' ? err.code : 0,
        body: stdout.slice(0, cut),
        status: Number(stdout.slice(cut + 1)),
      });
    });
  });
}

describe('the gateway server over HTTPS', () => {
  let dir: string;
  let pair: ReturnType<typeof tlsServerPair>;
  let server: http.Server;
  let port: number;
  const start = async (max: number): Promise<void> => {
    server = createGatewayServer((req, res) => res.end(req.url), {
      https: { certPath: pair.cert, keyPath: pair.key },
      connectionCap: { max, holdMs: 0 },
      handshakeTimeoutMs: 300,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-https-'));
    pair = tlsServerPair(dir);
  });
  afterEach(() => {
    server.closeAllConnections();
    server.close();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('answers a client that trusts its CA, and reads curl’s raw UTF-8 URL after the handshake', async () => {
    await start(64);
    const res = await curl('--cacert', pair.ca, `https://127.0.0.1:${port}/v1/x?filter=district:eq:莲都区`);
    expect(res.exit, res.body).to.equal(0);
    expect(res.status).to.equal(200);
    expect(res.body).to.equal(`/v1/x?filter=district:eq:${encodeURIComponent('莲都区')}`);
  });

  it('gives a client that does not trust its CA no answer, and plain HTTP on its port none either', async () => {
    await start(64);
    const untrusted = await curl(`https://127.0.0.1:${port}/readyz`);
    expect(untrusted.exit, 'curl: certificate problem').to.equal(60);
    expect(untrusted.status).to.equal(0);
    const plain = await curl(`http://127.0.0.1:${port}/readyz`);
    expect(plain.exit, 'curl: no HTTP answer').not.to.equal(0);
    expect(plain.status).to.equal(0);
    expect(plain.body).not.to.match(/readyz/);
  });

  it('answers oversized headers as a problem over TLS too', async () => {
    await start(64);
    const res = await curl(
      '--cacert',
      pair.ca,
      '-H',
      `x-big: ${'a'.repeat(20_000)}`,
      `https://127.0.0.1:${port}/`,
    );
    expect(res.status).to.equal(431);
    expect(JSON.parse(res.body)).to.include({ code: 'HEADERS_TOO_LARGE', status: 431 });
  });

  it('drops a client that connects and never finishes its handshake', async () => {
    await start(64);
    const started = Date.now();
    const closed = await new Promise<number>((resolve) => {
      // Silent, and then the first bytes of a handshake that never goes on.
      const silent = net.connect(port, '127.0.0.1');
      const stalled = net.connect(port, '127.0.0.1', () =>
        stalled.write(Buffer.from([0x16, 0x03, 0x01, 0x02])),
      );
      let left = 2;
      for (const s of [silent, stalled])
        s.on('error', () => undefined).on('close', () => --left === 0 && resolve(Date.now() - started));
    });
    // Closed by the gateway at its handshake timeout (300 ms here), not held open (nor left to the second it gives
    // a client to read a problem answer).
    expect(closed).to.be.below(1000);
    expect(await new Promise((r) => server.getConnections((_e, n) => r(n)))).to.equal(0);
  });

  it('caps an address’s connections before their handshake', async () => {
    await start(1);
    const ca = fs.readFileSync(pair.ca);
    const first = tls.connect({ port, host: '127.0.0.1', ca });
    await new Promise<void>((resolve, reject) => first.once('secureConnect', resolve).once('error', reject));
    const second = await new Promise<string>((resolve) => {
      const s = tls.connect({ port, host: '127.0.0.1', ca });
      s.once('secureConnect', () => resolve('handshake'));
      s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    expect(second).to.equal('ECONNRESET');
    first.destroy();
    // Once the first has gone, a connection is let in again.
    await new Promise((r) => setTimeout(r, 50));
    const third = await curl('--cacert', pair.ca, `https://127.0.0.1:${port}/again`);
    expect(third.body).to.equal('/again');
  });
});
