/* global fetch, Buffer, URLSearchParams, AbortSignal, setTimeout */
// Plain JavaScript, so exported functions carry no type annotations.
/* eslint-disable @typescript-eslint/explicit-module-boundary-types */
/**
 * Helpers of the benchmark (bench/run.mjs): its own network and gateways, an enterprise with a grant,
 * tokens, load runs in a separate process, and statistics. Everything listens and is loaded on loopback.
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The benchmark never touches the network of `npm start` (ports 7000…/3000): unless told otherwise it runs its
 * own, in RDX_HOME=<tmp>/rdx-bench on ports 9000… with its gateway on 3200.
 */
export function benchEnv() {
  process.env.RDX_HOME ??= path.join(os.tmpdir(), 'rdx-bench');
  process.env.RDX_BASE_PORT ??= '9000';
  process.env.RDX_GATEWAY_PORT ??= '3200';
  return { home: process.env.RDX_HOME, basePort: Number(process.env.RDX_BASE_PORT) };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function log(line) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

// ---- statistics -------------------------------------------------------------------------------------------

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function summary(values) {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    // Not Math.max(...values): past ~10⁵ samples the spread overflows the stack.
    max: values.length ? values.reduce((a, b) => Math.max(a, b), -Infinity) : NaN,
    mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN,
  };
}

