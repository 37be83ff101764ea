/**
 * Drives the restricted-data workflow on the real network as the people who do it: the bureau, the
 * opening bodies (their own Fabric identities), and enterprises (signed requests brought by the gateway).
 * Every name is suffixed with a per-run id so runs against a kept network do not collide.
 */
import crypto from 'node:crypto';
import type { Contract, Network } from '@hyperledger/fabric-gateway';
import { common, peer, msp } from '@hyperledger/fabric-protos';
import { EnterpriseSigner, personalDataHash } from '@rdx/client';
import { connectAs, decode, type Connection } from './fabric-client.js';

export const runId = crypto.randomBytes(3).toString('hex');

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A fresh, well-formed credit code (GB 32100-2015) for a test enterprise. */
export function newCreditCode(): string {
  const body = '9133' + '1100' + Array.from(crypto.randomBytes(9), (b) => USCC_ALPHABET[b % 10]).join('');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(body[i]!) * USCC_WEIGHTS[i]!;
  const check = 31 - (sum % 31);
  return body + USCC_ALPHABET[check === 31 ? 0 : check];
}

export class Parties {
  readonly bureau: Connection = connectAs('BureauMSP', 'admin');
  readonly regulator: Connection = connectAs('BureauMSP', 'regulator');
  readonly gateway: Connection = connectAs('BureauMSP', 'gateway');
  readonly market: Connection = connectAs('MarketMSP', 'admin');
  readonly transport: Connection = connectAs('TransportMSP', 'admin');

  close(): void {
    for (const c of [this.bureau, this.regulator, this.gateway, this.market, this.transport]) c.close();
  }
}

export async function submit(
  c: Connection,
  contract: string,
  fn: string,
  ...args: string[]
): Promise<{ result: unknown; txId: string; block: bigint }> {
  const tx = await c.contract(contract).submitAsync(fn, { arguments: args });
  const status = await tx.getStatus();
  if (!status.successful)
    throw new Error(`${contract}:${fn} ${tx.getTransactionId()} failed validation: code ${status.code}`);
  return { result: decode(tx.getResult()), txId: tx.getTransactionId(), block: status.blockNumber };
}

export async function evaluate(
  c: Connection,
  contract: string,
  fn: string,
  ...args: string[]
): Promise<unknown> {
  return decode(await c.contract(contract).evaluateTransaction(fn, ...args));
}

export interface TestEnterprise {
  creditCode: string;
  signer: EnterpriseSigner;
}

export async function onboard(p: Parties, level: 'A' | 'AA' | 'AAA'): Promise<TestEnterprise> {
  const creditCode = newCreditCode();
  const keys = EnterpriseSigner.generateKeyPair();
  await submit(
    p.bureau,
    'enterprise',
    'OnboardEnterprise',
    JSON.stringify({
      creditCode,
      name: `丽水测试数据科技有限公司 ${runId}-${creditCode.slice(-4)}`,
      nature: 'private',
      publicKey: keys.publicKeyPem,
      rating: {
        level,
        mlpsLevel: 3,
        mlpsFiling: '33110099001-25001',
        creditStatus: 'good',
        certificateHashes: [],
        validUntil: '2027-12-31',
      },
    }),
  );
  return { creditCode, signer: new EnterpriseSigner(creditCode, keys.privateKeyPem) };
}

export async function registerDataset(body: Connection, id: string, name: string): Promise<void> {
  await submit(
    body,
    'catalog',
    'RegisterDataset',
    JSON.stringify({
      id,
      name,
      openAttribute: 'restricted',
      format: 'json',
      updateFrequency: 'daily',
      items: [
        { name: 'uscc', label: '统一社会信用代码', type: 'string' },
        { name: 'entity_name', label: '名称', type: 'string' },
        { name: 'legal_rep_id', label: '法定代表人身份证号', type: 'string', personal: true },
        { name: 'legal_rep_phone', label: '联系电话', type: 'string', personal: true },
      ],
    }),
  );
}

