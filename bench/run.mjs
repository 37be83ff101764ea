/* global fetch, Buffer */
/**
 * `npm run bench [-- --quick] [-- --keep] [-- --caliper] [-- --only=1,5] [-- --restarts=N]`: the performance figures of docs/PERFORMANCE.md, each as a ratio
 * against a baseline measured in the same run on the same machine. Prints a table (bench/table.mjs) and writes
 * bench/results/<date>.json, or <date>-2.json and on when that exists (with Node version, CPU model and core count); `-- --print=<file>` prints a
 * result's table again.
 *
 * It runs on its own network (RDX_HOME=<tmp>/rdx-bench, ports 9000…, gateway 3200, unless those variables
 * are set), starting it when it is not up and stopping it afterwards when it started it (--keep leaves it).
 * Two more gateway processes are started for the figures and stopped at the end. Load comes from autocannon
 * in a separate process, on loopback only; every load is bounded in time.
 *
 *   1 data call through the real gateway vs a bare Express route over the same SQLite store; its p99 while
 *     the token endpoint is flooded vs idle
 *  1p the same with the gateway's audit log and dataset store on PostgreSQL (a throwaway server)
 *   2 the authorization decision alone vs asking the ledger (grant:GetGrant)
 *   3 revocation reach on two gateways: block commit → first refused call
 *   4 audit and anchoring costs (throughput, and the data call's p99 at half load, anchoring on vs off); inclusion
 *     proofs vs log size
 *   5 ledger: grant-issuing transactions vs a trivial put-state function
 *  5b with --caliper: the same transactions (and grant reads) driven by Hyperledger Caliper (bench/caliper.mjs)
 *   6 platform start with binaries cached (stop, then start --detach; N times with --restarts=N)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  cpuSeconds,
  mainThreadCpuSeconds,
  mainThreadWaitingSeconds,
  machineTicks,
  killChildren,
  load,
  openLoad,
  log,
  machine,
  networkCli,
  onboardAA,
  percentile,
  repoRoot,
  round,
  sleep,
  startBaseline,
  startNetworkUnlessUp,
  startGateway,
  summary,
  syntheticView,
  tokenFor,
  waitFor,
} from './lib.mjs';
import * as lib from './lib.mjs';
import { cannotPin, pinServers } from './cores.mjs';
import { medianRound, pairedRounds } from './rounds.mjs';
import { restartSpread, startSteps, startWaits } from './restarts.mjs';
import { resultTable } from './table.mjs';

// The scale figures (docs/PERFORMANCE.md) need no network and take minutes of their own; the ledger's take
// half an hour on the bench network.
if (process.argv.includes('--scale')) {
  await import('./scale.mjs');
  process.exit(process.exitCode ?? 0);
}
if (process.argv.includes('--ledger-scale')) {
  await import('./ledger-scale.mjs');
  process.exit(process.exitCode ?? 0);
}
// --print=<file>: the table of a result written before, measuring nothing.
const printing = process.argv.find((a) => a.startsWith('--print='))?.slice('--print='.length);
if (printing !== undefined) {
  try {
    console.log(resultTable(JSON.parse(fs.readFileSync(printing, 'utf8'))));
  } catch (err) {
    console.error(`cannot print ${printing}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  process.exit(0);
}
const QUICK = process.argv.includes('--quick');
const KEEP = process.argv.includes('--keep');
const CALIPER = process.argv.includes('--caliper');
// --restarts=N: figure 6 (stop, then start to ready) N times in a row, for its spread and its tail.
const restartsArg = process.argv.find((a) => a.startsWith('--restarts='))?.slice('--restarts='.length);
const RESTARTS = restartsArg === undefined ? 1 : Number(restartsArg);
if (!Number.isSafeInteger(RESTARTS) || RESTARTS < 1 || RESTARTS > 100) {
  console.error(`--restarts takes a whole number of restarts from 1 to 100, not ${restartsArg}`);
  process.exit(2);
}
// --only=5,5b: just those figures (the set-up they share still runs; 1b runs with figure 1's loads).
const ONLY = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const want = (figure) => ONLY === undefined || ONLY.includes(figure);
// Figure 1c (bench/cores.mjs) runs only when named: it repeats figure 1's three and a half minutes, and what it
// showed once (2026-11-30) is written up in docs/PERFORMANCE.md.
const named = (figure) => ONLY?.includes(figure) === true;
const MODE = QUICK
  ? {
      name: 'quick',
      loadSeconds: 5,
      warmupSeconds: 2,
      revocations: 10,
      ledgerTxs: 24,
      decisions: 200_000,
      evaluations: 100,
      merkleSizes: [1e3, 1e4, 1e5],
      appendSeconds: 3,
    }
  : {
      name: 'full',
      loadSeconds: 15,
      warmupSeconds: 3,
      revocations: 100,
      ledgerTxs: 100,
      decisions: 1_000_000,
      evaluations: 500,
      merkleSizes: [1e3, 1e4, 1e5, 1e6],
      appendSeconds: 10,
    };
const CONNECTIONS = 16;
/**
 * Connections of figure 1's maximum-throughput runs: each side's maximum is the better of its runs at these. Bare
 * Express's answer waits for nothing, and 16 requests in flight keep its loop as busy as 48 do. The gateway's
 * answer waits for its record's fsync, and with 16 in flight its loop sits idle through commits that 48 keep it
 * busy across, each commit then carrying more records (2026-12-04, docs/PERFORMANCE.md). 48 is the most the load
 * may open under the gateway's cap per address, as for {@link FIXED_RATE_SOCKETS}.
 */
const MAX_CONNECTIONS = [16, 48];
/**
 * Connections the fixed-rate load may open, each side alike: below the gateway's cap per source address
 * (RDX_MAX_CONNECTIONS_PER_ADDRESS, 64). At 64, when the bench's own /metrics reads still went to the API's port
 * (they have a listener of their own since 2026-12-06), a stall made the load open its 64th connection beside one
 * of those; the cap held it unread for a second and reset it, and that request was the run's ~1 s maximum (one
 * error and one refused connection in each such round, 2026-12-01). Kept at 48, so runs compare with those before.
 */
const FIXED_RATE_SOCKETS = 48;
/** Rounds of figure 1 (and 1p): each side measured this many times, the figure the median round. */
const ROUNDS = 3;
const DATASET = 'market-entities';
const ITEMS = ['uscc', 'entity_name', 'district', 'legal_rep_phone'];
const PAGE = 20;

const { net, config, paths, topology, ctxNet, stamp } = await lib.benchContext();
const client = await import('@rdx/client');
const results = {
  mode: MODE.name,
  only: ONLY,
  startedAt: new Date().toISOString(),
  machine: machine(),
  network: { home: config.home, basePort: config.basePort, gatewayPort: config.gatewayPort },
  figures: {},
};
const figures = results.figures;