export const round = (x, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

/** A gateway's /metrics text, as a scraper on its host reads it. */
export async function scrape(gateway) {
  return (await fetch(`${gateway.metricsUrl}/metrics`, { headers: gateway.metricsHeaders() })).text();
}

/**
 * The gateway's timing histograms as its /metrics counts them: `commit` (`rdx_audit_commit_seconds`, one per
 * batch made durable), `wait` (`rdx_audit_wait_seconds`, one per record: from its append to durable, what a data
 * call waits for) and `loopLag` (`rdx_event_loop_lag_seconds`, how late its event loop ran a timer due every
 * 10 ms). Each: per bound (seconds) how many took at most that long, and the count and sum of all.
 */
export async function gatewayTimes(gateway) {
  const text = await scrape(gateway);
  const read = (name) => {
    const times = { buckets: [], count: 0, sum: 0 };
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${name}_`)) continue;
      const bucket = /_bucket\{le="([0-9.e-]+)"\} (\S+)$/.exec(line);
      if (bucket) times.buckets.push({ le: Number(bucket[1]), n: Number(bucket[2]) });
      else if (line.startsWith(`${name}_count `)) times.count = Number(line.split(' ')[1]);
      else if (line.startsWith(`${name}_sum `)) times.sum = Number(line.split(' ')[1]);
    }
    return times;
  };
  const refused = /^rdx_connections_refused_total(?:\{\})? (\S+)$/m.exec(text);
  return {
    commit: read('rdx_audit_commit_seconds'),
    wait: read('rdx_audit_wait_seconds'),
    loopLag: read('rdx_event_loop_lag_seconds'),
    refusedConnections: refused ? Number(refused[1]) : 0,
  };
}

/**
 * What one histogram of {@link gatewayTimes} counted between two readings: how many (named `countName`), their
 * mean, and the smallest bound (ms) that half, 99 % and all of them were within (null: above the largest bound).
 */
export function timesBetween(before, after, countName) {
  const n = after.count - before.count;
  const within = (share) => {
    const b = after.buckets.find((b, i) => b.n - (before.buckets[i]?.n ?? 0) >= share * n);
    return b === undefined ? null : round(b.le * 1000, 1);
  };
  return {
    [countName]: n,
    meanMs: n > 0 ? round(((after.sum - before.sum) / n) * 1000, 3) : null,
    p50WithinMs: within(0.5),
    p99WithinMs: within(0.99),
    maxWithinMs: within(1),
  };
}

// ---- machine ----------------------------------------------------------------------------------------------

export function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid) {
  return cpuSecondsOf(`/proc/${pid}/stat`);
}

/**
 * CPU seconds the main thread of process `pid` has used so far: a Node server's event loop, which is its ceiling
 * (its other threads — the audit log's writer, the thread pool, the collector's helpers — run beside it).
 */
export function mainThreadCpuSeconds(pid) {
  return cpuSecondsOf(`/proc/${pid}/task/${pid}/stat`);
}

/**
 * Seconds the main thread of process `pid` has so far spent ready to run but waiting for a CPU (the scheduler's
 * run-queue delay, the second field of its schedstat): time its loop had work and no core to do it on.
 */
export function mainThreadWaitingSeconds(pid) {
  return fromProc(`/proc/${pid}/task/${pid}/schedstat`, (text) => Number(text.split(' ')[1]) / 1e9);
}

function cpuSecondsOf(statFile) {
  return fromProc(statFile, (stat) => {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks: USER_HZ, which Linux keeps at 100
    // per second for user space on every architecture Node runs on, whatever the kernel's own tick rate.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  });
}

/** A number read from a /proc file by `parse`; NaN when the file cannot be read (the process gone, no such file). */
function fromProc(file, parse) {
  try {
    return parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return NaN;
  }
}

/**
 * The whole machine's CPU time so far, in clock ticks summed over its cores (/proc/stat): all of it, the idle part
 * (waiting for I/O included) and the part the hypervisor gave to someone else (steal).
 */
export function machineTicks() {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return {
    total: user + nice + system + idle + iowait + irq + softirq + steal,
    idle: idle + iowait,
    steal,
  };
}

// ---- processes --------------------------------------------------------------------------------------------

const children = new Set();
export function killChildren() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
process.on('exit', killChildren);

/** Runs the network CLI (start, stop, status) with the bench's environment; resolves with its output. */
export function networkCli(args, { quiet = true } = {}) {
  const started = Date.now();
  const res = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'network', 'dist', 'cli', 'main.js'), ...args],
    {
      env: process.env,
      encoding: 'utf8',
      stdio: quiet ? 'pipe' : 'inherit',
      timeout: 600_000,
    },
  );
  if (res.status !== 0)
    throw new Error(`network ${args.join(' ')} failed (${res.status}):\n${res.stdout}${res.stderr}`);
  return { ms: Date.now() - started, out: `${res.stdout ?? ''}${res.stderr ?? ''}` };
}

/**
 * Starts the bench network unless a gateway already answers at `mainGateway`; says whether it started one, so the
 * run stops only what it started. The start's own progress is shown: on a new machine it first builds Fabric,
 * a couple of silent minutes otherwise.
 */
export async function startNetworkUnlessUp(config, mainGateway) {
  if ((await httpStatus(`${mainGateway}/readyz`)) === 200) return false;
  log(
    `starting the bench network in ${config.home} (ports ${config.basePort}…, gateway ${config.gatewayPort})`,
  );
  networkCli(['start', '--detach'], { quiet: false });
  return true;
}

export async function httpStatus(url, timeoutMs = 3000) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

export async function waitFor(what, check, timeoutMs = 60_000, everyMs = 100) {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/**
 * Starts one more gateway process against the bench network, as network/src/platform.ts does for the first
 * (same identity and peer), with its own id (registered on the ledger), port and data folder, and `env` on top.
 */
export async function startGateway(net, { id, port, env = {} }) {
  const { paths, topology } = net;
  // The bureau registers the id first: only a registered gateway anchors (audit:RegisterGateway).
  await net.registerGateway({ paths, topology, log: () => undefined }, id);
  const dataDir = path.join(process.env.RDX_HOME, 'bench', id);
  fs.mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(process.env.RDX_HOME, 'bench', `${id}.log`);
  const out = fs.openSync(logFile, 'a');
  // RDX_BENCH_PROFILE_DIR: each bench gateway writes a V8 CPU profile there when it stops (open it in Chrome
  // DevTools or speedscope) — how the data call's costs were found.
  const profile = process.env.RDX_BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.RDX_BENCH_PROFILE_DIR)}`]
    : [];
  // RDX_BENCH_GATEWAY_NODE_FLAGS: more Node flags for each bench gateway, such as --trace-gc (its log is
  // $RDX_HOME/bench/<id>.log) — how the garbage collector's pauses were ruled out as the data call's tail.
  const nodeFlags = process.env.RDX_BENCH_GATEWAY_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [...profile, ...nodeFlags, path.join(repoRoot, 'gateway', 'dist', 'main.js')],
    {
      cwd: repoRoot,
      env: {
        ...net.gatewayEnv({ paths, topology }, { id, port, dataDir }),
        RDX_GATEWAY_HOST: '127.0.0.1',
        ...env,
      },
      stdio: ['ignore', out, out],
    },
  );
  fs.closeSync(out);
  children.add(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `gateway ${id} /readyz (log: ${logFile})`,
    async () => {
      if (child.exitCode !== null)
        throw new Error(`gateway ${id} exited (${child.exitCode}); see ${logFile}`);
      return (await httpStatus(`${url}/readyz`)) === 200;
    },
    90_000,
    200,
  );
  return {
    id,
    url,
    // Its metrics, on this host's loopback: the API does not serve them (gateway/src/http/metrics-server.ts).
    metricsUrl: net.gatewayMetricsUrl({ topology }, port),
    // What a scrape shows: the token in the gateway's data folder (gateway/src/http/metrics-server.ts).
    metricsHeaders: () => net.gatewayMetricsHeaders({ paths }, dataDir),
    dataDir,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
      children.delete(child);
    },
  };
}

