/**
 * What a channel member sees of another body's business. Every block goes to every member, so the test reads
 * what a block would hold — each transaction's arguments, result and event — and the world state and its
 * history, and looks there for what only the parties may see: the application form and contacts, demanded items
 * and scenarios, agreement terms (purpose, service, quota), the enterprise's signed requests, reasons and notes,
 * who complained and what they wrote. It also checks which peers each step needs (the endorsement the policies demand).
 */
import { expect } from 'chai';
import { IDS, TxExtras, secret } from '../testing/fake-ledger';
import {
  C,
  CODES,
  MARKET_ENTITIES,
  TRANSPORT_VEHICLES,
  World,
  demand,
  marketEntitiesInput,
  sha,
  stateKey,
  validForm,
} from '../testing/world';

const PURPOSE = '供应链金融授信前主体核验-机密用途';
const SCENARIO = '机密场景：核验法定代表人';
const REASON = '机密理由：用途与数据不匹配';
const NOTE = '机密备注：发现转售数据';
const COMPLAINANT = sha('投诉人王小明');
const QUOTA = 7_654_321;
const CITIZEN_FACTS = '公开数据中出现了我家的门牌地址,请中止开放。';
const CITIZEN_CONTACT = sha('salted citizen contact');
const ENTERPRISE_FACTS = '数据中的经营范围字段缺失超过三成。';

/** Everything a channel member can read without being a party: blocks, world state, its history. */
function channelText(w: World): string {
  const parts: string[] = [];
  for (const b of w.ledger.blocks) parts.push(b.fn, ...b.args, b.result, b.event ?? '');
  for (const value of w.ledger.state.values()) parts.push(value.toString('utf8'));
  for (const records of w.ledger.history.values())
    for (const r of records) parts.push(r.value?.toString('utf8') ?? '');
  return parts.join('\n');
}

function collectionText(w: World, body: string): string {
  return [...w.ledger.collections.get(`rdx-${body}`)!.values()].map((v) => v.toString('utf8')).join('\n');
}

const BOTH = [
  { ...demand(MARKET_ENTITIES, ['uscc', 'name']), scenario: SCENARIO },
  { ...demand(TRANSPORT_VEHICLES, ['plate_no']), scenario: SCENARIO },
];

/** An application naming both bodies, reviewed, with agreements in force, a complaint and a suspension. */
async function busyWorld(): Promise<{ w: World; grantId: string }> {
  const w = await World.create();
  const form = validForm({ contactNameHash: sha('联系人张三') });
  await w.submit(w.aa, 'app-1', BOTH, { ...form });
  await w.formalReview('app-1', 'accept', REASON);
  await w.ownerReview(IDS.market, 'app-1', 'approve', REASON);
  await w.ownerReview(IDS.transport, 'app-1', 'reject', REASON);
  await w.reReview('app-1', 'approve', REASON);
  const terms = w.termsFor(IDS.market, BOTH, { purpose: PURPOSE, dailyQuota: QUOTA });
  const drafted = await w.draft(IDS.market, 'app-1', terms);
  await w.signAsBody(IDS.market, drafted);
  const inForce = await w.signAsEnterprise(w.aa, drafted);
  const grantId = inForce.grants[0]!;
  await w.grantDecision(IDS.market, 'SuspendGrant', grantId, NOTE, 'violation');
  await w.fileComplaint(IDS.market, {
    id: 'c-1',
    datasetId: MARKET_ENTITIES,
    grantId,
    category: 'unlawful-opening',
    complainant: { kind: 'person', nameHash: COMPLAINANT },
    factsHash: sha('facts'),
  });
  // A citizen's complaint through the gateway's public route, and an enterprise's, with the facts they wrote.
  await w.invoke(
    IDS.gateway,
    C.complaint,
    'FileComplaintFromPublic',
    secret({
      complaint: JSON.stringify({
        id: 'c-2',
        datasetId: MARKET_ENTITIES,
        category: 'rights',
        facts: CITIZEN_FACTS,
        contactHash: CITIZEN_CONTACT,
        receiptHash: sha('receipt'),
      }),
    }),
  );
  await w.asEnterprise(w.a, C.complaint, 'FileComplaintAsEnterprise', 'FileComplaint', {
    id: 'c-3',
    datasetId: MARKET_ENTITIES,
    category: 'quality',
    facts: ENTERPRISE_FACTS,
    receiptHash: sha('receipt 2'),
  });
  return { w, grantId };
}