const submitRetry = (conn, contract, fn, ...args) => lib.submitRetry(net, conn, contract, fn, ...args);
/** An agreement for the bench's dataset and items, ready for the enterprise's signature. */
const readyAgreement = (ent, appId, dailyQuota) =>
  lib.readyAgreement(net, p, ent, appId, { datasets: [{ datasetId: DATASET, items: ITEMS }], dailyQuota });

/** The enterprise signs the agreement: it enters into force and issues its grant. */
async function signAgreement(ent, draft) {
  const r = await lib.enterpriseSigns(net, p, ent, draft);
  if (r.result.state !== 'IN_FORCE') throw new Error(`agreement ${draft.id} is ${r.result.state}`);
  return r.result.grants[0];
}

/**
 * Figure 1 on gateway `g` against `baseline` (the same rows from the same store, bare Express), in ROUNDS rounds
 * (bench/rounds.mjs): maximum throughput of each with 16 connections, then both at half the gateway's median
 * maximum for the latency — an open loop of evenly spaced requests (bench/open-load.mjs says why not
 * autocannon's `overallRate`; its bursts are measured once too, as `burstLatencyMs`, the figure earlier runs
 * gave). Each figure is its median round; the other rounds are kept beside it.
 * With `durable` (bench/baseline-server.mjs with an audit log), that baseline is measured too — its maximum and
 * its p99 at the same half load, each in rounds against bare Express — as `durableBaseline`: what the durable
 * record alone adds, apart from everything else the gateway does.
 */
async function dataCallFigure(g, baseline, auth, durable) {
  const run = (url, { headers, ...extra } = {}) => {
    const opts = {
      url,
      duration: MODE.loadSeconds,
      headers: { ...(url.startsWith(g.url) ? auth : {}), ...headers },
      ...extra,
    };
    return opts.rate
      ? openLoad({ sockets: FIXED_RATE_SOCKETS, ...opts })
      : load({ connections: CONNECTIONS, ...opts });
  };
  const records = `/v1/datasets/${DATASET}/records?limit=${PAGE}&fields=${ITEMS.join(',')}`;
  const urls = { baseline: `${baseline.url}/records`, gateway: `${g.url}${records}` };
  const pids = { baseline: baseline.pid, gateway: g.pid };
  if (durable) {
    urls.durable = `${durable.url}/records`;
    pids.durable = durable.pid;
  }
  for (const url of Object.values(urls)) await run(url, { duration: MODE.warmupSeconds });
  /**
   * A maximum-throughput run of one side, with the CPU its process spent per request: the better of its runs at
   * each of {@link MAX_CONNECTIONS}, which names its connections and keeps every run's requests per second.
   * `headers` are sent besides the token.
   */
  const atMost = async (side, headers = {}) => {
    let best;
    const byConnections = {};
    for (const connections of MAX_CONNECTIONS) {
      const r = await withCpuUse(pids[side], () => run(urls[side], { connections, headers }));
      byConnections[connections] = round(r.requestsPerSecond, 0);
      if (!best || r.requestsPerSecond > best.requestsPerSecond) best = { ...r, connections };
    }
    return { ...best, byConnections };
  };
  const throughput = await maxAgainstBare(atMost, 'gateway');
  const { baseline: baseMax, gateway: gwMax } = throughput.median;
  const rate = Math.max(10, Math.floor(gwMax.requestsPerSecond * 0.5));
  // With the gateway's own count of its audit commits and of its records' waits over the run: how much of its
  // tail is the commit, and how much the wait for it.
  const latency = await p99AgainstBare(run, urls, rate, 'gateway', async () => {
    const before = await lib.gatewayTimes(g);
    const r = await run(urls.gateway, { rate });
    const after = await lib.gatewayTimes(g);
    return {
      ...r,
      commitTimes: lib.timesBetween(before.commit, after.commit, 'commits'),
      recordWaits: lib.timesBetween(before.wait, after.wait, 'records'),
      // A stall of the gateway's own process shows as a lag of its loop; one of the machine does not.
      loopLag: lib.timesBetween(before.loopLag, after.loopLag, 'timers'),
      refusedConnections: after.refusedConnections - before.refusedConnections,
    };
  });
  const { baseline: baseFixed, gateway: gwFixed } = latency.median;
  // The gap above is two things: the gateway's extra work per request (at the same rate its process is busier)
  // and whatever else adds to its tail. Bare Express at half of its own maximum is as busy as the gateway is at
  // half of its: what its p99 is there leaves the second part.
  const baseRate = Math.max(10, Math.floor(baseMax.requestsPerSecond * 0.5));
  const baseEqualLoad = await run(urls.baseline, { rate: baseRate });
  const baseBurst = await run(urls.baseline, { overallRate: rate });
  const gwBurst = await run(urls.gateway, { overallRate: rate });
  const durableBaseline = durable ? await durableFloor(atMost, run, urls, rate) : undefined;
  // Beside the main figure only (the PostgreSQL and own-core figures leave it out: three minutes each).
  const compressed = durable ? await compressedAgainstBare(atMost, urls, auth) : undefined;
  const figure = {
    what: `GET ${records} (${PAGE} rows, ${ITEMS.length} items, one personal): each side's maximum the better of ${MAX_CONNECTIONS.join(' and ')} connections`,
    rounds: ROUNDS,
    baseline: {
      maxRps: round(baseMax.requestsPerSecond, 0),
      maxConnections: baseMax.connections,
      maxRpsByConnections: baseMax.byConnections,
      fixedRate: rate,
      fixedLatencyMs: baseFixed.latencyMs,
      fixedMaxSendLagMs: baseFixed.maxSendLagMs,
      burstLatencyMs: baseBurst.latencyMs,
      halfOwnMaxRate: baseRate,
      halfOwnMaxLatencyMs: baseEqualLoad.latencyMs,
      cpuMsPerRequest: round(baseMax.cpuMsPerRequest, 3),
      atMax: ceilingOf(baseMax),
    },
    gateway: {
      maxRps: round(gwMax.requestsPerSecond, 0),
      maxConnections: gwMax.connections,
      maxRpsByConnections: gwMax.byConnections,
      maxStatusCodes: gwMax.statusCodes,
      fixedLatencyMs: gwFixed.latencyMs,
      fixedCommitTimes: gwFixed.commitTimes,
      fixedRecordWaits: gwFixed.recordWaits,
      fixedLoopLag: gwFixed.loopLag,
      fixedStatusCodes: gwFixed.statusCodes,
      fixedErrors: gwFixed.errors,
      fixedRefusedConnections: gwFixed.refusedConnections,
      fixedMaxSendLagMs: gwFixed.maxSendLagMs,
      burstLatencyMs: gwBurst.latencyMs,
      cpuMsPerRequest: round(gwMax.cpuMsPerRequest, 3),
      atMax: ceilingOf(gwMax),
    },
    throughputRatio: round(throughput.value, 3),
    throughputRatioRange: [round(throughput.min, 3), round(throughput.max, 3)],
    addedP99Ms: round(latency.value, 2),
    addedP99MsRange: [round(latency.min, 2), round(latency.max, 2)],
    addedP50Ms: round(gwFixed.latencyMs.p50 - baseFixed.latencyMs.p50, 2),
    burstAddedP99Ms: round(gwBurst.latencyMs.p99 - baseBurst.latencyMs.p99, 2),
    ...(durableBaseline ? { durableBaseline } : {}),
    ...(compressed ? { compressed } : {}),
    everyRound: {
      maxRps: throughput.rounds.map((r) => ({
        gateway: round(r.gateway.requestsPerSecond, 0),
        baseline: round(r.baseline.requestsPerSecond, 0),
        gatewayByConnections: r.gateway.byConnections,
        baselineByConnections: r.baseline.byConnections,
      })),
      fixedP99Ms: latency.rounds.map((r) => ({
        gateway: r.gateway.latencyMs.p99,
        baseline: r.baseline.latencyMs.p99,
        gatewayCommitP99WithinMs: r.gateway.commitTimes.p99WithinMs,
        gatewayRecordWaitP99WithinMs: r.gateway.recordWaits.p99WithinMs,
        gatewayLoopLagMaxWithinMs: r.gateway.loopLag.maxWithinMs,
        gatewayMaxMs: r.gateway.latencyMs.max,
        gatewayErrors: r.gateway.errors,
        gatewayRefusedConnections: r.gateway.refusedConnections,
      })),
    },
    targets: { throughputRatio: '≥ 0.70', addedP99Ms: '≤ 2' },
  };
  return { figure, run, rate, gwFixed };
}

