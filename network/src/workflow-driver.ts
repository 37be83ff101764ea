/**
 * Drives the restricted-data workflow on the ledger as the people who do it: the bureau and the opening
 * bodies with their own Fabric identities, enterprises through signed requests brought by the gateway
 * identity. Used to seed the demo and by the end-to-end tests. The workflow goes through the typed SDK
 * (RdxLedger), which sends confidential inputs as transient data; `submit` and `evaluate` are the raw calls
 * tests use to try what a client outside the SDK could send.
 */
import crypto from 'node:crypto';
import type { Network } from '@hyperledger/fabric-gateway';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import type { EnterpriseSigner } from '@rdx/client';
import { CONFLICT_ATTEMPTS, isReadConflict, personalDataHash, RdxLedger } from '@rdx/client';
import { connectAs, decodeJson, type LedgerConnection } from './ledger-client.js';
import type { Paths } from './paths.js';
import type { Topology } from './topology.js';

/** Connections to each org's peer that submit() waits on (registered by Parties). */
const observers = new Set<LedgerConnection>();

export class Parties {
  readonly bureau: LedgerConnection;
  readonly regulator: LedgerConnection;
  readonly gateway: LedgerConnection;
  readonly market: LedgerConnection;
  readonly transport: LedgerConnection;
  /** The bureau's prober: the only kind of identity that writes ledger probes. */
  readonly prober: LedgerConnection;
  private readonly probers = new Map<string, LedgerConnection>();

  constructor(
    private readonly paths: Paths,
    private readonly topology: Topology,
  ) {
    this.bureau = connectAs(paths, topology, 'BureauMSP', 'admin');
    this.regulator = connectAs(paths, topology, 'BureauMSP', 'regulator');
    this.gateway = connectAs(paths, topology, 'BureauMSP', 'gateway');
    this.market = connectAs(paths, topology, 'MarketMSP', 'admin');
    this.transport = connectAs(paths, topology, 'TransportMSP', 'admin');
    this.prober = connectAs(paths, topology, 'BureauMSP', 'prober');
    // One connection per org's peer: submit() waits until each has committed the block.
    for (const c of [this.bureau, this.market, this.transport]) observers.add(c);
  }

  /** An org's prober, connected to that org's peer (made on first use). */
  proberOf(mspId: string): LedgerConnection {
    if (mspId === 'BureauMSP') return this.prober;
    let c = this.probers.get(mspId);
    if (!c) this.probers.set(mspId, (c = connectAs(this.paths, this.topology, mspId, 'prober')));
    return c;
  }

  body(mspId: string): LedgerConnection {
    if (mspId === 'MarketMSP') return this.market;
    if (mspId === 'TransportMSP') return this.transport;
    throw new Error(`${mspId} is not a demo opening body`);
  }

  close(): void {
    for (const c of [this.bureau, this.market, this.transport]) observers.delete(c);
    for (const c of [this.bureau, this.regulator, this.gateway, this.market, this.transport, this.prober])
      c.close();
    for (const c of this.probers.values()) c.close();
  }
}

export interface Committed {
  result: unknown;
  txId: string;
  block: bigint;
}

async function heightOf(c: LedgerConnection): Promise<bigint> {
  const bytes = await c.network.getContract('qscc').evaluateTransaction('GetChainInfo', c.network.getName());
  return BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight());
}

/**
 * Waits until every observed org's peer has committed `block`. Commit status comes from the submitting org's
 * peer only; the next step, taken by another org, must not read that org's peer before the block reaches it.
 */
