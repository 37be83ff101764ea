/**
 * What one opening body can learn of another's business on the real network, tried as an insider would: with
 * Fabric's own peer CLI and TransportMSP's admin credentials it fetches every block of a Market workflow from
 * the orderer and greps them, and asks the chaincode on its own peer and on Market's. It also tries to create
 * Market's objects with the wrong pair of endorsing peers. The parties themselves read everything through the
 * SDK.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import { canonicalJson, personalDataHash, RdxLedger } from '@rdx/client';
import {
  applicationRequest,
  ensureFabricBinaries,
  nodesOf,
  peerHeight,
  waitForBlock,
  type FabricInstall,
} from '@rdx/network';
import { config, paths, topology } from '../fabric-client.js';
import {
  chaincodeInvoke,
  chaincodeQuery as sharedChaincodeQuery,
  cliFailure,
  fetchBlocks,
} from '../peer-cli.js';
import {
  datasetDefinition,
  onboard,
  Parties,
  registerDataset,
  runId,
  type TestEnterprise,
} from '../workflow.js';

const PURPOSE = `机密用途-${runId}`;
const SCENARIO = `机密场景-${runId}`;
const REASON = `机密审核理由-${runId}`;
const NOTE = `机密中止备注-${runId}`;
const QUOTA = 7_000_000 + Number.parseInt(runId.slice(0, 4), 16);
const CONTACT = personalDataHash(`联系人-${runId}`, runId);

let p: Parties;
let install: FabricInstall;
let enterprise: TestEnterprise;
const dataset = `secret-entities-${runId}`;
const appId = `secret-app-${runId}`;
const agreementId = `${appId}.MarketMSP`;
let firstBlock = 0;
let lastBlock = 0;

const peerOf = (mspId: string) => nodesOf(topology, 'peer', mspId)[0]!;

const chaincodeQuery = (asOrg: string, peerMsp: string, args: string[]): Promise<string> =>
  sharedChaincodeQuery(install, asOrg, peerMsp, args);

const failure = cliFailure;

const done = async (step: Promise<{ blockNumber: number }>): Promise<void> =>
  waitForBlock(BigInt((await step).blockNumber));

describe('another body reads nothing of an agreement it is not party to (peer CLI as TransportMSP)', () => {
  before(async () => {
    p = new Parties();
    install = await ensureFabricBinaries(config, () => undefined);
    await registerDataset(p, p.market, dataset, '机密测试数据集');
    enterprise = await onboard(p, 'AA');
    firstBlock = Number(await peerHeight({ install, paths, topology } as never, peerOf('TransportMSP')));

    // The parties do their work through the SDK, with confidential inputs as transient data.
    const [gateway, bureau, market] = [p.gateway, p.bureau, p.market].map((c) => new RdxLedger(c));
    const items = ['uscc', 'legal_rep_id'];
    await done(
      gateway!.application.submitSigned(
        enterprise.signer.sign(
          'SubmitApplication',
          applicationRequest(appId, [{ scenario: SCENARIO, datasetId: dataset, items }], {
            contactNameHash: CONTACT,
          }),
        ),
      ),
    );
    await done(bureau!.application.formalReview({ id: appId, decision: 'accept', reason: REASON }));
    await done(market!.application.ownerReview({ id: appId, decision: 'approve', reason: REASON }));
    await done(bureau!.application.reReview({ id: appId, decision: 'approve', reason: REASON }));
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const draft = await market!.agreement.draft({
      applicationId: appId,
      terms: {
        datasets: [{ datasetId: dataset, items }],
        purpose: PURPOSE,
        serviceName: '企业信用画像服务',
        platform: '信用画像平台',
        validFrom: today,
        validUntil: '2027-06-30',
        dailyQuota: QUOTA,
      },
    });
    await waitForBlock(BigInt(draft.blockNumber));
    await done(market!.agreement.signAsBody({ id: agreementId, termsHash: draft.value.termsHash }));
    const inForce = await gateway!.agreement.signAsEnterpriseSigned(
      enterprise.signer.sign('SignAgreement', { agreementId, termsHash: draft.value.termsHash }),
    );
    await waitForBlock(BigInt(inForce.blockNumber));
    await done(market!.grant.suspend({ id: inForce.value.grants[0]!, reason: 'violation', note: NOTE }));
    lastBlock = Number(await peerHeight({ install, paths, topology } as never, peerOf('TransportMSP'))) - 1;
  });
  after(() => p.close());

  it('every block of the workflow, fetched by Transport’s admin from the orderer, lacks the confidential fields', async () => {
    const all = await fetchBlocks(install, 'TransportMSP', firstBlock, lastBlock);
    // The blocks are the workflow's: what is public about it is there, in clear.
    expect(lastBlock, 'blocks fetched').to.be.at.least(firstBlock);
    for (const visible of [appId, agreementId, enterprise.creditCode, 'DraftAgreement', 'SuspendGrant'])
      expect(all.includes(Buffer.from(visible)), `${visible} is in the blocks`).to.equal(true);
    for (const [what, text] of [
      ['the purpose of the agreement', PURPOSE],
      ['its daily quota', `"dailyQuota":${QUOTA}`],
      ['the demand scenario', SCENARIO],
      ['a review reason', REASON],
      ['the suspension note', NOTE],
      ['the contact hash of the form', CONTACT],
      ['the enterprise’s signed request', '"signedAt"'],
      ['the items granted', '"items":["uscc","legal_rep_id"]'],
    ]) {
      expect(all.includes(Buffer.from(text!)), `${what} is in a block`).to.equal(false);
    }
  });

  it('the terms’ hash on the channel cannot be checked against guessed terms: it is salted, and the salt is not in a block', async () => {
    // Nearly every term is public or known to the other bodies of an application, and a quota is a small number:
    // an unsalted hash let Transport try the candidates and find the terms (a review did, in 0.6 s).
    const agreement = await new RdxLedger(p.market).agreement.get(agreementId);
    const sha256 = (text: string): string => crypto.createHash('sha256').update(text).digest('hex');
    expect(agreement.termsSalt, 'the salt, kept with the terms').to.be.a('string');
    expect(agreement.termsHash).to.equal(
      sha256(canonicalJson({ ...agreement.terms, salt: agreement.termsSalt })),
    );
    const all = await fetchBlocks(install, 'TransportMSP', firstBlock, lastBlock);
    expect(
      all.includes(Buffer.from(agreement.termsHash)),
      'the hash both parties signed is on the channel',
    ).to.equal(true);
    // What a guess of the right terms gives Transport matches nothing it can read.
    expect(all.includes(Buffer.from(sha256(canonicalJson(agreement.terms)))), 'the unsalted hash').to.equal(
      false,
    );
    expect(all.includes(Buffer.from(agreement.termsSalt!)), 'the salt').to.equal(false);
  });

  it('a listing keeps a body to its own objects whatever bookmark it sends: Market’s range is refused to Transport', async () => {
    // Fabric starts a paged range at the bookmark it is given, unchecked: one naming Market's part of an index
    // listed Market's complaints to Transport (a review found it with this call).
    // NUL-separated as Fabric's composite keys are; the CLI's JSON argument carries them as \u0000.
    const marketRange = '\u0000complaint~body~state\u0000MarketMSP\u0000';
    const said = await failure(
      chaincodeQuery('TransportMSP', 'TransportMSP', ['complaint:ListComplaints', '{}', '50', marketRange]),
    );
    expect(said).to.include('INVALID_ARGUMENT');
    expect(said).to.include('the bookmark is not one this listing returned');
    // Without a bookmark, Transport lists its own (none of Market's).
    const own = JSON.parse(
      await chaincodeQuery('TransportMSP', 'TransportMSP', ['complaint:ListComplaints', '{}', '50', '']),
    ) as { items: { body?: string }[] };
    expect(own.items.filter((c) => c.body !== 'TransportMSP')).to.deep.equal([]);
  });

  it('the chaincode tells Transport’s admin nothing of it, on its own peer or on Market’s', async () => {
    for (const peerMsp of ['TransportMSP', 'MarketMSP']) {
      for (const [fn, id] of [
        ['agreement:GetAgreement', agreementId],
        ['application:GetApplication', appId],
        ['grant:GetGrant', `${agreementId}.${dataset}`],
      ] as [string, string][]) {
        const said = await failure(chaincodeQuery('TransportMSP', peerMsp, [fn, id]));
        expect(said, `${fn} on ${peerMsp}'s peer`).to.include('NOT_FOUND');
        expect(said).not.to.include(PURPOSE);
      }
    }
  });

  it('the parties read it whole: Market through its peer, the bureau’s regulator through the bureau’s', async () => {
    for (const c of [p.market, p.regulator]) {
      const agreement = await new RdxLedger(c).agreement.get(agreementId);
      expect(agreement.terms.purpose).to.equal(PURPOSE);
      expect(agreement.terms.dailyQuota).to.equal(QUOTA);
    }
    const application = await new RdxLedger(p.regulator).application.get(appId);
    expect(application.formalReview?.reason).to.equal(REASON);
    expect(application.form.contactNameHash).to.equal(CONTACT);
  });

  it('Market’s dataset cannot be created without the bureau’s peer, nor without Market’s own', async () => {
    const invoke = (id: string, peers: string[]): Promise<string> =>
      chaincodeInvoke(install, 'MarketMSP', ['catalog:RegisterDataset', datasetDefinition(id, '越权创建')], {
        endorsers: peers,
      });
    for (const peers of [
      ['MarketMSP', 'TransportMSP'],
      ['BureauMSP', 'TransportMSP'],
    ]) {
      const id = `forged-${peers.join('-').toLowerCase()}-${runId}`;
      expect(await failure(invoke(id, peers)), `endorsed by ${peers.join(' + ')}`).to.include(
        'ENDORSEMENT_POLICY_FAILURE',
      );
      const read = await failure(chaincodeQuery('MarketMSP', 'MarketMSP', ['catalog:GetDataset', id]));
      expect(read, 'nothing was created').to.include('NOT_FOUND');
    }
    // With the owner's and the bureau's peers it is created.
    const id = `proper-${runId}`;
    expect(await failure(invoke(id, ['MarketMSP', 'BureauMSP']))).to.equal('');
  });
});
