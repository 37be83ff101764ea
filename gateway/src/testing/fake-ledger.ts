/**
 * An in-memory Ledger for gateway tests. `evaluate` and `submit` dispatch `contract:fn` to a table of handlers
 * the test can replace; the defaults behave like the chaincode where the gateway depends on it: the audit
 * anchor chain (same anchorHash, same refusals), enterprise request signatures, body fields and nonces, the
 * public lists, and the enterprise's own applications and agreements. A handler throws `refusal(code, …)` to
 * refuse.
 */
import crypto from 'node:crypto';
import {
  LedgerRefusedError,
  LedgerTransactionInvalidError,
  LedgerUnavailableError,
  anchorHashOf,
  canonicalJson,
  type AnchorInput,
  type LedgerCallOptions,
  type RdxSdkError,
  type SubmitResult,
} from '@rdx/client';
import {
  ENTERPRISE_ACTION_FIELDS,
  ENTERPRISE_ACTION_FUNCTIONS,
  onlyFields,
  type EnterpriseActionName,
} from '@rdx/chaincode';
import { parseLedgerError } from '@rdx/errors';
import type { BlockStream, EventStream, Ledger, LedgerEvent, LedgerStatus } from '../ledger/ledger.js';
import type { BlockOfEvents } from '../ledger/block-events.js';

export interface LedgerCall {
  kind: 'evaluate' | 'submit';
  contract: string;
  fn: string;
  args: string[];
  /** Transient data as text (the SDK sends confidential inputs, and a salt, this way). */
  transient: Record<string, string>;
  endorsingOrganizations?: string[];
}
/** Returns the decoded result (evaluate) or the transaction result (submit). */
export type Handler = (args: string[], call: LedgerCall) => unknown;

const GENESIS = '0'.repeat(64);

/** An anchor as the chaincode stores it (without submitter and anchoredAt). */
export interface LedgerAnchor extends AnchorInput {
  anchorHash: string;
  txId: string;
}

/**
 * A body `action` takes, for tests that relay it: each of its fields a placeholder text, but those `given` (the
 * ids naming the object an endpoint acts on; a given field the action does not take is left out).
 */
export function actionBody(
  action: EnterpriseActionName,
  given: Record<string, unknown> = {},
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of ENTERPRISE_ACTION_FIELDS[action])
    body[field] = field in given ? given[field] : `${field} of ${action}`;
  return body;
}

/** Stands for a complaint's 10 working days in the fake (the chaincode computes it from its calendar). */
export const FAKE_COMPLAINT_DUE = '2099-12-31';

/** The options of a call as the fake records them: transient data decoded as text. */
function callOptions(options: LedgerCallOptions): Pick<LedgerCall, 'transient' | 'endorsingOrganizations'> {
  const transient = Object.fromEntries(
    Object.entries(options.transient ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('utf8')]),
  );
  return {
    transient,
    ...(options.endorsingOrganizations ? { endorsingOrganizations: options.endorsingOrganizations } : {}),
  };
}

/**
 * The error the SDK's Fabric transport gives for a ledger answer: a refusal with the chaincode's `code`, a
 * transaction invalidated at commit (`TX_INVALID`), or, without a code, a ledger that did not answer.
 */
export function refusal(code: string | undefined, detail: string): RdxSdkError {
  if (code === undefined) return new LedgerUnavailableError('LEDGER_ERROR', detail);
  if (code === 'TX_INVALID') return new LedgerTransactionInvalidError('MVCC_READ_CONFLICT', detail);
  return new LedgerRefusedError(code, detail);
}

function refuse(code: string, detail: string): never {
  throw refusal(code, detail);
}

/** Refuses a signed body that is not an object or has a field `action` does not take, as the chaincode words it. */
function checkBodyFields(body: unknown, action: EnterpriseActionName): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    refuse('INVALID_ARGUMENT', 'request.body must be an object');
  try {
    onlyFields(body as Record<string, unknown>, 'request.body', ENTERPRISE_ACTION_FIELDS[action]);
  } catch (err) {
    const failure = parseLedgerError(err instanceof Error ? err.message : String(err));
    if (failure === undefined) throw err;
    refuse(failure.code, failure.detail);
  }
}

