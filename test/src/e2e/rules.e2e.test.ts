/**
 * The rules on the real network (issue 3): the workflow from application to active grants with the owning
 * bodies' peers endorsing, complaint → suspension → withdrawal, a downgrade suspending grants, a grant change
 * without the owner's endorsement failing validation, a regulator reading a grant's history, and the audit
 * anchor chain refusing a gap.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import { peer } from '@hyperledger/fabric-protos';
import { expectRefused, rejectionOf } from '../expectations.js';
import { applicationRequest, chinaToday, eventOf, gatewayCertificate, ratingOf } from '@rdx/network';
import { paths, topology } from '../fabric-client.js';
import {
  applyAndGetGrants,
  demand,
  endorsersOf,
  evaluate,
  onboard,
  Parties,
  registerDataset,
  runId,
  submit,
  type TestEnterprise,
  secret,
} from '../workflow.js';

let p: Parties;
let enterprise: TestEnterprise;
const marketDataset = `market-entities-${runId}`;
const transportDataset = `transport-operators-${runId}`;
let grants: string[] = [];
let agreementTxIds: string[] = [];

type Grant = {
  id: string;
  state: string;
  body: string;
  items: string[];
  reason?: { code: string; by?: string; rectifyBy?: string };
};
const grant = async (id: string): Promise<Grant> =>
  (await evaluate(p.regulator, 'grant', 'GetGrant', id)) as Grant;

describe('the rules on the real network: endorsement, suspension, downgrade, history and audit anchors', () => {
  before(async () => {
    p = new Parties();
    await registerDataset(p, p.market, marketDataset, '市场主体登记信息');
    await registerDataset(p, p.transport, transportDataset, '道路运输经营业户');
    enterprise = await onboard(p, 'AA');
  });
  after(() => p.close());

  it('an AA enterprise goes from application to active grants on two bodies’ datasets', async () => {
    ({ grants, agreementTxIds } = await applyAndGetGrants(p, enterprise.signer, `app-${runId}`, [
      demand(marketDataset, 'MarketMSP'),
      demand(transportDataset, 'TransportMSP'),
    ]));
    expect(grants.length).to.equal(2);
    for (const id of grants) {
      const g = await grant(id);
      expect(g.state).to.equal('ACTIVE');
      expect(g.items).to.deep.equal(['uscc', 'entity_name', 'legal_rep_id']);
    }
  });

  it('the transaction that issued a grant was endorsed by the owning body’s peer and the bureau’s peer', async () => {
    const [marketTx] = agreementTxIds;
    const { endorsers, validationCode } = await endorsersOf(p.regulator.network, marketTx!);
    expect(validationCode).to.equal(peer.TxValidationCode.VALID);
    expect(endorsers, `endorsers ${endorsers.join(', ')}`).to.include.members(['MarketMSP', 'BureauMSP']);
  });

  it('a grant change endorsed by the bureau and another body, but not the owner, fails validation', async () => {
    const marketGrant = grants.find((g) => g.includes('MarketMSP'))!;
    // A downgrade suspends the enterprise's grants of both bodies; endorsed without Market's peer, the change
    // of Market's grant breaks that key's policy, and the whole transaction is invalid.
    const rating = ratingOf('A');
    const proposal = p.bureau.contract('enterprise').newProposal('RateEnterprise', {
      arguments: [enterprise.creditCode, JSON.stringify(rating)],
      endorsingOrganizations: ['BureauMSP', 'TransportMSP'],
    });
    const submitted = await (await proposal.endorse()).submit();
    const status = await submitted.getStatus();
    expect(status.successful).to.equal(false);
    expect(status.code).to.equal(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
    expect((await grant(marketGrant)).state).to.equal('ACTIVE');
  });

  it('the enterprise cannot be acted for: a request signed with another key is refused', async () => {
    const impostor = await onboard(p, 'AA');
    const forged = impostor.signer.sign('SubmitApplication', { id: `forged-${runId}` });
    const envelope = JSON.parse(forged.request) as Record<string, unknown>;
    const claimed = JSON.stringify({ ...envelope, creditCode: enterprise.creditCode });
    await expectRefused(
      submit(
        p.gateway,
        'application',
        'SubmitApplication',
        secret({ request: claimed, signature: forged.signature }, ['BureauMSP']),
      ),
      'BAD_SIGNATURE',
    );
  });

  it('no application can reach into another’s ids: a new application id with a dot is refused by the ledger', async () => {
    // Filed first, app-….MarketMSP.v2 on dataset x would have held the id of grant app-….MarketMSP.v2.MarketMSP.x,
    // which app-… on dataset v2.MarketMSP.x would need: a rival could stop another's agreement entering into force.
    const rival = await onboard(p, 'AA');
    const signed = rival.signer.sign(
      'SubmitApplication',
      applicationRequest(`app-${runId}.MarketMSP.v2`, [demand(marketDataset, 'MarketMSP')]),
    );
    const err = (await rejectionOf(
      submit(
        p.gateway,
        'application',
        'SubmitApplication',
        secret({ request: signed.request, signature: signed.signature }, ['BureauMSP', 'MarketMSP']),
      ),
    )) as { message?: string; details?: { message?: string }[] };
    const said = [err.message, ...(err.details ?? []).map((d) => d.message)].join('\n');
    expect(said).to.include('INVALID_ARGUMENT');
    expect(said).to.match(/id must be letters, digits, "_" or "-", without "\."/);
  });

  it('a complaint suspends the grant at once, and the owner’s withdrawal revokes it', async () => {
    const marketGrant = grants.find((g) => g.includes('MarketMSP'))!;
    const complaintId = `complaint-${runId}`;
    await submit(
      p.market,
      'complaint',
      'FileComplaint',
      secret({
        complaint: JSON.stringify({
          id: complaintId,
          datasetId: marketDataset,
          grantId: marketGrant,
          category: 'unlawful-opening',
          complainant: { kind: 'person', nameHash: crypto.createHash('sha256').update('李四').digest('hex') },
          factsHash: crypto.createHash('sha256').update('facts').digest('hex'),
          suspendNow: true,
        }),
      }),
    );
    const suspended = await grant(marketGrant);
    expect(suspended.state).to.equal('SUSPENDED');
    expect(suspended.reason?.code).to.equal('complaint');

    // Only the owner withdraws: the bureau is refused, Transport too.
    await expectRefused(
      submit(p.bureau, 'grant', 'WithdrawGrant', marketGrant, secret({ note: 'not theirs to withdraw' })),
      'FORBIDDEN',
    );
    await submit(
      p.market,
      'complaint',
      'ResolveComplaint',
      complaintId,
      'withdraw',
      secret({ note: '投诉属实，撤回授权' }),
    );
    expect((await grant(marketGrant)).state).to.equal('REVOKED');
    await submit(
      p.market,
      'complaint',
      'RecordNotification',
      complaintId,
      'phone',
      new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10),
      crypto.createHash('sha256').update('told').digest('hex'),
    );
  });

  it('a downgrade below AA suspends every active grant of the enterprise in the same transaction', async () => {
    const other = await onboard(p, 'AAA');
    const { grants: two } = await applyAndGetGrants(p, other.signer, `app2-${runId}`, [
      demand(marketDataset, 'MarketMSP'),
      demand(transportDataset, 'TransportMSP'),
    ]);
    const downgrade = await submit(
      p.bureau,
      'enterprise',
      'RateEnterprise',
      other.creditCode,
      JSON.stringify(ratingOf('A')),
    );
    expect([...(downgrade.result as { suspendedGrants: string[] }).suspendedGrants].sort()).to.deep.equal(
      [...two].sort(),
    );
    for (const id of two) expect((await grant(id)).state).to.equal('SUSPENDED');
    const event = await eventOf(p.regulator.network, 'rdx', downgrade.block, downgrade.txId);
    const suspendedInEvent = event.payload.changes
      .filter((c) => c.type === 'grant' && c.state === 'SUSPENDED')
      .map((c) => c.id);
    expect(suspendedInEvent.sort()).to.deep.equal([...two].sort());
    // Restoring is refused while the rating is A.
    await expectRefused(
      submit(
        p.market,
        'grant',
        'RestoreGrant',
        two.find((g) => g.includes('MarketMSP'))!,
        secret({ note: '' }),
      ),
      'RATING_INSUFFICIENT',
    );
  });

  it('a regulator (and the owning body) reads the whole history of a grant, with transaction ids and the org behind each change', async () => {
    const marketGrant = grants.find((g) => g.includes('MarketMSP'))!;
    const history = (await evaluate(p.regulator, 'query', 'GetHistory', 'grant', marketGrant)) as {
      txId: string;
      by?: { mspId: string };
      value: { state: string };
    }[];
    expect(history.map((h) => h.value.state)).to.deep.equal(['REVOKED', 'SUSPENDED', 'ACTIVE']);
    for (const h of history) expect(h.txId).to.match(/^[0-9a-f]{64}$/);
    expect(history[0]!.by?.mspId).to.equal('MarketMSP');
    // The owning body reads its grant's history too; another body is told it does not exist.
    expect(await evaluate(p.market, 'query', 'GetHistory', 'grant', marketGrant)).to.have.length(
      history.length,
    );
    await expectRefused(evaluate(p.transport, 'query', 'GetHistory', 'grant', marketGrant), 'NOT_FOUND');
  });

  it('Z39: the bureau’s violation suspension is lifted only by the bureau; termination ends the agreement and enters the credit file', async () => {
    const offender = await onboard(p, 'AA');
    const dataset = `violation-entities-${runId}`;
    await registerDataset(p, p.market, dataset, '市场主体登记信息（违规处置）');
    const appId = `violation-app-${runId}`;
    const [id = ''] = (await applyAndGetGrants(p, offender.signer, appId, [demand(dataset, 'MarketMSP')]))
      .grants;
    await submit(p.bureau, 'grant', 'SuspendGrant', id, 'violation', secret({ note: '超范围使用数据' }));
    const rectifyBy = chinaToday(new Date(Date.now() + 10 * 86_400_000));
    await expectRefused(submit(p.market, 'grant', 'RequireRectification', id, rectifyBy), 'FORBIDDEN');
    await submit(p.bureau, 'grant', 'RequireRectification', id, rectifyBy);
    expect((await grant(id)).reason).to.deep.include({ code: 'violation', by: 'BureauMSP', rectifyBy });
    await expectRefused(
      submit(p.market, 'grant', 'RestoreGrant', id, secret({ note: '整改完成' })),
      'FORBIDDEN',
    );
    await submit(p.bureau, 'grant', 'RestoreGrant', id, secret({ note: '整改完成' }));
    expect((await grant(id)).state).to.equal('ACTIVE');

    await submit(p.market, 'grant', 'SuspendGrant', id, 'violation', secret({ note: '再次超范围使用' }));
    const terminated = await submit(p.market, 'grant', 'TerminateGrant', id, secret({ note: '逾期未整改' }));
    expect((await grant(id)).state).to.equal('TERMINATED');
    const agreement = (await evaluate(p.regulator, 'agreement', 'GetAgreement', `${appId}.MarketMSP`)) as {
      state: string;
      termination?: { by: string };
    };
    expect([agreement.state, agreement.termination?.by]).to.deep.equal(['TERMINATED', 'MarketMSP']);
    const file = (await evaluate(p.regulator, 'enterprise', 'GetEnterprise', offender.creditCode)) as {
      violations?: { grantId: string; agreementId: string; body: string; at: string }[];
    };
    expect(file.violations).to.deep.equal([
      { grantId: id, agreementId: `${appId}.MarketMSP`, body: 'MarketMSP', at: file.violations?.[0]?.at },
    ]);
    // One transaction did all three, endorsed by the owner's and the bureau's peers.
    const event = await eventOf(p.regulator.network, 'rdx', terminated.block, terminated.txId);
    expect(event.payload.changes.map((c) => c.type)).to.deep.equal(['grant', 'enterprise', 'agreement']);
  });

  it('audit anchors chain per registered gateway: a gap is rejected, the next in sequence is accepted', async () => {
    const gatewayId = `gw-${runId}`;
    const root = (s: string): string => crypto.createHash('sha256').update(s).digest('hex');
    const anchor = (sequence: number, firstRecord: number, previousAnchorHash: string): string =>
      JSON.stringify({
        gatewayId,
        sequence,
        merkleRoot: root(`batch${sequence}`),
        recordCount: 10,
        firstRecord,
        firstRecordAt: '2026-11-27T00:00:00.000Z',
        lastRecordAt: '2026-11-27T00:00:05.000Z',
        previousAnchorHash,
      });
    // Only an id the bureau registered to this gateway's certificate takes anchors.
    await expectRefused(
      submit(p.gateway, 'audit', 'SubmitAnchor', anchor(1, 0, '0'.repeat(64))),
      'FORBIDDEN',
    );
    await submit(p.bureau, 'audit', 'RegisterGateway', gatewayId, gatewayCertificate({ paths, topology }));
    const first = (await submit(p.gateway, 'audit', 'SubmitAnchor', anchor(1, 0, '0'.repeat(64)))).result as {
      anchorHash: string;
    };
    await expectRefused(
      submit(p.gateway, 'audit', 'SubmitAnchor', anchor(3, 10, first.anchorHash)),
      'ANCHOR_CHAIN_BROKEN',
    );
    await submit(p.gateway, 'audit', 'SubmitAnchor', anchor(2, 10, first.anchorHash));
    const head = (await evaluate(p.regulator, 'audit', 'GetAnchorHead', gatewayId)) as { sequence: number };
    expect(head.sequence).to.equal(2);
    // Only a gateway identity anchors.
    await expectRefused(
      submit(p.bureau, 'audit', 'SubmitAnchor', anchor(3, 20, first.anchorHash)),
      'FORBIDDEN',
    );
  });

  it('the recipients list is public and names the enterprise and dataset of each active grant', async () => {
    const recipients = (await evaluate(p.transport, 'query', 'ListRecipients')) as {
      creditCode: string;
      datasetId: string;
      state: string;
    }[];
    const row = recipients.find(
      (r) => r.creditCode === enterprise.creditCode && r.datasetId === transportDataset,
    );
    expect(row?.state).to.equal('ACTIVE');
    // The same list a page at a time (what a large ledger needs), here two grants a page.
    const paged: typeof recipients = [];
    let bookmark = '';
    do {
      const page = (await evaluate(p.transport, 'query', 'ListRecipientsPage', '2', bookmark)) as {
        items: typeof recipients;
        bookmark: string;
      };
      expect(page.items.length).to.be.at.most(2);
      paged.push(...page.items);
      bookmark = page.bookmark;
    } while (bookmark);
    const key = (r: { creditCode: string; datasetId: string; state: string }): string =>
      `${r.creditCode} ${r.datasetId} ${r.state}`;
    expect(paged.map(key).sort()).to.deep.equal(recipients.map(key).sort());
  });
});
