/**
 * `npm run bench -- --ledger-scale [--grants=100000] [--changes=1000]`: how the ledger's costs grow
 * (docs/PERFORMANCE.md, figures L1–L4). On the bench network (started if it is not up, like `npm run bench`);
 * each figure is measured on the ledger as it is, then again after the run has added `--grants` grants through
 * the real workflow — enterprises onboarded, applications filed and reviewed, agreements drafted and signed —
 * each agreement covering 50 datasets (the most an application may name), so 10⁵ grants take 2000
 * agreements rather than 10⁵.
 *
 *  L1  grant-issuing transactions per second (one-dataset agreements, 8 in flight, as figure 5);
 *  L2  a new gateway's start to ready, its view of the ledger rebuilt from nothing, and its memory; then the same
 *      gateway stopped and started again: ready from its saved view (view.snapshot) and the blocks since;
 *  L3  the public recipients list (query:ListRecipients, every live grant; ListRecipientsPage, the same a page
 *      of 1000 grants at a time, read to the end) and the regulator's overdue list;
 *  L4  GetHistory and the regulator's timeline of a grant with a few changes vs one with `--changes` changes.
 *
 * Writes bench/results/<date>-ledger-scale.json and prints a table. Takes about half an hour at the defaults:
 * the grants take ~10 min, the changes of L4 one after another (each waits for its block) another ~10 min.
 */
/* global fetch, URLSearchParams */
import fs from 'node:fs';
import path from 'node:path';
import {
  benchContext,
  inPool,
  enterpriseSigns,
  killChildren,
  log,
  machine,
  networkCli,
  onboardAA,
  readyAgreement,
  repoRoot,
  round,
  startGateway,
  startNetworkUnlessUp,
  submitRetry,
  summary,
} from './lib.mjs';

const arg = (name, dflt) => {
  const given = process.argv.find((a) => a.startsWith(`--${name}=`));
  const n = given ? Number(given.split('=')[1]) : dflt;
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
};
const GRANTS = arg('grants', 100_000);
const CHANGES = arg('changes', 1000);
// An application names at most 50 datasets (chaincode: demands must have at most 50 entries).
const DATASETS = Math.min(50, GRANTS);
const AGREEMENTS = Math.ceil(GRANTS / DATASETS);
const IN_FLIGHT = 24;
const ITEMS = ['uscc', 'entity_name', 'legal_rep_phone'];

const { net, config, paths, topology, ctxNet, stamp } = await benchContext();
const results = {
  kind: 'ledger-scale',
  startedAt: new Date().toISOString(),
  machine: machine(),
  network: { home: config.home, basePort: config.basePort },
  figures: {},
};
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

const pool = inPool;

const mainGateway = net.gatewayUrl({ topology });
const startedNetwork = await startNetworkUnlessUp(config, mainGateway);
const p = new net.Parties(paths, topology);
let exitCode = 0;

