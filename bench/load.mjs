/* global URL */
/**
 * One load run with autocannon, in its own process: `node bench/load.mjs '<json options>'` prints a JSON
 * summary on stdout. Options: url, connections, duration (s), overallRate (requests/s across all connections,
 * for a fixed offered load), headers, method, body. Loopback only, and every run is bounded in time.
 */
import autocannon from 'autocannon';

const opts = JSON.parse(process.argv[2] ?? '{}');
const url = new URL(opts.url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
  console.error(`load.mjs only loads loopback addresses, not ${url.hostname}`);
  process.exit(2);
}
const duration = Math.min(Number(opts.duration ?? 10), 120);

const result = await autocannon({
  url: opts.url,
  connections: opts.connections ?? 10,
  duration,
  overallRate: opts.overallRate,
  headers: opts.headers ?? {},
  method: opts.method ?? 'GET',
  body: opts.body,
  timeout: 10,
});

const codes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]));
process.stdout.write(
  JSON.stringify({
    url: opts.url,
    connections: opts.connections ?? 10,
    duration,
    overallRate: opts.overallRate ?? null,
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.average,
    },
    statusCodes: codes,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }),
);