export async function waitForBlock(block: bigint, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const c of observers) {
    while ((await heightOf(c)) <= block) {
      if (Date.now() > deadline)
        throw new Error(`block ${block} did not reach ${c.identity.mspId}'s peer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Confidential inputs of a raw call (transient data, never in a block), and the endorsing organisations when
 * the caller names them: `submit(c, 'grant', 'SuspendGrant', id, 'violation', secret({ note }))`.
 */
export class Secrets {
  constructor(
    readonly values: Record<string, string>,
    readonly endorsingOrganizations?: string[],
  ) {}
}

export function secret(values: Record<string, string>, endorsingOrganizations?: string[]): Secrets {
  return new Secrets(values, endorsingOrganizations);
}

/**
 * Submits and waits for commit on every org's peer; a transaction that commits invalid is an error naming its
 * code. A transaction whose endorsements disagreed (a peer behind the others) is retried. Like the SDK, it
 * always sends a random salt for the private records a transaction may write.
 */
export async function submit(
  c: LedgerConnection,
  contract: string,
  fn: string,
  ...all: (string | Secrets)[]
): Promise<Committed> {
  const args = all.filter((a): a is string => typeof a === 'string');
  const secrets = all.find((a): a is Secrets => a instanceof Secrets);
  const transientData: Record<string, Uint8Array> = { salt: crypto.randomBytes(32) };
  for (const [k, v] of Object.entries(secrets?.values ?? {})) transientData[k] = Buffer.from(v, 'utf8');
  const endorsing = secrets?.endorsingOrganizations
    ? { endorsingOrganizations: secrets.endorsingOrganizations }
    : {};
  for (let attempt = 1; ; attempt++) {
    try {
      const tx = await c.contract(contract).submitAsync(fn, { arguments: args, transientData, ...endorsing });
      const status = await tx.getStatus();
      // What it read changed under it (the clerk's heartbeat, which every transaction reads): sent again.
      if (!status.successful && isReadConflict(status.code) && attempt < CONFLICT_ATTEMPTS) continue;
      if (!status.successful)
        throw new Error(`${contract}:${fn} ${tx.getTransactionId()} failed validation: code ${status.code}`);
      await waitForBlock(status.blockNumber);
      return { result: decodeJson(tx.getResult()), txId: tx.getTransactionId(), block: status.blockNumber };
    } catch (err) {
      const e = err as { code?: number; details?: { message?: string }[] };
      const mismatch =
        e.code === 10 &&
        (e.details ?? []).some((d) => /do not match|ProposalResponsePayloads/.test(d.message ?? ''));
      if (!mismatch || attempt >= 3) throw withPeerDetails(err);
      await new Promise((r) => setTimeout(r, 300 * attempt));
    }
  }
}

/**
 * The gateway's ABORTED "failed to endorse" says what each peer answered only in `details`, which a stack trace
 * does not print: they go into the message, so a failure in a test log names the peer and its reason.
 */
function withPeerDetails(err: unknown): unknown {
  const e = err as Error & { details?: { address?: string; mspId?: string; message?: string }[] };
  if (!(e instanceof Error) || !e.details?.length) return err;
  const said = e.details.map((d) => `${d.mspId ?? '?'} ${d.address ?? ''}: ${d.message ?? ''}`).join('; ');
  if (!e.message.includes(said)) e.message = `${e.message} [${said}]`;
  return err;
}

export async function evaluate(
  c: LedgerConnection,
  contract: string,
  fn: string,
  ...args: string[]
): Promise<unknown> {
  return decodeJson(await c.contract(contract).evaluateTransaction(fn, ...args));
}

/** evaluate, or undefined when the ledger says NOT_FOUND. */
export async function find(
  c: LedgerConnection,
  contract: string,
  fn: string,
  ...args: string[]
): Promise<unknown> {
  try {
    return await evaluate(c, contract, fn, ...args);
  } catch (err) {
    const e = err as { message?: string; details?: { message?: string }[] };
    const text = [e.message ?? '', ...(e.details ?? []).map((d) => d.message ?? '')].join('\n');
    if (text.includes('[NOT_FOUND]')) return undefined;
    throw err;
  }
}

/** Today in China time (UTC+8), as the chaincode counts days. */
export function chinaToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** A rating as the bureau records it at onboarding: `level`, MLPS level 3, good credit, valid to 2027. */
export function ratingOf(level: 'A' | 'AA' | 'AAA'): Record<string, unknown> {
  return {
    level,
    mlpsLevel: 3,
    mlpsFiling: '33110099001-25001',
    creditStatus: 'good',
    certificateHashes: [],
    validUntil: '2027-12-31',
  };
}

/**
 * The body of a `SubmitApplication` request: a plausible form (contacts as salted hashes), the demands, and
 * the documents' hashes. `form` overrides fields of the form.
 */
export function applicationRequest(
  id: string,
  demands: { datasetId: string; items: string[]; scenario?: string }[],
  form: Record<string, unknown> = {},
): Record<string, unknown> {
  const salt = crypto.randomBytes(8).toString('hex');
  const doc = (s: string): string => crypto.createHash('sha256').update(s).digest('hex');
  return {
    id,
    form: {
      serviceName: '企业信用画像服务',
      field: '金融服务',
      scenarios: '小微企业贷前核验与贷后监测',
      serviceScope: '丽水市',
      serviceUsers: '本地银行与担保机构',
      concurrency: 20,
      expectedBenefit: '缩短小微企业贷款审核时间',
      systemName: '信用画像平台',
      machineRoom: '丽水市云计算中心',
      mlpsLevel: 3,
      mlpsFiling: '33110099001-25001',
      contactNameHash: personalDataHash('联系人', salt),
      contactIdHash: personalDataHash('contact-id', salt),
      contactPhoneHash: personalDataHash('contact-phone', salt),
      ...form,
    },
    demands: demands.map((d) => ({
      scenario: d.scenario ?? '贷前核验',
      datasetId: d.datasetId,
      items: d.items,
    })),
    documents: {
      mlpsCertificate: doc('mlps certificate'),
      creditReport: doc('credit report'),
      securityCommitment: doc('security commitment'),
    },
  };
}

export interface DemandSpec {
  datasetId: string;
  /** The opening body that owns the dataset. */
  mspId: string;
  items: string[];
}

/**
 * One application from submission to agreements in force with every named body: formal review, owner
 * reviews, re-review, then per body a drafted agreement signed by the body and by the enterprise. What the
 * ledger already holds of it (an application under the same id, a run cut short) is taken up, not redone.
 * Returns the grant ids and the transactions that brought each agreement into force in this call.
 */
export async function applyAndGetGrants(
  p: Parties,
  signer: EnterpriseSigner,
  appId: string,
  demands: DemandSpec[],
  terms: { validUntil: string; dailyQuota: number; noticeDays?: number } = {
    validUntil: '2027-06-30',
    dailyQuota: 1000,
  },
): Promise<{ grants: string[]; agreementTxIds: string[] }> {
  const gateway = new RdxLedger(p.gateway);
  const bureau = new RdxLedger(p.bureau);
  const bodies = [...new Set(demands.map((d) => d.mspId))];
  // Each step is taken only while the ledger says it is still owed: a run cut short (a start interrupted while
  // it seeded the demo) is taken up where it stopped, where it left an application under review for good.
  const application = async (): Promise<
    { state: string; ownerReviews: Record<string, unknown> } | undefined
  > => (await find(p.bureau, 'application', 'GetApplication', appId)) as never;
  let app = await application();
  if (app === undefined) {
    const body = applicationRequest(
      appId,
      demands.map((d) => ({ datasetId: d.datasetId, items: d.items })),
    );
    await waitForBlock(
      BigInt((await gateway.application.submitSigned(signer.sign('SubmitApplication', body))).blockNumber),
    );
    app = (await application())!;
  }
  if (app.state === 'FORMAL_REVIEW') {
    await waitForBlock(
      BigInt((await bureau.application.formalReview({ id: appId, decision: 'accept' })).blockNumber),
    );
    app = (await application())!;
  }
  if (app.state === 'OWNER_REVIEW') {
    for (const mspId of bodies.filter((b) => app!.ownerReviews[b] === undefined)) {
      const reviewed = await new RdxLedger(p.body(mspId)).application.ownerReview({
        id: appId,
        decision: 'approve',
      });
      await waitForBlock(BigInt(reviewed.blockNumber));
    }
    app = (await application())!;
  }
  if (app.state === 'RE_REVIEW') {
    await waitForBlock(
      BigInt((await bureau.application.reReview({ id: appId, decision: 'approve' })).blockNumber),
    );
    app = (await application())!;
  }
  if (app.state !== 'APPROVED') throw new Error(`application ${appId} is ${app.state}, not approved`);

  const grants: string[] = [];
  const agreementTxIds: string[] = [];
  for (const mspId of bodies) {
    const owner = new RdxLedger(p.body(mspId)).agreement;
    const datasets = demands
      .filter((d) => d.mspId === mspId)
      .map((d) => ({ datasetId: d.datasetId, items: d.items }));
    let agreement = (await find(p.body(mspId), 'agreement', 'GetAgreement', `${appId}.${mspId}`)) as
      { id: string; termsHash: string; state: string; grants: string[]; bodySignature?: unknown } | undefined;
    if (agreement === undefined) {
      const draft = await owner.draft({
        applicationId: appId,
        terms: {
          datasets,
          purpose: '贷前核验',
          serviceName: '企业信用画像服务',
          platform: '信用画像平台',
          validFrom: chinaToday(),
          validUntil: terms.validUntil,
          dailyQuota: terms.dailyQuota,
          ...(terms.noticeDays === undefined ? {} : { noticeDays: terms.noticeDays }),
        },
      });
      await waitForBlock(BigInt(draft.blockNumber));
      agreement = draft.value;
    }
    if (agreement.state === 'DRAFT' && agreement.bodySignature === undefined) {
      const bodySigned = await owner.signAsBody({ id: agreement.id, termsHash: agreement.termsHash });
      await waitForBlock(BigInt(bodySigned.blockNumber));
    }
    if (agreement.state === 'DRAFT') {
      const signed = signer.sign('SignAgreement', {
        agreementId: agreement.id,
        termsHash: agreement.termsHash,
      });
      const inForce = await gateway.agreement.signAsEnterpriseSigned(signed);
      await waitForBlock(BigInt(inForce.blockNumber));
      agreement = inForce.value;
      agreementTxIds.push(inForce.txId);
    }
    if (agreement.state !== 'IN_FORCE') throw new Error(`agreement ${agreement.id} is ${agreement.state}`);
    grants.push(...agreement.grants);
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
  const payload = common.Payload.deserializeBinary(processed.getTransactionenvelope()!.getPayload_asU8());
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
  chaincode: string,
  block: bigint,
  txId: string,
): Promise<{ name: string; payload: { changes: { type: string; id: string; state?: string }[] } }> {
  const events = await network.getChaincodeEvents(chaincode, { startBlock: block });
  try {
    for await (const event of events) {
      if (event.transactionId === txId)
        return { name: event.eventName, payload: decodeJson(event.payload) as never };
      if (event.blockNumber > block) break;
    }
  } finally {
    events.close();
  }
  throw new Error(`no event for ${txId} in block ${block}`);
}