/**
 * Runs the load `measure` and adds the CPU that process `pid` spent per request meanwhile (ms), and where the
 * ceiling was: the share of the time its main thread (the event loop) was on a CPU, the share it was ready to run
 * but waiting for one, and the share of the whole machine's cores that were busy or stolen by the hypervisor. A
 * main thread near 1 with the machine well below it means the server's own loop was the limit, not the machine;
 * the machine near 1 means the load generator, the ledger's nodes or a neighbour took the rest; a loop that waits
 * for a CPU while the machine is not full waits for the scheduler to hand it a core its neighbours just left.
 */
async function withCpuUse(pid, measure) {
  const cpu0 = cpuSeconds(pid);
  const main0 = mainThreadCpuSeconds(pid);
  const waiting0 = mainThreadWaitingSeconds(pid);
  const machine0 = machineTicks();
  const t0 = performance.now();
  const r = await measure();
  const seconds = (performance.now() - t0) / 1000;
  const machine1 = machineTicks();
  const ticks = machine1.total - machine0.total;
  return {
    ...r,
    cpuMsPerRequest: ((cpuSeconds(pid) - cpu0) / r.total) * 1000,
    mainThreadBusy: (mainThreadCpuSeconds(pid) - main0) / seconds,
    mainThreadWaiting: (mainThreadWaitingSeconds(pid) - waiting0) / seconds,
    machineBusy: (ticks - (machine1.idle - machine0.idle)) / ticks,
    machineSteal: (machine1.steal - machine0.steal) / ticks,
  };
}

/** Where the ceiling of a maximum-throughput round was (see {@link withCpuUse}), as shares. */
function ceilingOf(max) {
  return {
    mainThreadBusy: round(max.mainThreadBusy, 3),
    mainThreadWaiting: round(max.mainThreadWaiting, 3),
    machineBusy: round(max.machineBusy, 3),
    machineSteal: round(max.machineSteal, 4),
  };
}

/**
 * Two sides' throughput in paired rounds (`measures` runs each side once a round): every round, the median round
 * by the ratio of side `over`'s requests per second to side `under`'s, and the ratio's smallest and largest.
 */
async function throughputRatioInRounds(measures, over, under) {
  const rounds = await pairedRounds(ROUNDS, measures);
  return { rounds, ...medianRound(rounds, (r) => r[over].requestsPerSecond / r[under].requestsPerSecond) };
}

/** The maximum throughput of `side` against bare Express's, in paired rounds (`atMost` measures one side). */
function maxAgainstBare(atMost, side) {
  return throughputRatioInRounds(
    { baseline: () => atMost('baseline'), [side]: () => atMost(side) },
    side,
    'baseline',
  );
}

/**
 * The p99 of `side` at `rate` requests per second against bare Express's, in paired rounds: every round, the median
 * round by the difference, and the difference's smallest and largest. `measureSide` runs `side`'s load (by default
 * just that), so a side can read what it needs around it.
 */
async function p99AgainstBare(run, urls, rate, side, measureSide = () => run(urls[side], { rate })) {
  const rounds = await pairedRounds(ROUNDS, {
    baseline: () => run(urls.baseline, { rate }),
    [side]: measureSide,
  });
  return { rounds, ...medianRound(rounds, (r) => r[side].latencyMs.p99 - r.baseline.latencyMs.p99) };
}

/**
 * The durable baseline of figure 1 against bare Express, both in rounds: its maximum against bare Express's (once,
 * beside the figure's median round, it moved between 0.75 and 1.07 of it from run to run), and its p99 at the
 * figure's half load against bare Express's.
 */
async function durableFloor(atMost, run, urls, rate) {
  const throughput = await maxAgainstBare(atMost, 'durable');
  const latency = await p99AgainstBare(run, urls, rate, 'durable');
  return {
    what: 'bare Express that appends a record to the SQLite audit log and answers once it is durable',
    ...maximaAgainstBare(throughput, 'durable'),
    atMax: ceilingOf(throughput.median.durable),
    fixedLatencyMs: latency.median.durable.latencyMs,
    baselineFixedLatencyMs: latency.median.baseline.latencyMs,
    addedP99Ms: round(latency.value, 2),
    addedP99MsRange: [round(latency.min, 2), round(latency.max, 2)],
  };
}

/**
 * What a result keeps of `side`'s maxima against bare Express's ({@link maxAgainstBare}): the median round's, and
 * the ratio's spread.
 */