describe('confidentiality on the channel', () => {
  it('no block, state or history shows a form, contact, scenario, term, quota, reason, note, complainant or signed request', async () => {
    const { w } = await busyWorld();
    const text = channelText(w);
    for (const [what, secretText] of [
      ['the purpose in the terms', PURPOSE],
      ['a demand scenario', SCENARIO],
      ['a review reason', REASON],
      ['a suspension note', NOTE],
      ['the complainant', COMPLAINANT],
      ["a citizen's facts", CITIZEN_FACTS],
      ["a citizen's contact hash", CITIZEN_CONTACT],
      ["an enterprise's facts", ENTERPRISE_FACTS],
      ['the contact hash', sha('联系人张三')],
      ['the service named in the form', validForm().systemName],
      ['the daily quota', String(QUOTA)],
      ['a signed request', '"signedAt"'],
    ]) {
      const at = text.indexOf(secretText!);
      expect(at, `${what} is on the channel: …${text.slice(Math.max(0, at - 200), at + 100)}…`).to.equal(-1);
    }
    // The enterprise is on the channel (it is registered); that it complained is not.
    const filing = w.ledger.blocks.filter((b) => b.fn.includes('FileComplaintAsEnterprise'));
    expect(filing).to.have.length(1);
    expect(JSON.stringify(filing)).not.to.include(CODES.a);
    expect(w.ledger.state.get(stateKey('complaint', 'c-3'))!.toString('utf8')).not.to.include(CODES.a);
  });

  it('the salt of the terms hash stays with the owner: no block, state, history or event holds it, nor after a renewal', async () => {
    const { w } = await busyWorld();
    const drafted = await w.getAgreement('app-1.MarketMSP');
    w.ledger.now = new Date('2026-02-02T02:00:00Z');
    await w.invoke(IDS.market, C.agreement, 'ProposeRenewal', drafted.id, '2027-03-02');
    await w.asEnterprise(w.aa, C.agreement, 'AcceptRenewal', 'AcceptRenewal', {
      agreementId: drafted.id,
      validUntil: '2027-03-02',
    });
    const renewed = await w.getAgreement(drafted.id);
    const text = channelText(w);
    expect(text).not.to.include('termsSalt');
    for (const salt of [drafted.termsSalt, renewed.termsSalt]) {
      expect(salt).to.be.a('string');
      expect(text).not.to.include(salt!);
    }
    expect(collectionText(w, 'MarketMSP')).to.include(renewed.termsSalt!);
    expect(collectionText(w, 'TransportMSP')).not.to.include(renewed.termsSalt!);
  });

  it('the parties keep it: the owner and the bureau read it whole; a body that is not a party reads nothing', async () => {
    const { w, grantId } = await busyWorld();
    const agreement = await w.getAgreement('app-1.MarketMSP');
    expect(agreement.terms.purpose).to.equal(PURPOSE);
    expect(agreement.terms.dailyQuota).to.equal(QUOTA);
    expect((await w.call<{ purpose: string }>(IDS.market, C.grant, 'GetGrant', grantId)).purpose).to.include(
      PURPOSE,
    );
    // Transport is named in the application (its own review reason is there) but not a party to Market's agreement.
    expect(collectionText(w, 'TransportMSP')).to.include(SCENARIO);
    expect(collectionText(w, 'TransportMSP')).not.to.include(PURPOSE);
    expect(collectionText(w, 'TransportMSP')).not.to.include(NOTE);
    expect(collectionText(w, 'TransportMSP')).not.to.include(COMPLAINANT);
    expect(collectionText(w, 'TransportMSP')).not.to.include(CITIZEN_FACTS);
    expect(collectionText(w, 'MarketMSP')).to.include(CITIZEN_FACTS).and.to.include(CITIZEN_CONTACT);
    await w.refused(
      () => w.invoke(IDS.transport, C.agreement, 'GetAgreement', 'app-1.MarketMSP'),
      'NOT_FOUND',
    );
    await w.refused(() => w.invoke(IDS.transport, C.grant, 'GetGrant', grantId), 'NOT_FOUND');
    // A named body reads the bureau's reasons and its own review's, not the other body's.
    const asTransport = await w.call<{ ownerReviews: Record<string, { reason?: string }> }>(
      IDS.transport,
      C.application,
      'GetApplication',
      'app-1',
    );
    expect(asTransport.ownerReviews.TransportMSP?.reason).to.equal(REASON);
    expect(asTransport.ownerReviews.MarketMSP?.reason).to.equal(undefined);
    expect((await w.getApplication('app-1')).ownerReviews.MarketMSP?.reason, 'the bureau reads all').to.equal(
      REASON,
    );
  });

  it('each secret is pinned on the channel by its hash', async () => {
    const { w, grantId } = await busyWorld();
    const grant = await w.getGrant(grantId);
    const kept = w.ledger.collections.get('rdx-MarketMSP')!;
    const stored = [...kept.entries()].find(([k]) => k === `\u0000grant\u0000${grantId}\u0000`)![1];
    const { createHash } = await import('node:crypto');
    expect(grant.sealedHash).to.equal(createHash('sha256').update(stored).digest('hex'));
  });

  it('a confidential input sent as an argument, or a private write without a salt, is refused', async () => {
    const { w, grantId } = await busyWorld();
    await w.refused(
      () =>
        w.invoke(
          IDS.market,
          C.grant,
          'WithdrawGrant',
          grantId,
          new TxExtras({ note: '撤回授权' }, undefined, true),
        ),
      'INVALID_ARGUMENT',
      /salt/,
    );
    await w.refused(
      () =>
        w.invoke(
          IDS.market,
          C.catalog,
          'RegisterDataset',
          JSON.stringify({ ...marketEntitiesInput(), id: 'x' }),
          new TxExtras({}, undefined, true),
        ),
      'INVALID_ARGUMENT',
      /salt/,
    );
    // An older client passing the note as an argument: the note never reaches the chaincode, which says why.
    await w.refused(
      () => w.invoke(IDS.market, C.grant, 'WithdrawGrant', grantId, '撤回授权'),
      'INVALID_ARGUMENT',
      /note is confidential: send it as transient data "note"/,
    );
    await w.refused(
      () => w.invoke(IDS.gateway, C.agreement, 'SignAgreementAsEnterprise'),
      'INVALID_ARGUMENT',
      /request is confidential: send it as transient data/,
    );
  });
});