export class FakeLedger implements Ledger {
  blockHeight = 100;
  channel = 'opendata';
  chaincodeVersion = 'test';
  /** When set, status() throws it and evaluate/submit throw a LedgerError without a code (unreachable). */
  down?: string;
  readonly calls: LedgerCall[] = [];
  readonly handlers = new Map<string, Handler>();
  /** Anchors per gateway, in sequence order. */
  readonly anchors = new Map<string, LedgerAnchor[]>();
  /** Gateway ids the bureau has not registered: anchoring under them is FORBIDDEN (every other id is ours). */
  readonly unregistered = new Set<string>();
  readonly applications = new Map<string, Record<string, unknown>>();
  readonly agreements = new Map<string, Record<string, unknown>>();
  recipients: Record<string, unknown>[] = [];
  /** The opening bodies as platform:ListBodies lists them (`removedAt` for one that left). */
  bodies: { mspId: string; name: string; removedAt?: string }[] = [];
  creditEvaluations: Record<string, unknown>[] = [];
  /**
   * Chaincode events by block, for readers of whole blocks (blocksFrom); a block not listed holds none. Its
   * identity is `fake-<epoch>-<n>`: a test changes `epoch` to stand for another ledger (a reset).
   */
  readonly blockEvents = new Map<number, LedgerEvent[]>();
  /** Blocks holding a chaincode definition transaction (an upgrade). */
  readonly lifecycleBlocks = new Set<number>();
  epoch = 'a';
  /** Duty records (as duty:ListDuties returns them), for the public product list. */
  duties: Record<string, unknown>[] = [];
  /** Complaints filed through the public route, by id. */
  readonly complaints = new Map<string, Record<string, unknown>>();
  readonly fingerprintCommitments = new Map<string, { grantId: string; commitment: string }>();
  private readonly nonces = new Set<string>();
  private tx = 0;

