/**
 * The bench's fixed-rate load (bench/open-load.mjs): what figure 1's latency at half load stands on. Against a
 * local server that answers at once except for one stall, it must offer the rate it was asked, evenly, and
 * charge the stall to every request that was due while it lasted — the property autocannon's `overallRate`
 * lacks (it sends each second's quota in a burst, and a stalled connection simply sends later).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/open-load.mjs');

interface Summary {
  total: number;
  achievedRps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  statusCodes: Record<string, number>;
  errors: number;
  notSent: number;
}

function openLoad(opts: object): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, JSON.stringify(opts)]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe("the bench's open-loop load generator", () => {
  let server: http.Server;
  let url: string;
  /** Arrival times of requests, and when the one stall (if asked for) begins and how long it lasts. */
  let arrivals: number[];
  let stall: { at: number; ms: number } | undefined;

  before(async () => {
    server = http.createServer((req, res) => {
      const now = performance.now();
      arrivals.push(now);
      if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 2000);
        return;
      }
      if (stall && arrivals.length === stall.at) {
        // The whole process stops, as a long GC pause or a descheduled thread would stop it.
        const until = now + stall.ms;
        while (performance.now() < until);
      }
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    arrivals = [];
    stall = undefined;
  });
  after(() => new Promise((r) => server.close(r)));

  it('sends the rate asked for, evenly spaced, and counts the answers by status', async () => {
    const { code, out } = await openLoad({ url: `${url}/`, rate: 400, duration: 1 });
    expect(code).to.equal(0);
    const s = JSON.parse(out) as Summary;
    expect(s.total).to.equal(400);
    expect(s.statusCodes).to.deep.equal({ '200': 400 });
    expect(s.errors).to.equal(0);
    expect(arrivals).to.have.length(400);
    // Evenly spaced: no tenth of the second receives much more than its 40 (a burst would put all 400 in one).
    const first = arrivals[0]!;
    const perTenth = new Array<number>(12).fill(0);
    for (const t of arrivals) perTenth[Math.min(11, Math.floor((t - first) / 100))]! += 1;
    expect(Math.max(...perTenth)).to.be.at.most(80);
  });

  it('charges a stall to every request that was due while it lasted', async () => {
    // 500 requests/s: one due every 2 ms, so a 100 ms stall holds ~50 of them.
    stall = { at: 100, ms: 100 };
    const { code, out } = await openLoad({ url: `${url}/`, rate: 500, duration: 1 });
    expect(code).to.equal(0);
    const s = JSON.parse(out) as Summary;
    expect(s.statusCodes).to.deep.equal({ '200': 500 });
    expect(s.latencyMs.max).to.be.at.least(100);
    // ~50 of 500 waited behind the stall: the median is clear of it, the 99th percentile well inside it.
    expect(s.latencyMs.p99).to.be.at.least(50);
    expect(s.latencyMs.p50).to.be.below(20);
  });

  it('a server that cannot keep up: what still waits for a connection after the run is dropped, not sent', async () => {
    // Two connections, each held 2 s by the server: 2 of the 50 requests go out, 48 wait and are dropped.
    const started = Date.now();
    const { out } = await openLoad({ url: `${url}/slow`, rate: 100, duration: 0.5, sockets: 2 });
    const s = JSON.parse(out) as Summary;
    expect(s.statusCodes).to.deep.equal({ '200': 2 });
    expect(s.notSent).to.equal(48);
    expect(s.errors).to.equal(0);
    expect(Date.now() - started).to.be.below(5000);
  });

  it('reports answers that are not 2xx by their status', async () => {
    const { out } = await openLoad({ url: `${url}/missing`, rate: 100, duration: 0.5 });
    expect((JSON.parse(out) as Summary).statusCodes).to.deep.equal({ '404': 50 });
  });

  it('loads loopback only, and needs a rate', async () => {
    const elsewhere = await openLoad({ url: 'http://192.0.2.1/', rate: 10, duration: 1 });
    expect(elsewhere.code).to.equal(2);
    expect(elsewhere.err).to.match(/only loads loopback addresses/);
    const noRate = await openLoad({ url: `${url}/`, duration: 1 });
    expect(noRate.code).to.equal(2);
    expect(noRate.err).to.match(/positive rate/);
  });
});
