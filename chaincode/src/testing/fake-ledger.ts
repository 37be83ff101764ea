/**
 * An in-memory ledger for fast unit tests of contract logic, faithful where it matters: a transaction's
 * writes become visible only when it succeeds (a rejected one writes nothing), reads inside a transaction
 * do not see its own writes (as in Fabric), one event per transaction, key-level policies and history kept.
 * Real-network tests in test/ prove the same functions on Fabric.
 */
import crypto from 'node:crypto';
import type { Contract } from 'fabric-contract-api';
import { RdxContext } from '../lib/context';
import { canonicalJson } from '../lib/state';

export interface Identity {
  mspId: string;
  role?: string;
  cn: string;
  /** Which of the identity's certificates it presents (a renewal gives the same name a new certificate). */
  serial?: number;
}

export const IDS = {
  bureau: { mspId: 'BureauMSP', role: 'admin', cn: 'admin.bureau' },
  bureauReviewer: { mspId: 'BureauMSP', role: 'reviewer', cn: 'reviewer.bureau' },
  regulator: { mspId: 'BureauMSP', role: 'regulator', cn: 'regulator' },
  gateway: { mspId: 'BureauMSP', role: 'gateway', cn: 'gateway' },
  bureauNoRole: { mspId: 'BureauMSP', cn: 'someone.bureau' },
  market: { mspId: 'MarketMSP', role: 'admin', cn: 'admin.market' },
  transport: { mspId: 'TransportMSP', role: 'admin', cn: 'admin.transport' },
  marketGatewayRole: { mspId: 'MarketMSP', role: 'gateway', cn: 'fake-gateway.market' },
  stranger: { mspId: 'OtherMSP', role: 'admin', cn: 'admin.other' },
  marketReviewer: { mspId: 'MarketMSP', role: 'reviewer', cn: 'reviewer.market' },
  marketProber: { mspId: 'MarketMSP', role: 'probe', cn: 'prober.market' },
  bureauProber: { mspId: 'BureauMSP', role: 'probe', cn: 'prober.bureau' },
} satisfies Record<string, Identity>;

/**
 * A stand-in PEM certificate per identity: distinct per MSP and CN, stable across calls, and shaped like a real
 * one (what the chaincode fingerprints).
 */
export function certificateOf(identity: Identity): string {
  const der = crypto
    .createHash('sha512')
    .update(`${identity.mspId}/${identity.cn}/${identity.serial ?? 0}`)
    .digest();
  return `-----BEGIN CERTIFICATE-----\n${Buffer.concat([der, der]).toString('base64')}\n-----END CERTIFICATE-----\n`;
}

interface HistoryRecord {
  txId: string;
  time: Date;
  value?: Buffer;
}

export interface TxEvent {
  name: string;
  payload: { changes: { type: string; id: string; state?: string }[] } & Record<string, unknown>;
}

type Method = (ctx: RdxContext, ...args: string[]) => Promise<string>;

export class FakeLedger {
  readonly state = new Map<string, Buffer>();
  readonly policies = new Map<string, Uint8Array>();
  readonly history = new Map<string, HistoryRecord[]>();
  readonly events: TxEvent[] = [];
  /** Transaction time; tests move it to cross deadlines. */
  now = new Date('2025-03-03T02:00:00Z');
  private txCount = 0;