/** The figures that are measured twice: on the ledger as it is, and with the added grants. */
async function measure(label, ent) {
  log(`${label}: L1 grant-issuing transactions`);
  const N = 100;
  const ready = await pool(
    Array.from({ length: N }, (_, k) => `ls-${stamp}-${label}-${k}`),
    8,
    (appId) =>
      readyAgreement(net, p, ent, appId, {
        datasets: [{ datasetId: 'market-entities', items: ITEMS }],
        dailyQuota: 1000,
      }),
  );
  const latency = [];
  const t0 = Date.now();
  await pool(ready, 8, async (d) => {
    const s = ent.signer.sign('SignAgreement', { agreementId: d.id, termsHash: d.termsHash });
    const t = process.hrtime.bigint();
    const r = await net.submit(
      p.gateway,
      'agreement',
      'SignAgreementAsEnterprise',
      net.secret({ request: s.request, signature: s.signature }),
    );
    if (r.result.state !== 'IN_FORCE') throw new Error(`agreement ${d.id} is ${r.result.state}`);
    latency.push(ms(t));
  });
  const grantTps = round(N / ((Date.now() - t0) / 1000), 2);

  log(`${label}: L2 a new gateway's cold start`);
  // A figure that fails (a deadline passed, a limit hit) is recorded as what happened, not thrown.
  const attempt = async (f) => {
    try {
      return await f();
    } catch (err) {
      return { error: String(err?.details ?? err?.message ?? err).slice(0, 300) };
    }
  };
  const gateway = await attempt(async () => {
    const t1 = Date.now();
    const id = `ls-${stamp}-${label}`;
    const g = await startGateway(ctxNet, { id, port: config.gatewayPort + 7 });
    const readyMs = Date.now() - t1;
    const pages = Number(fs.readFileSync(`/proc/${g.pid}/statm`, 'utf8').split(' ')[1]);
    await g.stop();
    const t2 = Date.now();
    const again = await startGateway(ctxNet, { id, port: config.gatewayPort + 7 });
    const restartMs = Date.now() - t2;
    const { view } = await (await fetch(`${again.url}/readyz`)).json();
    await again.stop();
    return { readyMs, rssMb: round((pages * 4096) / 2 ** 20, 0), restartMs, restartFrom: view.madeFrom };
  });

  log(`${label}: L3 public lists`);
  const timeEvaluate = (fn, repeat = 3) =>
    attempt(async () => {
      const times = [];
      let items = 0;
      for (let i = 0; i < repeat; i++) {
        const t = process.hrtime.bigint();
        const r = await net.evaluate(p.bureau, 'query', fn);
        times.push(ms(t));
        items = Array.isArray(r) ? r.length : (r.items?.length ?? 0);
      }
      return { ms: round(Math.min(...times), 0), items };
    });
  const recipients = await timeEvaluate('ListRecipients');
  // The same list a page of 1000 grants at a time, read to its end once (what the SDK's recipients() does).
  const recipientPages = await attempt(async () => {
    const t = process.hrtime.bigint();
    let items = 0;
    let pages = 0;
    let bookmark = '';
    do {
      const page = await net.evaluate(p.bureau, 'query', 'ListRecipientsPage', '1000', bookmark);
      items += page.items.length;
      pages++;
      bookmark = page.bookmark;
    } while (bookmark);
    return { ms: round(ms(t), 0), items, pages };
  });
  const overdue = await timeEvaluate('ListOverdue');
  return { grantTps, grantLatencyMs: summary(latency), gateway, recipients, recipientPages, overdue };
}

