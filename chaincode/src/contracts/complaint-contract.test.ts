import { expect } from 'chai';
import { IDS, type Identity, secret } from '../testing/fake-ledger';
import {
  C,
  CODES,
  MARKET_ENTITIES,
  MARKET_NOTICES,
  World,
  sha,
  stateKey,
  refusalFor,
} from '../testing/world';
import { EVENTS } from '../lib/events';
import type { Complaint } from '../models/complaint';
import type { Grant } from '../models/grant';

interface Setup {
  w: World;
  grant: Grant;
}

async function setup(): Promise<Setup> {
  const w = await World.create();
  const { grants } = await w.activeGrants(w.aa, 'app-1');
  return { w, grant: grants[0]! };
}

function complaintInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'c-1',
    datasetId: MARKET_ENTITIES,
    category: 'unlawful-opening',
    complainant: { kind: 'organisation', name: '丽水市消费者协会' },
    factsHash: sha('the facts'),
    ...overrides,
  };
}

/** Files (the complaint as transient data) and reads the whole complaint back, as the SDK does. */
async function file(w: World, who: Identity, input: Record<string, unknown>): Promise<Complaint> {
  const shell = await w.fileComplaint(who, input);
  expect(shell, 'the result holds no complainant').not.to.have.property('complainant');
  return w.call<Complaint>(IDS.bureau, C.complaint, 'GetComplaint', String(shell.id));
}

async function resolve(
  w: World,
  who: Identity,
  id: string,
  decision: string,
  note = 'verified and handled',
): Promise<Complaint> {
  await w.call<Complaint>(who, C.complaint, 'ResolveComplaint', id, decision, secret({ note }));
  return w.call<Complaint>(IDS.bureau, C.complaint, 'GetComplaint', id);
}

