/**
 * The operations listener the gateway's metrics and the clerk's endpoints are served on: its own names only, the
 * service's token past its health, a few connections, slow clients cut off; and the token's file.
 */
import { expect } from 'chai';
import http from 'node:http';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { listenForOperations, type OperationsListener } from './operations-listener.js';
import { operationsHeaders, operationsToken, readOperationsToken } from './operations-token.js';

const TOKEN = 'ab'.repeat(32);
const SHOWN = { authorization: `Bearer ${TOKEN}` };

/** GET `path` (default /x, which needs the token) from the listener at `url`, asking for it by `host`. */
function asked(
  url: string,
  host: string,
  headers: Record<string, string> = SHOWN,
  urlPath = '/x',
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    http
      .get(
        { host: hostname.replace(/^\[|\]$/g, ''), port, path: urlPath, headers: { host, ...headers } },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        },
      )
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
      { token: TOKEN, open: ['/healthz'] },
    );
    listeners.push(l);
    return l;
  };
  afterEach(async () => {
    await Promise.all(listeners.splice(0).map((l) => l.close()));
  });

  it('answers a request asked for by an address, as localhost or by its own name, with its port; 421 to any other', async () => {
    const l = await listen('127.0.0.1');
    const port = new URL(l.url).port;
    for (const own of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LocalHost.:${port}`,
      `[::1]:${port}`,
      `10.0.0.5:${port}`,
    ])
      expect(await asked(l.url, own), own).to.deep.equal({ status: 200, text: 'served' });
    for (const other of [
      `attacker.example:${port}`,
      `127.0.0.1.nip.example:${port}`,
      '127.0.0.1',
      `localhost:${Number(port) + 1}`,
      `::1:${port}`,
    ]) {
      const answer = await asked(l.url, other);
      expect(answer.status, other).to.equal(421);
      expect(answer.text).to.equal(`Ask for this host by its address or as localhost, with port ${port}.\n`);
    }
  });

  it('serves past its open paths only a request showing its token: 401 without it, with another, or cut short', async () => {
    const l = await listen('127.0.0.1');
    const host = new URL(l.url).host;
    expect(await asked(l.url, host)).to.deep.equal({ status: 200, text: 'served' });
    expect(
      (await asked(l.url, host, { authorization: `bearer  ${TOKEN}` })).status,
      'the scheme in any case',
    ).to.equal(200);
    for (const [what, headers] of [
      ['none', {}],
      ['another', { authorization: `Bearer ${'cd'.repeat(32)}` }],
      ['cut short', { authorization: `Bearer ${TOKEN.slice(0, 63)}` }],
      ['not bearer', { authorization: `Basic ${TOKEN}` }],
    ] as const) {
      const answer = await asked(l.url, host, headers);
      expect(answer.status, what).to.equal(401);
      expect(answer.text, what).not.to.include('served');
    }
    expect((await asked(l.url, host, {}, '/healthz?probe=1')).status, 'health needs none').to.equal(200);
  });

  it('the token file: made owner-only and kept; one cut short made anew; one others may read, or a link, refused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-ops-token-'));
    try {
      const file = path.join(dir, 'service', 'ops.token');
      expect(readOperationsToken(file)).to.equal(undefined);
      expect(operationsHeaders(file), 'no file, no header').to.deep.equal({});
      const token = operationsToken(file);
      expect(token).to.match(/^[0-9a-f]{64}$/);
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).to.equal(0o700);
      expect(operationsToken(file), 'kept across starts').to.equal(token);
      expect(operationsHeaders(file)).to.deep.equal({ authorization: `Bearer ${token}` });

      fs.writeFileSync(file, token.slice(0, 20));
      const said: string[] = [];
      const renewed = operationsToken(file, (line) => said.push(line));
      expect(renewed)
        .to.match(/^[0-9a-f]{64}$/)
        .and.not.equal(token);
      // Said, for the scraper that holds the old one is refused from now on; a first one is made quietly.
      expect(said).to.deep.equal([
        `${file} held no whole token (cut short by a crash?): a new one is made, which scrapers need now`,
      ]);
      expect(operationsToken(path.join(dir, 'other', 'ops.token'), (line) => said.push(line))).to.match(
        /^[0-9a-f]{64}$/,
      );
      expect(said).to.have.length(1);

      fs.chmodSync(file, 0o644);
      expect(() => operationsToken(file)).to.throw(/others than its owner may read it/);
      // A link planted in its place is not followed to what it names.
      fs.rmSync(file);
      fs.symlinkSync(path.join(dir, 'elsewhere'), file);
      expect(() => operationsToken(file)).to.throw(/not a plain file/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on ::1 is at [::1]:<port>', async () => {
    const l = await listen('::1');
    const port = new URL(l.url).port;
    expect(l.url).to.equal(`http://[::1]:${port}`);
    expect((await asked(l.url, `[::1]:${port}`)).status).to.equal(200);
    expect((await asked(l.url, `attacker.example:${port}`)).status).to.equal(421);
  });

  it('told a name (localhost) or all addresses (0.0.0.0), answers that name, localhost and addresses', async () => {
    for (const host of ['localhost', '0.0.0.0']) {
      const l = await listen(host);
      const port = new URL(l.url).port;
      const at = `http://127.0.0.1:${port}`;
      for (const own of [`127.0.0.1:${port}`, `localhost:${port}`, `${host}:${port}`])
        expect((await asked(at, own)).status, `${host}: ${own}`).to.equal(200);
      expect((await asked(at, `attacker.example:${port}`)).status).to.equal(421);
    }
  });

  it('cuts off a client that never finishes its request', async function () {
    this.timeout(20_000);
    const l = await listen('127.0.0.1');
    const socket = net.connect(Number(new URL(l.url).port), '127.0.0.1');
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    socket.resume();
    const started = Date.now();
    await new Promise((resolve) => socket.on('close', resolve));
    // Node's own default would hold it for a minute.
    expect(Date.now() - started).to.be.within(9_000, 15_000);
  });
});