  /** @param publicKeyOf the PEM key registered for a credit code, for checking enterprise signatures. */
  constructor(private readonly publicKeyOf: (creditCode: string) => string | undefined = () => undefined) {
    this.handlers.set('audit:SubmitAnchor', (args) => this.submitAnchor(args[0] ?? ''));
    this.handlers.set('audit:GetGateway', ([gatewayId = '']) =>
      this.unregistered.has(gatewayId)
        ? refuse('NOT_FOUND', `gateway ${gatewayId} is not registered (audit:RegisterGateway)`)
        : { gatewayId, certificate: 'c'.repeat(64) },
    );
    this.handlers.set('audit:GetAnchorHead', ([gatewayId = '']) => {
      const last = this.anchors.get(gatewayId)?.at(-1);
      return last
        ? {
            gatewayId,
            sequence: last.sequence,
            anchorHash: last.anchorHash,
            nextRecord: last.firstRecord + last.recordCount,
          }
        : { gatewayId, sequence: 0, anchorHash: GENESIS, nextRecord: 0 };
    });
    this.handlers.set('audit:GetAnchor', ([gatewayId = '', sequence = '']) => {
      const found = this.anchors.get(gatewayId)?.find((a) => a.sequence === Number(sequence));
      return found ?? refuse('NOT_FOUND', `no anchor ${sequence} of ${gatewayId}`);
    });
    this.handlers.set('query:ListRecipients', () => this.recipients);
    this.handlers.set('platform:ListBodies', () => this.bodies);
    this.handlers.set('query:ListCreditEvaluations', () => this.creditEvaluations);
    // Figures of one body as query:BodyPerformance gives them (the chaincode's own are unit-tested there).
    this.handlers.set('query:BodyPerformance', ([period = '']) => [
      {
        body: 'LS-BUREAU',
        period,
        from: `${period.slice(0, 4)}-01-01`,
        to: `${period.slice(0, 4)}-12-31`,
        datasets: { listed: 2, registeredInPeriod: 1, versionsInPeriod: 3, upToDate: 1, stale: 1 },
        demandsReceived: 4,
        ownerReviews: {
          doneInPeriod: 3,
          onTime: 2,
          late: 1,
          overdueNow: 0,
          workingDays: { mean: 6.3, max: 16 },
        },
        grants: { issuedInPeriod: 2, liveNow: 2 },
        complaints: {
          filedInPeriod: 1,
          resolvedInPeriod: 1,
          resolvedOnTime: 1,
          complainantToldOnTime: 1,
          overdueNow: 0,
        },
      },
    ]);
    // One page of all: the fake has few.
    this.handlers.set('duty:ListDuties', ([filter = '{}']) => {
      const { kind, body } = JSON.parse(filter) as { kind?: string; body?: string };
      return {
        items: this.duties.filter((d) => (!kind || d.kind === kind) && (!body || d.body === body)),
        bookmark: '',
      };
    });
    this.handlers.set(
      'application:GetApplication',
      ([id = '']) => this.applications.get(id) ?? refuse('NOT_FOUND', `no application ${id}`),
    );
    this.handlers.set('query:ListApplications', ([filter = '{}']) => {
      const enterprise = (JSON.parse(filter) as { enterprise?: string }).enterprise;
      const items = [...this.applications.values()].filter((a) => !enterprise || a.creditCode === enterprise);
      return { items, bookmark: '' };
    });
    this.handlers.set(
      'agreement:GetAgreement',
      ([id = '']) => this.agreements.get(id) ?? refuse('NOT_FOUND', `no agreement ${id}`),
    );
    for (const [key, action] of Object.entries(ENTERPRISE_ACTION_FUNCTIONS)) {
      // As the chaincode: the signed request comes as transient data, the result is a shell naming the object.
      this.handlers.set(key, (_args, call) => {
        const { request = '', signature = '' } = call.transient;
        const envelope = this.verifyEnterpriseRequest(request, signature, action);
        const body = (envelope.body ?? {}) as Record<string, unknown>;
        const id = String(
          call.contract === 'application' || call.contract === 'complaint'
            ? (body.id ?? body.applicationId)
            : body.agreementId,
        );
        // A new application exists from here on, as on the ledger (the SDK reads it back).
        if (call.fn === 'SubmitApplication' && !this.applications.has(id))
          this.applications.set(id, {
            id,
            creditCode: envelope.creditCode,
            state: 'FORMAL_REVIEW',
            bodies: [],
          });
        const complaint = call.contract === 'complaint' ? { deadline: { due: FAKE_COMPLAINT_DUE } } : {};
        return { id, fn: call.fn, creditCode: envelope.creditCode, body, ...complaint };
      });
    }
    // Complaints from the public route: what the status read needs, as the chaincode keeps it.
    this.handlers.set('complaint:FileComplaintFromPublic', (_args, call) => {
      const input = JSON.parse(call.transient.complaint ?? '{}') as Record<string, string>;
      const stored = { ...input, state: 'OPEN', deadline: { due: FAKE_COMPLAINT_DUE } };
      this.complaints.set(input.id!, stored);
      return stored;
    });
    // Fingerprint commitments: written once per grant, as the audit contract keeps them.
    this.handlers.set('audit:CommitFingerprint', ([grantId = '', commitment = '']) => {
      const existing = this.fingerprintCommitments.get(grantId);
      if (existing && existing.commitment !== commitment) refuse('ALREADY_EXISTS', 'another commitment');
      const record = existing ?? { grantId, commitment, committedAt: new Date().toISOString(), txId: 'fake' };
      this.fingerprintCommitments.set(grantId, record);
      return record;
    });
    this.handlers.set(
      'audit:GetFingerprintCommitment',
      ([grantId = '']) =>
        this.fingerprintCommitments.get(grantId) ?? refuse('NOT_FOUND', `no commitment for ${grantId}`),
    );
    // Shells of every complaint held here, by state and owning body, as the chaincode lists them.
    this.handlers.set('complaint:ListComplaints', ([filter = '{}']) => {
      const { state, body } = JSON.parse(filter) as { state?: string; body?: string };
      const items = [...this.complaints.values()].filter(
        (c) => (!state || c.state === state) && (!body || c.body === body),
      );
      return { items, bookmark: '' };
    });
    this.handlers.set('complaint:GetComplaintStatus', ([id = '', receiptHash = '']) => {
      const c = this.complaints.get(id);
      if (!c || c.receiptHash !== receiptHash) refuse('NOT_FOUND', `complaint ${id} does not exist`);
      return { id, state: c.state, datasetId: c.datasetId, category: c.category, due: FAKE_COMPLAINT_DUE };
    });
  }