// ---- enterprises and tokens -------------------------------------------------------------------------------

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function newCreditCode() {
  const body = '91331100' + Array.from(crypto.randomBytes(9), (b) => USCC_ALPHABET[b % 10]).join('');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(body[i]) * USCC_WEIGHTS[i];
  const check = 31 - (sum % 31);
  return body + USCC_ALPHABET[check === 31 ? 0 : check];
}

/** Onboards a fresh AA enterprise; returns its credit code, signer and key. */
export async function onboardAA(net, p) {
  const { EnterpriseSigner } = await import('@rdx/client');
  const creditCode = newCreditCode();
  const keys = EnterpriseSigner.generateKeyPair();
  await net.submit(
    p.bureau,
    'enterprise',
    'OnboardEnterprise',
    JSON.stringify({
      creditCode,
      name: `丽水压测数据科技有限公司 ${creditCode.slice(-6)}`,
      nature: 'private',
      publicKey: keys.publicKeyPem,
      rating: net.ratingOf('AA'),
    }),
  );
  return { creditCode, signer: new EnterpriseSigner(creditCode, keys.privateKeyPem), ...keys };
}

/**
 * Submits and waits for commit, retrying a refusal that only means "not seen yet": the commit status comes
 * from the submitting client's peer, and the next step may be endorsed on another org's peer that commits
 * the same block a few milliseconds later.
 */
export async function submitRetry(net, conn, contract, fn, ...args) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await net.submit(conn, contract, fn, ...args);
    } catch (err) {
      const text = JSON.stringify(err?.details ?? '') + String(err?.message);
      if (attempt >= 6 || !/INVALID_STATE|NOT_FOUND|MVCC|PHANTOM/.test(text)) throw err;
      await sleep(250);
    }
  }
}

/**
 * Application → reviews → agreement drafted and signed by the body, for `datasets` ([{datasetId, items}], all of
 * the market body): ready for the enterprise's signature, which issues one grant per dataset.
 */
export async function readyAgreement(net, p, ent, appId, { datasets, dailyQuota }) {
  const body = net.applicationRequest(
    appId,
    datasets.map((d) => ({ scenario: '压测', ...d })),
    { serviceName: '压测服务' },
  );
  const app = ent.signer.sign('SubmitApplication', body);
  // The request as transient data; the filing goes to the bureau's and the market body's collections.
  await submitRetry(
    net,
    p.gateway,
    'application',
    'SubmitApplication',
    net.secret({ request: app.request, signature: app.signature }, ['BureauMSP', 'MarketMSP']),
  );
  const none = net.secret({ reason: '' });
  await submitRetry(net, p.bureau, 'application', 'FormalReview', appId, 'accept', none);
  await submitRetry(net, p.market, 'application', 'OwnerReview', appId, 'approve', none);
  await submitRetry(net, p.bureau, 'application', 'ReReview', appId, 'approve', none);
  const terms = {
    datasets,
    purpose: '压测',
    serviceName: '压测服务',
    platform: '压测平台',
    validFrom: net.chinaToday(),
    validUntil: '2027-06-30',
    dailyQuota,
  };
  const draft = (
    await submitRetry(
      net,
      p.market,
      'agreement',
      'DraftAgreement',
      appId,
      net.secret({ terms: JSON.stringify(terms) }),
    )
  ).result;
  await submitRetry(net, p.market, 'agreement', 'SignAgreementAsBody', draft.id, draft.termsHash);
  return draft;
}

/** Runs `fn` over `items` with `n` in flight; logs progress every `every` items done, naming them `what`. */
export async function inPool(items, n, fn, { what = 'done', every = Infinity } = {}) {
  const out = [];
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const k = next++;
        out[k] = await fn(items[k], k);
        if (++done % every === 0) log(`${what}: ${done} of ${items.length}`);
      }
    }),
  );
  return out;
}

/** The enterprise signs the agreement `draft` (through the gateway identity): it enters into force. */
export async function enterpriseSigns(net, p, ent, draft) {
  const s = ent.signer.sign('SignAgreement', { agreementId: draft.id, termsHash: draft.termsHash });
  return submitRetry(
    net,
    p.gateway,
    'agreement',
    'SignAgreementAsEnterprise',
    net.secret({ request: s.request, signature: s.signature }),
  );
}

/**
 * The bench network's configuration, paths and topology (benchEnv first), and a stamp for the ids this run
 * makes: what every bench mode starts with.
 */
export async function benchContext() {
  benchEnv();
  const net = await import('@rdx/network');
  const config = net.loadConfig();
  const paths = net.pathsFor(config);
  const topology = net.topologyFor(config);
  return {
    net,
    config,
    paths,
    topology,
    ctxNet: { ...net, paths, topology },
    stamp: new Date().toISOString().replace(/[-:]/g, '').slice(0, 15),
  };
}

function b64url(data) {
  return Buffer.from(data).toString('base64url');
}

