/**
 * Natural persons on the real network (issue 12, item 8; L10, annex 1 身份证号(个人填写)): the bureau onboards a
 * person under the person code its key makes from the ID-card number, with the name masked; the person applies,
 * signs and reads restricted data through the gateway like an enterprise, under the same rating rules. Tried as
 * an insider with Fabric's own `peer` CLI: every block of the person's way holds neither the number nor the name,
 * and the chaincode refuses a clear name, a person under a credit code and a second onboarding of the same person.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import {
  EnterpriseSigner,
  identityNumberProblem,
  maskPersonName,
  personCode,
  RdxLedger,
  type RdxSdkError,
} from '@rdx/client';
import {
  applicationRequest,
  ensureFabricBinaries,
  gatewayUrl,
  nodesOf,
  peerHeight,
  ratingOf,
  type FabricInstall,
} from '@rdx/network';
import { rejectionOf } from '../expectations.js';
import { config, paths, topology } from '../fabric-client.js';
import { eventually, getJson, tokenFor } from '../gateway-client-e2e.js';
import { chaincodeQuery, cliFailure, fetchBlocks } from '../peer-cli.js';
import { applyAndGetGrants, demand, evaluate, newCreditCode, Parties, runId } from '../workflow.js';

const DATASET = 'market-entities';
const ITEMS = ['uscc', 'entity_name', 'legal_rep_phone'];
const base = gatewayUrl({ topology });
const peerOf = (mspId: string) => nodesOf(topology, 'peer', mspId)[0]!;

/** A fresh, well-formed ID-card number of a Lishui resident born in 1990 (the check character fitted to it). */
function newIdNumber(): string {
  const first17 = `33110219900101${String(crypto.randomInt(1000)).padStart(3, '0')}`;
  return [...'0123456789X'].map((c) => first17 + c).find((id) => !identityNumberProblem(id))!;
}

describe('natural persons: a person code, a masked name, the same rules (real network)', () => {
  const personKey = crypto.randomBytes(32);
  const idNumber = newIdNumber();
  const clearName = `欧阳测试${runId}`;
  const code = personCode(idNumber, personKey);
  const keys = EnterpriseSigner.generateKeyPair();
  const appId = `person-${runId}`;
  let p: Parties;
  let install: FabricInstall;
  let grants: string[] = [];
  let firstBlock = 0;
  let lastBlock = 0;

  const height = async () =>
    Number(await peerHeight({ install, paths, topology } as never, peerOf('BureauMSP')));
  const onboardJson = (over: Record<string, unknown> = {}) =>
    JSON.stringify({
      creditCode: code,
      name: maskPersonName(clearName),
      nature: 'natural-person',
      publicKey: keys.publicKeyPem,
      rating: ratingOf('AA'),
      ...over,
    });

  before(async () => {
    p = new Parties();
    install = await ensureFabricBinaries(config, () => undefined);
    firstBlock = await height();
    await new RdxLedger(p.bureau).enterprise.onboard(JSON.parse(onboardJson()) as never);
    ({ grants } = await applyAndGetGrants(p, new EnterpriseSigner(code, keys.privateKeyPem), appId, [
      demand(DATASET, 'MarketMSP', ITEMS),
    ]));
    lastBlock = (await height()) - 1;
  });
  after(() => p?.close());

  it('the person holds an active grant and reads the data through the gateway with their own key', async () => {
    expect(code).to.match(/^P-[0-9A-F]{16}$/);
    expect(grants).to.have.length(1);
    const grant = (await evaluate(p.regulator, 'grant', 'GetGrant', grants[0]!)) as {
      creditCode: string;
      state: string;
    };
    expect([grant.creditCode, grant.state]).to.deep.equal([code, 'ACTIVE']);
    const token = await tokenFor(base, code, keys.privateKeyPem);
    const page = await getJson(`${base}/v1/datasets/${DATASET}/records?limit=2`, token);
    expect(page.status, JSON.stringify(page.body)).to.equal(200);
    const rows = page.body.data as Record<string, unknown>[];
    expect(rows).to.have.length(2);
    expect(Object.keys(rows[0]!).sort()).to.deep.equal([...ITEMS].sort());
  });

  it('the public recipients list names the person by code and masked name only', async () => {
    type Row = { creditCode: string; enterpriseName: string };
    let list: Row[] = [];
    await eventually(
      async () => {
        list = ((await getJson(`${base}/v1/public/recipients`)).body.data ?? []) as Row[];
        return list.some((r) => r.creditCode === code);
      },
      30_000,
      "the person's grant is on the public list",
    );
    expect(list.filter((r) => r.creditCode === code).map((r) => r.enterpriseName)).to.deep.equal([
      maskPersonName(clearName),
    ]);
    expect(JSON.stringify(list)).to.not.include(clearName).and.not.include(idNumber);
  });

  it("every block of the person's way, fetched by the bureau's admin from the orderer, lacks the number and the name", async () => {
    const all = await fetchBlocks(install, 'BureauMSP', firstBlock, lastBlock);
    // The blocks are the person's: the code, the masked name and the application are there in clear.
    for (const visible of [code, maskPersonName(clearName), appId])
      expect(all.includes(Buffer.from(visible)), `${visible} is in the blocks`).to.equal(true);
    for (const [what, text] of [
      ['the ID-card number', idNumber],
      ['its birth date and sequence', idNumber.slice(6, 17)],
      ['the name in clear', clearName],
    ])
      expect(all.includes(Buffer.from(text!)), `${what} is in the blocks`).to.equal(false);
  });

  it("as an insider with the peer CLI, the bureau's admin cannot onboard a clear name, a person under a credit code, or the same person twice", async () => {
    const tries: [string, RegExp][] = [
      [onboardJson({ creditCode: 'P-0000000000000001', name: clearName }), /\[INVALID_ARGUMENT\] .*masked/],
      [onboardJson({ creditCode: newCreditCode() }), /\[INVALID_ARGUMENT\] .*person code/],
      [onboardJson(), /\[ALREADY_EXISTS\]/],
    ];
    for (const [json, refusal] of tries) {
      const said = await cliFailure(
        chaincodeQuery(install, 'BureauMSP', 'BureauMSP', ['enterprise:OnboardEnterprise', json]),
      );
      expect(said, json).to.match(refusal);
    }
  });

  it('a person rated A may not apply for restricted data, as an enterprise may not', async () => {
    const other = EnterpriseSigner.generateKeyPair();
    // Another person: an ID number other than the first person's (they share one of 1000 sequence numbers, and
    // the same number gives the same person code, which is already onboarded).
    let otherId = newIdNumber();
    while (otherId === idNumber) otherId = newIdNumber();
    const otherCode = personCode(otherId, personKey);
    await new RdxLedger(p.bureau).enterprise.onboard({
      creditCode: otherCode,
      name: '李*',
      nature: 'natural-person',
      publicKey: other.publicKeyPem,
      rating: ratingOf('A'),
    } as never);
    const signer = new EnterpriseSigner(otherCode, other.privateKeyPem);
    const body = applicationRequest(`person-a-${runId}`, [{ datasetId: DATASET, items: ITEMS }]);
    const refusal = (await rejectionOf(
      new RdxLedger(p.gateway).application.submitSigned(signer.sign('SubmitApplication', body)),
    )) as RdxSdkError;
    expect([refusal.code, refusal.message]).to.deep.equal([
      'RATING_INSUFFICIENT',
      `${otherCode} may not use restricted data: it is rated A; AA or above is required (L10)`,
    ]);
  });
});
