import { expect } from 'chai';
import { IDS, secret } from '../testing/fake-ledger';
import {
  C,
  CODES,
  INVALID_CODE,
  MARKET_ENTITIES,
  TRANSPORT_VEHICLES,
  World,
  complaintInput,
  demand,
  sha,
  type EnterpriseHandle,
  signedRequest,
} from '../testing/world';
import { EVENTS } from '../lib/events';
import type { Agreement } from '../models/agreement';
import type { Complaint } from '../models/complaint';
import type { CreditFacts } from '../models/credit';
import type { CreditEvaluation, Duty } from './duty-contract';

interface Setup {
  w: World;
  agreement: Agreement;
}

async function setup(terms: { dataReturn?: boolean } = {}): Promise<Setup> {
  const w = await World.create();
  const { agreements } = await w.activeGrants(w.aa, 'app-1', undefined, terms);
  return { w, agreement: agreements[0]! };
}

function duty(
  w: World,
  fn: string,
  action: string,
  body: Record<string, unknown>,
  e: EnterpriseHandle = w.aa,
): Promise<Duty> {
  return w.asEnterprise<Duty>(e, C.duty, fn, action, body);
}

const usage = (agreementId: string) => ({
  agreementId,
  period: '2025-Q1',
  callCount: 1234,
  reportHash: sha('usage report'),
});

