/**
 * The gateway's metrics on a loopback listener of their own, tried as a caller would: through a relay that says
 * nothing of whom it carries (a TCP port forward, as `ssh -L` makes), straight at the API from this host, and at
 * the host's other loopback addresses; and the start of a real gateway process whose metrics port is taken.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DS } from '../testing/fixtures.js';
import { METRICS_HEADERS, METRICS_TOKEN, startHarness, type Harness } from '../testing/harness.js';
import { startGateway } from '../testing/gateway-process.js';
import { startTcpRelay } from '../testing/tcp-relay.js';
import http from 'node:http';
import { Metrics } from './metrics.js';
import { startMetricsServer } from './metrics-server.js';

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
    const relay = await startTcpRelay(Number(new URL(h.base).port));
    const forwarded = `http://127.0.0.1:${relay.port}`;
    try {
      expect((await fetch(`${forwarded}/healthz`)).status, 'the API goes through').to.equal(200);
      const through = await fetch(`${forwarded}/metrics`);
      expect(through.status, 'through the forward').to.equal(404);
      expect(await through.text()).not.to.include('rdx_');
      expect((await fetch(`${h.base}/metrics`)).status, 'on the API even from this host').to.equal(404);
    } finally {
      await relay.close();
    }
  });

  it('answers GET /metrics as Prometheus text with the requests and decisions counted; nothing else', async () => {
    await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=1`, { as: 'AA' });
    await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=1`, { as: 'A' });
    const reply = await fetch(`${h.metricsServer.url}/metrics`, { headers: METRICS_HEADERS });
    expect(reply.status).to.equal(200);
    expect(reply.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    const text = await reply.text();
    expect(text).to.match(
      /rdx_http_requests_total\{method="GET",route="\/v1\/datasets\/:id\/records",status="200"\} \d+/,
    );
    expect(text).to.match(/rdx_access_decisions_total\{decision="deny",reason="RATING_INSUFFICIENT"\} \d+/);
    expect(text).to.match(/rdx_access_decisions_total\{decision="allow",reason="OK"\} \d+/);
    const elsewhere = await fetch(`${h.metricsServer.url}/v1/datasets`, { headers: METRICS_HEADERS });
    expect(elsewhere.status, 'the API is not here').to.equal(404);
    expect(await elsewhere.text()).to.include('GET /metrics only');
    const posted = await fetch(`${h.metricsServer.url}/metrics`, {
      method: 'POST',
      body: 'x',
      headers: METRICS_HEADERS,
    });
    expect(posted.status).to.equal(405);
    expect(posted.headers.get('allow')).to.equal('GET, HEAD');
  });

  it('a scrape without the gateway’s token, or with another, is 401 and shows no metric: loopback keeps out other hosts, not the host’s other users', async () => {
    for (const headers of [{}, { authorization: `Bearer ${'00'.repeat(32)}` }]) {
      const reply = await fetch(`${h.metricsServer.url}/metrics`, { headers });
      expect(reply.status).to.equal(401);
      expect(reply.headers.get('www-authenticate')).to.match(/^Bearer/);
      expect(await reply.text()).not.to.include('rdx_');
    }
  });

  it('answers only the loopback names of its port: a page the host’s browser opens cannot rebind a name of its own to it', async () => {
    const { port } = new URL(h.metricsServer.url);
    const asked = (host: string): Promise<number> =>
      new Promise((resolve, reject) =>
        http
          .get(
            { host: '127.0.0.1', port, path: '/metrics', headers: { host, ...METRICS_HEADERS } },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          )
          .on('error', reject),
      );
    expect(await asked(`attacker.example:${port}`)).to.equal(421);
    expect(await asked('127.0.0.1')).to.equal(421);
    expect(await asked(`127.0.0.1:${port}`)).to.equal(200);
    expect(await asked(`localhost:${port}`)).to.equal(200);
  });

  it('a gauge that fails is answered 500 and logged; the listener goes on', async () => {
    const metrics = new Metrics();
    let failing = true;
    metrics.gauge('rdx_test_gauge', 'a gauge that fails while told to', () => {
      if (failing) throw new Error('the store is closed');
      return 1;
    });
    const logged: string[] = [];
    const served = await startMetricsServer(0, metrics, METRICS_TOKEN, (line) => logged.push(line));
    try {
      const failed = await fetch(`${served.url}/metrics`, { headers: METRICS_HEADERS });
      expect(failed.status).to.equal(500);
      expect(await failed.text()).not.to.include('the store is closed');
      expect(logged).to.deep.equal(['metrics: a gauge failed (the store is closed)']);
      failing = false;
      expect(await (await fetch(`${served.url}/metrics`, { headers: METRICS_HEADERS })).text()).to.include(
        'rdx_test_gauge 1',
      );
    } finally {
      await served.close();
    }
  });

  it('holds at most 16 connections: one more is closed unanswered, and a scrape gets in once they go', async () => {
    const served = await startMetricsServer(0, new Metrics(), METRICS_TOKEN);
    const port = Number(new URL(served.url).port);
    const open = (): Promise<net.Socket> =>
      new Promise((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => resolve(socket)).on('error', reject);
      });
    const held: net.Socket[] = [];
    try {
      for (let i = 0; i < 16; i++) held.push(await open());
      const extra = await open();
      const ended = await new Promise<string>((resolve) => {
        extra.once('data', () => resolve('answered'));
        extra.once('close', () => resolve('closed'));
        extra.write(`GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      });
      expect(ended, 'the 17th connection').to.equal('closed');
    } finally {
      for (const s of held) s.destroy();
    }
    try {
      // Once the server has seen them close (the held ones were ours to drop, at once).
      let status = 0;
      for (let tries = 0; status !== 200 && tries < 50; tries++) {
        await new Promise((r) => setTimeout(r, 100));
        status = await fetch(`${served.url}/metrics`, { headers: METRICS_HEADERS }).then(
          (r) => r.status,
          () => 0,
        );
      }
      expect(status, 'a scrape after the held connections went').to.equal(200);
    } finally {
      await served.close();
    }
  });

  it('listens on 127.0.0.1 only: the same port on the host’s other addresses refuses the connection', async function () {
    if (process.platform !== 'linux') this.skip(); // all of 127/8 is loopback on Linux only
    const port = Number(new URL(h.metricsServer.url).port);
    expect(await accepts('127.0.0.1', port)).to.equal(true);
    expect(await accepts('127.0.0.2', port), 'another address of this host').to.equal(false);
  });

  it('a gateway whose metrics port is taken stops at once, naming the setting, before it opens anything else', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-metrics-port-'));
    const taken = await startMetricsServer(0, h.metrics, METRICS_TOKEN);
    try {
      const port = new URL(taken.url).port;
      const { code, stderr } = await startGateway(dir, { RDX_GATEWAY_METRICS_PORT: port });
      expect(code, stderr).to.equal(1);
      expect(stderr).to.include(`rdx gateway: RDX_GATEWAY_METRICS_PORT: cannot listen on 127.0.0.1:${port}`);
      expect(stderr).to.include('free it, set another port, or off');
      expect(fs.existsSync(path.join(dir, 'data', 'audit.db')), 'no store opened').to.equal(false);
    } finally {
      await taken.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a start that fails after the metrics listener is up closes it, and the process ends', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-metrics-port-'));
    try {
      const { code, stderr } = await startGateway(dir, {
        RDX_GATEWAY_METRICS_PORT: '0',
        RDX_DATABASE_URL: 'postgres://rdx@127.0.0.1:1/rdx',
      });
      expect(code, stderr).to.equal(1);
      expect(stderr).to.include('rdx gateway: RDX_DATABASE_URL: cannot open the stores');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