try {
  const ent = await onboardAA(ctxNet, p);
  results.figures.before = await measure('before', ent);

  // ---- the added grants: 50 datasets, one enterprise per agreement of all 50 ----
  log(`adding ${GRANTS} grants: ${DATASETS} datasets, ${AGREEMENTS} enterprises with an agreement each`);
  const t0 = Date.now();
  const template = net.demoDatasets().find((d) => d.dataset.id === 'market-entities');
  const datasets = Array.from({ length: DATASETS }, (_, k) => `ls-${stamp}-d${k}`);
  await pool(datasets, IN_FLIGHT, (id, k) =>
    submitRetry(
      net,
      p.market,
      'catalog',
      'RegisterDataset',
      // The demo's market dataset (its items, its description) under another id.
      JSON.stringify({ ...template.dataset, id, name: `压测数据集 ${k}` }),
    ),
  );
  // Listed by the bureau after its review (Z13), as every dataset is before it may be applied for.
  await pool(datasets, IN_FLIGHT, (id) =>
    submitRetry(net, p.bureau, 'catalog', 'ReviewListing', id, 'approve'),
  );
  const demands = datasets.map((datasetId) => ({ datasetId, items: ITEMS }));
  await pool(
    Array.from({ length: AGREEMENTS }, (_, k) => k),
    IN_FLIGHT,
    async (k) => {
      const e = await onboardAA(ctxNet, p);
      const d = await readyAgreement(net, p, e, `ls-${stamp}-a${k}`, { datasets: demands, dailyQuota: 1000 });
      await enterpriseSigns(net, p, e, d);
    },
    { what: 'agreements in force', every: 50 },
  );
  results.populate = {
    datasets: DATASETS,
    enterprises: AGREEMENTS,
    grants: DATASETS * AGREEMENTS,
    transactions: DATASETS + AGREEMENTS * 8,
    seconds: round((Date.now() - t0) / 1000, 0),
  };
  results.figures.after = await measure('after', ent);

  // ---- L4: the history of a grant with many changes ----
  log(`L4: ${CHANGES} changes to one grant (suspend, restore, … one after another)`);
  const fresh = await readyAgreement(net, p, ent, `ls-${stamp}-h`, {
    datasets: [{ datasetId: 'market-entities', items: ITEMS }],
    dailyQuota: 1000,
  });
  const grantId = (await enterpriseSigns(net, p, ent, fresh)).result.grants[0];
  const history = async () => {
    const times = [];
    let versions = 0;
    for (let i = 0; i < 5; i++) {
      const t = process.hrtime.bigint();
      versions = (await net.evaluate(p.regulator, 'query', 'GetHistory', 'grant', grantId)).length;
      times.push(ms(t));
    }
    return { versions, ms: round(Math.min(...times), 1) };
  };
  // The demo's console regulator (npm start seeds it into the platform gateway's client registry).
  const regulator = JSON.parse(fs.readFileSync(net.regulatorsFile({ paths }), 'utf8'))[0];
  const tokenRes = await fetch(`${mainGateway}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: regulator.clientId,
      client_secret: regulator.clientSecret,
    }),
  });
  if (!tokenRes.ok) throw new Error(`regulator token: ${tokenRes.status} ${await tokenRes.text()}`);
  const regulatorToken = (await tokenRes.json()).access_token;
  const timeline = async () => {
    const times = [];
    let events = 0;
    for (let i = 0; i < 5; i++) {
      const t = process.hrtime.bigint();
      const res = await fetch(`${mainGateway}/v1/regulator/timeline?grant=${encodeURIComponent(grantId)}`, {
        headers: { authorization: `Bearer ${regulatorToken}` },
      });
      if (!res.ok) throw new Error(`timeline: ${res.status} ${await res.text()}`);
      events = (await res.json()).data.length;
      times.push(ms(t));
    }
    return { events, ms: round(Math.min(...times), 1) };
  };
  const few = { history: await history(), timeline: await timeline() };
  for (let i = 0; i < CHANGES; i++) {
    if (i % 2 === 0)
      await submitRetry(
        net,
        p.market,
        'grant',
        'SuspendGrant',
        grantId,
        'violation',
        net.secret({ note: '压测：暂停访问' }),
      );
    else
      await submitRetry(
        net,
        p.market,
        'grant',
        'RestoreGrant',
        grantId,
        net.secret({ note: '压测：恢复访问' }),
      );
    if ((i + 1) % 100 === 0) log(`L4: ${i + 1} of ${CHANGES} changes`);
  }
  const many = { history: await history(), timeline: await timeline() };
  results.figures.history = { grantId, few, many };
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  p.close();
  if (startedNetwork) networkCli(['stop']);
  killChildren();
}

results.finishedAt = new Date().toISOString();
const file = path.join(repoRoot, 'bench', 'results', `${results.startedAt.slice(0, 10)}-ledger-scale.json`);
fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
const { before: b, after: a, history: h } = results.figures;
const show = (x, f) => (x.error ? `failed: ${x.error.slice(0, 80)}` : f(x));
const ratio = (x, y, f) => (x.error || y.error ? '' : round(f(y) / f(x)));
if (b && a) {
  console.log(`\nRDX ledger scale — ${results.machine.cpuModel}, ${results.machine.cores} cores`);
  console.log(`| figure | the ledger as it was | ${results.populate?.grants} grants added | ratio |`);
  console.log('|---|---|---|---|');
  const rows = [
    ['L1 grant-issuing tx/s', (x) => x, (x) => `${x.grantTps}`, (x) => x.grantTps],
    [
      'L2 new gateway to ready',
      (x) => x.gateway,
      (x) => `${x.readyMs} ms (RSS ${x.rssMb} MB)`,
      (x) => x.readyMs,
    ],
    [
      'L2 the same gateway restarted',
      (x) => x.gateway,
      (x) => `${x.restartMs} ms (${x.restartFrom?.source}, ${x.restartFrom?.replayedBlocks} blocks replayed)`,
      (x) => x.restartMs,
    ],
    ['L3 ListRecipients', (x) => x.recipients, (x) => `${x.ms} ms, ${x.items} rows`, (x) => x.ms],
    [
      'L3 ListRecipientsPage, every page',
      (x) => x.recipientPages,
      (x) => `${x.ms} ms, ${x.items} rows in ${x.pages} pages`,
      (x) => x.ms,
    ],
    ['L3 ListOverdue', (x) => x.overdue, (x) => `${x.ms} ms, ${x.items} rows`, (x) => x.ms],
  ];
  for (const [name, of, text, value] of rows)
    console.log(`| ${name} | ${show(of(b), text)} | ${show(of(a), text)} | ${ratio(of(b), of(a), value)} |`);
}
if (h) {
  console.log(
    `| figure | ${h.few.history.versions} versions | ${h.many.history.versions} versions | ratio |`,
  );
  for (const [name, key, unit] of [
    ['L4 GetHistory', 'history', 'versions'],
    ['L4 regulator timeline', 'timeline', 'events'],
  ])
    console.log(
      `| ${name} | ${h.few[key].ms} ms (${h.few[key][unit]} ${unit}) | ${h.many[key].ms} ms (${h.many[key][unit]} ${unit}) | ${round(h.many[key].ms / h.few[key].ms)} |`,
    );
}
console.log(`\nresults: ${path.relative(process.cwd(), file)}`);
process.exit(exitCode);
