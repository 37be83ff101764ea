/**
 * `npm run bench -- --scale`: how costs grow from a small to a city-sized platform, each figure a ratio between
 * a small and a large size measured in the same run (docs/PERFORMANCE.md). No network: the gateway's own
 * store and decision view, as compiled in dist/.
 *
 *  S1  a page of records at 10³ vs 10⁶ rows: the first page, a page deep into the dataset (by cursor), a page
 *      filtered on a common value, pages filtered on a value and on a prefix a single row has, and on a range whose
 *      matches sit together at the end — what an enterprise's call costs as datasets grow (goal: ratio ≤ 1.5); and
 *      a computed result, which reads every row, and one filtered on that range, which reads its matches, each with
 *      the longest the event loop waited meanwhile; a sum per district over every row, the first time and asked
 *      again (kept, as the gateway's store keeps it);
 *      The first and bunched pages again on PostgreSQL, with every page of a prefix whose matches sit in bunches.
 *  S2  the decision view at demo scale vs 10⁵ grants and 10⁴ enterprises: building it, memory per grant, and
 *      the decision time (goal: unchanged); saving the view and loading it back, what a restart does instead of
 *      reading every grant from the ledger.
 *  S3  an audit log of 10³ vs 10⁷ records (`--audit-records=N` for another large size): what a gateway restart
 *      does with it (goal: ≤ 5 s), a receipt's inclusion proof and a consistency proof, the first start that
 *      builds the tree from every record, and the background check of every record.
 *
 * Writes bench/results/<date>-scale.json and prints a table.
 */
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';
import v8 from 'node:v8';
import vm from 'node:vm';
import { log, machine, repoRoot, sleep, summary, syntheticView } from './lib.mjs';

const {
  AuditLog,
  AuditTree,
  DatasetStore,
  LedgerView,
  INSERT_RECORD_SQL,
  chainRecords,
  checkWholeLog,
  decide,
  readViewSnapshot,
  recordValues,
  writeViewSnapshot,
} = await import('@rdx/gateway');
const { DatabaseSync } = await import('node:sqlite');
const { chinaToday } = await import('@rdx/network');

// A collection before each heap reading, so memory per grant is what the view holds, not garbage.
v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc');
/**
 * Collects garbage until the buffers it frees are gone from `process.memoryUsage().arrayBuffers`: V8 releases an
 * ArrayBuffer's memory after the collection that found it dead, so one collection right before a reading can leave
 * the buffers of earlier work counted (S3's tree then measured negative).
 */
async function settledHeap() {
  for (let i = 0, last = -1; i < 10; i++) {
    gc();
    await sleep(50);
    const now = process.memoryUsage().arrayBuffers;
    if (now === last) return;
    last = now;
  }
}

const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const results = { kind: 'scale', startedAt: new Date().toISOString(), machine: machine(), figures: {} };

/**
 * S1 on PostgreSQL (a throwaway server): the first page, the bunched range, and every page of a name prefix whose
 * matches sit in bunches far apart (`丽水企业9`: rows 9, 90–99, 900–999, … — six bunches at 10⁶ rows), the longest
 * of them what a page crossing the rows between two bunches costs.
 */
