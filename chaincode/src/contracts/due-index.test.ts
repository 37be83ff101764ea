import { expect } from 'chai';
import { IDS, secret } from '../testing/fake-ledger';
import { C, MARKET_ENTITIES, TRANSPORT_VEHICLES, World, demand, sha } from '../testing/world';
import type { DutyDueSoonItem, OverdueItem } from './query-contract';

/** Both lists the index serves, at a day and time of China. */
async function listsOn(
  w: World,
  day: string,
): Promise<{ overdue: OverdueItem[]; dueSoon: DutyDueSoonItem[] }> {
  w.setChinaTime(day);
  return {
    overdue: await w.call<OverdueItem[]>(IDS.bureau, C.query, 'ListOverdue'),
    dueSoon: await w.call<DutyDueSoonItem[]>(IDS.gateway, C.query, 'ListDutiesDueSoon', '30'),
  };
}

const DAYS = ['2025-05-20', '2025-06-03', '2025-06-04', '2025-07-01', '2025-09-06', '2026-01-15'];

/**
 * The same history in a world: three agreements in force on different days (two bodies), a product published,
 * usage reported and data returned at different times, one agreement terminated. Returns the lists on DAYS
 * after it, each day on the history as it stood then.
 */
async function history(w: World): Promise<unknown[]> {
  const seen: unknown[] = [];
  const first = (await w.activeGrants(w.aa, 'app-1')).agreements[0]!;
  w.setChinaTime('2025-04-10');
  const [market, transport] = (
    await w.activeGrants(w.aaa, 'app-2', [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)])
  ).agreements;
  seen.push(await listsOn(w, DAYS[0]!));
  await w.asEnterprise(w.aa, C.duty, 'PublishProduct', 'PublishProduct', {
    agreementId: first.id,
    name: '企业信用画像',
    address: 'https://credit.example.cn/portrait',
    publishedOn: '2025-05-20',
  });
  seen.push(await listsOn(w, DAYS[1]!), await listsOn(w, DAYS[2]!));
  await w.asEnterprise(w.aa, C.duty, 'ReportUsage', 'ReportUsage', {
    agreementId: first.id,
    period: '2025-Q2',
    callCount: 10,
    reportHash: sha('report'),
  });
  await w.asEnterprise(w.aaa, C.duty, 'ReturnData', 'ReturnData', {
    agreementId: transport!.id,
    contentHash: sha('returned rows'),
    rowCount: 3,
  });
  seen.push(await listsOn(w, DAYS[3]!));
  await w.invoke(
    IDS.market,
    C.agreement,
    'TerminateAgreement',
    market!.id,
    w.today(),
    secret({ reason: '服务停止' }),
  );
  seen.push(await listsOn(w, DAYS[4]!), await listsOn(w, DAYS[5]!));
  return seen;
}

async function markReady(w: World, ids: string[] = []): Promise<void> {
  await w.invoke(IDS.bureau, C.agreement, 'IndexDueDates', JSON.stringify({ ids }), 'true');
  expect(await w.call(IDS.regulator, C.agreement, 'DueIndexReady')).to.equal(true);
}