  /** Replaces the handler of `contract:fn`. */
  on(key: string, handler: Handler): this {
    this.handlers.set(key, handler);
    return this;
  }

  /** Makes `contract:fn` refuse with `code` (undefined: a failure without a code; see {@link refusal}). */
  refuseWith(
    key: string,
    code: string | undefined,
    message = `refused by the fake ledger (${code ?? 'no code'})`,
  ): this {
    return this.on(key, () => {
      throw refusal(code, message);
    });
  }

  /** Calls of `contract:fn` so far. */
  callsOf(key: string): LedgerCall[] {
    return this.calls.filter((c) => `${c.contract}:${c.fn}` === key);
  }

  status(): Promise<LedgerStatus> {
    if (this.down) return Promise.reject(new Error(this.down));
    return Promise.resolve({
      channel: this.channel,
      blockHeight: this.blockHeight,
      chaincode: { name: 'rdx', version: this.chaincodeVersion },
    });
  }

  async evaluate(
    contract: string,
    fn: string,
    args: string[],
    options: LedgerCallOptions = {},
  ): Promise<Uint8Array> {
    return this.encode(
      await this.dispatch({ kind: 'evaluate', contract, fn, args, ...callOptions(options) }),
    );
  }

  async submit(
    contract: string,
    fn: string,
    args: string[],
    options: LedgerCallOptions = {},
  ): Promise<SubmitResult> {
    const result = await this.dispatch({ kind: 'submit', contract, fn, args, ...callOptions(options) });
    this.blockHeight++;
    return {
      result: this.encode(result),
      txId: `tx${String(++this.tx).padStart(6, '0')}`,
      blockNumber: this.blockHeight - 1,
    };
  }

  /** Not a real block: the fake ledger has none; these bytes only stand for one in the HTTP tests. */
  blockBytes(txId: string): Promise<Uint8Array> {
    return Promise.resolve(Buffer.from(`fake block holding ${txId}`));
  }

  /** Blocks from `startBlock` up to the current height, then the stream ends (a peer would wait for more). */
  blocksFrom(startBlock: number): Promise<BlockStream> {
    const height = this.blockHeight;
    let closed = false;
    const iterate = async function* (this: FakeLedger): AsyncGenerator<BlockOfEvents> {
      for (let n = startBlock; n < height && !closed; n++) {
        await Promise.resolve();
        yield {
          blockNumber: n,
          blockId: `fake-${this.epoch}-${n}`,
          events: this.blockEvents.get(n) ?? [],
          lifecycle: this.lifecycleBlocks.has(n),
        };
      }
    }.call(this);
    return Promise.resolve({ [Symbol.asyncIterator]: () => iterate, close: () => (closed = true) });
  }

  blockId(blockNumber: number): Promise<string> {
    return Promise.resolve(`fake-${this.epoch}-${blockNumber}`);
  }

  events(): Promise<EventStream> {
    return Promise.reject(new Error('FakeLedger has no event stream: tests fill the LedgerView directly'));
  }

  close(): void {}

  private async dispatch(call: LedgerCall): Promise<unknown> {
    this.calls.push(call);
    await Promise.resolve();
    if (this.down) throw new LedgerUnavailableError('LEDGER_UNAVAILABLE', `${this.down} (14 UNAVAILABLE)`);
    const handler = this.handlers.get(`${call.contract}:${call.fn}`);
    if (!handler) throw new Error(`FakeLedger: no handler for ${call.kind} ${call.contract}:${call.fn}`);
    return handler(call.args, call);
  }