async function postgresPages({ ITEMS, csv, fields, LIMIT, lastTenth }) {
  const { findPostgresBin, startPostgres, PgDatasetStore } = await import('@rdx/gateway');
  const found = findPostgresBin();
  if (!found.bin) {
    log(`S1 on PostgreSQL skipped: ${found.missing}`);
    return { skipped: found.missing };
  }
  const server = await startPostgres(found.bin);
  try {
    const store = await PgDatasetStore.open(server.url, { namespace: 'scale' });
    const REPEAT_PG = 100;
    const timeOf = async (q) => {
      for (let i = 0; i < 10; i++) await store.query(q.datasetId, q);
      const times = [];
      for (let i = 0; i < REPEAT_PG; i++) {
        const t0 = process.hrtime.bigint();
        await store.query(q.datasetId, q);
        times.push(ms(t0));
      }
      return summary(times);
    };
    /** Every page of `filters`, 500 rows each: their count, mean and longest, from a second walk (caches warm). */
    const walk = async (datasetId, filters) => {
      let last;
      for (let pass = 0; pass < 2; pass++) {
        const times = [];
        let cursor;
        do {
          const t0 = process.hrtime.bigint();
          const page = await store.query(datasetId, { fields: ['uscc'], filters, limit: 500, cursor });
          times.push(ms(t0));
          cursor = page.nextCursor;
        } while (cursor);
        last = {
          pages: times.length,
          meanMs: round(times.reduce((a, b) => a + b, 0) / times.length, 3),
          longestMs: round(Math.max(...times), 2),
        };
      }
      return last;
    };
    const sizes = {};
    for (const rows of [1e3, 1e6]) {
      const id = `scale-pg-${rows}`;
      log(`S1 on PostgreSQL: loading ${rows} rows`);
      const t0 = process.hrtime.bigint();
      await store.loadVersion(id, 'v1', ITEMS, 'csv', csv(rows));
      const loadMs = ms(t0);
      const prefix = [{ item: 'entity_name', op: 'prefix', value: '丽水企业9' }];
      sizes[rows] = {
        loadSeconds: round(loadMs / 1000, 1),
        first: await timeOf({ datasetId: id, fields, filters: [], limit: LIMIT }),
        bunched: await timeOf({ datasetId: id, fields, filters: lastTenth(rows), limit: LIMIT }),
        acrossBunches: await walk(id, prefix),
      };
    }
    await store.close();
    const ratio = (k) => round(sizes[1e6][k].p50 / sizes[1e3][k].p50);
    return {
      what: `S1's first and bunched pages on PostgreSQL (p50 of ${REPEAT_PG}), and every page of 500 of a name prefix in bunches`,
      small: sizes[1e3],
      large: sizes[1e6],
      ratio: {
        first: ratio('first'),
        bunched: ratio('bunched'),
        acrossBunchesLongest: round(sizes[1e6].acrossBunches.longestMs / sizes[1e3].acrossBunches.longestMs),
      },
    };
  } finally {
    await server.stop();
  }
}