function maximaAgainstBare(throughput, side) {
  const { [side]: max, baseline: baseMax } = throughput.median;
  return {
    maxRps: round(max.requestsPerSecond, 0),
    maxConnections: max.connections,
    baselineMaxRps: round(baseMax.requestsPerSecond, 0),
    baselineMaxConnections: baseMax.connections,
    throughputRatio: round(throughput.value, 3),
    throughputRatioRange: [round(throughput.min, 3), round(throughput.max, 3)],
    cpuMsPerRequest: round(max.cpuMsPerRequest, 3),
  };
}

/** `Accept-Encoding` as Node's `fetch`, and so the SDK, sends it over HTTP. */
const AS_THE_SDK_ASKS = { 'accept-encoding': 'gzip, deflate' };

/**
 * Figure 1's maxima again, both sides asked for their page as the SDK asks for it: compressed. Bare Express then
 * compresses its page with the gateway's own `encodedAnswer` (bench/baseline-server.mjs). Each side's answer is
 * checked to be gzip first, so the figure cannot quietly measure plain answers.
 */
async function compressedAgainstBare(atMost, urls, auth) {
  const encoding = {};
  for (const side of ['baseline', 'gateway']) {
    const res = await fetch(urls[side], {
      headers: { ...(side === 'gateway' ? auth : {}), ...AS_THE_SDK_ASKS },
    });
    encoding[side] = res.headers.get('content-encoding');
    await res.arrayBuffer();
    if (res.status !== 200 || encoding[side] !== 'gzip')
      throw new Error(`${side} answered ${res.status} with Content-Encoding ${encoding[side]}, not gzip`);
  }
  const throughput = await maxAgainstBare((side) => atMost(side, AS_THE_SDK_ASKS), 'gateway');
  return {
    what: `the same, both sides asked with Accept-Encoding: ${AS_THE_SDK_ASKS['accept-encoding']} and answering gzip`,
    encoding,
    ...maximaAgainstBare(throughput, 'gateway'),
    baselineCpuMsPerRequest: round(throughput.median.baseline.cpuMsPerRequest, 3),
  };
}

// ---- the network and the bench's own gateways ---------------------------------------------------------------

const mainGateway = net.gatewayUrl({ topology });
const startedNetwork = await startNetworkUnlessUp(config, mainGateway);
const p = new net.Parties(paths, topology);
const gateways = [];
let exitCode = 0;