describe('ComplaintContract', () => {
  it('filing with suspendNow suspends the grant in the same transaction; 10 working days to handle it', async () => {
    const { w, grant } = await setup();
    // Fri 2025-09-26: Sun 28 worked (1), Mon 29 (2), Tue 30 (3), Oct 1–8 off, Thu 9 (4), Fri 10 (5),
    // Sat 11 worked (6), Mon 13 – Thu 16 (10).
    w.setChinaTime('2025-09-26');
    const eventsBefore = w.ledger.events.length;
    const complaint = await file(w, IDS.market, complaintInput({ grantId: grant.id, suspendNow: true }));
    expect(complaint.state).to.equal('OPEN');
    expect(complaint.kind).to.equal('complaint');
    expect(complaint.body).to.equal('MarketMSP');
    expect(complaint.suspendedOnFiling).to.equal(true);
    expect(complaint.deadline).to.deep.equal({
      step: 'complaint-handling',
      due: '2025-10-16',
      rule: 'Z21: 10 working days',
    });
    expect(w.ledger.events.length).to.equal(eventsBefore + 1);
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.COMPLAINT_FILED);
    expect(w.ledger.lastEvent()?.payload.changes).to.deep.equal([
      { type: 'grant', id: grant.id, state: 'SUSPENDED', enterprise: CODES.aa, dataset: MARKET_ENTITIES },
      { type: 'complaint', id: 'c-1', state: 'OPEN', dataset: MARKET_ENTITIES },
    ]);
    expect(complaint.suspendedGrants).to.equal(1);
    const suspended = await w.getGrant(grant.id);
    expect(suspended.state).to.equal('SUSPENDED');
    expect(suspended.reason).to.deep.equal({
      code: 'complaint',
      note: 'complaint c-1',
      at: w.ledger.now.toISOString(),
      by: 'MarketMSP',
      complaintId: 'c-1',
    });
    expect(await w.call<Complaint>(IDS.regulator, C.complaint, 'GetComplaint', 'c-1')).to.deep.equal(
      complaint,
    );
  });

  it('without suspendNow the grant stays active; an opinion about a dataset needs no grant', async () => {
    const { w, grant } = await setup();
    const c = await file(w, IDS.market, complaintInput({ grantId: grant.id }));
    expect(c.suspendedOnFiling).to.equal(false);
    expect((await w.getGrant(grant.id)).state).to.equal('ACTIVE');
    const opinion = await file(
      w,
      IDS.market,
      complaintInput({ id: 'c-2', kind: 'opinion', datasetId: MARKET_NOTICES }),
    );
    expect(opinion.kind).to.equal('opinion');
    expect(opinion.grantId).to.equal(undefined);
  });

  it('a person complainant is stored only as a hash of the name', async () => {
    const { w } = await setup();
    // The clear name beside its hash is refused, named, not quietly dropped: the sender learns it was not to go.
    await w.refused(
      () =>
        file(
          w,
          IDS.market,
          complaintInput({ complainant: { kind: 'person', nameHash: sha('王小明'), name: '王小明' } }),
        ),
      'INVALID_ARGUMENT',
      /complainant has an unknown field "name": it takes kind and nameHash$/,
    );
    const c = await file(
      w,
      IDS.market,
      complaintInput({ complainant: { kind: 'person', nameHash: sha('王小明') } }),
    );
    expect(c.complainant).to.deep.equal({ kind: 'person', nameHash: sha('王小明') });
    const raw = w.ledger.state.get(stateKey('complaint', 'c-1'))?.toString('utf8') ?? '';
    expect(raw, 'who complained is not on the channel, not even hashed').not.to.include(sha('王小明'));
    const kept = w.ledger.collections
      .get('rdx-MarketMSP')!
      .get(stateKey('complaint', 'c-1'))!
      .toString('utf8');
    expect(kept, 'the owner keeps the hash').to.include(sha('王小明'));
    expect(kept, 'the clear name is nowhere').not.to.include('王小明');
    await w.refused(
      () =>
        file(w, IDS.market, complaintInput({ id: 'c-2', complainant: { kind: 'person', name: '王小明' } })),
      'INVALID_ARGUMENT',
    );
  });

  it('the bureau may file (and suspend); the complaint belongs to the dataset’s owner', async () => {
    const { w, grant } = await setup();
    const c = await file(w, IDS.bureau, complaintInput({ grantId: grant.id, suspendNow: true }));
    expect(c.body).to.equal('MarketMSP');
    expect(c.updatedBy).to.deep.equal({ mspId: 'BureauMSP', role: 'bureau' });
    expect((await w.getGrant(grant.id)).state).to.equal('SUSPENDED');
    // The bureau's suspension is the bureau's to lift (as at grant:RestoreGrant): resolving the complaint by
    // restoring or reopening was a way round that.
    for (const decision of ['restore', 'reopen'])
      await w.refused(
        () => resolve(w, IDS.market, 'c-1', decision),
        'FORBIDDEN',
        new RegExp(
          `grant ${grant.id} was suspended by BureauMSP for complaint c-1: only BureauMSP may restore it`,
        ),
      );
    await w.refused(
      () => w.call(IDS.market, C.grant, 'RestoreGrant', grant.id, secret({ note: 'lifted by the owner' })),
      'FORBIDDEN',
    );
    expect((await w.getGrant(grant.id)).state).to.equal('SUSPENDED');
    await w.call(IDS.bureau, C.grant, 'RestoreGrant', grant.id, secret({ note: '核实完毕 verified' }));
    expect((await w.getGrant(grant.id)).state).to.equal('ACTIVE');
    expect((await resolve(w, IDS.market, 'c-1', 'upheld')).state).to.equal('RESOLVED');
  });

  it('filing denials: other body, regulator, gateway; mismatched or unknown grant; bad input', async () => {
    const { w, grant } = await setup();
    for (const who of [IDS.transport, IDS.regulator, IDS.gateway, IDS.marketGatewayRole, IDS.stranger]) {
      await w.refused(
        () => file(w, who, complaintInput({ grantId: grant.id, suspendNow: true })),
        'FORBIDDEN',
      );
    }
    await w.refused(
      () => file(w, IDS.market, complaintInput({ datasetId: MARKET_NOTICES, grantId: grant.id })),
      'INVALID_ARGUMENT',
    );
    await w.refused(
      () => file(w, IDS.market, complaintInput({ grantId: 'no-such-grant' })),
      'INVALID_ARGUMENT',
    );
    await w.refused(() => file(w, IDS.market, complaintInput({ datasetId: 'no-such-dataset' })), 'NOT_FOUND');
    for (const bad of [
      { factsHash: 'the facts in clear' },
      { kind: 'praise' },
      { complainant: { kind: 'robot' } },
      { complainant: { kind: 'organisation' } },
      { suspendNow: 'yes' },
      { id: '' },
      { category: undefined },
      { category: 'rude-staff' },
    ]) {
      await w.refused(() => file(w, IDS.market, complaintInput(bad)), 'INVALID_ARGUMENT');
    }
    // A misspelt `suspendNow` would file without suspending: refused, named.
    await w.refused(
      () => file(w, IDS.market, complaintInput({ suspendNOW: true })),
      'INVALID_ARGUMENT',
      /complaint has an unknown field "suspendNOW": it takes id, datasetId, grantId, kind, category, factsHash, complainant and suspendNow$/,
    );
    await file(w, IDS.market, complaintInput());
    await w.refused(() => file(w, IDS.market, complaintInput()), 'ALREADY_EXISTS');
  });

  it('suspendNow on a grant that is not ACTIVE is refused', async () => {
    const { w, grant } = await setup();
    await w.invoke(IDS.market, C.grant, 'WithdrawGrant', grant.id, secret({ note: 'repeated violations' }));
    await w.refused(
      () => file(w, IDS.market, complaintInput({ grantId: grant.id, suspendNow: true })),
      'INVALID_STATE',
    );
  });

  it('resolved by withdrawal: the grant is REVOKED in the resolving transaction', async () => {
    const { w, grant } = await setup();
    await file(w, IDS.market, complaintInput({ grantId: grant.id, suspendNow: true }));
    const resolved = await resolve(w, IDS.market, 'c-1', 'withdraw', 'resale confirmed');
    expect(resolved.state).to.equal('RESOLVED');
    expect(resolved.outcome).to.deep.equal({
      decision: 'withdraw',
      note: 'resale confirmed',
      at: w.ledger.now.toISOString(),
      grants: 1,
    });
    const g = await w.getGrant(grant.id);
    expect(g.state).to.equal('REVOKED');
    expect(g.reason?.code).to.equal('withdrawn');
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.COMPLAINT_RESOLVED);
    expect(w.ledger.lastEvent()?.payload.changes).to.deep.equal([
      { type: 'grant', id: grant.id, state: 'REVOKED', enterprise: CODES.aa, dataset: MARKET_ENTITIES },
      { type: 'complaint', id: 'c-1', state: 'RESOLVED', dataset: MARKET_ENTITIES },
    ]);
  });

  it('resolved by restoration or by reopening after processing: the grant is ACTIVE again', async () => {
    for (const decision of ['restore', 'reopen']) {
      const { w, grant } = await setup();
      await file(w, IDS.market, complaintInput({ grantId: grant.id, suspendNow: true }));
      const resolved = await resolve(w, IDS.market, 'c-1', decision);
      expect(resolved.outcome?.decision).to.equal(decision);
      const g = await w.getGrant(grant.id);
      expect(g.state).to.equal('ACTIVE');
      expect(g.reason).to.equal(undefined);
    }
  });

  it('dismissal leaves the grant as it is', async () => {
    const { w, grant } = await setup();
    await file(w, IDS.market, complaintInput({ grantId: grant.id, suspendNow: true }));
    const resolved = await resolve(w, IDS.market, 'c-1', 'dismiss', 'no evidence of resale');
    expect(resolved.state).to.equal('RESOLVED');
    expect((await w.getGrant(grant.id)).state).to.equal('SUSPENDED');
    expect(w.ledger.lastEvent()?.payload.changes).to.deep.equal([
      { type: 'complaint', id: 'c-1', state: 'RESOLVED', dataset: MARKET_ENTITIES },
    ]);
  });

  it('resolution denials: twice, another body, the bureau, no note, unknown decision, wrong grant state', async () => {
    const { w, grant } = await setup();
    await file(w, IDS.market, complaintInput({ grantId: grant.id }));
    for (const who of [IDS.transport, IDS.bureau, IDS.regulator, IDS.gateway, IDS.stranger]) {
      await w.refused(() => resolve(w, who, 'c-1', 'dismiss'), refusalFor(who));
    }
    await w.refused(() => resolve(w, IDS.market, 'c-1', 'dismiss', ''), 'INVALID_ARGUMENT');
    await w.refused(() => resolve(w, IDS.market, 'c-1', 'ignore'), 'INVALID_ARGUMENT');
    // The grant was not suspended: nothing to restore or reopen.
    await w.refused(() => resolve(w, IDS.market, 'c-1', 'restore'), 'INVALID_STATE');
    await w.refused(() => resolve(w, IDS.market, 'c-1', 'reopen'), 'INVALID_STATE');
    await w.refused(() => resolve(w, IDS.market, 'c-9', 'dismiss'), 'NOT_FOUND');
    await resolve(w, IDS.market, 'c-1', 'dismiss');
    await w.refused(() => resolve(w, IDS.market, 'c-1', 'dismiss'), 'INVALID_STATE');
    await w.refused(() => resolve(w, IDS.market, 'c-1', 'withdraw'), 'INVALID_STATE');
  });

  it('a complaint with nothing suspended for it is dismissed or upheld; withdrawal needs a live grant', async () => {
    const { w } = await setup();
    await file(w, IDS.market, complaintInput());
    for (const decision of ['withdraw', 'restore', 'reopen']) {
      await w.refused(() => resolve(w, IDS.market, 'c-1', decision), 'INVALID_STATE', /nothing to/);
    }
    expect((await resolve(w, IDS.market, 'c-1', 'upheld', '已更正数据')).outcome?.decision).to.equal(
      'upheld',
    );
    await file(w, IDS.market, complaintInput({ id: 'c-2' }));
    await resolve(w, IDS.market, 'c-2', 'dismiss');
  });

  it('a verified complaint naming a grant may withdraw it without a suspension first; upheld is refused while grants are suspended for it', async () => {
    const { w, grant } = await setup();
    await file(w, IDS.market, complaintInput({ grantId: grant.id }));
    expect((await resolve(w, IDS.market, 'c-1', 'withdraw')).outcome?.grants).to.equal(1);
    expect((await w.getGrant(grant.id)).state).to.equal('REVOKED');
    const other = await setup();
    await file(other.w, IDS.market, complaintInput({ grantId: other.grant.id, suspendNow: true }));
    await other.w.refused(
      () => resolve(other.w, IDS.market, 'c-1', 'upheld'),
      'INVALID_STATE',
      /suspended for it/,
    );
  });

  it('restoration is refused while the enterprise may not use restricted data', async () => {
    const { w, grant } = await setup();
    await file(w, IDS.market, complaintInput({ grantId: grant.id, suspendNow: true }));
    await w.rate(w.aa, 'A');
    await w.refused(() => resolve(w, IDS.market, 'c-1', 'restore'), 'RATING_INSUFFICIENT');
    await w.refused(() => resolve(w, IDS.market, 'c-1', 'reopen'), 'RATING_INSUFFICIENT');
    await resolve(w, IDS.market, 'c-1', 'withdraw');
  });

  it('restoration through a complaint is refused once the grant’s validity has passed, as RestoreGrant is', async () => {
    const { w, grant } = await setup();
    await file(w, IDS.market, complaintInput({ grantId: grant.id, suspendNow: true }));
    w.ledger.now = new Date('2026-03-10T02:00:00Z');
    await w.refused(
      () => w.invoke(IDS.market, C.grant, 'RestoreGrant', grant.id, secret({ note: 'fixed' })),
      'INVALID_STATE',
    );
    await w.refused(() => resolve(w, IDS.market, 'c-1', 'restore'), 'INVALID_STATE');
  });

  it('the notification is recorded only after resolution, once, not in the future, by the owning body', async () => {
    const { w, grant } = await setup();
    await file(w, IDS.market, complaintInput({ grantId: grant.id, suspendNow: true }));
    const notify =
      (who: Identity = IDS.market, on = '2025-03-03', channel = 'letter', summary = sha('summary')) =>
      () =>
        w.call<Complaint>(who, C.complaint, 'RecordNotification', 'c-1', channel, on, summary);
    await w.refused(notify(), 'INVALID_STATE');
    await resolve(w, IDS.market, 'c-1', 'withdraw', 'resale confirmed');
    // 2025-03-03 10:00 in China: the 4th is tomorrow.
    await w.refused(notify(IDS.market, '2025-03-04'), 'INVALID_ARGUMENT');
    await w.refused(notify(IDS.market, '2025-03-03', 'pigeon'), 'INVALID_ARGUMENT');
    await w.refused(notify(IDS.market, '2025-03-03', 'letter', 'summary in clear'), 'INVALID_ARGUMENT');
    for (const who of [IDS.transport, IDS.bureau, IDS.regulator, IDS.gateway]) {
      await w.refused(notify(who), refusalFor(who));
    }
    const notified = await notify()();
    expect(notified.notification).to.deep.equal({
      channel: 'letter',
      notifiedOn: '2025-03-03',
      summaryHash: sha('summary'),
      at: w.ledger.now.toISOString(),
    });
    expect(notified.state).to.equal('RESOLVED');
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.COMPLAINANT_NOTIFIED);
    await w.refused(notify(IDS.market, '2025-03-02'), 'INVALID_STATE');
  });

  it('complaints are read by the bureau, regulators and the owning body only', async () => {
    const { w } = await setup();
    await file(w, IDS.market, complaintInput());
    for (const who of [IDS.bureau, IDS.regulator, IDS.market]) {
      expect((await w.call<Complaint>(who, C.complaint, 'GetComplaint', 'c-1')).id).to.equal('c-1');
    }
    for (const who of [IDS.transport, IDS.gateway, IDS.stranger]) {
      await w.refused(() => w.invoke(who, C.complaint, 'GetComplaint', 'c-1'), refusalFor(who));
    }
  });
});