// ---- S1. a page of records at 10³ vs 10⁶ rows ---------------------------------------------------------------
{
  const ITEMS = [
    { name: 'uscc', label: '统一社会信用代码', type: 'string' },
    { name: 'entity_name', label: '名称', type: 'string' },
    { name: 'district', label: '区县', type: 'string' },
    { name: 'reg_capital', label: '注册资本', type: 'integer' },
    { name: 'legal_rep_phone', label: '联系电话', type: 'string', personal: true },
  ];
  const DISTRICTS = [
    '莲都区',
    '青田县',
    '缙云县',
    '遂昌县',
    '松阳县',
    '云和县',
    '庆元县',
    '景宁县',
    '龙泉市',
  ];
  /** Row i's credit code: they ascend with the rows. */
  const uscc = (i) => `9133110${String(i).padStart(11, '0')}`;
  /** The enterprises registered last: the last 10 % of `rows` rows by credit code, matches that sit together. */
  const lastTenth = (rows) => [{ item: 'uscc', op: 'gt', value: uscc(rows * 0.9 - 1) }];
  const csv = (rows) => {
    const lines = ['uscc,entity_name,district,reg_capital,legal_rep_phone'];
    for (let i = 0; i < rows; i++)
      lines.push(
        `${uscc(i)},丽水企业${i},${DISTRICTS[i % DISTRICTS.length]},${i % 5000},1380${String(i).padStart(7, '0')}`,
      );
    return Buffer.from(`${lines.join('\n')}\n`);
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-scale-'));
  const file = path.join(dir, 'datasets.db');
  // Keeping no computed result: the figures below time the reading of the rows on every call.
  const store = DatasetStore.open(file, { keptResultGroups: 0 });
  const fields = ['uscc', 'entity_name', 'district', 'legal_rep_phone'];
  const LIMIT = 100;
  const REPEAT = 300;
  const timeOf = (q) => {
    for (let i = 0; i < 20; i++) store.query(q.datasetId, q); // warm: statements, pages in the cache
    const times = [];
    for (let i = 0; i < REPEAT; i++) {
      const t0 = process.hrtime.bigint();
      store.query(q.datasetId, q);
      times.push(ms(t0));
    }
    return summary(times);
  };
  /**
   * Computed result `q` from store `from`, awaited `REPEAT_COMPUTED` times: its time, and the longest the event
   * loop went without a turn meanwhile (a chain of setImmediate): on a thread of the store's own it stays free.
   */
  const REPEAT_COMPUTED = 15;
  const computedOf = async (datasetId, q, from = store) => {
    await from.aggregate(datasetId, q); // warm: the thread started, pages in the cache (and the result kept)
    const times = [];
    let longestGap = 0;
    for (let i = 0; i < REPEAT_COMPUTED; i++) {
      let last = performance.now();
      let ticking = true;
      const tick = () => {
        const now = performance.now();
        longestGap = Math.max(longestGap, now - last);
        last = now;
        if (ticking) setImmediate(tick);
      };
      setImmediate(tick);
      const t0 = process.hrtime.bigint();
      await from.aggregate(datasetId, q);
      times.push(ms(t0));
      ticking = false;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { ...summary(times), loopLongestGapMs: round(longestGap, 2) };
  };
  // Capital summed per district over every row: SQLite reads (and sorts) them all.
  const sumPerDistrict = {
    groupBy: ['district'],
    measures: [{ op: 'sum', item: 'reg_capital' }],
    filters: [],
    minGroupSize: 1,
  };
  const sizes = {};
  for (const rows of [1e3, 1e6]) {
    const id = `scale-${rows}`;
    log(`S1: loading ${rows} rows`);
    const t0 = process.hrtime.bigint();
    store.loadVersion(id, 'v1', ITEMS, 'csv', csv(rows));
    const loadMs = ms(t0);
    // A cursor 90 % of the way in: paged there with the largest pages, as a client walking the dataset would.
    let cursor;
    let seen = 0;
    while (seen < rows * 0.9) {
      const page = store.query(id, { fields: ['uscc'], filters: [], limit: 500, cursor });
      seen += page.rows.length;
      cursor = page.nextCursor;
    }
    sizes[rows] = {
      loadSeconds: round(loadMs / 1000, 1),
      first: timeOf({ datasetId: id, fields, filters: [], limit: LIMIT }),
      deep: timeOf({ datasetId: id, fields, filters: [], limit: LIMIT, cursor }),
      filtered: timeOf({
        datasetId: id,
        fields,
        filters: [{ item: 'district', op: 'eq', value: '云和县' }],
        limit: LIMIT,
      }),
      // One enterprise looked up by its credit code, the last row's: one match in the whole dataset.
      rare: timeOf({
        datasetId: id,
        fields,
        filters: [{ item: 'uscc', op: 'eq', value: uscc(rows - 1) }],
        limit: LIMIT,
      }),
      // The same enterprise by the start of its name: a prefix one row has.
      rarePrefix: timeOf({
        datasetId: id,
        fields,
        filters: [{ item: 'entity_name', op: 'prefix', value: `丽水企业${rows - 1}` }],
        limit: LIMIT,
      }),
      // The enterprises registered last, by credit code (ascending with the row order): the last 10 % of rows, a
      // range whose matches sit together at the table's end (at 10⁶ rows read through the version's zone map).
      bunched: timeOf({
        datasetId: id,
        fields,
        filters: lastTenth(rows),
        limit: LIMIT,
      }),
      computed: await computedOf(id, {
        groupBy: ['district'],
        measures: [{ op: 'count' }],
        filters: [],
        minGroupSize: 1,
      }),
      // Capital summed per district over the last 10 % of codes, as the bunched page: only the matches are read.
      computedFiltered: await computedOf(id, {
        groupBy: ['district'],
        measures: [{ op: 'count' }, { op: 'sum', item: 'reg_capital' }],
        filters: lastTenth(rows),
        minGroupSize: 1,
      }),
      computedSum: await computedOf(id, sumPerDistrict),
    };
    // A store as the gateway opens it, keeping computed results: the same sum asked again.
    const keeping = DatasetStore.open(file);
    sizes[rows].computedKept = await computedOf(id, sumPerDistrict, keeping);
    keeping.close();
  }
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  results.figures.recordsPagePostgres = await postgresPages({ ITEMS, csv, fields, LIMIT, lastTenth });
  const ratio = (k) => round(sizes[1e6][k].p50 / sizes[1e3][k].p50);
  results.figures.recordsPage = {
    what: `one page of ${LIMIT} rows, ${fields.length} items, p50 of ${REPEAT} queries on the SQLite store`,
    small: sizes[1e3],
    large: sizes[1e6],
    ratio: {
      first: ratio('first'),
      deep: ratio('deep'),
      filtered: ratio('filtered'),
      rare: ratio('rare'),
      rarePrefix: ratio('rarePrefix'),
      bunched: ratio('bunched'),
      computed: ratio('computed'),
      computedFiltered: ratio('computedFiltered'),
      computedSum: ratio('computedSum'),
      computedKept: ratio('computedKept'),
    },
  };
}

// ---- S2. the decision view at demo scale vs 10⁵ grants ------------------------------------------------------
{
  const today = chinaToday();
  const snapshotDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-scale-view-'));
  /** Saves the view as a stopping gateway does, then loads it back as a restarting one (before its replay). */
  const snapshotRoundTrip = async (view) => {
    const file = path.join(snapshotDir, 'view.snapshot');
    const point = {
      channel: 'opendata',
      chaincode: 'rdx',
      chaincodeVersion: 'v',
      throughBlock: 1,
      blockId: 'b',
    };
    const t0 = process.hrtime.bigint();
    const { bytes } = await writeViewSnapshot(file, view, point);
    const saveMs = ms(t0);
    const t1 = process.hrtime.bigint();
    const s = readViewSnapshot(file);
    const loaded = new LedgerView();
    loaded.replaceAll(s.enterprises, s.datasets, s.grants);
    const loadMs = ms(t1);
    if (loaded.grants.size !== view.grants.size) throw new Error('the snapshot lost grants');
    return {
      snapshotSaveMs: round(saveMs, 0),
      snapshotLoadMs: round(loadMs, 0),
      snapshotMb: round(bytes / 2 ** 20, 1),
    };
  };
  const measure = async (shape) => {
    gc();
    const before = process.memoryUsage().heapUsed;
    const t0 = process.hrtime.bigint();
    const { view, requests } = syntheticView(LedgerView, shape, today);
    const buildMs = ms(t0);
    gc();
    const heapMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
    // The same decisions over 10⁴ distinct requests, and over a hot set of 100: the difference between the
    // two is the CPU caches, not the lookups (each is a map access).
    const decideOver = (sample) => {
      for (let i = 0; i < 20_000; i++) decide(view, sample[i % sample.length]);
      const N = 500_000;
      const d0 = process.hrtime.bigint();
      for (let i = 0; i < N; i++) decide(view, sample[i % sample.length]);
      return round((ms(d0) * 1000) / N, 3);
    };
    return {
      ...shape,
      buildMs: round(buildMs, 0),
      heapMb: round(heapMb, 1),
      bytesPerGrant: Math.round((heapMb * 2 ** 20) / shape.grants),
      decideMicroseconds: decideOver(requests),
      decideHotMicroseconds: decideOver(requests.slice(0, 100)),
      ...(await snapshotRoundTrip(view)),
    };
  };
  log('S2: decision view, demo scale');
  const small = await measure({ enterprises: 100, datasets: 20, grants: 1000 });
  log('S2: decision view, 10⁴ enterprises, 10⁵ grants');
  const large = await measure({ enterprises: 10_000, datasets: 2000, grants: 100_000 });
  fs.rmSync(snapshotDir, { recursive: true, force: true });
  results.figures.decisionView = {
    what: 'LedgerView built from synthetic ledger objects (in memory: the ledger read of a cold rebuild is not in it), then decide()',
    small,
    large,
    ratio: {
      decide: round(large.decideMicroseconds / small.decideMicroseconds),
      decideHot: round(large.decideHotMicroseconds / small.decideHotMicroseconds),
    },
  };
}

// ---- S3. an audit log of 10³ vs 10⁷ records ------------------------------------------------------------------
{
  const arg = process.argv.find((a) => a.startsWith('--audit-records='));
  const LARGE = arg ? Number(arg.split('=')[1]) : 1e7;
  if (!Number.isSafeInteger(LARGE) || LARGE < 2048)
    throw new Error('--audit-records must be an integer ≥ 2048');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-scale-audit-'));
  const ENTERPRISES = 1000;
  /** Writes `n` chained records straight into a new log file (appending through the gateway takes hours). */
  const writeLog = async (file, n) => {
    await AuditLog.open(file).close();
    const db = new DatabaseSync(file);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = OFF');
    const insert = db.prepare(INSERT_RECORD_SQL);
    const day = Date.UTC(2026, 10, 1);
    let prev = '0'.repeat(64);
    const BATCH = 100_000;
    for (let seq = 0; seq < n; seq += BATCH) {
      const entries = [];
      for (let i = seq; i < Math.min(n, seq + BATCH); i++) {
        entries.push({
          time: new Date(day + i * 10).toISOString(),
          requestId: `req-${i}`,
          gatewayId: 'gw-scale',
          clientId: `client-${i % ENTERPRISES}`,
          enterprise: `91331100MA${String(i % ENTERPRISES).padStart(8, '0')}`,
          method: 'GET',
          path: '/v1/datasets/market-entities/records',
          datasetId: 'market-entities',
          grantId: `grant-${i % ENTERPRISES}`,
          decision: 'allow',
          reason: 'OK',
          items: ['uscc', 'entity_name', 'district', 'legal_rep_phone'],
          rowCount: 20,
          status: 200,
        });
      }
      const records = chainRecords(entries, seq, prev);
      prev = records.at(-1).hash;
      db.exec('BEGIN');
      for (const r of records) insert.run(...recordValues(r));
      db.exec('COMMIT');
      if ((seq / BATCH) % 10 === 9) log(`S3: ${seq + BATCH} of ${n} records written`);
    }
    db.close();
  };
  const measure = async (n) => {
    const file = path.join(dir, `audit-${n}.db`);
    log(`S3: writing an audit log of ${n} records`);
    let t0 = process.hrtime.bigint();
    await writeLog(file, n);
    const writeSeconds = round(ms(t0) / 1000, 1);
    const bytes = fs.statSync(file).size;

    // The first start with no saved tree (a log written before block roots were saved): every record read and
    // hashed into the tree once, its block roots saved; then the log is anchored as the anchorer would.
    let audit = AuditLog.open(file);
    t0 = process.hrtime.bigint();
    let tree = new AuditTree(audit);
    await tree.catchUp();
    const firstStartMs = ms(t0);
    const anchorRoot = await tree.root(n);
    await audit.recordAnchor({
      sequence: 1,
      firstRecord: 0,
      recordCount: n,
      treeSize: n,
      merkleRoot: anchorRoot,
      anchorHash: 'a'.repeat(64),
      txId: 'scale',
      blockNumber: 1,
    });
    await audit.close();
    audit = undefined;
    tree = undefined;

    // A restart: what the gateway does with its log before it serves (Anchorer.verifyAtStart without the ledger
    // round trips): open it, check the unanchored tail's chain, load the tree's saved roots and compare the
    // root it gives with the last anchor.
    await settledHeap();
    const heapBefore = process.memoryUsage();
    t0 = process.hrtime.bigint();
    audit = AuditLog.open(file);
    const tail = audit.verifyChain(audit.anchoredSize());
    tree = new AuditTree(audit);
    await tree.catchUp();
    const rootOk = (await tree.root(audit.lastAnchor().treeSize)) === audit.lastAnchor().merkleRoot;
    const restartMs = ms(t0);
    if (!tail.ok || !rootOk) throw new Error(`S3: the reopened log of ${n} records does not check out`);
    await settledHeap();
    const heapAfter = process.memoryUsage();
    // The tree's hashes live in buffers (its JavaScript objects are a few dozen, lost in the heap's noise).
    const treeKb = (heapAfter.arrayBuffers - heapBefore.arrayBuffers) / 1024;

    // A receipt: the inclusion proof of a random record (its block read back), and a consistency proof between
    // two random sizes, as GET /v1/audit/receipts and /v1/audit/consistency make them.
    const rand = (k) => Math.floor(Math.random() * k);
    const time = async (f, repeat = 300) => {
      const times = [];
      for (let i = 0; i < repeat; i++) {
        const s0 = process.hrtime.bigint();
        await f();
        times.push(ms(s0));
      }
      return summary(times);
    };
    const receipt = await time(async () => {
      const seq = rand(n);
      audit.bySeq(seq);
      await tree.inclusionProof(seq, n);
    });
    const consistency = await time(() => tree.consistencyProof(1 + rand(n - 1), n));

    // The background check of every anchored record (hash, link, block roots), as it runs after a start.
    log(`S3: checking all ${n} records`);
    t0 = process.hrtime.bigint();
    const fault = await checkWholeLog(audit, tree, n);
    const fullCheckSeconds = round(ms(t0) / 1000, 1);
    if (fault !== undefined) throw new Error(`S3: ${fault}`);
    await audit.close();
    fs.rmSync(file, { force: true });
    for (const suffix of ['-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
    return {
      records: n,
      fileMb: round(bytes / 2 ** 20, 0),
      writeSeconds,
      restartMs: round(restartMs, 1),
      treeKb: round(treeKb, 0),
      receiptMs: receipt,
      consistencyMs: consistency,
      firstStartSeconds: round(firstStartMs / 1000, 2),
      fullCheckSeconds,
    };
  };
  const small = await measure(1e3);
  const large = await measure(LARGE);
  fs.rmSync(dir, { recursive: true, force: true });
  results.figures.auditLog = {
    what: 'SQLite audit log: a restart (open, unanchored tail, tree from saved block roots, last anchor root), receipts and consistency proofs p50 of 300, the first start without saved roots, the background check of every record',
    small,
    large,
    ratio: {
      restart: round(large.restartMs / small.restartMs),
      receipt: round(large.receiptMs.p50 / small.receiptMs.p50),
      consistency: round(large.consistencyMs.p50 / small.consistencyMs.p50),
    },
  };
}

results.finishedAt = new Date().toISOString();
const outDir = path.join(repoRoot, 'bench', 'results');
fs.mkdirSync(outDir, { recursive: true });
const file = path.join(outDir, `${results.startedAt.slice(0, 10)}-scale.json`);
fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);

const f = results.figures;
const p = (s) => `${Math.round(s.p50 * 1000)} µs (p99 ${Math.round(s.p99 * 1000)})`;
const r = f.recordsPage;
console.log(
  `\nRDX scale — ${results.machine.cpuModel}, ${results.machine.cores} cores, Node ${process.version}`,
);
console.log('| figure | 10³ rows | 10⁶ rows | ratio (goal ≤ 1.5) |');
console.log('|---|---|---|---|');
for (const k of ['first', 'deep', 'filtered', 'rare', 'rarePrefix', 'bunched'])
  console.log(`| S1 records page, ${k} | ${p(r.small[k])} | ${p(r.large[k])} | ${r.ratio[k]} |`);
console.log(
  `| S1 computed result (count per district), and the event loop's longest wait meanwhile | ${p(r.small.computed)}; ${r.small.computed.loopLongestGapMs} ms | ${p(r.large.computed)}; ${r.large.computed.loopLongestGapMs} ms | ${r.ratio.computed} (reads every row) |`,
);
console.log(
  `| S1 computed result filtered (capital per district, the last 10 % of codes) | ${p(r.small.computedFiltered)}; ${r.small.computedFiltered.loopLongestGapMs} ms | ${p(r.large.computedFiltered)}; ${r.large.computedFiltered.loopLongestGapMs} ms | ${r.ratio.computedFiltered} (reads its matches) |`,
);
console.log(
  `| S1 computed result (capital summed per district) | ${p(r.small.computedSum)} | ${p(r.large.computedSum)} | ${r.ratio.computedSum} (reads every row) |`,
);
console.log(
  `| S1 the same result asked again (kept) | ${p(r.small.computedKept)} | ${p(r.large.computedKept)} | ${r.ratio.computedKept} |`,
);
const d = f.decisionView;
console.log(`| S1 load | ${r.small.loadSeconds} s | ${r.large.loadSeconds} s | |`);
const pgp = results.figures.recordsPagePostgres;
if (pgp.skipped) console.log(`| S1 on PostgreSQL | skipped: ${pgp.skipped} | | |`);
else {
  for (const k of ['first', 'bunched'])
    console.log(`| S1 on PostgreSQL, ${k} | ${p(pgp.small[k])} | ${p(pgp.large[k])} | ${pgp.ratio[k]} |`);
  const w = (x) => `${x.pages} pages, mean ${x.meanMs} ms, longest ${x.longestMs} ms`;
  console.log(
    `| S1 on PostgreSQL, every page of a prefix in bunches | ${w(pgp.small.acrossBunches)} | ${w(pgp.large.acrossBunches)} | ${pgp.ratio.acrossBunchesLongest} (longest) |`,
  );
  console.log(`| S1 on PostgreSQL, load | ${pgp.small.loadSeconds} s | ${pgp.large.loadSeconds} s | |`);
}
console.log('| figure | demo scale | 10⁵ grants, 10⁴ enterprises | ratio (goal ≈ 1) |');
console.log(
  `| S2 decide(), 10⁴ distinct requests | ${d.small.decideMicroseconds} µs | ${d.large.decideMicroseconds} µs | ${d.ratio.decide} |`,
);
console.log(
  `| S2 decide(), a hot set of 100 | ${d.small.decideHotMicroseconds} µs | ${d.large.decideHotMicroseconds} µs | ${d.ratio.decideHot} |`,
);
console.log(`| S2 build | ${d.small.buildMs} ms | ${d.large.buildMs} ms | |`);
console.log(`| S2 heap per grant | ${d.small.bytesPerGrant} B | ${d.large.bytesPerGrant} B | |`);
console.log(
  `| S2 view saved / loaded back (a restart's part before its replay) | ${d.small.snapshotSaveMs} / ${d.small.snapshotLoadMs} ms, ${d.small.snapshotMb} MB | ${d.large.snapshotSaveMs} / ${d.large.snapshotLoadMs} ms, ${d.large.snapshotMb} MB | |`,
);
const a = f.auditLog;
const mp = (s) => `${round(s.p50, 2)} ms (p99 ${round(s.p99, 2)})`;
console.log(`| figure | ${a.small.records} records | ${a.large.records} records | ratio |`);
console.log('|---|---|---|---|');
console.log(
  `| S3 restart: log open, tail checked, tree ready (goal ≤ 5 s) | ${a.small.restartMs} ms | ${a.large.restartMs} ms | ${a.ratio.restart} |`,
);
console.log(
  `| S3 receipt (inclusion proof) | ${mp(a.small.receiptMs)} | ${mp(a.large.receiptMs)} | ${a.ratio.receipt} |`,
);
console.log(
  `| S3 consistency proof | ${mp(a.small.consistencyMs)} | ${mp(a.large.consistencyMs)} | ${a.ratio.consistency} |`,
);
console.log(
  `| S3 tree in memory (hash buffers, with 8 blocks cached) | ${a.small.treeKb} kB | ${a.large.treeKb} kB | |`,
);
console.log(
  `| S3 first start without saved roots | ${a.small.firstStartSeconds} s | ${a.large.firstStartSeconds} s | |`,
);
console.log(
  `| S3 background check of every record | ${a.small.fullCheckSeconds} s | ${a.large.fullCheckSeconds} s | |`,
);
console.log(
  `| S3 file | ${a.small.fileMb} MB | ${a.large.fileMb} MB (written in ${a.large.writeSeconds} s) | |`,
);
console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