  /** Runs `contract.fn(...args)` as `identity`, committing its writes only if it succeeds. */
  async invoke(identity: Identity, contract: Contract, fn: string, ...args: string[]): Promise<string> {
    const txId = `tx${String(++this.txCount).padStart(6, '0')}`;
    const writes = new Map<string, Buffer | undefined>();
    const policyWrites = new Map<string, Uint8Array>();
    let event: TxEvent | undefined;
    const committed = this.state;
    const seconds = Math.floor(this.now.getTime() / 1000);
    const sortedKeys = (prefix: string): string[] =>
      [...committed.keys()].filter((k) => k.startsWith(prefix)).sort();
    const iterator = (keys: string[]) => {
      let i = 0;
      return {
        next: () =>
          Promise.resolve(
            i < keys.length
              ? { done: false, value: { key: keys[i], value: committed.get(keys[i++]!) } }
              : { done: true, value: undefined },
          ),
        close: () => Promise.resolve(),
      };
    };
    const stub = {
      getTxID: () => txId,
      getTxTimestamp: () => ({ seconds, nanos: (this.now.getTime() % 1000) * 1e6 }),
      getFunctionAndParameters: () => ({ fcn: fn, params: args }),
      getState: (key: string) => Promise.resolve(committed.get(key) ?? Buffer.alloc(0)),
      putState: (key: string, value: Uint8Array) => {
        writes.set(key, Buffer.from(value));
        return Promise.resolve();
      },
      deleteState: (key: string) => {
        writes.set(key, undefined);
        return Promise.resolve();
      },
      setStateValidationParameter: (key: string, policy: Uint8Array) => {
        policyWrites.set(key, policy);
        return Promise.resolve();
      },
      createCompositeKey: (type: string, attrs: string[]) =>
        `\u0000${type}\u0000${attrs.map((a) => `${a}\u0000`).join('')}`,
      splitCompositeKey: (key: string) => {
        const parts = key.split('\u0000');
        return { objectType: parts[1], attributes: parts.slice(2, -1) };
      },
      getStateByPartialCompositeKey: (type: string, attrs: string[]) =>
        Promise.resolve(
          iterator(sortedKeys(`\u0000${type}\u0000${attrs.map((a) => `${a}\u0000`).join('')}`)),
        ),
      getStateByPartialCompositeKeyWithPagination: (
        type: string,
        attrs: string[],
        pageSize: number,
        bookmark: string,
      ) => {
        const keys = sortedKeys(`\u0000${type}\u0000${attrs.map((a) => `${a}\u0000`).join('')}`).filter(
          (k) => !bookmark || k > bookmark,
        );
        const page = keys.slice(0, pageSize);
        return Promise.resolve({
          iterator: iterator(page),
          metadata: { fetchedRecordsCount: page.length, bookmark: page[page.length - 1] ?? '' },
        });
      },
      getHistoryForKey: (key: string) => {
        const records = [...(this.history.get(key) ?? [])].reverse();
        let i = 0;
        return Promise.resolve({
          next: () => {
            const r = records[i++];
            if (!r) return Promise.resolve({ done: true, value: undefined });
            return Promise.resolve({
              done: false,
              value: {
                txId: r.txId,
                timestamp: { seconds: Math.floor(r.time.getTime() / 1000), nanos: 0 },
                isDelete: !r.value,
                value: r.value ?? Buffer.alloc(0),
              },
            });
          },
          close: () => Promise.resolve(),
        });
      },
      setEvent: (name: string, payload: Uint8Array) => {
        event = { name, payload: JSON.parse(Buffer.from(payload).toString()) as TxEvent['payload'] };
      },
    };
    const ctx = new RdxContext();
    const attrs: Record<string, string> = identity.role ? { role: identity.role } : {};
    const clientIdentity = {
      getMSPID: () => identity.mspId,
      getID: () => `x509::/CN=${identity.cn}::/CN=ca.${identity.mspId}`,
      getIDBytes: () => Buffer.from(certificateOf(identity)),
      getAttributeValue: (name: string) => attrs[name] ?? null,
    };
    Object.assign(ctx, { stub, clientIdentity });
    const method = (contract as unknown as Record<string, Method>)[fn];
    if (typeof method !== 'function') throw new Error(`no ${fn} on ${contract.getName()}`);
    const result = await method.call(contract, ctx, ...args);
    await contract.afterTransaction(ctx, result);
    // Commit: only now do the writes become state, as when a valid transaction is committed.
    for (const [key, value] of writes) {
      if (value === undefined) committed.delete(key);
      else committed.set(key, value);
      const list = this.history.get(key) ?? [];
      list.push({ txId, time: this.now, value });
      this.history.set(key, list);
    }
    for (const [key, policy] of policyWrites) this.policies.set(key, policy);
    if (event) this.events.push(event);
    return result;
  }

  /** A snapshot of state to compare before and after a rejected call. */
  snapshot(): string {
    return canonicalJson([...this.state.entries()].map(([k, v]) => [k, v.toString('base64')]));
  }

  lastEvent(): TxEvent | undefined {
    return this.events[this.events.length - 1];
  }
}

/** An enterprise's ES256 key pair and a signer for its requests, as the SDK will do it. */
export class EnterpriseKey {
  readonly privateKey: crypto.KeyObject;
  readonly publicKeyPem: string;
  private n = 0;

  constructor() {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /** `[requestJson, signature]` for a chaincode function taking a signed enterprise request. */
  sign(creditCode: string, action: string, body: Record<string, unknown>, signedAt: Date): [string, string] {
    const request = {
      action,
      creditCode,
      nonce: `nonce-${String(++this.n).padStart(10, '0')}-${crypto.randomBytes(4).toString('hex')}`,
      signedAt: signedAt.toISOString(),
      body,
    };
    const json = JSON.stringify(request);
    const signature = crypto
      .sign('sha256', Buffer.from(canonicalJson(request)), {
        key: this.privateKey,
        dsaEncoding: 'ieee-p1363',
      })
      .toString('base64url');
    return [json, signature];
  }
}