try {
  log('an AA enterprise with a grant on market-entities (daily quota 10 000 000)');
  const ent = await onboardAA(ctxNet, p);
  const grantId = await signAgreement(ent, await readyAgreement(ent, `bench-${stamp}`, 10_000_000));

  // Two gateways of the bench: no per-grant rate limit in the way of the load (100 000/s), their own ids.
  const gwEnv = { RDX_RATE_PER_SECOND: '100000' };
  const A = await startGateway(ctxNet, { id: `bench-${stamp}-a`, port: config.gatewayPort + 1, env: gwEnv });
  gateways.push(A);
  let B = await startGateway(ctxNet, { id: `bench-${stamp}-b`, port: config.gatewayPort + 2, env: gwEnv });
  gateways.push(B);
  for (const g of [A, B]) await ctxNet.loadDemoVersion(ctxNet, DATASET, g.url);
  const records = `/v1/datasets/${DATASET}/records?limit=${PAGE}&fields=${ITEMS.join(',')}`;
  const tokens = new Map();
  const token = async (g) => {
    const t = await tokenFor(g.url, ent.creditCode, ent.privateKeyPem);
    tokens.set(g.id, t);
    return t;
  };
  for (const g of [A, B]) {
    await waitFor(
      `${g.id} serves the grant`,
      async () => {
        const t = await token(g).catch(() => undefined);
        if (!t) return false;
        return (
          (await fetch(`${g.url}${records}`, { headers: { authorization: `Bearer ${t}` } })).status === 200
        );
      },
      30_000,
      200,
    );
  }

  // ---- 1. data call, full enforcement vs bare Express -------------------------------------------------------
  if (want('1') || want('1b') || named('1c')) {
    const baseline = await baselineOverStoreOf(A, config.gatewayPort + 9);
    const auth = { authorization: `Bearer ${await token(A)}` };
    try {
      if (want('1') || want('1b')) await dataCallFigures(baseline, auth);
      if (named('1c')) await dataCallOnOwnCore(baseline, auth);
    } finally {
      await baseline.stop();
    }
  }

  /** A baseline server (bench/baseline-server.mjs) over gateway `g`'s SQLite dataset store, with `extra` options. */
  function baselineOverStoreOf(g, port, extra = {}) {
    return startBaseline({
      dbPath: path.join(g.dataDir, 'datasets.db'),
      datasetId: DATASET,
      fields: ITEMS,
      limit: PAGE,
      port,
      ...extra,
    });
  }

  /** Figure 1, and 1b when asked for: the data call as the machine schedules it, then under a token flood. */
  async function dataCallFigures(baseline, auth) {
    log('figure 1: data call through the gateway vs a bare Express route over the same store');
    // The durable baseline's audit log is its own file (a log has one writer), on the gateway's disk.
    const auditDir = `${A.dataDir}-durable-baseline`;
    fs.mkdirSync(auditDir, { recursive: true });
    const durable = await baselineOverStoreOf(A, config.gatewayPort + 8, {
      auditPath: path.join(auditDir, 'audit.db'),
    });
    let measured;
    try {
      measured = await dataCallFigure(A, baseline, auth, durable);
    } finally {
      await durable.stop();
    }
    const { figure, run, rate, gwFixed } = measured;
    figures.dataCall = figure;

    // 1b. The same data call at the same offered rate while an anonymous client floods the token endpoint with
    // bogus secrets from another address (127.0.0.2) over 300 connections: the login guard keeps secret
    // hashing off the event loop and bounded, and the gateway lets one address hold only
    // RDX_MAX_CONNECTIONS_PER_ADDRESS (64) connections. Selectable alone (--only=1 leaves it out, so a profile
    // of figure 1 is of the data call only).
    if (want('1b')) {
      log('figure 1b: data call p99 while the token endpoint is flooded, vs idle');
      const floodSeconds = MODE.loadSeconds + 2;
      const flood = openLoad({
        url: `${A.url}/oauth/token`,
        rate: 20_000,
        sockets: 300,
        localAddress: '127.0.0.2',
        duration: floodSeconds,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=91331100BOGUS00001&client_secret=${'x'.repeat(24)}`,
      });
      await sleep(1000);
      const gwFlooded = await run(`${A.url}${records}`, { rate });
      const flooded = await flood;
      const answered = Object.values(flooded.statusCodes).reduce((a, b) => a + b, 0);
      const refusedConnections = /^rdx_connections_refused_total\{\} (\d+)$/m.exec(await lib.scrape(A))?.[1];
      figures.dataCallUnderTokenFlood = {
        what: `the data call at ${rate} requests/s while 300 connections from another address send bogus secrets to POST /oauth/token (20 000 a second offered)`,
        idleP99Ms: gwFixed.latencyMs.p99,
        floodedP99Ms: gwFlooded.latencyMs.p99,
        floodedStatusCodes: gwFlooded.statusCodes,
        tokenEndpoint: {
          answeredPerSecond: round(answered / floodSeconds, 0),
          statusCodes: flooded.statusCodes,
          unanswered: flooded.errors,
          connectionsRefused: refusedConnections === undefined ? null : Number(refusedConnections),
        },
        p99Ratio: round(gwFlooded.latencyMs.p99 / Math.max(gwFixed.latencyMs.p99, 1), 2),
      };
    }
  }

  /** Figure 1c: figure 1 again with the server under test on a CPU of its own (bench/cores.mjs). */
  async function dataCallOnOwnCore(baseline, auth) {
    const cause = cannotPin();
    if (cause) {
      log(`figure 1c skipped: ${cause}`);
      figures.dataCallOwnCore = { skipped: cause };
      return;
    }
    log('figure 1c: the same with the gateway and bare Express on CPU 0, everything else on the other CPUs');
    const unpin = pinServers({
      servers: [A.pid, baseline.pid],
      others: gateways.filter((g) => g !== A).map((g) => g.pid),
      home: config.home,
    });
    try {
      figures.dataCallOwnCore = (await dataCallFigure(A, baseline, auth)).figure;
    } finally {
      unpin();
    }
  }

  // ---- 1p. the same data call with the audit log and the store on PostgreSQL ----------------------------------
  if (want('1p')) {
    const { findPostgresBin, startPostgres } = await import('@rdx/gateway');
    const found = findPostgresBin();
    if (!found.bin) {
      log(`figure 1p skipped: ${found.missing}`);
      figures.dataCallPostgres = { skipped: found.missing };
    } else {
      log(
        'figure 1p: the data call with the audit log and dataset store on PostgreSQL, vs bare Express on it',
      );
      const server = await startPostgres(found.bin);
      try {
        const C = await startGateway(ctxNet, {
          id: `bench-${stamp}-pg`,
          port: config.gatewayPort + 3,
          env: { ...gwEnv, RDX_DATABASE_URL: server.url },
        });
        gateways.push(C);
        await ctxNet.loadDemoVersion(ctxNet, DATASET, C.url);
        const baseline = await startBaseline({
          databaseUrl: server.url,
          namespace: C.id,
          datasetId: DATASET,
          fields: ITEMS,
          limit: PAGE,
          port: config.gatewayPort + 9,
        });
        try {
          const auth = { authorization: `Bearer ${await token(C)}` };
          figures.dataCallPostgres = (await dataCallFigure(C, baseline, auth)).figure;
        } finally {
          await baseline.stop();
          await C.stop();
        }
      } finally {
        await server.stop();
      }
    }
  }

  // ---- 2. the decision alone vs asking the ledger ------------------------------------------------------------
  if (want('2')) {
    log('figure 2: the authorization decision alone vs grant:GetGrant on the ledger');
    const { decide } = await import('@rdx/gateway');
    const { LedgerView } = await import('@rdx/gateway');
    const E = 2000;
    const D = 200;
    const G = 10_000;
    const { view, requests } = syntheticView(
      LedgerView,
      { enterprises: E, datasets: D, grants: G },
      net.chinaToday(),
    );
    let allowed = 0;
    for (const r of requests.slice(0, 20_000)) if (decide(view, r).allow) allowed++;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < MODE.decisions; i++) decide(view, requests[i % requests.length]);
    const decideUs = Number(process.hrtime.bigint() - t0) / 1000 / MODE.decisions;

    const ask = () => net.evaluate(p.gateway, 'grant', 'GetGrant', grantId);
    for (let i = 0; i < 10; i++) await ask();
    const sequential = [];
    const s0 = Date.now();
    for (let i = 0; i < MODE.evaluations; i++) {
      const t = process.hrtime.bigint();
      await ask();
      sequential.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const sequentialRate = MODE.evaluations / ((Date.now() - s0) / 1000);
    const c0 = Date.now();
    let done = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (done < MODE.evaluations) {
          done++;
          await ask();
        }
      }),
    );
    const concurrentRate = MODE.evaluations / ((Date.now() - c0) / 1000);
    const ledger = summary(sequential);
    figures.decision = {
      what: `decide() on a LedgerView of ${E} enterprises, ${D} datasets, ${G} grants (${Math.round((allowed / requests.length) * 100)}% of the sample allowed), ${MODE.decisions} decisions`,
      decideMicroseconds: round(decideUs, 3),
      decisionsPerSecond: round(1e6 / decideUs, 0),
      ledger: {
        what: 'evaluate grant:GetGrant as the gateway identity, on the bureau peer',
        p50Ms: round(ledger.p50, 2),
        p99Ms: round(ledger.p99, 2),
        sequentialPerSecond: round(sequentialRate, 0),
        concurrent16PerSecond: round(concurrentRate, 0),
      },
      latencyRatio: round((ledger.p50 * 1000) / decideUs, 0),
      rateRatio: round(1e6 / decideUs / concurrentRate, 0),
    };
  }

  // ---- 3. revocation reach on two gateways --------------------------------------------------------------------
  if (want('3')) {
    log(`figure 3: revocation reach on two gateways, ${MODE.revocations} suspensions`);
    const arrivals = new Map();
    const events = await p.regulator.network.getChaincodeEvents(topology.chaincodeName);
    void (async () => {
      try {
        for await (const e of events) arrivals.set(e.transactionId, Date.now());
      } catch {
        /* closed at the end */
      }
    })();
    const auth = async (g) => ({ authorization: `Bearer ${await token(g)}` });
    const reach = { [A.id]: [], [B.id]: [] };
    const commitLatency = [];
    const restoreReach = [];
    for (let i = 0; i < MODE.revocations; i++) {
      if (i % 25 === 0) for (const g of [A, B]) await token(g);
      const heads = { [A.id]: await auth(A), [B.id]: await auth(B) };
      let stop = false;
      const probe = async (g) => {
        const deadline = Date.now() + 20_000;
        while (!stop && Date.now() < deadline) {
          const res = await fetch(`${g.url}/v1/datasets/${DATASET}/records?limit=1`, {
            headers: heads[g.id],
          });
          const body = await res.json();
          if (body.code === 'GRANT_NOT_ACTIVE') return Date.now();
        }
        return NaN;
      };
      const probes = [probe(A), probe(B)];
      const t0 = Date.now();
      const committed = await net.submit(
        p.market,
        'grant',
        'SuspendGrant',
        grantId,
        'violation',
        net.secret({ note: '压测：暂停访问' }),
      );
      const submitDone = Date.now();
      const [ta, tb] = await Promise.all(probes);
      stop = true;
      await waitFor('the block event', async () => arrivals.has(committed.txId), 3000, 5).catch(
        () => undefined,
      );
      const tCommit = arrivals.get(committed.txId) ?? submitDone;
      reach[A.id].push(ta - tCommit);
      reach[B.id].push(tb - tCommit);
      commitLatency.push(tCommit - t0);
      await submitRetry(p.market, 'grant', 'RestoreGrant', grantId, net.secret({ note: '压测：恢复' }));
      const r0 = Date.now();
      for (const g of [A, B])
        await waitFor(
          `${g.id} serves again`,
          async () =>
            (await fetch(`${g.url}/v1/datasets/${DATASET}/records?limit=1`, { headers: heads[g.id] }))
              .status === 200,
          20_000,
          10,
        );
      restoreReach.push(Date.now() - r0);
    }
    events.close();
    const all = [...reach[A.id], ...reach[B.id]];
    figures.revocation = {
      what: `${MODE.revocations} suspensions of one grant (restored in between), two gateways polling it back to back`,
      reachMs: {
        gatewayA: summary(reach[A.id]),
        gatewayB: summary(reach[B.id]),
        both: summary(all),
      },
      baseline: {
        what: 'the suspension transaction itself: submission → its block reaches the bureau peer',
        ...summary(commitLatency),
      },
      ratioP50: round(percentile(all, 50) / percentile(commitLatency, 50), 3),
      restoreServedAgainMs: summary(restoreReach),
      batchTimeout: config.batchTimeout,
    };
  }

  // ---- 4. audit and anchoring; inclusion proofs ---------------------------------------------------------------
  if (want('4')) {
    log('figure 4: anchoring on vs off, audit append cost, inclusion proofs vs log size');
    /** Figure 1's load on gateway `g`, with the CPU its process spent per request (as figure 1 reads it). */
    const run = async (g) => {
      const headers = { authorization: `Bearer ${await token(g)}` };
      return withCpuUse(g.pid, () =>
        load({ url: `${g.url}${records}`, connections: CONNECTIONS, duration: MODE.loadSeconds, headers }),
      );
    };
    const head = async (g) =>
      ((await net.evaluate(p.regulator, 'audit', 'GetAnchorHead', g.id)) ?? {}).sequence ?? 0;
    // Anchoring on: gateway A as configured by default (every 100 records or 5 s). Anchoring off: gateway B
    // restarted with anchoring pushed out of the run (and the lag bound with it).
    await B.stop();
    B = await startGateway(ctxNet, {
      id: B.id,
      port: config.gatewayPort + 2,
      env: {
        ...gwEnv,
        RDX_ANCHOR_EVERY: '100000',
        RDX_ANCHOR_INTERVAL_MS: '3600000',
        RDX_ANCHOR_MAX_LAG_MS: '86400000',
      },
    });
    gateways[1] = B;
    await run(A);
    await run(B);
    // In paired rounds like figure 1: one run of each was as noisy as the difference (0.75 and 1.07 the same day).
    const anchors0 = await head(A);
    const anchoring = await throughputRatioInRounds({ on: () => run(A), off: () => run(B) }, 'on', 'off');
    await sleep(6000);
    const anchorsDuring = (await head(A)) - anchors0;
    const { on, off } = anchoring.median;
    // The same two gateways at figure 1's half load (its rate; half of this figure's maximum when figure 1 did not
    // run), an open loop in paired rounds: what the blocks of the anchors, committed by the ledger's nodes on the
    // same cores, add to the data call's tail (docs/PERFORMANCE.md, "The ledger's blocks and the tail").
    const tailRate =
      figures.dataCall?.baseline?.fixedRate ?? Math.max(10, Math.floor(on.requestsPerSecond * 0.5));
    const atTailRate = async (g) =>
      openLoad({
        url: `${g.url}${records}`,
        rate: tailRate,
        duration: MODE.loadSeconds,
        headers: { authorization: `Bearer ${await token(g)}` },
        sockets: FIXED_RATE_SOCKETS,
      });
    const tailRounds = await pairedRounds(ROUNDS, { on: () => atTailRate(A), off: () => atTailRate(B) });
    const tail = medianRound(tailRounds, (r) => r.on.latencyMs.p99 - r.off.latencyMs.p99);

    // Audit off: the gateway has no switch, so the append is measured alone, with the same concurrency as the
    // load, on the same disk: a real AuditLog (WAL, synchronous FULL, group commit), realistic records.
    // Its request ids are of the gateway's kind: random ones cost the log's writer three times the CPU a record.
    const { AuditLog, timeOrderedUuid } = await import('@rdx/gateway');
    const dir = fs.mkdtempSync(path.join(process.env.RDX_HOME, 'bench', 'append-'));
    const audit = AuditLog.open(path.join(dir, 'audit.db'));
    const appendLatency = [];
    let appended = 0;
    const cpu0 = process.cpuUsage();
    const a0 = Date.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (Date.now() - a0 < MODE.appendSeconds * 1000) {
          const t = process.hrtime.bigint();
          await audit.append({
            time: new Date().toISOString(),
            requestId: timeOrderedUuid(),
            gatewayId: 'bench',
            clientId: ent.creditCode,
            enterprise: ent.creditCode,
            method: 'GET',
            path: `/v1/datasets/${DATASET}/records`,
            datasetId: DATASET,
            grantId,
            decision: 'allow',
            reason: 'OK',
            items: ITEMS,
            rowCount: PAGE,
            responseHash: crypto.randomBytes(32).toString('hex'),
            status: 200,
          });
          appendLatency.push(Number(process.hrtime.bigint() - t) / 1e6);
          appended++;
        }
      }),
    );
    const seconds = (Date.now() - a0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const stats = audit.stats();
    audit.close();
    fs.rmSync(dir, { recursive: true, force: true });
    const appendCpuMs = (cpu.user + cpu.system) / 1000 / appended;
    // The gateway as configured (anchoring on), from this figure's own median round: it needs no other figure.
    const requestCpuMs = round(on.cpuMsPerRequest, 3);
    const appendLat = summary(appendLatency);

    // Inclusion proofs by log size: verification offline (client), generation as the gateway does it now (the
    // CompactMerkleTree it keeps beside its log, gateway/src/audit/log-tree.ts) and, for comparison, from
    // every leaf of the log (what it did before that tree).
    const proofs = [];
    for (const n of MODE.merkleSizes) {
      const leaves = Array.from({ length: n }, (_, i) => client.leafHash(`record ${i}`));
      let t = process.hrtime.bigint();
      const tree = new client.CompactMerkleTree();
      for (const leaf of leaves) tree.append(leaf);
      const appendUs = Number(process.hrtime.bigint() - t) / 1000 / n;
      const root = tree.root(n);
      const idx = Array.from({ length: 5 }, () => crypto.randomInt(n));
      t = process.hrtime.bigint();
      const made = idx.map((k) => tree.inclusionProof(k, n));
      const treeProveMs = Number(process.hrtime.bigint() - t) / 1e6 / idx.length;
      t = process.hrtime.bigint();
      const whole = client.inclusionProof(leaves, idx[0]);
      const wholeLogProveMs = Number(process.hrtime.bigint() - t) / 1e6;
      if (JSON.stringify(whole) !== JSON.stringify(made[0]) || client.merkleRoot(leaves) !== root)
        throw new Error('the compact tree disagrees with the whole-log computation');
      const reps = 2000;
      t = process.hrtime.bigint();
      let ok = 0;
      for (let r = 0; r < reps; r++) {
        const k = r % idx.length;
        if (client.verifyInclusion(leaves[idx[k]], idx[k], n, made[k], root)) ok++;
      }
      const verifyUs = Number(process.hrtime.bigint() - t) / 1000 / reps;
      if (ok !== reps) throw new Error('an inclusion proof did not verify');
      proofs.push({
        logSize: n,
        proofHashes: made[0].length,
        proofBytes: Buffer.byteLength(JSON.stringify(made[0])),
        verifyMicroseconds: round(verifyUs, 2),
        treeProveMs: round(treeProveMs, 3),
        treeAppendMicroseconds: round(appendUs, 2),
        wholeLogProveMs: round(wholeLogProveMs, 2),
      });
    }
    figures.audit = {
      anchoring: {
        on: {
          rps: round(on.requestsPerSecond, 0),
          p99Ms: on.latencyMs.p99,
          statusCodes: on.statusCodes,
          anchorsDuringRounds: anchorsDuring,
        },
        off: { rps: round(off.requestsPerSecond, 0), p99Ms: off.latencyMs.p99, statusCodes: off.statusCodes },
        rounds: ROUNDS,
        ratioOnToOff: round(anchoring.value, 3),
        ratioOnToOffRange: [round(anchoring.min, 3), round(anchoring.max, 3)],
        halfLoad: {
          what: "the data call at figure 1's half-load rate, an open loop, on each gateway in paired rounds",
          rate: tailRate,
          on: { latencyMs: tail.median.on.latencyMs, statusCodes: tail.median.on.statusCodes },
          off: { latencyMs: tail.median.off.latencyMs, statusCodes: tail.median.off.statusCodes },
          addedP99Ms: round(tail.value, 2),
          addedP99MsRange: [round(tail.min, 2), round(tail.max, 2)],
        },
      },
      append: {
        how: `AuditLog.append alone (WAL, synchronous=FULL, the gateway's group commit: no window, the appends made during a commit form the next; time-ordered request ids) with ${CONNECTIONS} appends in flight for ${MODE.appendSeconds} s on the same disk; the gateway has no switch to turn the audit off`,
        appendsPerSecond: round(appended / seconds, 0),
        latencyMs: { p50: round(appendLat.p50, 2), p99: round(appendLat.p99, 2) },
        fsyncBatches: stats.commits,
        largestBatch: stats.largestBatch,
        cpuMsPerAppend: round(appendCpuMs, 4),
        gatewayCpuMsPerRequest: requestCpuMs,
        cpuShareOfRequest: round(appendCpuMs / requestCpuMs, 3),
        estimatedRpsWithoutAudit: round(
          on.requestsPerSecond * (requestCpuMs / Math.max(requestCpuMs - appendCpuMs, 1e-9)),
          0,
        ),
      },
      proofs,
      proofRatio: {
        what: `verification time at ${MODE.merkleSizes.at(-1)} records vs at ${MODE.merkleSizes[0]}`,
        ratio: round(proofs.at(-1).verifyMicroseconds / proofs[0].verifyMicroseconds, 2),
      },
    };
  }

  // ---- 5. ledger: grant-issuing transactions vs a trivial put-state -------------------------------------------
  if (want('5')) {
    const N = MODE.ledgerTxs;
    const C = 8;
    log(
      `figure 5: ${N} grant-issuing transactions vs ${N} system:RecordProbe, ${C} in flight (set-up first)`,
    );
    const pool = (items, fn) => lib.inPool(items, C, fn);
    const ready = await pool(
      Array.from({ length: N }, (_, k) => `bench-${stamp}-l${k}`),
      (appId) => readyAgreement(ent, appId, 1000),
    );
    const timed = async (items, fn) => {
      const latency = [];
      const t0 = Date.now();
      await pool(items, async (item, k) => {
        const t = process.hrtime.bigint();
        await fn(item, k);
        latency.push(Number(process.hrtime.bigint() - t) / 1e6);
      });
      return { tps: items.length / ((Date.now() - t0) / 1000), latency: summary(latency) };
    };
    const signedRequests = ready.map((d) =>
      ent.signer.sign('SignAgreement', { agreementId: d.id, termsHash: d.termsHash }),
    );
    const grant = await timed(signedRequests, async (s) => {
      const r = await net.submit(
        p.gateway,
        'agreement',
        'SignAgreementAsEnterprise',
        net.secret({ request: s.request, signature: s.signature }),
      );
      if (r.result.state !== 'IN_FORCE') throw new Error(`agreement not in force: ${r.result.state}`);
    });
    const probe = await timed(
      Array.from({ length: N }, (_, k) => `bench-${stamp}-p${k}`),
      (id) => net.submit(p.prober, 'system', 'RecordProbe', id, '压测'),
    );
    let blockCutting = {
      batchTimeout: config.batchTimeout,
      maxMessageCount: 100,
      absoluteMaxBytes: '10 MB',
      preferredMaxBytes: '2 MB',
      source: 'network/src/configtx.ts defaults',
    };
    try {
      const cfg = JSON.parse(fs.readFileSync(path.join(config.home, 'channel', 'configtx.yaml'), 'utf8'));
      const orderer = cfg.Profiles ? Object.values(cfg.Profiles)[0].Orderer : cfg.Orderer;
      blockCutting = {
        batchTimeout: orderer.BatchTimeout,
        maxMessageCount: orderer.BatchSize.MaxMessageCount,
        absoluteMaxBytes: orderer.BatchSize.AbsoluteMaxBytes,
        preferredMaxBytes: orderer.BatchSize.PreferredMaxBytes,
        raft: orderer.EtcdRaft?.Options,
        source: `${config.home}/channel/configtx.yaml`,
      };
    } catch {
      /* keep the defaults named above */
    }
    figures.ledger = {
      what: `${N} transactions of each kind, ${C} in flight, endorsed by a majority (grant keys: owner + bureau), Raft with 3 orderers`,
      grantIssuing: {
        fn: 'agreement:SignAgreementAsEnterprise (verifies the ES256 signature, issues one grant with its key-level policy and indexes)',
        tps: round(grant.tps, 2),
        commitLatencyMs: { p50: round(grant.latency.p50, 0), p99: round(grant.latency.p99, 0) },
      },
      putState: {
        fn: 'system:RecordProbe',
        tps: round(probe.tps, 2),
        commitLatencyMs: { p50: round(probe.latency.p50, 0), p99: round(probe.latency.p99, 0) },
      },
      ratio: round(grant.tps / probe.tps, 3),
      blockCutting,
    };
  }

  // ---- 5b. the same ledger figure, driven by Hyperledger Caliper ----------------------------------------------
  if (CALIPER && want('5b')) {
    const N = MODE.ledgerTxs;
    log(`figure 5b: preparing ${N} agreements for Caliper to bring into force`);
    const ready = [];
    const ids = Array.from({ length: N }, (_, k) => `bench-${stamp}-c${k}`);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let id = ids.shift(); id !== undefined; id = ids.shift())
          ready.push(await readyAgreement(ent, id, 1000));
      }),
    );
    const { runCaliper } = await import('./caliper.mjs');
    figures.caliper = await runCaliper({
      cacheDir: config.cacheDir,
      workspace: path.join(config.home, 'bench', `caliper-${stamp}`),
      topology,
      paths,
      net,
      work: {
        signed: ready.map((d) => {
          const s = ent.signer.sign('SignAgreement', { agreementId: d.id, termsHash: d.termsHash });
          return { request: s.request, signature: s.signature };
        }),
        probes: Array.from({ length: N }, (_, k) => `bench-${stamp}-cp${k}`),
        grantId,
        // The grant's key-level policy: the owning body and the bureau (what the peer's gateway picks for us).
        grantEndorsers: ['BureauMSP', 'MarketMSP'],
      },
      readSeconds: MODE.loadSeconds,
      inFlight: 8,
    });
  }

  // ---- 6. platform start with binaries cached -----------------------------------------------------------------
  if (want('6')) {
    log(
      `figure 6: stop, then start --detach to ready (binaries cached)${RESTARTS > 1 ? `, ${RESTARTS} times` : ''}`,
    );
    for (const g of gateways) await g.stop();
    gateways.length = 0;
    p.close();
    const ensure = Date.now();
    const { spawnSync, spawn } = await import('node:child_process');
    spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'ensure-install.mjs')], {
      stdio: 'ignore',
      cwd: repoRoot,
    });
    const ensureMs = Date.now() - ensure;
    const fabricNodes = [...net.nodesOf(topology, 'orderer'), ...net.nodesOf(topology, 'peer')];
    /** One stop, then `start --detach` until ready, timed, with the start's own steps. */
    const restart = async () => {
      const stop = networkCli(['stop']);
      const t0 = Date.now();
      const child = spawn(
        process.execPath,
        [path.join(repoRoot, 'network', 'dist', 'cli', 'main.js'), 'start', '--detach'],
        { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
      let fabricReadyMs = NaN;
      void (async () => {
        while (child.exitCode === null) {
          const ok = await Promise.all(fabricNodes.map((n) => net.nodeHealthy(paths, topology, n, 500)));
          if (ok.every(Boolean)) {
            fabricReadyMs = Date.now() - t0;
            return;
          }
          await sleep(50);
        }
      })();
      const code = await exited;
      const startToReadyMs = Date.now() - t0;
      if (code !== 0) throw new Error(`start --detach exited ${code}:\n${output}`);
      const steps = startSteps(output).map(({ what, ms }) => ({ what, ms }));
      const slowest = steps.reduce((a, b) => (b.ms > a.ms ? b : a), { what: '', ms: -1 });
      log(`  restart: ready in ${startToReadyMs} ms, longest step ${slowest.what} (${slowest.ms} ms)`);
      return { stopMs: stop.ms, startToReadyMs, fabricReadyMs, steps, ...startWaits(output) };
    };
    const runs = [];
    for (let i = 0; i < RESTARTS; i++) runs.push(await restart());
    const { median, ...spread } = restartSpread(runs);
    figures.start = {
      what: 'network CLI `start --detach` (what `npm start -- --detach` runs after its prestart) until the gateway is ready, binaries cached, ledgers kept',
      stopMs: median.stopMs,
      startToReadyMs: median.startToReadyMs,
      baseline: {
        what: 'from the same start until every orderer and peer answers /healthz',
        ms: median.fabricReadyMs,
      },
      ratio: round(median.startToReadyMs / median.fabricReadyMs, 2),
      prestartEnsureInstallMs: ensureMs,
      // Of several restarts (--restarts=N) the figure above is the median one's (of an even count the slower
      // middle one); every restart is kept, with the steps the start printed.
      spread,
      runs,
    };
  }
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  for (const g of gateways) await g.stop().catch(() => undefined);
  try {
    p.close();
  } catch {
    /* closed already */
  }
  if (startedNetwork && !KEEP) {
    log('stopping the bench network it started');
    networkCli(['stop']);
  }
  killChildren();
}

results.finishedAt = new Date().toISOString();
const outDir = path.join(repoRoot, 'bench', 'results');
fs.mkdirSync(outDir, { recursive: true });
// A partial run (--only) never overwrites a whole one.
const only = ONLY ? `-only-${ONLY.join('-')}` : '';
const restarts = RESTARTS > 1 ? `-restarts-${RESTARTS}` : '';
const name = `${results.startedAt.slice(0, 10)}${QUICK ? '-quick' : ''}${only}${restarts}`;
// A second run of the day takes the next free name: the first's file may be the one a figure in the docs names.
let file = path.join(outDir, `${name}.json`);
for (let n = 2; fs.existsSync(file); n++) file = path.join(outDir, `${name}-${n}.json`);
let text = `${JSON.stringify(results, null, 2)}\n`;
try {
  // Formatted as the repository's `prettier --check .` expects.
  const prettier = await import('prettier');
  text = await prettier.format(text, { ...(await prettier.resolveConfig(file)), parser: 'json' });
} catch {
  /* plain JSON then */
}
fs.writeFileSync(file, text);
console.log(`\n${resultTable(results)}`);
console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
process.exit(exitCode);
