/**
 * The gateway's metrics on a loopback listener of their own, tried as a caller would: through a relay that says
 * nothing of whom it carries (a TCP port forward, as `ssh -L` makes), straight at the API from this host, and at
 * the host's other loopback addresses; and the start of a real gateway process whose metrics port is taken.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DS } from '../testing/fixtures.js';
import { startHarness, type Harness } from '../testing/harness.js';
import { startMetricsServer } from './metrics-server.js';

/** A TCP port forward to `port` on 127.0.0.1: it passes bytes and adds nothing, so the gateway sees a loopback caller. */
async function startPortForward(port: number): Promise<{ base: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(port, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Whether a TCP connection to `host:port` is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the metrics listener, apart from the API', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('a port forward to the API carries the API and never the metrics, whoever asks through it', async () => {
    const forward = await startPortForward(Number(new URL(h.base).port));
    try {
      expect((await fetch(`${forward.base}/healthz`)).status, 'the API goes through').to.equal(200);
      const through = await fetch(`${forward.base}/metrics`);
      expect(through.status, 'through the forward').to.equal(404);
      expect(await through.text()).not.to.include('rdx_');
      expect((await fetch(`${h.base}/metrics`)).status, 'on the API even from this host').to.equal(404);
    } finally {
      await forward.close();
    }
  });

  it('answers GET /metrics as Prometheus text with the requests and decisions counted; nothing else', async () => {
    await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=1`, { as: 'AA' });
    await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=1`, { as: 'A' });
    const reply = await fetch(`${h.metricsServer.url}/metrics`);
    expect(reply.status).to.equal(200);
    expect(reply.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    const text = await reply.text();
    expect(text).to.match(
      /rdx_http_requests_total\{method="GET",route="\/v1\/datasets\/:id\/records",status="200"\} \d+/,
    );
    expect(text).to.match(/rdx_access_decisions_total\{decision="deny",reason="RATING_INSUFFICIENT"\} \d+/);
    expect(text).to.match(/rdx_access_decisions_total\{decision="allow",reason="OK"\} \d+/);
    const elsewhere = await fetch(`${h.metricsServer.url}/v1/datasets`);
    expect(elsewhere.status, 'the API is not here').to.equal(404);
    expect(await elsewhere.text()).to.include('GET /metrics only');
    const posted = await fetch(`${h.metricsServer.url}/metrics`, { method: 'POST', body: 'x' });
    expect(posted.status).to.equal(405);
    expect(posted.headers.get('allow')).to.equal('GET, HEAD');
  });

  it('listens on 127.0.0.1 only: the same port on the host’s other addresses refuses the connection', async function () {
    if (process.platform !== 'linux') this.skip(); // all of 127/8 is loopback on Linux only
    const port = Number(new URL(h.metricsServer.url).port);
    expect(await accepts('127.0.0.1', port)).to.equal(true);
    expect(await accepts('127.0.0.2', port), 'another address of this host').to.equal(false);
  });

  it('a gateway whose metrics port is taken stops at once, naming the setting, before it opens anything else', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-metrics-port-'));
    try {
      for (const f of ['cert.pem', 'key.pem', 'peer-tls.pem']) fs.writeFileSync(path.join(dir, f), 'x');
      const taken = await startMetricsServer(0, h.metrics);
      const port = new URL(taken.url).port;
      const main = fileURLToPath(new URL('../main.js', import.meta.url));
      const child = spawn(process.execPath, [main], {
        env: {
          PATH: process.env.PATH,
          RDX_GATEWAY_CERT: path.join(dir, 'cert.pem'),
          RDX_GATEWAY_KEY: path.join(dir, 'key.pem'),
          RDX_PEER_TLS_ROOT: path.join(dir, 'peer-tls.pem'),
          RDX_PEER_ENDPOINT: '127.0.0.1:1',
          RDX_GATEWAY_DATA: path.join(dir, 'data'),
          RDX_GATEWAY_PORT: '0',
          RDX_GATEWAY_METRICS_PORT: port,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      await taken.close();
      expect(code, stderr).to.equal(1);
      expect(stderr).to.include(`rdx gateway: RDX_GATEWAY_METRICS_PORT: cannot listen on 127.0.0.1:${port}`);
      expect(stderr).to.include('free it, set another port, or off');
      expect(fs.existsSync(path.join(dir, 'data', 'audit.db')), 'no store opened').to.equal(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