describe('DutyContract', () => {
  it('a usage report is recorded and dates the agreement’s last report', async () => {
    const { w, agreement } = await setup();
    w.ledger.now = new Date('2025-04-01T02:00:00Z');
    const recorded = await duty(w, 'ReportUsage', 'ReportUsage', usage(agreement.id));
    expect(recorded.kind).to.equal('usage-report');
    expect(recorded.agreementId).to.equal(agreement.id);
    expect(recorded.creditCode).to.equal(CODES.aa);
    expect(recorded.detail).to.deep.equal({
      period: '2025-Q1',
      callCount: 1234,
      reportHash: sha('usage report'),
    });
    expect(recorded.at).to.equal('2025-04-01T02:00:00.000Z');
    expect(recorded.updatedBy).to.deep.equal({ mspId: 'BureauMSP', role: 'gateway' });
    expect((await w.getAgreement(agreement.id)).lastUsageReportAt).to.equal('2025-04-01T02:00:00.000Z');
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.USAGE_REPORTED);
    expect(w.ledger.lastEvent()?.payload.changes).to.deep.equal([
      { type: 'duty', id: recorded.id, state: 'usage-report', enterprise: CODES.aa },
      { type: 'agreement', id: agreement.id, state: 'IN_FORCE', enterprise: CODES.aa },
    ]);
    // Two reports are two records.
    const second = await duty(w, 'ReportUsage', 'ReportUsage', { ...usage(agreement.id), period: '2025-Q2' });
    expect(second.id).not.to.equal(recorded.id);
  });

  it('duty denials: not the gateway, another enterprise’s agreement, a DRAFT, bad fields, replay, wrong action', async () => {
    const { w, agreement } = await setup();
    const signed = w.sign(w.aa, 'ReportUsage', usage(agreement.id));
    for (const who of [IDS.market, IDS.marketGatewayRole, IDS.bureau, IDS.regulator]) {
      await w.refused(() => w.invoke(who, C.duty, 'ReportUsage', signed), 'FORBIDDEN');
    }
    await w.refused(() => duty(w, 'ReportUsage', 'ReportUsage', usage(agreement.id), w.aaa), 'FORBIDDEN');
    await w.refused(() => duty(w, 'ReportUsage', 'ReportUsage', usage('app-9.MarketMSP')), 'NOT_FOUND');
    for (const bad of [{ callCount: -1 }, { callCount: '12' }, { reportHash: 'report' }, { period: '' }]) {
      await w.refused(
        () => duty(w, 'ReportUsage', 'ReportUsage', { ...usage(agreement.id), ...bad }),
        'INVALID_ARGUMENT',
      );
    }
    await w.refused(
      () => w.invoke(IDS.gateway, C.duty, 'ReportUsage', w.sign(w.aa, 'ReturnData', usage(agreement.id))),
      'INVALID_ARGUMENT',
    );
    const [request] = w.signRaw(w.aa, 'ReportUsage', usage(agreement.id));
    await w.refused(
      () => w.invoke(IDS.gateway, C.duty, 'ReportUsage', signedRequest([request, ''])),
      'BAD_SIGNATURE',
    );
    await w.invoke(IDS.gateway, C.duty, 'ReportUsage', signed);
    await w.refused(() => w.invoke(IDS.gateway, C.duty, 'ReportUsage', signed), 'REPLAYED');

    // An agreement still in DRAFT has no duties yet.
    await w.approvedApplication(w.aa, 'app-2');
    const draft = await w.draft(
      IDS.market,
      'app-2',
      w.termsFor(IDS.market, [demand(MARKET_ENTITIES, ['uscc'])]),
    );
    await w.refused(() => duty(w, 'ReportUsage', 'ReportUsage', usage(draft.id)), 'INVALID_STATE');
  });

  it('data is returned under an agreement with the data-return duty', async () => {
    const { w, agreement } = await setup();
    const returned = await duty(w, 'ReturnData', 'ReturnData', {
      agreementId: agreement.id,
      contentHash: sha('returned rows'),
      rowCount: 42,
    });
    expect(returned.kind).to.equal('data-return');
    expect(returned.detail).to.deep.equal({ contentHash: sha('returned rows'), rowCount: 42 });
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.DATA_RETURNED);
    await w.refused(
      () =>
        duty(w, 'ReturnData', 'ReturnData', { agreementId: agreement.id, contentHash: 'rows', rowCount: 1 }),
      'INVALID_ARGUMENT',
    );
    // The return may name which of the agreement's datasets it is about; it is kept with the record.
    const about = { agreementId: agreement.id, contentHash: sha('vehicles back'), rowCount: 7 };
    const named = await duty(w, 'ReturnData', 'ReturnData', {
      ...about,
      datasetId: agreement.terms.datasets[0]!.datasetId,
    });
    expect(named.detail).to.deep.equal({
      datasetId: agreement.terms.datasets[0]!.datasetId,
      contentHash: sha('vehicles back'),
      rowCount: 7,
    });
    await w.refused(
      () => duty(w, 'ReturnData', 'ReturnData', { ...about, datasetId: 'no-such-dataset' }),
      'INVALID_ARGUMENT',
      /datasetId no-such-dataset is not a dataset of agreement/,
    );
  });

  it('a data return is refused INVALID_STATE when the agreement has dataReturn false', async () => {
    const { w, agreement } = await setup({ dataReturn: false });
    expect(agreement.terms.dataReturn).to.equal(false);
    await w.refused(
      () =>
        duty(w, 'ReturnData', 'ReturnData', {
          agreementId: agreement.id,
          contentHash: sha('rows'),
          rowCount: 1,
        }),
      'INVALID_STATE',
    );
  });

  it('publishing the product records a duty and updates the agreement', async () => {
    const { w, agreement } = await setup();
    w.ledger.now = new Date('2025-05-20T02:00:00Z');
    const product = {
      agreementId: agreement.id,
      name: '企业信用画像',
      address: 'https://credit.example.cn/portrait',
      publishedOn: '2025-05-19',
    };
    const recorded = await duty(w, 'PublishProduct', 'PublishProduct', product);
    expect(recorded.kind).to.equal('product');
    const updated = await w.getAgreement(agreement.id);
    expect(updated.product).to.deep.equal({
      name: '企业信用画像',
      address: 'https://credit.example.cn/portrait',
      publishedOn: '2025-05-19',
      at: '2025-05-20T02:00:00.000Z',
    });
    expect(updated.state).to.equal('IN_FORCE');
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.PRODUCT_PUBLISHED);
    expect(w.ledger.lastEvent()?.payload.changes.map((c) => c.type)).to.deep.equal(['duty', 'agreement']);
  });

  it('a product cannot be published in the future or at a non-http address', async () => {
    const { w, agreement } = await setup();
    const product = (overrides: Record<string, unknown>) => () =>
      duty(w, 'PublishProduct', 'PublishProduct', {
        agreementId: agreement.id,
        name: '企业信用画像',
        address: 'https://credit.example.cn/portrait',
        publishedOn: '2025-03-03',
        ...overrides,
      });
    // 2025-03-03 10:00 in China: the 4th is tomorrow.
    await w.refused(product({ publishedOn: '2025-03-04' }), 'INVALID_ARGUMENT');
    await w.refused(product({ publishedOn: '2025-13-01' }), 'INVALID_ARGUMENT');
    await w.refused(product({ address: 'ftp://credit.example.cn' }), 'INVALID_ARGUMENT');
    await w.refused(product({ address: 'https://credit example' }), 'INVALID_ARGUMENT');
    await w.refused(product({ name: '' }), 'INVALID_ARGUMENT');
    await product({})();
  });

  it('a security issue is reported with a severity and a description hash', async () => {
    const { w, agreement } = await setup();
    const report = (overrides: Record<string, unknown>) => () =>
      duty(w, 'ReportSecurityIssue', 'ReportSecurityIssue', {
        agreementId: agreement.id,
        severity: 'high',
        descriptionHash: sha('leak'),
        ...overrides,
      });
    await w.refused(report({ severity: 'apocalyptic' }), 'INVALID_ARGUMENT');
    await w.refused(report({ descriptionHash: 'a leak' }), 'INVALID_ARGUMENT');
    const recorded = await report({})();
    expect(recorded.kind).to.equal('security-issue');
    const [complaintId] = agreement.grants.map(
      (_, i) => `sec-${String(w.ledger.lastEvent()?.payload.txId).slice(0, 16)}-${i + 1}`,
    );
    expect(recorded.detail).to.deep.equal({
      severity: 'high',
      descriptionHash: sha('leak'),
      complaints: [complaintId],
    });
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.SECURITY_ISSUE_REPORTED);
    expect(w.ledger.lastEvent()?.payload.changes.map((c) => `${c.type}:${c.state}`)).to.deep.equal([
      'duty:security-issue',
      'complaint:OPEN',
    ]);
  });

  it('a security incident puts each grant of the agreement on the complaint path: verified, suspended, answered in time (L17, Z35)', async () => {
    const { w, agreement } = await setup();
    const recorded = await duty(w, 'ReportSecurityIssue', 'ReportSecurityIssue', {
      agreementId: agreement.id,
      severity: 'critical',
      descriptionHash: sha('数据库被拖库'),
    });
    const [id] = recorded.detail.complaints as string[];
    const c = await w.call<Complaint>(IDS.market, C.complaint, 'GetComplaint', id!);
    expect(c).to.deep.include({
      state: 'OPEN',
      category: 'security',
      filedThrough: 'enterprise',
      body: 'MarketMSP',
      datasetId: MARKET_ENTITIES,
      grantId: agreement.grants[0],
      complainant: { kind: 'enterprise', creditCode: CODES.aa },
      factsHash: sha('数据库被拖库'),
      reportId: recorded.id,
    });
    const listed = await w.call<{ items: { id: string }[] }>(
      IDS.market,
      C.complaint,
      'ListComplaints',
      '{}',
      '50',
      '',
    );
    expect(listed.items.map((x) => x.id)).to.include(id);
    // The body verifies and suspends at once; the outcome lifts or withdraws as for any complaint.
    await w.invoke(IDS.market, C.complaint, 'SuspendForComplaint', id!);
    expect((await w.getGrant(agreement.grants[0]!)).state).to.equal('SUSPENDED');
    // Unanswered past its 10 working days (Mon 2025-03-03 → Mon 2025-03-17), it is overdue.
    w.setChinaTime('2025-03-18');
    const overdue = await w.call<{ id: string; step: string }[]>(IDS.bureau, C.query, 'ListOverdue');
    expect(overdue).to.deep.include.members([
      {
        type: 'complaint',
        id,
        step: 'complaint-handling',
        due: '2025-03-17',
        workingDaysOverdue: 1,
        party: 'MarketMSP',
      },
    ]);
  });

  it('duties can still be fulfilled after the agreement is terminated', async () => {
    const { w, agreement } = await setup();
    await w.invoke(
      IDS.market,
      C.agreement,
      'TerminateAgreement',
      agreement.id,
      '2025-03-03',
      secret({ reason: 'the service was shut down' }),
    );
    const returned = await duty(w, 'ReturnData', 'ReturnData', {
      agreementId: agreement.id,
      contentHash: sha('returned rows'),
      rowCount: 42,
    });
    expect(returned.kind).to.equal('data-return');
    await duty(w, 'ReportUsage', 'ReportUsage', usage(agreement.id));
    expect((await w.getAgreement(agreement.id)).state).to.equal('TERMINATED');
  });

  it('the bureau publishes credit evaluations; they are public', async () => {
    const w = await World.create();
    const evaluation = await w.call<CreditEvaluation>(
      IDS.bureau,
      C.duty,
      'PublishCreditEvaluation',
      JSON.stringify({
        creditCode: CODES.aa,
        period: '2025',
        grade: 'good',
        summary: 'duties fulfilled on time',
      }),
    );
    expect(evaluation.id).to.equal(`${CODES.aa}.2025`);
    expect(evaluation.enterpriseName).to.equal(w.aa.name);
    expect(evaluation.grade).to.equal('good');
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.CREDIT_EVALUATION_PUBLISHED);
    const list = await w.call<CreditEvaluation[]>(IDS.stranger, C.query, 'ListCreditEvaluations');
    expect(list).to.deep.equal([evaluation]);
  });

  describe('credit from facts (L24)', () => {
    const facts = (w: World, period: string, who = IDS.bureau) =>
      w.call<CreditFacts>(who, C.duty, 'ProposeCreditEvaluation', CODES.aa, period);
    const publish = (w: World, input: Record<string, unknown>) =>
      w.call<CreditEvaluation>(
        IDS.bureau,
        C.duty,
        'PublishCreditEvaluation',
        JSON.stringify({ creditCode: CODES.aa, summary: '依据台账事实评价', ...input }),
      );

    it('timely reports make excellent for their quarter, good for a year with one report', async () => {
      const { w, agreement } = await setup();
      const report = await duty(w, 'ReportUsage', 'ReportUsage', usage(agreement.id));
      const quarter = await facts(w, '2025Q1');
      expect(quarter).to.deep.include({
        from: '2025-01-01',
        to: '2025-03-31',
        violations: 0,
        upheldComplaints: 0,
        missedDuties: 0,
        timelyReports: 1,
        proposedGrade: 'excellent',
      });
      expect(quarter.ids.timelyReports).to.deep.equal([report.id]);
      expect((await facts(w, '2025')).proposedGrade, 'one report in four quarters').to.equal('good');
      expect((await facts(w, '2025Q2')).timelyReports, 'another quarter').to.equal(0);
    });

    it('a missed product deadline and an overdue usage report make fair; an upheld complaint too; a violation poor', async () => {
      const { w, agreement } = await setup();
      const grantId = agreement.grants[0]!;
      // In force Mon 2025-03-03: the product was due 2025-06-03, the first usage report 92 days on.
      w.setChinaTime('2025-07-01');
      const late = await facts(w, '2025Q2');
      expect(late.ids.missedDuties).to.have.members([
        `${agreement.id}:product`,
        `${agreement.id}:usage-report`,
        `${agreement.id}:data-return`,
      ]);
      expect(late.proposedGrade).to.equal('fair');
      expect((await facts(w, '2025Q1')).proposedGrade, 'nothing was due in Q1').to.equal('good');

      await w.fileComplaint(IDS.market, complaintInput(grantId));
      await w.invoke(
        IDS.market,
        C.complaint,
        'ResolveComplaint',
        'c-1',
        'withdraw',
        secret({ note: '核实转售' }),
      );
      const q3 = await facts(w, '2025Q3');
      expect([q3.upheldComplaints, q3.ids.upheldComplaints, q3.proposedGrade]).to.deep.equal([
        1,
        ['c-1'],
        'fair',
      ]);

      const other = await w.activeGrants(w.aa, 'app-2');
      await w.grantDecision(IDS.market, 'SuspendGrant', other.grants[0]!.id, '违规使用', 'violation');
      await w.grantDecision(IDS.market, 'TerminateGrant', other.grants[0]!.id, '违规未整改');
      const worst = await facts(w, '2025Q3');
      expect([worst.violations, worst.ids.violations, worst.proposedGrade]).to.deep.equal([
        1,
        [other.grants[0]!.id],
        'poor',
      ]);
    });

    it('the bureau publishes the grade the facts support, or another with a reason; the public list shows the basis', async () => {
      const { w, agreement } = await setup();
      await duty(w, 'ReportUsage', 'ReportUsage', usage(agreement.id));
      const confirmed = await publish(w, { period: '2025Q1' });
      expect([confirmed.grade, confirmed.override]).to.deep.equal(['excellent', undefined]);
      expect(confirmed.basis).to.deep.include({
        timelyReports: 1,
        proposedGrade: 'excellent',
        from: '2025-01-01',
      });
      expect(confirmed.basis).not.to.have.property('ids');
      await w.refused(
        () => publish(w, { period: '2025Q2', grade: 'excellent' }),
        'INVALID_ARGUMENT',
        /overrideReason is required/,
      );
      // A misspelt grade would publish the one the facts support instead: refused, named.
      await w.refused(
        () => publish(w, { period: '2025Q2', Grade: 'fair', overrideReason: '约谈' }),
        'INVALID_ARGUMENT',
        /evaluation has an unknown field "Grade": it takes creditCode, period, grade, overrideReason and summary$/,
      );
      const overridden = await publish(w, {
        period: '2025Q2',
        grade: 'fair',
        overrideReason: '虽无记录但存在约谈情况',
      });
      expect(overridden.override).to.deep.equal({ proposedGrade: 'good', reason: '虽无记录但存在约谈情况' });
      const listed = await w.call<CreditEvaluation[]>(IDS.stranger, C.query, 'ListCreditEvaluations');
      expect(listed.map((e) => [e.period, e.grade, e.basis?.proposedGrade])).to.have.deep.members([
        ['2025Q1', 'excellent', 'excellent'],
        ['2025Q2', 'fair', 'good'],
      ]);
    });

    it('periods are a year or a quarter; only the bureau and regulators read the facts', async () => {
      const { w } = await setup();
      for (const bad of ['2025-Q1', '25Q1', '2025Q5', ''])
        await w.refused(() => facts(w, bad), 'INVALID_ARGUMENT', /period must be a year/);
      expect((await facts(w, '2025Q4', IDS.regulator)).to).to.equal('2025-12-31');
      for (const who of [IDS.market, IDS.gateway, IDS.stranger, IDS.clerk])
        await w.refused(() => facts(w, '2025', who), 'FORBIDDEN');
    });
  });

  it('credit evaluations: only the bureau, for a known enterprise, with a valid grade', async () => {
    const w = await World.create();
    const json = (overrides: Record<string, unknown> = {}) =>
      JSON.stringify({ creditCode: CODES.aa, period: '2025', grade: 'good', summary: 'ok', ...overrides });
    for (const who of [IDS.market, IDS.regulator, IDS.gateway, IDS.stranger]) {
      await w.refused(() => w.invoke(who, C.duty, 'PublishCreditEvaluation', json()), 'FORBIDDEN');
    }
    await w.refused(
      () => w.invoke(IDS.bureau, C.duty, 'PublishCreditEvaluation', json({ creditCode: CODES.spare })),
      'NOT_FOUND',
    );
    await w.refused(
      () => w.invoke(IDS.bureau, C.duty, 'PublishCreditEvaluation', json({ creditCode: INVALID_CODE })),
      'INVALID_ARGUMENT',
    );
    await w.refused(
      () => w.invoke(IDS.bureau, C.duty, 'PublishCreditEvaluation', json({ grade: 'A+' })),
      'INVALID_ARGUMENT',
    );
    await w.refused(
      () => w.invoke(IDS.bureau, C.duty, 'PublishCreditEvaluation', json({ period: '2025 Q1' })),
      'INVALID_ARGUMENT',
    );
    await w.refused(
      () => w.invoke(IDS.bureau, C.duty, 'PublishCreditEvaluation', json({ summary: '' })),
      'INVALID_ARGUMENT',
    );
  });
  describe('reports reach their readers (L7, L18)', () => {
    interface DutyPage {
      items: Duty[];
      bookmark: string;
    }
    it('the owning body and the bureau read and list them; another body finds none', async () => {
      const { w, agreement } = await setup();
      const both = await w.activeGrants(w.aaa, 'app-2', [
        demand(MARKET_ENTITIES),
        demand(TRANSPORT_VEHICLES),
      ]);
      const transport = both.agreements.find((a) => a.terms.body === 'TransportMSP')!;
      const report = await duty(w, 'ReportUsage', 'ReportUsage', usage(agreement.id));
      const incident = await duty(w, 'ReportSecurityIssue', 'ReportSecurityIssue', {
        agreementId: agreement.id,
        severity: 'high',
        descriptionHash: sha('incident'),
      });
      const other = await duty(w, 'ReportUsage', 'ReportUsage', usage(transport.id), w.aaa);
      expect([report.body, other.body]).to.deep.equal(['MarketMSP', 'TransportMSP']);

      for (const who of [IDS.market, IDS.marketReviewer, IDS.bureau, IDS.regulator, IDS.gateway])
        expect(await w.call<Duty>(who, C.duty, 'GetDuty', incident.id)).to.deep.equal(incident);
      await w.refused(() => w.invoke(IDS.transport, C.duty, 'GetDuty', incident.id), 'NOT_FOUND');
      for (const who of [IDS.stranger, IDS.clerk, IDS.bureauNoRole])
        await w.refused(() => w.invoke(who, C.duty, 'GetDuty', incident.id), 'FORBIDDEN');

      const list = async (who: typeof IDS.market, filter: object, size = '50'): Promise<string[]> => {
        const ids: string[] = [];
        let bookmark = '';
        do {
          const page = await w.call<DutyPage>(
            who,
            C.duty,
            'ListDuties',
            JSON.stringify(filter),
            size,
            bookmark,
          );
          ids.push(...page.items.map((d) => d.id));
          bookmark = page.bookmark;
        } while (bookmark);
        return ids.sort();
      };
      const market = [report.id, incident.id].sort();
      expect(await list(IDS.market, {})).to.deep.equal(market);
      expect(
        await list(IDS.market, { agreement: transport.id }),
        'its own, whatever the filter',
      ).to.deep.equal(market);
      expect(await list(IDS.market, { kind: 'security-issue' })).to.deep.equal([incident.id]);
      expect(await list(IDS.transport, {})).to.deep.equal([other.id]);
      expect(await list(IDS.bureau, {}, '1')).to.deep.equal([...market, other.id].sort());
      expect(await list(IDS.regulator, { agreement: agreement.id })).to.deep.equal(market);
      expect(await list(IDS.bureau, { kind: 'usage-report' })).to.deep.equal([report.id, other.id].sort());
      // The gateway reads one body's (its desk), optionally of one kind.
      expect(await list(IDS.gateway, { body: 'MarketMSP' })).to.deep.equal(market);
      expect(await list(IDS.gateway, { body: 'MarketMSP', kind: 'security-issue' })).to.deep.equal([
        incident.id,
      ]);
      expect(await list(IDS.gateway, { body: 'TransportMSP' })).to.deep.equal([other.id]);
      await w.refused(
        () => w.invoke(IDS.bureau, C.duty, 'ListDuties', '{"kind":"gossip"}', '10', ''),
        'INVALID_ARGUMENT',
      );
      await w.refused(() => w.invoke(IDS.stranger, C.duty, 'ListDuties', '{}', '10', ''), 'FORBIDDEN');
    });
  });
});