/** An access token by private_key_jwt (RFC 7523) with the enterprise's registered ES256 key. */
export async function tokenFor(url, creditCode, privateKeyPem) {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({
      iss: creditCode,
      sub: creditCode,
      aud: `${url}/oauth/token`,
      iat: now,
      exp: now + 120,
      jti: crypto.randomUUID(),
    }),
  );
  const sig = crypto.sign('sha256', Buffer.from(`${header}.${payload}`), {
    key: privateKeyPem,
    dsaEncoding: 'ieee-p1363',
  });
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: `${header}.${payload}.${b64url(sig)}`,
    }),
  });
  const body = await res.json();
  if (!res.ok)
    throw new Error(`token for ${creditCode} at ${url}: ${res.status} ${body.code} ${body.detail}`);
  return body.access_token;
}

// ---- load -------------------------------------------------------------------------------------------------

/**
 * Runs autocannon in its own process (bench/load.mjs) so the load generator does not share an event loop with
 * anything measured. Returns its summary: requests/s, latency percentiles (ms), status counts.
 */
export function load(opts) {
  return loadProcess('load.mjs', opts);
}

/**
 * A fixed rate, open loop (bench/open-load.mjs, in its own process): evenly spaced requests, each timed from when
 * it was due. Returns latency percentiles (ms, to 0.01), status counts and how far the generator fell behind.
 */
export function openLoad(opts) {
  return loadProcess('open-load.mjs', opts);
}

function loadProcess(script, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bench', script), JSON.stringify(opts)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.add(child);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      children.delete(child);
      if (code !== 0) return reject(new Error(`${script} exited ${code}`));
      try {
        resolve(JSON.parse(out));
      } catch (err) {
        reject(new Error(`${script} printed no result: ${String(err)}: ${out.slice(0, 300)}`));
      }
    });
  });
}

/** Starts the bare Express baseline (bench/baseline-server.mjs) over a gateway's dataset store. */
export async function startBaseline(opts) {
  const { port } = opts;
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'bench', 'baseline-server.mjs'), JSON.stringify(opts)],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  children.add(child);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('baseline server', async () => (await httpStatus(`${url}/healthz`)) === 200, 20_000);
  return {
    url,
    pid: child.pid,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      children.delete(child);
    },
  };
}

/**
 * A LedgerView of synthetic enterprises, datasets and grants (a tenth of the grants suspended, a tenth of the
 * enterprises rated A), and decision requests against it: four in five for a grant's own enterprise, dataset
 * and items, one in five for a random pair (mostly refused). `LedgerView` is the gateway's class.
 */
export function syntheticView(LedgerView, { enterprises: E, datasets: D, grants: G }, today) {
  const rnd = (n) => crypto.randomInt(n);
  const enterprises = Array.from({ length: E }, (_, i) => ({
    creditCode: `E${String(i).padStart(17, '0')}`,
    name: `企业${i}`,
    publicKey: 'pem',
    rating: {
      level: i % 10 === 0 ? 'A' : i % 3 ? 'AA' : 'AAA',
      validUntil: '2099-12-31',
      creditStatus: 'good',
    },
  }));
  const itemNames = Array.from({ length: 12 }, (_, k) => `item_${k}`);
  const datasets = Array.from({ length: D }, (_, i) => ({
    id: `dataset-${i}`,
    owner: i % 2 ? 'MarketMSP' : 'TransportMSP',
    name: `数据集${i}`,
    openAttribute: i % 20 === 0 ? 'unconditional' : 'restricted',
    format: 'csv',
    updateFrequency: 'daily',
    items: itemNames.map((n, k) => ({ name: n, label: n, type: 'string', personal: k < 2 })),
    versions: [],
  }));
  const grants = Array.from({ length: G }, (_, i) => ({
    id: `grant-${i}`,
    agreementId: `agreement-${i}`,
    creditCode: enterprises[rnd(E)].creditCode,
    datasetId: datasets[rnd(D)].id,
    body: 'MarketMSP',
    items: itemNames.slice(0, 4 + rnd(8)),
    purpose: '压测',
    validFrom: '2024-01-01',
    validUntil: '2099-12-31',
    dailyQuota: 1000,
    state: i % 10 === 0 ? 'SUSPENDED' : 'ACTIVE',
    grantedAt: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
  }));
  const view = new LedgerView();
  view.replaceAll(enterprises, datasets, grants);
  const requests = Array.from({ length: 10_000 }, (_, i) => {
    const g = grants[rnd(G)];
    return i % 5 === 4
      ? {
          creditCode: enterprises[rnd(E)].creditCode,
          datasetId: datasets[rnd(D)].id,
          fields: ['item_0'],
          today,
        }
      : { creditCode: g.creditCode, datasetId: g.datasetId, fields: g.items.slice(0, 3), today };
  });
  return { view, requests, enterprises, datasets, grants };
}