/** Runs one application from submission to agreements in force with every named body; returns grant ids. */
export async function applyAndGetGrants(
  p: Parties,
  e: TestEnterprise,
  appId: string,
  demands: { dataset: string; body: Connection; mspId: string }[],
): Promise<{ grants: string[]; agreementTxIds: string[] }> {
  const salt = crypto.randomBytes(8).toString('hex');
  const form = {
    serviceName: '企业信用画像服务',
    field: '金融服务',
    scenarios: '小微企业贷前核验',
    serviceScope: '丽水市',
    serviceUsers: '本地银行',
    concurrency: 20,
    expectedBenefit: '缩短贷款审核时间',
    systemName: '信用画像平台',
    machineRoom: '丽水市云计算中心',
    mlpsLevel: 3,
    mlpsFiling: '33110099001-25001',
    contactNameHash: personalDataHash('张三', salt),
    contactIdHash: personalDataHash('332501199001011234', salt),
    contactPhoneHash: personalDataHash('13900000000', salt),
  };
  const doc = (s: string): string => crypto.createHash('sha256').update(s).digest('hex');
  const body = {
    id: appId,
    form,
    demands: demands.map((d) => ({
      scenario: '贷前核验',
      datasetId: d.dataset,
      items: ['uscc', 'entity_name', 'legal_rep_id'],
    })),
    documents: {
      mlpsCertificate: doc('mlps'),
      creditReport: doc('credit'),
      securityCommitment: doc('commitment'),
    },
  };
  const application = e.signer.sign('SubmitApplication', body);
  await submit(p.gateway, 'application', 'SubmitApplication', application.request, application.signature);
  await submit(p.bureau, 'application', 'FormalReview', appId, 'accept', '');
  for (const d of demands) await submit(d.body, 'application', 'OwnerReview', appId, 'approve', '');
  await submit(p.bureau, 'application', 'ReReview', appId, 'approve', '');

  const grants: string[] = [];
  const agreementTxIds: string[] = [];
  for (const mspId of [...new Set(demands.map((d) => d.mspId))]) {
    const owner = demands.find((d) => d.mspId === mspId)!.body;
    const datasets = demands
      .filter((d) => d.mspId === mspId)
      .map((d) => ({ datasetId: d.dataset, items: ['uscc', 'entity_name', 'legal_rep_id'] }));
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const draft = (
      await submit(
        owner,
        'agreement',
        'DraftAgreement',
        appId,
        JSON.stringify({
          datasets,
          purpose: '贷前核验',
          serviceName: '企业信用画像服务',
          platform: '信用画像平台',
          validFrom: today,
          validUntil: '2027-06-30',
          dailyQuota: 1000,
        }),
      )
    ).result as { id: string; termsHash: string };
    await submit(owner, 'agreement', 'SignAgreementAsBody', draft.id, draft.termsHash);
    const signed = e.signer.sign('SignAgreement', { agreementId: draft.id, termsHash: draft.termsHash });
    const inForce = await submit(
      p.gateway,
      'agreement',
      'SignAgreementAsEnterprise',
      signed.request,
      signed.signature,
    );
    const agreement = inForce.result as { state: string; grants: string[] };
    if (agreement.state !== 'IN_FORCE') throw new Error(`agreement ${draft.id} is ${agreement.state}`);
    grants.push(...agreement.grants);
    agreementTxIds.push(inForce.txId);
  }
  return { grants, agreementTxIds };
}

/** The MSP IDs whose peers endorsed a committed transaction, read back from the ledger (qscc). */
export async function endorsersOf(
  network: Network,
  txId: string,
): Promise<{ endorsers: string[]; validationCode: number }> {
  const bytes = await network
    .getContract('qscc')
    .evaluateTransaction('GetTransactionByID', network.getName(), txId);
  const processed = peer.ProcessedTransaction.deserializeBinary(bytes);
  const envelope = processed.getTransactionenvelope()!;
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const action = peer.ChaincodeActionPayload.deserializeBinary(
    transaction.getActionsList()[0]!.getPayload_asU8(),
  );
  const endorsers = action
    .getAction()!
    .getEndorsementsList()
    .map((e) => msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid());
  return { endorsers: [...new Set(endorsers)].sort(), validationCode: processed.getValidationcode() };
}

/** The chaincode event a transaction emitted, read from its block. */
export async function eventOf(
  network: Network,
  block: bigint,
  txId: string,
): Promise<{ name: string; payload: { changes: { type: string; id: string; state?: string }[] } }> {
  const events = await network.getChaincodeEvents('rdx', { startBlock: block });
  try {
    for await (const event of events) {
      if (event.transactionId === txId)
        return { name: event.eventName, payload: decode(event.payload) as never };
      if (event.blockNumber > block) break;
    }
  } finally {
    events.close();
  }
  throw new Error(`no event for ${txId} in block ${block}`);
}

export type { Contract };
