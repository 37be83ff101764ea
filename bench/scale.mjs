/**
 * `npm run bench -- --scale`: how costs grow from a small to a city-sized platform, each figure a ratio between
 * a small and a large size measured in the same run (docs/PERFORMANCE.md). No network: the gateway's own
 * store and decision view, as compiled in dist/.
 *
 *  S1  a page of records at 10³ vs 10⁶ rows: the first page, a page deep into the dataset (by cursor), and a
 *      filtered page — what an enterprise's call costs as datasets grow (goal: ratio ≤ 1.5);
 *  S2  the decision view at demo scale vs 10⁵ grants and 10⁴ enterprises: building it, memory per grant, and
 *      the decision time (goal: unchanged).
 *
 * Writes bench/results/<date>-scale.json and prints a table.
 */
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { log, machine, repoRoot, summary, syntheticView } from './lib.mjs';

const { DatasetStore, LedgerView, decide } = await import('@rdx/gateway');
const { chinaToday } = await import('@rdx/network');

// A collection before each heap reading, so memory per grant is what the view holds, not garbage.
v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc');

const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const results = { kind: 'scale', startedAt: new Date().toISOString(), machine: machine(), figures: {} };

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
  const csv = (rows) => {
    const lines = ['uscc,entity_name,district,reg_capital,legal_rep_phone'];
    for (let i = 0; i < rows; i++)
      lines.push(
        `9133110${String(i).padStart(11, '0')},丽水企业${i},${DISTRICTS[i % DISTRICTS.length]},${i % 5000},1380${String(i).padStart(7, '0')}`,
      );
    return Buffer.from(`${lines.join('\n')}\n`);
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-scale-'));
  const store = DatasetStore.open(path.join(dir, 'datasets.db'));
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
    };
  }
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const ratio = (k) => round(sizes[1e6][k].p50 / sizes[1e3][k].p50);
  results.figures.recordsPage = {
    what: `one page of ${LIMIT} rows, ${fields.length} items, p50 of ${REPEAT} queries on the SQLite store`,
    small: sizes[1e3],
    large: sizes[1e6],
    ratio: { first: ratio('first'), deep: ratio('deep'), filtered: ratio('filtered') },
  };
}

// ---- S2. the decision view at demo scale vs 10⁵ grants ------------------------------------------------------
{
  const today = chinaToday();
  const measure = (shape) => {
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
    };
  };
  log('S2: decision view, demo scale');
  const small = measure({ enterprises: 100, datasets: 20, grants: 1000 });
  log('S2: decision view, 10⁴ enterprises, 10⁵ grants');
  const large = measure({ enterprises: 10_000, datasets: 2000, grants: 100_000 });
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
for (const k of ['first', 'deep', 'filtered'])
  console.log(`| S1 records page, ${k} | ${p(r.small[k])} | ${p(r.large[k])} | ${r.ratio[k]} |`);
const d = f.decisionView;
console.log(`| S1 load | ${r.small.loadSeconds} s | ${r.large.loadSeconds} s | |`);
console.log('| figure | demo scale | 10⁵ grants, 10⁴ enterprises | ratio (goal ≈ 1) |');
console.log(
  `| S2 decide(), 10⁴ distinct requests | ${d.small.decideMicroseconds} µs | ${d.large.decideMicroseconds} µs | ${d.ratio.decide} |`,
);
console.log(
  `| S2 decide(), a hot set of 100 | ${d.small.decideHotMicroseconds} µs | ${d.large.decideHotMicroseconds} µs | ${d.ratio.decideHot} |`,
);
console.log(`| S2 build | ${d.small.buildMs} ms | ${d.large.buildMs} ms | |`);
console.log(`| S2 heap per grant | ${d.small.bytesPerGrant} B | ${d.large.bytesPerGrant} B | |`);
console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