describe('who must endorse', () => {
  it('creating a dataset, an agreement or a grant needs the owner’s and the bureau’s peers, as changing them does', async () => {
    const w = await World.create();
    await w.invoke(
      IDS.market,
      C.catalog,
      'RegisterDataset',
      JSON.stringify({ ...marketEntitiesInput(), id: 'new-one' }),
    );
    expect(w.ledger.lastEndorsement?.orgs).to.deep.equal(['BureauMSP', 'MarketMSP']);
    await w.approvedApplication(w.aa, 'app-1');
    const drafted = await w.draft(IDS.market, 'app-1', w.termsFor(IDS.market, [demand(MARKET_ENTITIES)]));
    await w.signAsBody(IDS.market, drafted);
    await w.asEnterprise(w.aa, C.agreement, 'SignAgreementAsEnterprise', 'SignAgreement', {
      agreementId: drafted.id,
      termsHash: drafted.termsHash,
    });
    expect(w.ledger.lastEndorsement?.orgs, 'the grants are issued with the owner').to.deep.equal([
      'BureauMSP',
      'MarketMSP',
    ]);
  });

  it('an application naming two bodies is filed with both and the bureau; the client must name them', async () => {
    const w = await World.create();
    const signed = (orgs?: string[]) => w.sign(w.aa, 'SubmitApplication', { ...appBody('app-2') }, orgs);
    // Without naming the endorsers, Fabric's gateway would not send the transient data to both bodies.
    let refusal = '';
    await w
      .invoke(IDS.gateway, C.application, 'SubmitApplication', signed())
      .catch((e: Error) => (refusal = e.message));
    expect(refusal).to.match(/not in the distribution policy/);
    await w.invoke(
      IDS.gateway,
      C.application,
      'SubmitApplication',
      signed(['BureauMSP', 'MarketMSP', 'TransportMSP']),
    );
    expect(w.ledger.lastEndorsement?.orgs).to.deep.equal(['BureauMSP', 'MarketMSP', 'TransportMSP']);
  });

  it('a rating that suspends grants of two bodies touches no collection', async () => {
    const w = await World.create();
    await w.activeGrants(
      w.aa,
      'app-1',
      BOTH.map((d) => demand(d.datasetId)),
    );
    await w.rate(w.aa, 'A');
    expect(w.ledger.lastEndorsement?.collections).to.deep.equal([]);
    expect(w.ledger.lastEndorsement?.orgs).to.deep.equal(['BureauMSP', 'MarketMSP', 'TransportMSP']);
  });
});

function appBody(id: string): Record<string, unknown> {
  return {
    id,
    form: validForm(),
    demands: BOTH,
    documents: { mlpsCertificate: sha('m'), creditReport: sha('c'), securityCommitment: sha('s') },
  };
}