  /** Results cross the ledger as JSON bytes, as through Fabric. */
  private encode(result: unknown): Uint8Array {
    return Buffer.from(result === undefined ? '' : JSON.stringify(result));
  }

  private submitAnchor(json: string): LedgerAnchor {
    const input = JSON.parse(json) as Omit<LedgerAnchor, 'anchorHash' | 'txId'>;
    if (this.unregistered.has(input.gatewayId))
      refuse(
        'FORBIDDEN',
        `gateway ${input.gatewayId} is not registered: the bureau registers each gateway id`,
      );
    const chain = this.anchors.get(input.gatewayId) ?? [];
    const last = chain.at(-1);
    const expected = last
      ? {
          sequence: last.sequence,
          anchorHash: last.anchorHash,
          nextRecord: last.firstRecord + last.recordCount,
        }
      : { sequence: 0, anchorHash: GENESIS, nextRecord: 0 };
    const broken = (why: string): never => refuse('ANCHOR_CHAIN_BROKEN', `anchor ${input.sequence}: ${why}`);
    if (!/^[0-9a-f]{64}$/.test(input.merkleRoot))
      refuse('INVALID_ARGUMENT', 'merkleRoot must be a sha256 hex');
    if (!Number.isSafeInteger(input.recordCount) || input.recordCount < 1)
      refuse('INVALID_ARGUMENT', 'recordCount');
    if (input.lastRecordAt < input.firstRecordAt)
      refuse('INVALID_ARGUMENT', 'lastRecordAt is before firstRecordAt');
    if (input.sequence <= expected.sequence) broken('a rewrite');
    if (input.sequence !== expected.sequence + 1) broken('a gap');
    if (input.previousAnchorHash !== expected.anchorHash) broken('a fork');
    if (input.firstRecord !== expected.nextRecord)
      broken(`the batch must start at record ${expected.nextRecord}`);
    const anchor: LedgerAnchor = {
      gatewayId: input.gatewayId,
      sequence: input.sequence,
      merkleRoot: input.merkleRoot,
      recordCount: input.recordCount,
      firstRecord: input.firstRecord,
      firstRecordAt: input.firstRecordAt,
      lastRecordAt: input.lastRecordAt,
      previousAnchorHash: input.previousAnchorHash,
      anchorHash: anchorHashOf(input),
      txId: `tx${String(this.tx + 1).padStart(6, '0')}`,
    };
    chain.push(anchor);
    this.anchors.set(input.gatewayId, chain);
    return anchor;
  }

  /**
   * As the chaincode's verifyEnterpriseRequest: action, the body's fields (the chaincode's own check, on its own
   * list), ES256 signature over canonical JSON, nonce burnt.
   */
  private verifyEnterpriseRequest(
    raw: string,
    signature: string,
    action: EnterpriseActionName,
  ): { creditCode: string; body: unknown } {
    let envelope: { action?: unknown; creditCode?: unknown; nonce?: unknown; body?: unknown };
    try {
      envelope = JSON.parse(raw) as typeof envelope;
    } catch {
      return refuse('INVALID_ARGUMENT', 'request is not JSON');
    }
    if (envelope.action !== action)
      refuse('INVALID_ARGUMENT', `request is for ${String(envelope.action)}, not ${action}`);
    checkBodyFields(envelope.body, action);
    const creditCode = typeof envelope.creditCode === 'string' ? envelope.creditCode : '';
    const key = this.publicKeyOf(creditCode) ?? refuse('NOT_FOUND', `no enterprise ${creditCode}`);
    const sig = Buffer.from(signature, 'base64url');
    const verifies = (): boolean => {
      try {
        const message = Buffer.from(canonicalJson(JSON.parse(raw)));
        return sig.length === 64 && crypto.verify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, sig);
      } catch {
        return false;
      }
    };
    if (!verifies())
      refuse('BAD_SIGNATURE', `the signature does not verify with the key registered for ${creditCode}`);
    const nonce = `${creditCode}:${String(envelope.nonce)}`;
    if (this.nonces.has(nonce)) refuse('REPLAYED', 'this signed request was already used');
    this.nonces.add(nonce);
    return { creditCode, body: envelope.body };
  }
}
