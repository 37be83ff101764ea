// Plain JavaScript, so exported functions carry no type annotations.
/* eslint-disable @typescript-eslint/explicit-module-boundary-types */
/**
 * The table `npm run bench` prints at the end of a run, made from its result (the object written to
 * bench/results/<date>.json): one row per figure the run measured, older files' missing readings left out or
 * "n/a". `npm run bench -- --print=<file>` prints it again for any result file.
 */
import { round } from './lib.mjs';

/** The table row of one gateway histogram read around figure 1's rounds, if the run has it. */
function timesRow(name, times, measured, count, metric) {
  return times ? [[name, measured(times), '', count(times), metric]] : [];
}

export function resultTable(r) {
  const f = r?.figures;
  if (r?.kind !== undefined || typeof f !== 'object' || f === null)
    throw new TypeError(
      r?.kind === undefined
        ? 'not a result of the bench (it has no "figures")'
        : `a --${r.kind} result: its table is printed by the run that made it`,
    );
  const rows = [];
  // A value a run could not measure is absent, or null (JSON has no NaN).
  const fmt = (x, unit = '') => (x === undefined || x === null || Number.isNaN(x) ? 'n/a' : `${x}${unit}`);
  /** A difference with its sign, e.g. "+9.36 ms" or "-0.4 ms". */
  const signed = (x, unit = '') => (typeof x === 'number' && x >= 0 ? `+${fmt(x, unit)}` : fmt(x, unit));
  /** A bound read off one of the gateway's histograms (null: above its largest, 1 s). */
  const within = (ms) => fmt(ms ?? '> 1000', ' ms');
  /** A histogram's mean and its 99th percentile's bound. */
  const meanAnd99 = (t) => `mean ${fmt(t.meanMs, ' ms')}, 99 % ≤ ${within(t.p99WithinMs)}`;
  /** The smallest and largest value of a figure's rounds, e.g. " (0.61–0.69)". */
  const spread = (range) => (range ? ` (${range[0]}–${range[1]})` : '');
  /** A share as a percentage, e.g. "97 %"; "n/a" for a share not read (null). */
  const percent = (share, digits = 0) =>
    typeof share === 'number' ? fmt(round(share * 100, digits), ' %') : 'n/a';
  /** The connections a maximum was reached with, e.g. " (48 conns)"; runs before 2026-12-04 used 16 and said nothing. */
  const connectionsOf = (n) => (n === undefined ? '' : ` (${n} conns)`);
  /** The rows of a data-call figure: throughput, and p99 at the same offered load (open loop, then bursts). */
  const dataCallRows = (label, d) => [
    [
      `${label}: max throughput`,
      `${d.gateway.maxRps} req/s${connectionsOf(d.gateway.maxConnections)}`,
      `${d.baseline.maxRps} req/s bare Express${connectionsOf(d.baseline.maxConnections)}`,
      `${fmt(d.throughputRatio)}${spread(d.throughputRatioRange)}`,
      `≥ 0.70; median of ${d.rounds ?? 1}`,
    ],
    // Older result files did not read it.
    ...(d.gateway.atMax
      ? [
          [
            `${label}: busy at max, loop / machine`,
            `${percent(d.gateway.atMax.mainThreadBusy)} / ${percent(d.gateway.atMax.machineBusy)} (steal ${percent(d.gateway.atMax.machineSteal, 1)})`,
            `${percent(d.baseline.atMax.mainThreadBusy)} / ${percent(d.baseline.atMax.machineBusy)} bare Express`,
            '',
            'main thread ≈ 100 %: its event loop is the limit',
          ],
        ]
      : []),
    // Read since 2026-12-04 09:50 UTC.
    ...(d.gateway.atMax?.mainThreadWaiting !== undefined
      ? [
          [
            `${label}: loop waiting for a CPU at max`,
            percent(d.gateway.atMax.mainThreadWaiting, 1),
            `${percent(d.baseline.atMax.mainThreadWaiting, 1)} bare Express`,
            '',
            'ready to run, no core free: the two cores shared',
          ],
        ]
      : []),
    [
      `${label}: p99 at same load`,
      `${fmt(d.gateway.fixedLatencyMs.p99, ' ms')} @ ${d.baseline.fixedRate}/s`,
      fmt(d.baseline.fixedLatencyMs.p99, ' ms'),
      `${signed(d.addedP99Ms, ' ms')}${spread(d.addedP99MsRange)}`,
      `≤ +2 ms; median of ${d.rounds ?? 1}`,
    ],
    ...(d.baseline.halfOwnMaxLatencyMs
      ? [
          [
            `${label}: p99, each at half its own max`,
            `${fmt(d.gateway.fixedLatencyMs.p99, ' ms')} @ ${d.baseline.fixedRate}/s`,
            `${fmt(d.baseline.halfOwnMaxLatencyMs.p99, ' ms')} @ ${d.baseline.halfOwnMaxRate}/s`,
            signed(round(d.gateway.fixedLatencyMs.p99 - d.baseline.halfOwnMaxLatencyMs.p99, 2), ' ms'),
            'equally busy: the rest',
          ],
        ]
      : []),
    ...timesRow(
      `${label}: its audit commits then`,
      d.gateway.fixedCommitTimes,
      meanAnd99,
      (t) => `${t.commits} commits`,
      '/metrics rdx_audit_commit_seconds',
    ),
    ...timesRow(
      `${label}: its calls' wait for their record`,
      d.gateway.fixedRecordWaits,
      meanAnd99,
      (t) => `${t.records} records`,
      '/metrics rdx_audit_wait_seconds',
    ),
    ...timesRow(
      `${label}: its event loop's lag`,
      d.gateway.fixedLoopLag,
      (t) => `99 % ≤ ${within(t.p99WithinMs)}, max ≤ ${within(t.maxWithinMs)}`,
      () =>
        `rounds: ${d.everyRound.fixedP99Ms.map((x) => x.gatewayLoopLagMaxWithinMs ?? '> 1000').join(' / ')} ms`,
      '/metrics rdx_event_loop_lag_seconds',
    ),
    // Older result files did not count them.
    ...(d.gateway.fixedErrors === undefined
      ? []
      : [
          [
            `${label}: its calls failed at that load`,
            `${d.gateway.fixedErrors} (${d.gateway.fixedRefusedConnections} connections refused)`,
            '',
            '',
            'median round; a refused connection is held 1 s, then reset',
          ],
        ]),
    ...(d.durableBaseline
      ? [
          [
            `${label}: bare + durable record, max`,
            `${d.durableBaseline.maxRps} req/s${connectionsOf(d.durableBaseline.maxConnections)}`,
            // Results before the durable baseline had rounds of its own compared it with the figure's bare maximum.
            `${d.durableBaseline.baselineMaxRps ?? d.baseline.maxRps} req/s bare Express${connectionsOf(d.durableBaseline.baselineMaxConnections)}`,
            `${fmt(d.durableBaseline.throughputRatio)}${spread(d.durableBaseline.throughputRatioRange)}`,
            'what the durable record costs',
          ],
          [
            `${label}: bare + durable record, p99`,
            `${fmt(d.durableBaseline.fixedLatencyMs.p99, ' ms')} @ ${d.baseline.fixedRate}/s`,
            fmt(d.durableBaseline.baselineFixedLatencyMs.p99, ' ms'),
            `${signed(d.durableBaseline.addedP99Ms, ' ms')}${spread(d.durableBaseline.addedP99MsRange)}`,
            `of the gateway's ${signed(d.addedP99Ms, ' ms')}`,
          ],
        ]
      : []),
    ...(d.compressed
      ? [
          [
            `${label}: both asked for gzip, max`,
            `${d.compressed.maxRps} req/s${connectionsOf(d.compressed.maxConnections)}`,
            `${d.compressed.baselineMaxRps} req/s bare Express${connectionsOf(d.compressed.baselineMaxConnections)}`,
            `${fmt(d.compressed.throughputRatio)}${spread(d.compressed.throughputRatioRange)}`,
            `as the SDK asks; CPU ${d.compressed.cpuMsPerRequest} / ${d.compressed.baselineCpuMsPerRequest} ms a call`,
          ],
        ]
      : []),
    [
      `${label}: p99 in autocannon's bursts`,
      fmt(d.gateway.burstLatencyMs?.p99, ' ms'),
      fmt(d.baseline.burstLatencyMs?.p99, ' ms'),
      signed(d.burstAddedP99Ms, ' ms'),
      'earlier runs',
    ],
  ];
  if (f.dataCall) rows.push(...dataCallRows('1 data call', f.dataCall));
  if (f.dataCallOwnCore?.gateway)
    rows.push(...dataCallRows('1c the same, server on its own CPU', f.dataCallOwnCore));
  if (f.dataCallPostgres?.gateway)
    rows.push(...dataCallRows('1p data call on PostgreSQL', f.dataCallPostgres));
  if (f.dataCallUnderTokenFlood)
    rows.push([
      '1b data call p99, token endpoint flooded',
      fmt(f.dataCallUnderTokenFlood.floodedP99Ms, ' ms'),
      `${fmt(f.dataCallUnderTokenFlood.idleP99Ms, ' ms')} idle`,
      `${fmt(f.dataCallUnderTokenFlood.p99Ratio)}×`,
      '',
    ]);
  if (f.decision)
    rows.push([
      '2 decision vs ledger read',
      `${f.decision.decideMicroseconds} µs`,
      `${f.decision.ledger.p50Ms} ms GetGrant p50`,
      `${f.decision.latencyRatio}× faster`,
      '',
    ]);
  if (f.revocation)
    rows.push([
      '3 revocation reach p50/p99',
      `${fmt(f.revocation.reachMs.both.p50, ' ms')} / ${fmt(f.revocation.reachMs.both.p99, ' ms')}`,
      `${fmt(f.revocation.baseline.p50, ' ms')} submit→commit p50`,
      fmt(f.revocation.ratioP50),
      `n=${f.revocation.reachMs.both.n}, 2 gateways`,
    ]);
  if (f.audit) {
    rows.push([
      '4 anchoring on vs off',
      `${f.audit.anchoring.on.rps} req/s`,
      `${f.audit.anchoring.off.rps} req/s off`,
      `${fmt(f.audit.anchoring.ratioOnToOff)}${spread(f.audit.anchoring.ratioOnToOffRange)}`,
      f.audit.anchoring.rounds ? `median of ${f.audit.anchoring.rounds}` : '',
    ]);
    // Runs before 2026-12-08 did not measure it.
    const half = f.audit.anchoring.halfLoad;
    if (half)
      rows.push([
        '4 anchoring on vs off: p99 at half load',
        `${fmt(half.on.latencyMs.p99, ' ms')} @ ${half.rate}/s (p90 ${fmt(half.on.latencyMs.p90, ' ms')})`,
        `${fmt(half.off.latencyMs.p99, ' ms')} off (p90 ${fmt(half.off.latencyMs.p90, ' ms')})`,
        `${signed(half.addedP99Ms, ' ms')}${spread(half.addedP99MsRange)}`,
        `the ledger's blocks on the same cores; median of ${f.audit.anchoring.rounds}`,
      ]);
    rows.push([
      '4 audit append (CPU share)',
      `${f.audit.append.cpuMsPerAppend} ms CPU`,
      `${f.audit.append.gatewayCpuMsPerRequest} ms CPU/request`,
      fmt(f.audit.append.cpuShareOfRequest),
      `p50 ${f.audit.append.latencyMs.p50} ms`,
    ]);
    const last = f.audit.proofs.at(-1);
    const first = f.audit.proofs[0];
    rows.push([
      '4 proof verify (log size)',
      `${last.verifyMicroseconds} µs @ ${last.logSize}`,
      `${first.verifyMicroseconds} µs @ ${first.logSize}`,
      fmt(f.audit.proofRatio.ratio),
      `${last.proofHashes} hashes, ${last.proofBytes} B`,
    ]);
    rows.push([
      '4 proof generation (log size)',
      `${last.treeProveMs} ms @ ${last.logSize} (gateway tree)`,
      `${last.wholeLogProveMs} ms from every leaf`,
      fmt(round(last.wholeLogProveMs / last.treeProveMs, 0)),
      `append ${last.treeAppendMicroseconds} µs/record`,
    ]);
  }
  if (f.ledger)
    rows.push([
      '5 ledger tx/s',
      `${f.ledger.grantIssuing.tps} grant tx/s (p50 ${f.ledger.grantIssuing.commitLatencyMs.p50} / p99 ${f.ledger.grantIssuing.commitLatencyMs.p99} ms)`,
      `${f.ledger.putState.tps} probe tx/s (p50 ${f.ledger.putState.commitLatencyMs.p50} / p99 ${f.ledger.putState.commitLatencyMs.p99} ms)`,
      fmt(f.ledger.ratio),
      `BatchTimeout ${f.ledger.blockCutting.batchTimeout}, ${f.ledger.blockCutting.maxMessageCount} tx/block`,
    ]);
  if (f.caliper)
    rows.push(
      [
        '5b Caliper: ledger tx/s',
        `${f.caliper.grant.tps} grant tx/s (avg ${f.caliper.grant.latencySeconds.avg} s)`,
        `${f.caliper.probe.tps} probe tx/s (avg ${f.caliper.probe.latencySeconds.avg} s)`,
        fmt(f.caliper.ratio),
        `failed ${f.caliper.grant.failed} + ${f.caliper.probe.failed}`,
      ],
      [
        '5b Caliper: GetGrant reads',
        `${f.caliper.read.tps} reads/s (avg ${f.caliper.read.latencySeconds.avg} s)`,
        '',
        '',
        `failed ${f.caliper.read.failed}`,
      ],
    );
  if (f.start)
    rows.push([
      '6 start --detach to ready',
      `${f.start.startToReadyMs} ms`,
      `${f.start.baseline.ms} ms Fabric nodes healthy`,
      fmt(f.start.ratio),
      f.start.spread?.restarts > 1
        ? `median of ${f.start.spread.restarts} restarts (${f.start.spread.minMs}–${f.start.spread.maxMs} ms), ${f.start.spread.overTarget} over ${f.start.spread.targetMs / 1000} s; stop ${f.start.stopMs} ms`
        : `stop ${f.start.stopMs} ms`,
    ]);
  const head = ['figure', 'measured', 'baseline', 'ratio', 'target / note'];
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((row) => String(row[k]).length)));
  const line = (cells) => `| ${cells.map((c, k) => String(c).padEnd(widths[k])).join(' | ')} |`;
  return [
    `RDX bench (${r.mode}) — ${r.machine.cpuModel}, ${r.machine.cores} cores, Node ${r.machine.node}, ${r.startedAt}`,
    line(head),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}
