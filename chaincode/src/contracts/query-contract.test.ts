import { expect } from 'chai';
import { IDS, type Identity, secret } from '../testing/fake-ledger';
import {
  C,
  CODES,
  MARKET_ENTITIES,
  TRANSPORT_VEHICLES,
  World,
  complaintInput,
  demand,
  plusDays,
  sha,
  stateKey,
} from '../testing/world';
import type { Page } from '../lib/listing';
import type { Application } from '../models/application';
import type { Grant } from '../models/grant';
import type { BodyPerformance } from '../models/performance';
import { chinaDayOf, workingDaysBetween } from '../models/calendar';
import { CALENDAR_SEED } from '../data/calendar-seed';
import type { DutyDueSoonItem, HistoryEntry, OverdueItem } from './query-contract';
import type { RecipientRow } from '../models/recipient';

const overdue = (w: World, who: Identity = IDS.bureau) => w.call<OverdueItem[]>(who, C.query, 'ListOverdue');

describe('QueryContract', () => {
  it('ListOverdue lists a product not published three months after the agreement came into force, and late reports and returns', async () => {
    const w = await World.create();
    const { agreements } = await w.activeGrants(w.aa, 'app-1');
    const a = agreements[0]!;
    expect(a.inForceAt).to.equal('2025-03-03T02:00:00.000Z');

    // Three calendar months after 2025-03-03 is 2025-06-03: due that day, overdue the day after.
    w.setChinaTime('2025-06-03', '23:00');
    expect(await overdue(w)).to.deep.equal([]);
    w.setChinaTime('2025-06-04', '09:00');
    // The first usage report and data return (every 92 days: Mar 3 + 28 + 30 + 31 + 3 = Jun 3) are overdue too.
    expect(await overdue(w, IDS.regulator)).to.deep.equal([
      { type: 'product', id: a.id, step: 'product-publication', due: '2025-06-03', party: CODES.aa },
      { type: 'data-return', id: a.id, step: 'data-return', due: '2025-06-03', party: CODES.aa },
      { type: 'usage-report', id: a.id, step: 'usage-report', due: '2025-06-03', party: CODES.aa },
    ]);

    await w.asEnterprise(w.aa, C.duty, 'PublishProduct', 'PublishProduct', {
      agreementId: a.id,
      name: '企业信用画像',
      address: 'https://credit.example.cn/portrait',
      publishedOn: '2025-06-04',
    });
    expect((await overdue(w)).map((i) => i.type)).to.deep.equal(['data-return', 'usage-report']);
    await w.asEnterprise(w.aa, C.duty, 'ReturnData', 'ReturnData', {
      agreementId: a.id,
      contentHash: sha('returned rows'),
      rowCount: 12,
    });
    // Returned today: the next return is due one interval on.
    expect((await w.getAgreement(a.id)).dataReturnDue).to.equal('2025-09-04');
    expect((await overdue(w)).map((i) => i.type)).to.deep.equal(['usage-report']);
    await w.asEnterprise(w.aa, C.duty, 'ReportUsage', 'ReportUsage', {
      agreementId: a.id,
      period: '2025-Q2',
      callCount: 10,
      reportHash: sha('report'),
    });
    expect(await overdue(w)).to.deep.equal([]);
  });

  it('ListDutiesDueSoon reminds the enterprise of the duties due within N days, until they are done or overdue', async () => {
    const w = await World.create();
    const { agreements } = await w.activeGrants(w.aa, 'app-1');
    const a = agreements[0]!;
    const dueSoon = async (days = '7') =>
      (await w.call<DutyDueSoonItem[]>(IDS.gateway, C.query, 'ListDutiesDueSoon', days)).map((i) => [
        i.type,
        i.id,
        i.due,
        i.daysLeft,
        i.party,
      ]);
    // In force 2025-03-03: product, first return and first usage report are all due 2025-06-03.
    w.setChinaTime('2025-05-20');
    expect(await dueSoon(), 'two weeks ahead').to.deep.equal([]);
    w.setChinaTime('2025-05-28');
    expect(await dueSoon()).to.deep.equal([
      ['product', a.id, '2025-06-03', 6, CODES.aa],
      ['data-return', a.id, '2025-06-03', 6, CODES.aa],
      ['usage-report', a.id, '2025-06-03', 6, CODES.aa],
    ]);
    expect(await dueSoon('5'), 'outside a 5-day window').to.deep.equal([]);
    // Published: no longer owed. On the day, still due (0 days left); past it, ListOverdue's.
    await w.asEnterprise(w.aa, C.duty, 'PublishProduct', 'PublishProduct', {
      agreementId: a.id,
      name: '企业信用画像',
      address: 'https://credit.example.cn/portrait',
      publishedOn: '2025-05-28',
    });
    w.setChinaTime('2025-06-03');
    expect((await dueSoon()).map(([type, , , left]) => [type, left])).to.deep.equal([
      ['data-return', 0],
      ['usage-report', 0],
    ]);
    w.setChinaTime('2025-06-04');
    expect(await dueSoon()).to.deep.equal([]);
    await w.refused(() => w.call(IDS.market, C.query, 'ListDutiesDueSoon', '7'), 'FORBIDDEN');
    await w.refused(() => w.call(IDS.gateway, C.query, 'ListDutiesDueSoon', '93'), 'INVALID_ARGUMENT');
  });

  it('a terminated agreement owes no product any more', async () => {
    const w = await World.create();
    const { agreements } = await w.activeGrants(w.aa, 'app-1');
    await w.invoke(
      IDS.market,
      C.agreement,
      'TerminateAgreement',
      agreements[0]!.id,
      '2025-03-03',
      secret({ reason: 'service stopped' }),
    );
    w.setChinaTime('2025-07-01');
    expect(await overdue(w)).to.deep.equal([]);
  });

  it('ListOverdue lists an application past its formal-review deadline, with the working days overdue', async () => {
    const w = await World.create();
    await w.submit(w.aa, 'app-1');
    // Mon 2025-03-03 + 15 working days = Mon 2025-03-24.
    w.setChinaTime('2025-03-24', '23:59');
    expect(await overdue(w)).to.deep.equal([]);
    w.setChinaTime('2025-03-25');
    expect(await overdue(w)).to.deep.equal([
      {
        type: 'application',
        id: 'app-1',
        step: 'formal-review',
        due: '2025-03-24',
        workingDaysOverdue: 1,
        party: 'BureauMSP',
      },
    ]);
    // Sun Mar 30: Tue 25 – Fri 28 make four working days late; the weekend adds nothing.
    w.setChinaTime('2025-03-30');
    expect((await overdue(w))[0]?.workingDaysOverdue).to.equal(4);
    // Decided at last: no longer overdue for the bureau, now the bodies have 15 working days.
    await w.formalReview('app-1', 'accept');
    expect(await overdue(w)).to.deep.equal([]);
  });

  it('an overdue owner review names each body that has not reviewed', async () => {
    const w = await World.create();
    await w.submit(w.aa, 'app-1', [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)]);
    await w.formalReview('app-1', 'accept');
    w.setChinaTime('2025-03-25');
    expect((await overdue(w)).map((i) => [i.step, i.party])).to.deep.equal([
      ['owner-review', 'MarketMSP'],
      ['owner-review', 'TransportMSP'],
    ]);
    await w.ownerReview(IDS.market, 'app-1', 'approve');
    expect((await overdue(w)).map((i) => [i.step, i.party])).to.deep.equal([
      ['owner-review', 'TransportMSP'],
    ]);
  });

  it('ListReviewsDueSoon reminds the party that owes a step within N working days, until it is overdue or done', async () => {
    const w = await World.create();
    const dueSoon = async (days = '3') =>
      (
        await w.call<{ step: string; due: string; workingDaysLeft: number; party: string }[]>(
          IDS.gateway,
          C.query,
          'ListReviewsDueSoon',
          days,
        )
      ).map((i) => [i.step, i.due, i.workingDaysLeft, i.party]);
    await w.submit(w.aa, 'app-1', [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)]);
    // Submitted Mon 2025-03-03: the formal review is due Mon 2025-03-24 (15 working days).
    expect(await dueSoon(), 'three weeks ahead: nothing yet').to.deep.equal([]);
    // Wed 2025-03-19: Thu, Fri, Mon are the three working days left; the weekend counts none.
    w.setChinaTime('2025-03-19');
    expect(await dueSoon()).to.deep.equal([['formal-review', '2025-03-24', 3, 'BureauMSP']]);
    expect(await dueSoon('2'), 'outside a 2-day window').to.deep.equal([]);
    w.setChinaTime('2025-03-24');
    expect(await dueSoon()).to.deep.equal([['formal-review', '2025-03-24', 0, 'BureauMSP']]);
    // Past it, the step is ListOverdue's, not this list's.
    w.setChinaTime('2025-03-25');
    expect(await dueSoon()).to.deep.equal([]);
    // Accepted: each body's owner review by its own due day; one that has reviewed is reminded no more.
    await w.formalReview('app-1', 'accept');
    const app = await w.getApplication('app-1');
    const due = app.ownerReviewDue!.MarketMSP!;
    w.setChinaTime(due);
    expect((await dueSoon()).map(([step, , , party]) => [step, party])).to.deep.equal([
      ['owner-review', 'MarketMSP'],
      ['owner-review', 'TransportMSP'],
    ]);
    await w.ownerReview(IDS.market, 'app-1', 'approve');
    expect((await dueSoon()).map(([, , , party]) => party)).to.deep.equal(['TransportMSP']);
    await w.refused(() => w.call(IDS.market, C.query, 'ListReviewsDueSoon', '3'), 'FORBIDDEN');
    await w.refused(() => w.call(IDS.gateway, C.query, 'ListReviewsDueSoon', '99'), 'INVALID_ARGUMENT');
  });

  it('ListOverdue lists an open complaint past its 10 working days', async () => {
    const w = await World.create();
    await w.fileComplaint(IDS.market, {
      id: 'c-1',
      datasetId: MARKET_ENTITIES,
      category: 'quality',
      complainant: { kind: 'organisation', name: '消费者协会' },
      factsHash: sha('facts'),
    });
    // Mon 2025-03-03 + 10 working days = Mon 2025-03-17.
    w.setChinaTime('2025-03-18');
    expect(await overdue(w)).to.deep.equal([
      {
        type: 'complaint',
        id: 'c-1',
        step: 'complaint-handling',
        due: '2025-03-17',
        workingDaysOverdue: 1,
        party: 'MarketMSP',
      },
    ]);
  });

  it('ListOverdue lists a resolved complaint whose complainant was not told within the 10 working days (L17)', async () => {
    const w = await World.create();
    await w.fileComplaint(IDS.market, complaintInput());
    w.setChinaTime('2025-03-14');
    await w.invoke(
      IDS.market,
      C.complaint,
      'ResolveComplaint',
      'c-1',
      'upheld',
      secret({ note: '已更正数据质量问题' }),
    );
    expect(await overdue(w), 'resolved in time, the reply not yet due').to.deep.equal([]);
    w.setChinaTime('2025-03-19');
    expect(await overdue(w)).to.deep.equal([
      {
        type: 'complaint',
        id: 'c-1',
        step: 'complainant-reply',
        due: '2025-03-17',
        workingDaysOverdue: 2,
        party: 'MarketMSP',
      },
    ]);
    await w.invoke(IDS.market, C.complaint, 'RecordNotification', 'c-1', 'phone', '2025-03-19', sha('told'));
    expect(await overdue(w), 'told late, but told').to.deep.equal([]);
  });

  it('only the bureau, regulators, the gateway (for the regulator console) and the clerk list overdue items', async () => {
    const w = await World.create();
    expect(await overdue(w, IDS.gateway)).to.deep.equal([]);
    expect(await overdue(w, IDS.clerk)).to.deep.equal([]);
    for (const who of [IDS.market, IDS.transport, IDS.bureauNoRole, IDS.stranger]) {
      await w.refused(() => w.invoke(who, C.query, 'ListOverdue'), 'FORBIDDEN');
    }
    expect(await overdue(w, IDS.bureauReviewer)).to.deep.equal([]);
  });

  it("a missing calendar year is listed from October of the year before, and this year's at once", async () => {
    const w = await World.create(); // calendars 2025–2027
    // The bodies' yearly catalogue reviews are missed too in these years: only the calendar is looked at here.
    const calendarItems = async (who: Identity = IDS.bureau) =>
      (await overdue(w, who)).filter((i) => i.type === 'calendar');
    w.setChinaTime('2027-09-30', '23:00');
    expect(await calendarItems()).to.deep.equal([]);
    w.setChinaTime('2027-10-01', '00:30');
    const next = {
      type: 'calendar',
      id: '2028',
      step: 'calendar-year',
      due: '2027-12-31',
      party: 'BureauMSP',
    };
    expect(await calendarItems(IDS.regulator)).to.deep.equal([next]);
    w.setChinaTime('2028-01-03');
    expect(await calendarItems(IDS.gateway)).to.deep.equal([{ ...next, due: '2028-01-01' }]);
    const year2028 = { year: 2028, holidays: ['2028-01-01'], workdays: [] };
    await w.invoke(IDS.bureau, C.platform, 'SetCalendarYear', JSON.stringify(year2028));
    expect(await calendarItems()).to.deep.equal([]);
  });

  it("a body's yearly catalogue review (Z10) is overdue from the next 1 January until recorded", async () => {
    const w = await World.create(); // the bodies' datasets are registered on 2025-03-03
    w.setChinaTime('2025-12-31', '23:00');
    expect((await overdue(w)).filter((i) => i.type === 'catalogue-review')).to.deep.equal([]);
    await w.refused(
      () => w.invoke(IDS.market, C.catalog, 'RecordCatalogueReview', '2026'),
      'INVALID_ARGUMENT',
    );
    w.setChinaTime('2026-01-05');
    const missed = (await overdue(w)).filter((i) => i.type === 'catalogue-review');
    expect(missed.map((i) => [i.id, i.party, i.due])).to.deep.equal([
      ['MarketMSP.2025', 'MarketMSP', '2025-12-31'],
      ['TransportMSP.2025', 'TransportMSP', '2025-12-31'],
    ]);
    const review = await w.call<{ datasets: string[]; note: string }>(
      IDS.market,
      C.catalog,
      'RecordCatalogueReview',
      '2025',
      secret({ note: '已核对开放属性与更新频率' }),
    );
    expect(review.datasets).to.include(MARKET_ENTITIES);
    expect(review.note).to.equal('已核对开放属性与更新频率');
    await w.refused(() => w.invoke(IDS.market, C.catalog, 'RecordCatalogueReview', '2025'), 'ALREADY_EXISTS');
    expect((await overdue(w)).filter((i) => i.type === 'catalogue-review').map((i) => i.party)).to.deep.equal(
      ['TransportMSP'],
    );
  });

  describe('what the clerk must expire', () => {
    interface DuePage {
      today: string;
      items: { id: string; validUntil: string }[];
      bookmark: string;
    }
    /** Every page of a due list, walked with pages of one entry (most of them hold nothing due). */
    async function walk(w: World, fn: string, ...args: string[]): Promise<DuePage['items']> {
      const items: DuePage['items'] = [];
      let bookmark = '';
      let pages = 0;
      do {
        const page = await w.call<DuePage>(IDS.clerk, C.query, fn, ...args, '1', bookmark);
        items.push(...page.items);
        bookmark = page.bookmark;
        expect(++pages, 'pages').to.be.below(20);
      } while (bookmark);
      return items;
    }

    it('grants past their last valid day, ACTIVE or SUSPENDED, and none after they are marked', async () => {
      const w = await World.create();
      const aa = await w.activeGrants(w.aa, 'app-1', [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)]);
      const [market, transport] = aa.grants.map((g) => g.id);
      await w.grantDecision(IDS.transport, 'SuspendGrant', transport!, 'checks', 'rectification');
      w.ledger.now = new Date('2025-03-05T02:00:00Z');
      const later = (await w.activeGrants(w.aaa, 'app-2')).grants[0]!; // valid one day longer
      w.setChinaTime('2026-03-02', '23:59');
      expect(await walk(w, 'ListGrantsDue', 'ACTIVE')).to.deep.equal([]);
      w.setChinaTime('2026-03-03', '00:01');
      expect(await walk(w, 'ListGrantsDue', 'ACTIVE')).to.deep.equal([
        { id: market, validUntil: '2026-03-02' },
      ]);
      expect(await walk(w, 'ListGrantsDue', 'SUSPENDED')).to.deep.equal([
        { id: transport, validUntil: '2026-03-02' },
      ]);
      await w.invoke(IDS.clerk, C.grant, 'ExpireGrant', market!);
      expect(await walk(w, 'ListGrantsDue', 'ACTIVE')).to.deep.equal([]);
      expect(later.validUntil).to.equal('2026-03-04');
      await w.refused(() => w.invoke(IDS.clerk, C.grant, 'ExpireGrant', later.id), 'INVALID_STATE');
      await w.refused(
        () => w.invoke(IDS.clerk, C.query, 'ListGrantsDue', 'EXPIRED', '10', ''),
        'INVALID_ARGUMENT',
      );
      await w.refused(() => w.invoke(IDS.gateway, C.query, 'ListGrantsDue', 'ACTIVE', '10', ''), 'FORBIDDEN');
    });

    it('ratings past their validity not yet marked expired', async () => {
      const w = await World.create();
      await w.rate(w.aa, 'AA', { validUntil: '2025-09-30' });
      w.setChinaTime('2025-09-30', '23:30');
      expect(await walk(w, 'ListRatingsDue')).to.deep.equal([]);
      w.setChinaTime('2025-10-01', '00:30');
      expect(await walk(w, 'ListRatingsDue')).to.deep.equal([{ id: CODES.aa, validUntil: '2025-09-30' }]);
      await w.invoke(IDS.clerk, C.enterprise, 'ExpireRating', CODES.aa);
      expect(await walk(w, 'ListRatingsDue')).to.deep.equal([]);
      await w.refused(() => w.invoke(IDS.market, C.query, 'ListRatingsDue', '10', ''), 'FORBIDDEN');
    });

    it('the public list drops a grant the day after its last valid day, before the clerk has marked it', async () => {
      const w = await World.create();
      await w.activeGrants(w.aa, 'app-1');
      w.setChinaTime('2026-03-02', '23:59');
      expect(await w.call<unknown[]>(IDS.stranger, C.query, 'ListRecipients')).to.have.length(1);
      w.setChinaTime('2026-03-03', '00:01');
      expect(await w.call<unknown[]>(IDS.stranger, C.query, 'ListRecipients')).to.deep.equal([]);
    });
  });

  type Recipient = RecipientRow;

  it('the public recipients list shows ACTIVE and SUSPENDED grants with enterprise and dataset names', async () => {
    const w = await World.create();
    const aa = await w.activeGrants(w.aa, 'app-1', [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)]);
    w.ledger.now = new Date('2025-03-04T02:00:00Z');
    const aaa = await w.activeGrants(w.aaa, 'app-2');
    await w.grantDecision(
      IDS.transport,
      'SuspendGrant',
      aa.grants[1]!.id,
      'log retention too short',
      'rectification',
    );
    await w.grantDecision(IDS.market, 'WithdrawGrant', aaa.grants[0]!.id, 'resale confirmed');

    const rows = await w.call<Recipient[]>(IDS.stranger, C.query, 'ListRecipients');
    expect(rows).to.deep.equal([
      {
        enterpriseName: w.aa.name,
        creditCode: CODES.aa,
        datasetId: MARKET_ENTITIES,
        datasetName: '市场主体登记信息',
        body: 'MarketMSP',
        since: '2025-03-03T02:00:00.000Z',
        validUntil: '2026-03-02',
        state: 'ACTIVE',
      },
      {
        enterpriseName: w.aa.name,
        creditCode: CODES.aa,
        datasetId: TRANSPORT_VEHICLES,
        datasetName: '道路运输车辆信息',
        body: 'TransportMSP',
        since: '2025-03-03T02:00:00.000Z',
        validUntil: '2026-03-02',
        state: 'SUSPENDED',
      },
    ]);
  });

  it('the recipients list a page at a time holds the same rows as the whole list, at any page size', async () => {
    const w = await World.create();
    const aa = await w.activeGrants(w.aa, 'app-1', [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)]);
    w.ledger.now = new Date('2025-03-04T02:00:00Z');
    const aaa = await w.activeGrants(w.aaa, 'app-2');
    await w.grantDecision(IDS.transport, 'SuspendGrant', aa.grants[1]!.id, 'log retention', 'rectification');
    const whole = await w.call<Recipient[]>(IDS.stranger, C.query, 'ListRecipients');
    expect(whole.map((r) => r.state).sort()).to.deep.equal(['ACTIVE', 'ACTIVE', 'SUSPENDED']);
    const paged = async (size: number): Promise<{ rows: Recipient[]; pages: number }> => {
      const rows: Recipient[] = [];
      let bookmark = '';
      let pages = 0;
      do {
        const page = await w.call<{ items: Recipient[]; bookmark: string }>(
          IDS.stranger,
          C.query,
          'ListRecipientsPage',
          String(size),
          bookmark,
        );
        expect(page.items.length).to.be.at.most(size);
        rows.push(...page.items);
        bookmark = page.bookmark;
        pages++;
      } while (bookmark && pages < 20);
      return { rows, pages };
    };
    const bySince = (rows: Recipient[]): Recipient[] =>
      [...rows].sort((a, b) => a.since.localeCompare(b.since) || a.datasetId.localeCompare(b.datasetId));
    for (const size of [1, 2, 1000]) {
      const { rows, pages } = await paged(size);
      expect(bySince(rows), `page size ${size}`).to.deep.equal(whole);
      // Active grants come first, then suspended ones.
      expect(rows.map((r) => r.state)).to.deep.equal(['ACTIVE', 'ACTIVE', 'SUSPENDED']);
      if (size === 1) expect(pages).to.be.at.least(3);
    }
    // Past their last valid day grants leave the pages as they leave the whole list.
    w.setChinaTime('2026-03-03', '00:01');
    expect((await paged(1)).rows.map((r) => r.creditCode)).to.deep.equal([CODES.aaa]);
    expect(aaa.grants[0]!.validUntil > '2026-03-02').to.equal(true);
    await w.refused(
      () => w.invoke(IDS.stranger, C.query, 'ListRecipientsPage', '10', 'not a bookmark'),
      'INVALID_ARGUMENT',
    );
    await w.refused(
      () => w.invoke(IDS.stranger, C.query, 'ListRecipientsPage', '1001', ''),
      'INVALID_ARGUMENT',
    );
  });

  it('credit evaluations are public', async () => {
    const w = await World.create();
    expect(await w.call<unknown[]>(IDS.stranger, C.query, 'ListCreditEvaluations')).to.deep.equal([]);
    await w.invoke(
      IDS.bureau,
      C.duty,
      'PublishCreditEvaluation',
      JSON.stringify({
        creditCode: CODES.aaa,
        period: '2025',
        grade: 'excellent',
        overrideReason: '经核实,其数据应用获省级示范',
        summary: 'exemplary',
      }),
    );
    const list = await w.call<{ creditCode: string; enterpriseName: string; grade: string }[]>(
      IDS.market,
      C.query,
      'ListCreditEvaluations',
    );
    expect(list.map((e) => [e.creditCode, e.enterpriseName, e.grade])).to.deep.equal([
      [CODES.aaa, w.aaa.name, 'excellent'],
    ]);
  });

  it('GetHistory returns every version of a grant with its tx id, time and the org that changed it', async () => {
    const w = await World.create();
    const { grants } = await w.activeGrants(w.aa, 'app-1');
    const created = grants[0]!;
    w.ledger.now = new Date('2025-04-01T02:00:00Z');
    const suspended = await w.grantDecision(
      IDS.market,
      'SuspendGrant',
      created.id,
      'resale found',
      'violation',
    );
    w.ledger.now = new Date('2025-04-10T02:00:00Z');
    const restored = await w.grantDecision(IDS.market, 'RestoreGrant', created.id, 'rectified');
    w.ledger.now = new Date('2025-05-01T02:00:00Z');
    const terminated = await w.grantDecision(IDS.bureau, 'TerminateGrant', created.id, 'violation repeated');

    const history = await w.call<HistoryEntry[]>(IDS.regulator, C.query, 'GetHistory', 'grant', created.id);
    const byTime = [...history].sort((x, y) => x.time.localeCompare(y.time));
    expect(byTime.map((h) => [h.txId, h.time, h.isDelete, h.by])).to.deep.equal([
      [created.txId, '2025-03-03T02:00:00.000Z', false, { mspId: 'BureauMSP', role: 'gateway' }],
      [suspended.txId, '2025-04-01T02:00:00.000Z', false, { mspId: 'MarketMSP', role: 'body' }],
      [restored.txId, '2025-04-10T02:00:00.000Z', false, { mspId: 'MarketMSP', role: 'body' }],
      [terminated.txId, '2025-05-01T02:00:00.000Z', false, { mspId: 'BureauMSP', role: 'bureau' }],
    ]);
    expect(new Set(history.map((h) => h.txId)).size).to.equal(4);
    expect(byTime.map((h) => (h.value as Grant).state)).to.deep.equal([
      'ACTIVE',
      'SUSPENDED',
      'ACTIVE',
      'TERMINATED',
    ]);
  });

  it('GetHistory: bureau, regulators, the gateway, and a body for its own objects; strangers may not', async () => {
    const w = await World.create();
    const { grants, agreements } = await w.activeGrants(w.aa, 'app-1');
    const id = grants[0]!.id;
    for (const who of [IDS.bureau, IDS.regulator, IDS.gateway, IDS.market, IDS.marketReviewer]) {
      expect((await w.call<HistoryEntry[]>(who, C.query, 'GetHistory', 'grant', id)).length).to.equal(1);
    }
    for (const who of [IDS.marketGatewayRole, IDS.stranger, IDS.clerk]) {
      await w.refused(() => w.invoke(who, C.query, 'GetHistory', 'grant', id), 'FORBIDDEN');
    }
    // Another body's grant, agreement and application answer as missing ones; the anchors are not a body's.
    for (const [type, key] of [
      ['grant', id],
      ['agreement', agreements[0]!.id],
      ['application', 'app-1'],
    ])
      await w.refused(() => w.invoke(IDS.transport, C.query, 'GetHistory', type!, key!), 'NOT_FOUND');
    expect(
      await w.call<HistoryEntry[]>(IDS.market, C.query, 'GetHistory', 'application', 'app-1'),
    ).to.have.length(4);
    expect(
      await w.call<HistoryEntry[]>(IDS.transport, C.query, 'GetHistory', 'enterprise', CODES.aa),
    ).to.have.length(1);
    await w.refused(() => w.invoke(IDS.market, C.query, 'GetHistory', 'anchor', 'gw-1.1'), 'FORBIDDEN');
    await w.refused(() => w.invoke(IDS.regulator, C.query, 'GetHistory', 'probe', id), 'INVALID_ARGUMENT');
    await w.refused(
      () => w.invoke(IDS.regulator, C.query, 'GetHistory', 'grant', 'no-such-grant'),
      'NOT_FOUND',
    );
    const appHistory = await w.call<HistoryEntry[]>(
      IDS.regulator,
      C.query,
      'GetHistory',
      'application',
      'app-1',
    );
    expect(appHistory.map((h) => (h.value as Application).state).sort()).to.deep.equal([
      'APPROVED',
      'FORMAL_REVIEW',
      'OWNER_REVIEW',
      'RE_REVIEW',
    ]);
  });

  it('ListApplications: a body sees the applications naming it; the bureau filters and pages', async () => {
    const w = await World.create();
    await w.submit(w.aa, 'app-1');
    await w.submit(w.aaa, 'app-2', [demand(TRANSPORT_VEHICLES)]);
    await w.submit(w.aa, 'app-3', [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)]);
    await w.formalReview('app-3', 'accept');
    const ids = async (who: Identity, filter: object, size = 50) =>
      (
        await w.call<Page<Application>>(
          who,
          C.query,
          'ListApplications',
          JSON.stringify(filter),
          String(size),
          '',
        )
      ).items
        .map((a) => a.id)
        .sort();
    expect(await ids(IDS.market, {})).to.deep.equal(['app-1', 'app-3']);
    expect(await ids(IDS.transport, {})).to.deep.equal(['app-2', 'app-3']);
    expect(await ids(IDS.bureau, {})).to.deep.equal(['app-1', 'app-2', 'app-3']);
    expect(await ids(IDS.regulator, { state: 'OWNER_REVIEW' })).to.deep.equal(['app-3']);
    expect(await ids(IDS.gateway, { enterprise: CODES.aa })).to.deep.equal(['app-1', 'app-3']);

    const first = await w.call<Page<Application>>(IDS.bureau, C.query, 'ListApplications', '{}', '2', '');
    expect(first.items.length).to.equal(2);
    const rest = await w.call<Page<Application>>(
      IDS.bureau,
      C.query,
      'ListApplications',
      '{}',
      '2',
      first.bookmark,
    );
    expect([...first.items, ...rest.items].map((a) => a.id).sort()).to.deep.equal([
      'app-1',
      'app-2',
      'app-3',
    ]);
    expect(rest.bookmark).to.equal('');
    await w.refused(() => w.invoke(IDS.stranger, C.query, 'ListApplications', '{}', '10', ''), 'FORBIDDEN');
    await w.refused(
      () => w.invoke(IDS.bureau, C.query, 'ListApplications', '{"state":"LOST"}', '10', ''),
      'INVALID_ARGUMENT',
    );
  });

  it('a body dropped from the demand list by a resubmission no longer sees the application in ListApplications', async () => {
    const w = await World.create();
    await w.submit(w.aa, 'app-1', [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)]);
    await w.formalReview('app-1', 'return', 'the vehicle data is not needed');
    await w.resubmit(w.aa, 'app-1');
    await w.refused(() => w.invoke(IDS.transport, C.application, 'GetApplication', 'app-1'), 'NOT_FOUND');
    // Nor does it keep the filing in its collection (the reason of the return, given while it was named, stays).
    expect(w.ledger.collections.get('rdx-TransportMSP')!.has(stateKey('application', 'app-1'))).to.equal(
      false,
    );
    expect(w.ledger.collections.get('rdx-MarketMSP')!.has(stateKey('application', 'app-1'))).to.equal(true);
    const page = await w.call<Page<Application>>(IDS.transport, C.query, 'ListApplications', '{}', '50', '');
    expect(page.items.map((a) => a.id)).to.deep.equal([]);
  });

  describe('the performance of opening bodies (L23, Z38)', () => {
    const performance = (w: World, period = '2025Q1', who: Identity = IDS.bureau) =>
      w.call<BodyPerformance[]>(who, C.query, 'BodyPerformance', period);

    it('per body and period: datasets, demands, owner reviews against their deadlines, grants, complaints', async () => {
      const w = await World.create();
      const { grants } = await w.activeGrants(w.aa, 'app-1');
      await w.fileComplaint(IDS.market, complaintInput(grants[0]!.id));
      await w.invoke(
        IDS.market,
        C.complaint,
        'ResolveComplaint',
        'c-1',
        'upheld',
        secret({ note: '已更正数据' }),
      );
      await w.invoke(IDS.market, C.complaint, 'RecordNotification', 'c-1', 'phone', w.today(), sha('told'));
      // A second application the body reviews late, and a third it has not reviewed past its deadline.
      await w.submit(w.aaa, 'app-2');
      await w.formalReview('app-2', 'accept');
      await w.submit(w.aaa, 'app-3');
      await w.formalReview('app-3', 'accept');
      const due = (await w.getApplication('app-2')).deadline!.due;
      w.setChinaTime(plusDays(due, 1));
      await w.ownerReview(IDS.market, 'app-2', 'approve');

      const rows = await performance(w);
      expect(rows.map((r) => r.body)).to.have.members(['MarketMSP', 'TransportMSP']);
      const market = rows.find((r) => r.body === 'MarketMSP')!;
      const datasets = (await w.call<{ owner: string }[]>(IDS.bureau, C.catalog, 'ListDatasets')).filter(
        (d) => d.owner === 'MarketMSP',
      );
      expect(market.datasets.listed).to.equal(datasets.length);
      expect(market.demandsReceived).to.equal(3);
      // app-1 was reviewed the day its formal review accepted it, app-2 a day after its deadline.
      const app2 = await w.getApplication('app-2');
      const took = workingDaysBetween(
        chinaDayOf(app2.formalReview!.at),
        chinaDayOf(app2.ownerReviews.MarketMSP!.at),
        new Map(CALENDAR_SEED.map((y) => [y.year, y])),
      );
      expect(took, 'the late review took more than its 15 working days').to.be.at.least(15);
      expect(market.ownerReviews).to.deep.equal({
        doneInPeriod: 2,
        onTime: 1,
        late: 1,
        overdueNow: 1,
        workingDays: { mean: took / 2, max: took },
      });
      expect(market.grants).to.deep.equal({ issuedInPeriod: 1, liveNow: 1 });
      expect(market.complaints).to.deep.equal({
        filedInPeriod: 1,
        resolvedInPeriod: 1,
        resolvedOnTime: 1,
        complainantToldOnTime: 1,
        overdueNow: 0,
      });
      const transport = rows.find((r) => r.body === 'TransportMSP')!;
      expect([transport.demandsReceived, transport.grants.liveNow]).to.deep.equal([0, 0]);
      expect((await performance(w, '2024')).find((r) => r.body === 'MarketMSP')!.demandsReceived).to.equal(0);
    });

    it('a demand counts in the period of its China day: 07:30 on 1 April is the second quarter, though UTC says March', async () => {
      const w = await World.create();
      w.setChinaTime('2025-04-01', '07:30');
      await w.submit(w.aa, 'app-1');
      const demands = async (period: string) =>
        (await performance(w, period)).find((r) => r.body === 'MarketMSP')!.demandsReceived;
      expect([await demands('2025Q1'), await demands('2025Q2')]).to.deep.equal([0, 1]);
    });

    it('a body reads only its own; the period is a year or a quarter', async () => {
      const w = await World.create();
      expect((await performance(w, '2025', IDS.market)).map((r) => r.body)).to.deep.equal(['MarketMSP']);
      await w.refused(() => performance(w, '2025-Q1'), 'INVALID_ARGUMENT', /period must be a year/);
      await w.refused(() => performance(w, '2025', IDS.stranger), 'FORBIDDEN');
    });
  });
});
