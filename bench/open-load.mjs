/* global URL, Buffer, setTimeout, clearTimeout */
/**
 * An open-loop load at a fixed rate, in its own process: `node bench/open-load.mjs '<json options>'` prints a
 * JSON summary on stdout. Options: url, rate (requests/s), duration (s), headers, method and body (default GET,
 * none), sockets (keep-alive connections at most, default 64), localAddress (the loopback address to send from,
 * so that a test can play a client other than 127.0.0.1). Loopback only, and every run is bounded in time.
 *
 * Why not autocannon's `overallRate`: autocannon lets each connection send its whole second's quota back to
 * back as soon as the second starts and then waits for the next one, so "half the maximum rate" is the maximum
 * rate for half of every second — latency under saturation, not at half load. (It also corrects for
 * coordinated omission with an expected interval of `Math.ceil(1 / rate)` = 1 ms, adding made-up samples to
 * every answer slower than that.) Here request i is due at start + i / rate, evenly spaced as wrk2 does, and its
 * latency runs from when it was due, not from when it could be sent: a server that stalls is charged for every
 * request that waited behind the stall, and so is a generator that fell behind — the summary says how far it
 * ever fell behind (`maxSendLagMs`), for both sides of a comparison alike.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

const opts = JSON.parse(process.argv[2] ?? '{}');
const url = new URL(opts.url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
  console.error(`open-load.mjs only loads loopback addresses, not ${url.hostname}`);
  process.exit(2);
}
if (opts.localAddress !== undefined && !/^127\.\d+\.\d+\.\d+$/.test(opts.localAddress)) {
  console.error(`open-load.mjs sends from loopback addresses only, not ${opts.localAddress}`);
  process.exit(2);
}
const rate = Number(opts.rate);
if (!(rate > 0)) {
  console.error('open-load.mjs needs a positive rate (requests/s)');
  process.exit(2);
}
const duration = Math.min(Number(opts.duration ?? 10), 120);
const total = Math.max(1, Math.round(rate * duration));
const interval = 1000 / rate;
const maxSockets = opts.sockets ?? 64;

// One request, written once: plain keep-alive HTTP/1.1 over raw sockets, so that the generator spends a few
// microseconds per request and leaves the cores it shares with the server alone (node:http's client took ~0.15
// ms of CPU per request here, and its own pauses showed up as latency).
const body = Buffer.from(opts.body ?? '', 'utf8');
const head = Object.entries({
  host: url.host,
  ...(opts.body === undefined ? {} : { 'content-length': body.length }),
  ...(opts.headers ?? {}),
})
  .map(([k, v]) => `${k}: ${v}\r\n`)
  .join('');
const request = Buffer.concat([
  Buffer.from(`${opts.method ?? 'GET'} ${url.pathname}${url.search} HTTP/1.1\r\n${head}\r\n`, 'latin1'),
  body,
]);

const latencies = new Float64Array(total);
const statusCodes = {};
let done = 0;
let errors = 0;
let notSent = 0;
let maxSendLagMs = 0;
let finish;
const finished = new Promise((resolve) => (finish = resolve));

function settle(i, due, status) {
  latencies[i] = performance.now() - due;
  if (status) statusCodes[status] = (statusCodes[status] ?? 0) + 1;
  else if (status === undefined) notSent++;
  else errors++;
  if (++done === total) finish();
}

const sockets = new Set();
const idle = [];
const waiting = [];
let open = 0;

/** A keep-alive connection carrying one request at a time; answers have a Content-Length or are chunked. */
function connection() {
  open++;
  const socket = net.connect({
    port: Number(url.port || 80),
    host: url.hostname,
    ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
  });
  socket.setNoDelay(true);
  sockets.add(socket);
  let current; // [index, due]
  let buf = Buffer.alloc(0);
  const next = () => {
    current = undefined;
    buf = Buffer.alloc(0);
    const w = waiting.shift();
    if (w) begin(w);
    else idle.push(begin);
  };
  const begin = (w) => {
    current = w;
    socket.write(request);
  };
  socket.on('data', (chunk) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0 || !current) return;
    const header = buf.toString('latin1', 0, end);
    const length = /\r\ncontent-length: *(\d+)/i.exec(header);
    const complete = length
      ? buf.length >= end + 4 + Number(length[1])
      : buf.subarray(buf.length - 5).toString('latin1') === '0\r\n\r\n';
    if (!complete) return;
    settle(current[0], current[1], Number(header.slice(9, 12)));
    next();
  });
  // A connection that fails or is closed by the server is out of the pool; its request, if any, is an error.
  let gone = false;
  const lost = () => {
    if (gone) return;
    gone = true;
    open--;
    sockets.delete(socket); // a flood's reset connections are not kept to the end
    const i = idle.indexOf(begin);
    if (i >= 0) idle.splice(i, 1);
    if (current) settle(current[0], current[1], 0);
    current = undefined;
  };
  socket.on('error', lost);
  socket.on('close', lost);
  return begin;
}

function send(i, due) {
  const w = [i, due];
  const free = idle.pop() ?? (open < maxSockets ? connection() : undefined);
  if (free) free(w);
  else waiting.push(w);
}

// Every request due by now goes out; then sleep until the next one is due. Timers fire ~1 ms apart at best, so
// at a few thousand requests a second a tick sends two or three: the lag this adds is counted in the latency.
const start = performance.now() + 5;
let next = 0;
function tick() {
  const now = performance.now();
  while (next < total && start + next * interval <= now) {
    const due = start + next * interval;
    maxSendLagMs = Math.max(maxSendLagMs, now - due);
    send(next++, due);
  }
  if (next < total) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
}
setTimeout(tick, 5);
// A server that cannot keep up leaves requests waiting for a connection: a second after the last was due, those
// are dropped (counted as not sent, their latency the time they waited), so a flood ends with its duration.
const cutoff = setTimeout(
  () => {
    for (const [i, due] of waiting.splice(0)) settle(i, due, undefined);
  },
  (duration + 1) * 1000,
);
// Answers still missing 10 s after the last request was due count as errors.
const deadline = setTimeout(
  () => {
    for (let i = 0; i < total; i++) if (latencies[i] === 0) settle(i, start + i * interval, 0);
  },
  (duration + 10) * 1000,
);
await finished;
clearTimeout(deadline);
clearTimeout(cutoff);
for (const socket of sockets) socket.destroy();

const sorted = Array.from(latencies).sort((a, b) => a - b);
const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const r2 = (x) => Math.round(x * 100) / 100;
process.stdout.write(
  JSON.stringify({
    url: opts.url,
    rate,
    duration,
    total,
    achievedRps: r2(total / ((performance.now() - start) / 1000)),
    latencyMs: {
      p50: r2(at(0.5)),
      p90: r2(at(0.9)),
      p99: r2(at(0.99)),
      max: r2(sorted[sorted.length - 1]),
      mean: r2(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    },
    statusCodes,
    errors,
    notSent,
    maxSendLagMs: r2(maxSendLagMs),
  }),
);