describe('ComplaintContract: complaints through the platform, about the data itself, and who lists them', () => {
  /** Both AA and AAA hold a grant on market entities. */
  async function twoHolders(): Promise<{ w: World; grants: Grant[] }> {
    const w = await World.create();
    const one = (await w.activeGrants(w.aa, 'app-1')).grants[0]!;
    const two = (await w.activeGrants(w.aaa, 'app-2')).grants[0]!;
    return { w, grants: [one, two] };
  }
  const receipt = 'a receipt only the complainant holds, 32+ chars';
  const status = (w: World, id: string, r = receipt): Promise<Record<string, unknown>> =>
    w.call(IDS.gateway, C.complaint, 'GetComplaintStatus', id, sha(r));
  const publicComplaint = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    id: 'c-pub',
    datasetId: MARKET_ENTITIES,
    category: 'rights',
    facts: '公开的市场主体数据中包含了我的住址,侵犯了我的个人隐私。',
    contactHash: sha('salted contact'),
    receiptHash: sha(receipt),
    ...overrides,
  });
  const fromPublic = (w: World, input: Record<string, unknown>, who: Identity = IDS.gateway) =>
    w.call<Record<string, unknown>>(
      who,
      C.complaint,
      'FileComplaintFromPublic',
      secret({ complaint: JSON.stringify(input) }),
    );

  it('facts and the body’s reason count only the characters a reader sees: padding of spaces and invisible ones is refused', async () => {
    const { w } = await twoHolders();
    const padding = [
      '\u200b'.repeat(11),
      ' \u3000\u00a0\t\n'.repeat(4),
      '\u200c\u200d\u2060\ufeff\u00ad\u200e'.repeat(2),
      '\u0301\u0308'.repeat(6),
      `short${'\u200b'.repeat(8)}`,
    ];
    for (const facts of padding)
      await w.refused(
        () => fromPublic(w, publicComplaint({ facts })),
        'INVALID_ARGUMENT',
        /facts must be at least 10 characters, not counting spaces and invisible ones/,
      );
    // Ten Chinese characters say something: taken.
    const tenCharacters = '地址数据与登记不一致';
    expect([...tenCharacters]).to.have.length(10);
    await fromPublic(w, publicComplaint({ facts: tenCharacters }));
    expect((await w.call<Complaint>(IDS.market, C.complaint, 'GetComplaint', 'c-pub')).facts).to.equal(
      tenCharacters,
    );
    // The answer owed is no blank either.
    await w.refused(
      () => resolve(w, IDS.market, 'c-pub', 'dismiss', '\u200b'.repeat(8)),
      'INVALID_ARGUMENT',
      /note is required/,
    );
    await resolve(w, IDS.market, 'c-pub', 'dismiss', '已核实，不成立');
  });

  it('a complaint about the data itself suspends every active grant on the dataset in one transaction, and its outcome reaches each', async () => {
    const { w, grants } = await twoHolders();
    const c = await file(w, IDS.market, complaintInput({ category: 'rights', suspendNow: true }));
    expect(c.suspendedGrants).to.equal(2);
    expect(w.ledger.lastEvent()?.payload.changes.map((x) => `${x.type}:${x.state}`)).to.deep.equal([
      'grant:SUSPENDED',
      'grant:SUSPENDED',
      'complaint:OPEN',
    ]);
    for (const g of grants) {
      const now = await w.getGrant(g.id);
      expect([now.state, now.reason?.code, now.reason?.complaintId]).to.deep.equal([
        'SUSPENDED',
        'complaint',
        'c-1',
      ]);
    }
    // One holder's rating lapses meanwhile: reopening does not hold the other back.
    await w.rate(w.aaa, 'A');
    const resolved = await resolve(w, IDS.market, 'c-1', 'reopen', '数据已脱敏处理后再开放');
    expect(resolved.outcome).to.include({ decision: 'reopen', grants: 2, leftSuspended: 1 });
    expect((await w.getGrant(grants[0]!.id)).state).to.equal('ACTIVE');
    expect((await w.getGrant(grants[1]!.id)).state).to.equal('SUSPENDED');
  });

  it('withdrawal revokes every grant suspended for the complaint, and none suspended for anything else', async () => {
    const { w, grants } = await twoHolders();
    await w.grantDecision(IDS.market, 'SuspendGrant', grants[1]!.id, '超范围使用', 'violation');
    await file(w, IDS.market, complaintInput({ category: 'rights', suspendNow: true }));
    await resolve(w, IDS.market, 'c-1', 'withdraw', '核实侵犯隐私,撤回');
    expect((await w.getGrant(grants[0]!.id)).state).to.equal('REVOKED');
    const other = await w.getGrant(grants[1]!.id);
    expect([other.state, other.reason?.code]).to.deep.equal(['SUSPENDED', 'violation']);
  });

  it('an enterprise files through the gateway with its signed request; who it is stays in the owning body’s collection', async () => {
    const { w } = await twoHolders();
    const body = {
      id: 'c-ent',
      datasetId: MARKET_ENTITIES,
      category: 'error',
      facts: '统一社会信用代码列有大量错误,与登记机关公示不一致。',
      receiptHash: sha(receipt),
    };
    const shell = await w.asEnterprise<Record<string, unknown>>(
      w.a,
      C.complaint,
      'FileComplaintAsEnterprise',
      'FileComplaint',
      body,
    );
    expect(shell).not.to.have.property('complainant');
    expect(shell).not.to.have.property('facts');
    const c = await w.call<Complaint>(IDS.market, C.complaint, 'GetComplaint', 'c-ent');
    expect(c.complainant).to.deep.equal({ kind: 'enterprise', creditCode: CODES.a });
    expect([c.filedThrough, c.category, c.facts]).to.deep.equal(['enterprise', 'error', body.facts]);
    expect(c.factsHash).to.equal(sha(body.facts));
    const onChannel = w.ledger.state.get(stateKey('complaint', 'c-ent'))!.toString('utf8');
    expect(onChannel).not.to.include(CODES.a);
    expect(onChannel).not.to.include('统一社会信用代码列');
    // The gateway cannot file for an enterprise on its own: the request must carry its signature.
    const [request] = w.signRaw(w.a, 'FileComplaint', { ...body, id: 'c-forged' });
    await w.refused(
      () =>
        w.invoke(
          IDS.gateway,
          C.complaint,
          'FileComplaintAsEnterprise',
          secret({ request, signature: 'A'.repeat(86) }),
        ),
      'BAD_SIGNATURE',
    );
  });

  it('anyone files through the public route: contact only hashed, personal data refused, status only with the receipt', async () => {
    const { w } = await twoHolders();
    const shell = await fromPublic(w, publicComplaint());
    expect(shell).to.include({ state: 'OPEN', category: 'rights', filedThrough: 'public' });
    const c = await w.call<Complaint>(IDS.market, C.complaint, 'GetComplaint', 'c-pub');
    expect(c.complainant).to.deep.equal({ kind: 'person', contactHash: sha('salted contact') });
    expect(await status(w, 'c-pub')).to.deep.equal({
      id: 'c-pub',
      kind: 'complaint',
      category: 'rights',
      datasetId: MARKET_ENTITIES,
      state: 'OPEN',
      filedAt: w.ledger.now.toISOString(),
      due: c.deadline.due,
    });
    await w.refused(() => status(w, 'c-pub', 'a guess'), 'NOT_FOUND');
    await w.refused(() => status(w, 'c-none'), 'NOT_FOUND');
    for (const bad of [
      { id: 'c-2', facts: '请联系我 138 0013 8000' },
      { id: 'c-2', facts: 'short' },
      { id: 'c-2', contactHash: '13800138000' },
      { id: 'c-2', receiptHash: undefined },
      { id: 'c-2', category: 'other' },
      { id: 'c-2', grantId: 'no-such-grant' },
    ]) {
      await w.refused(() => fromPublic(w, publicComplaint(bad)), 'INVALID_ARGUMENT');
    }
    for (const who of [IDS.market, IDS.bureau, IDS.regulator, IDS.marketGatewayRole]) {
      await w.refused(() => fromPublic(w, publicComplaint({ id: 'c-3' }), who), 'FORBIDDEN');
    }
    // Facts as long as they may be, in Chinese (three bytes a character in UTF-8), are taken whole.
    const longest = '数'.repeat(8000);
    await fromPublic(w, publicComplaint({ id: 'c-long', facts: longest }));
    expect((await w.call<Complaint>(IDS.market, C.complaint, 'GetComplaint', 'c-long')).facts).to.equal(
      longest,
    );
    // The body verifies and suspends every active grant on the dataset; the outcome and its date reach the citizen.
    const suspended = await w.call<Record<string, unknown>>(
      IDS.market,
      C.complaint,
      'SuspendForComplaint',
      'c-pub',
    );
    expect(suspended.suspendedGrants).to.equal(2);
    await w.refused(() => w.invoke(IDS.transport, C.complaint, 'SuspendForComplaint', 'c-pub'), 'NOT_FOUND');
    await w.refused(
      () => w.invoke(IDS.market, C.complaint, 'SuspendForComplaint', 'c-pub'),
      'INVALID_STATE',
      /nothing to suspend/,
    );
    await resolve(w, IDS.market, 'c-pub', 'withdraw', '核实后撤回');
    await w.invoke(
      IDS.market,
      C.complaint,
      'RecordNotification',
      'c-pub',
      'platform',
      w.today(),
      sha('reply'),
    );
    const told = await status(w, 'c-pub');
    expect(told).to.include({ state: 'RESOLVED', notifiedOn: w.today() });
    expect(told.outcome).to.deep.equal({ decision: 'withdraw', at: w.ledger.now.toISOString() });
    await w.refused(() => w.invoke(IDS.market, C.complaint, 'SuspendForComplaint', 'c-pub'), 'INVALID_STATE');
  });

  it('the bureau, regulators and the gateway list every complaint or one body’s, an opening body those about its own data, by state', async () => {
    const { w } = await twoHolders();
    await file(w, IDS.market, complaintInput());
    await file(w, IDS.market, complaintInput({ id: 'c-2' }));
    await resolve(w, IDS.market, 'c-2', 'dismiss');
    const list = (who: Identity, filter: Record<string, unknown> = {}, size = '50', bookmark = '') =>
      w.call<{ items: Complaint[]; bookmark: string }>(
        who,
        C.complaint,
        'ListComplaints',
        JSON.stringify(filter),
        size,
        bookmark,
      );
    const ids = async (who: Identity, filter?: Record<string, unknown>) =>
      (await list(who, filter)).items.map((c) => c.id);
    expect(await ids(IDS.bureau)).to.have.members(['c-1', 'c-2']);
    expect(await ids(IDS.regulator, { state: 'OPEN' })).to.deep.equal(['c-1']);
    expect(await ids(IDS.market, { state: 'RESOLVED' })).to.deep.equal(['c-2']);
    expect(await ids(IDS.market)).to.have.members(['c-1', 'c-2']);
    expect(await ids(IDS.transport), 'another body sees none of them').to.deep.equal([]);
    expect(await ids(IDS.transport, { body: 'MarketMSP' }), 'naming the owner changes nothing').to.deep.equal(
      [],
    );
    expect(await ids(IDS.gateway, { body: 'MarketMSP', state: 'OPEN' })).to.deep.equal(['c-1']);
    expect(await ids(IDS.gateway, { body: 'TransportMSP' })).to.deep.equal([]);
    expect(await ids(IDS.regulator, { body: 'MarketMSP' })).to.have.members(['c-1', 'c-2']);
    for (const c of (await list(IDS.gateway)).items)
      expect(c, 'the gateway gets shells only').not.to.have.any.keys('complainant', 'facts');
    const first = await list(IDS.market, {}, '1');
    expect(first.items).to.have.length(1);
    expect(first.items[0]).not.to.have.property('complainant');
    const second = await list(IDS.market, {}, '1', first.bookmark);
    expect([...first.items, ...second.items].map((c) => c.id)).to.have.members(['c-1', 'c-2']);
    await w.refused(() => list(IDS.bureau, { state: 'LOST' }), 'INVALID_ARGUMENT');
    for (const who of [IDS.stranger, IDS.clerk]) await w.refused(() => list(who), refusalFor(who));
  });
});