describe('agreements indexed by the day their next duty falls due', () => {
  it('the overdue and due-soon lists read through the index say what a scan of every agreement says', async () => {
    const scanned = await World.create();
    const indexed = await World.create();
    await markReady(indexed);
    const withoutIndex = await history(scanned);
    expect(await scanned.call(IDS.bureau, C.agreement, 'DueIndexReady')).to.equal(false);
    // Not vacuous: the days see overdue products, reports and returns, and duties due soon.
    const types = JSON.stringify(withoutIndex);
    for (const step of ['product-publication', 'usage-report', 'data-return']) expect(types).to.include(step);
    expect(await history(indexed)).to.deep.equal(withoutIndex);
  });

  it('each agreement in force has one entry, at its earliest open duty; a terminated one has none', async () => {
    const w = await World.create();
    await markReady(w);
    const [a] = (await w.activeGrants(w.aa, 'app-1')).agreements;
    const entries = (): string[] =>
      [...w.ledger.state.keys()]
        .filter((k) => k.startsWith('\u0000agreement~due\u0000'))
        .map((k) => k.split('\u0000').slice(2, 5).join(' '));
    expect(entries()).to.deep.equal([`2025-06 03 ${a!.id}`]);
    await w.asEnterprise(w.aa, C.duty, 'PublishProduct', 'PublishProduct', {
      agreementId: a!.id,
      name: '企业信用画像',
      address: 'https://credit.example.cn/portrait',
      publishedOn: '2025-03-03',
    });
    w.setChinaTime('2025-03-05');
    await w.asEnterprise(w.aa, C.duty, 'ReportUsage', 'ReportUsage', {
      agreementId: a!.id,
      period: '2025-Q1',
      callCount: 1,
      reportHash: sha('r'),
    });
    // The data return (Jun 3) is now the earliest; the next report is due 92 days after Mar 5.
    expect(entries()).to.deep.equal([`2025-06 03 ${a!.id}`]);
    await w.asEnterprise(w.aa, C.duty, 'ReturnData', 'ReturnData', {
      agreementId: a!.id,
      contentHash: sha('rows'),
      rowCount: 1,
    });
    expect(entries()).to.deep.equal([`2025-06 05 ${a!.id}`]);
    await w.invoke(
      IDS.market,
      C.agreement,
      'TerminateAgreement',
      a!.id,
      w.today(),
      secret({ reason: '服务停止' }),
    );
    expect(entries()).to.deep.equal([]);
  });

  it('the index is read from the month of its earliest entry, not from the first month any duty could have', async () => {
    const w = await World.create();
    await markReady(w);
    const dueReads = (): string[][] => w.ledger.prefixReads.filter(([type]) => type === 'agreement~due');
    await w.call(IDS.bureau, C.query, 'ListOverdue');
    // An empty index: one look at its first entry, nothing else.
    expect(dueReads()).to.deep.equal([['agreement~due']]);
    const [a] = (await w.activeGrants(w.aa, 'app-1')).agreements; // its first duty falls due in 2025-06
    w.ledger.prefixReads.length = 0;
    w.setChinaTime('2026-01-15');
    const overdue = await w.call<OverdueItem[]>(IDS.bureau, C.query, 'ListOverdue');
    expect(overdue.filter((o) => o.id === a!.id).map((o) => o.type)).to.include('data-return');
    const months = dueReads()
      .filter((r) => r.length === 2)
      .map((r) => r[1]);
    expect(months).to.deep.equal([
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
    ]);
    // The first look, day 00 and the 14 past days of January.
    expect(dueReads()).to.have.length(1 + months.length + 1 + 14);
  });

  it('a ledger from before the index is backfilled by the bureau page by page, then read through it', async () => {
    const w = await World.create();
    const [a] = (await w.activeGrants(w.aa, 'app-1')).agreements;
    const [m, t] = (
      await w.activeGrants(w.aaa, 'app-2', [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)])
    ).agreements;
    const before = await listsOn(w, '2025-06-04');
    const page1 = await w.call<{ items: string[]; bookmark: string }>(
      IDS.bureau,
      C.agreement,
      'ListAgreementIds',
      '2',
      '',
    );
    expect(page1.items).to.have.length(2);
    const page2 = await w.call<{ items: string[]; bookmark: string }>(
      IDS.bureau,
      C.agreement,
      'ListAgreementIds',
      '2',
      page1.bookmark,
    );
    expect([...page1.items, ...page2.items].sort()).to.deep.equal([a!.id, m!.id, t!.id].sort());
    expect(page2.bookmark).to.equal('');
    await w.invoke(IDS.bureau, C.agreement, 'IndexDueDates', JSON.stringify({ ids: page1.items }), 'false');
    expect(await w.call(IDS.bureau, C.agreement, 'DueIndexReady'), 'not before the last page').to.equal(
      false,
    );
    await markReady(w, page2.items);
    expect(await listsOn(w, '2025-06-04')).to.deep.equal(before);
    expect(before.overdue.length).to.be.above(0);
    await w.refused(
      () => w.invoke(IDS.bureau, C.agreement, 'IndexDueDates', JSON.stringify({ ids: ['no-such'] }), 'false'),
      'NOT_FOUND',
    );
    const tooMany = JSON.stringify({ ids: Array.from({ length: 501 }, (_, k) => `a${k}`) });
    await w.refused(
      () => w.invoke(IDS.bureau, C.agreement, 'IndexDueDates', tooMany, 'false'),
      'INVALID_ARGUMENT',
    );
  });
});
