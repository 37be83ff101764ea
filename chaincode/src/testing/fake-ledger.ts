/**
 * An in-memory ledger for fast unit tests of contract logic, faithful where it matters: a transaction's
 * writes become visible only when it succeeds (a rejected one writes nothing), reads inside a transaction
 * do not see its own writes (as in Fabric), one event per transaction, key-level policies and history kept.
 * Real-network tests in test/ prove the same functions on Fabric.
 */
import crypto from 'node:crypto';
import type { Contract } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
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
  clerk: { mspId: 'BureauMSP', role: 'clerk', cn: 'clerk' },
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

/** Members of a collection `rdx-<body MSP>`: that body and the bureau. */
function membersOf(collection: string): string[] {
  return [collection.replace(/^rdx-/, ''), BUREAU];
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

const BUREAU = 'BureauMSP';
/** The opening bodies of the test channel, each with its collection `rdx-<MSP>` (members: it and the bureau). */
export const BODY_ORGS = ['MarketMSP', 'TransportMSP'];

/**
 * What a transaction carries besides its arguments, as a client sends it: transient data (the SDK adds a random
 * `salt`), and optionally the endorsing organisations the client names itself.
 */
export class TxExtras {
  constructor(
    readonly transient: Record<string, string> = {},
    readonly endorsingOrgs?: string[],
    /** Leave out the salt the SDK always sends (to test that private writes demand one). */
    readonly noSalt = false,
  ) {}
}

/** Confidential inputs of a call: `w.invoke(who, C.grant, 'SuspendGrant', id, 'violation', secret({ note }))`. */
export function secret(transient: Record<string, string>, endorsingOrgs?: string[]): TxExtras {
  return new TxExtras(transient, endorsingOrgs);
}

/** The endorsement a transaction needed, as the chaincode-level, key-level and collection policies demand it. */
export interface Endorsement {
  /** The organisations whose peers had to endorse, sorted. */
  orgs: string[];
  /** Collections the transaction read or wrote. */
  collections: string[];
}

/**
 * The ledger of one channel as the chaincode sees it, with Fabric's rules where they shape what the chaincode
 * may do: writes become visible only on commit; private data lives in per-body collections that only member
 * orgs' clients read or write; and every transaction is checked against the endorsement it would need —
 * chaincode-level AND(bureau, one body), key-level policies of the keys it writes, and the collection policies
 * AND(body, bureau) — with every endorser holding every collection it reads, as on a real network.
 */
export class FakeLedger {
  readonly state = new Map<string, Buffer>();
  /** Private data per collection (the chaincode definition names one per body of the channel). */
  readonly collections = new Map<string, Map<string, Buffer>>(
    BODY_ORGS.map((b) => [`rdx-${b}`, new Map<string, Buffer>()]),
  );

  /** Adds a body's collection, as a new chaincode definition does when an org joins as an opening body. */
  defineCollectionFor(bodyMsp: string): void {
    if (!this.collections.has(`rdx-${bodyMsp}`)) this.collections.set(`rdx-${bodyMsp}`, new Map());
  }
  /** What each committed transaction put in its block in clear: arguments, result and event. */
  readonly blocks: { fn: string; args: string[]; result: string; event?: string }[] = [];
  lastEndorsement?: Endorsement;
  /** The public keys the last transaction read by key (its read set, as far as `getState` makes it). */
  lastKeysRead = new Set<string>();
  readonly policies = new Map<string, Uint8Array>();
  readonly history = new Map<string, HistoryRecord[]>();
  readonly events: TxEvent[] = [];
  /** Every prefix read by partial composite key, as [object type, ...attributes]: what a query cost the peer. */
  readonly prefixReads: string[][] = [];
  /** Transaction time; tests move it to cross deadlines. */
  now = new Date('2025-03-03T02:00:00Z');
  private txCount = 0;

  /**
   * Runs `contract.fn(...args)` as `identity`, committing its writes only if it succeeds and could be endorsed.
   * A trailing {@link TxExtras} carries transient data.
   */
  async invoke(
    identity: Identity,
    contract: Contract,
    fn: string,
    ...allArgs: (string | TxExtras)[]
  ): Promise<string> {
    const extras = allArgs.find((a): a is TxExtras => a instanceof TxExtras) ?? new TxExtras();
    const args = allArgs.filter((a): a is string => typeof a === 'string');
    const transient = new Map<string, Uint8Array>(
      Object.entries(extras.transient).map(([k, v]) => [k, Buffer.from(v)]),
    );
    if (!extras.noSalt) transient.set('salt', crypto.randomBytes(32));
    const txId = `tx${String(++this.txCount).padStart(6, '0')}`;
    const writes = new Map<string, Buffer | undefined>();
    const privateWrites = new Map<string, Map<string, Buffer | undefined>>();
    const collectionsRead = new Set<string>();
    const keysRead = new Set<string>();
    this.lastKeysRead = keysRead;
    const collectionOf = (name: string, access: 'read' | 'write'): Map<string, Buffer> => {
      const c = this.collections.get(name);
      if (!c) throw new Error(`collection ${name} is not defined for chaincode rdx`);
      // memberOnlyRead / memberOnlyWrite: the client's org must be a member.
      if (!membersOf(name).includes(identity.mspId))
        throw new Error(
          `tx creator does not have ${access} access permission on privatedata in chaincodeName:rdx collectionName: ${name}`,
        );
      return c;
    };
    const policyWrites = new Map<string, Uint8Array>();
    let event: TxEvent | undefined;
    const committed = this.state;
    const seconds = Math.floor(this.now.getTime() / 1000);
    const sortedKeys = (prefix: string): string[] =>
      [...committed.keys()].filter((k) => k.startsWith(prefix)).sort();
    const iterator = (keys: string[], values: Map<string, Buffer | undefined> = committed) => {
      let i = 0;
      return {
        next: () =>
          Promise.resolve(
            i < keys.length
              ? { done: false, value: { key: keys[i], value: values.get(keys[i++]!) } }
              : { done: true, value: undefined },
          ),
        close: () => Promise.resolve(),
      };
    };
    const stub = {
      getTxID: () => txId,
      getTransient: () => transient,
      getPrivateDataHash: (collection: string, key: string) => {
        // Any peer may read the hash (it is on the channel); the collection must be defined.
        const c = this.collections.get(collection);
        if (!c) throw new Error(`collection ${collection} could not be found`);
        const value = c.get(key);
        return Promise.resolve(value ? crypto.createHash('sha256').update(value).digest() : Buffer.alloc(0));
      },
      getPrivateData: (collection: string, key: string) => {
        const c = collectionOf(collection, 'read');
        collectionsRead.add(collection);
        return Promise.resolve(c.get(key) ?? Buffer.alloc(0));
      },
      getPrivateDataByRange: (collection: string, startKey: string, endKey: string) => {
        const c = collectionOf(collection, 'read');
        collectionsRead.add(collection);
        const keys = [...c.keys()].filter((k) => k >= startKey && k < endKey).sort();
        // As fabric-shim resolves it: an object holding the iterator.
        return Promise.resolve({ iterator: iterator(keys, c) });
      },
      putPrivateData: (collection: string, key: string, value: Uint8Array) => {
        collectionOf(collection, 'write');
        const w = privateWrites.get(collection) ?? new Map<string, Buffer | undefined>();
        w.set(key, Buffer.from(value));
        privateWrites.set(collection, w);
        return Promise.resolve();
      },
      deletePrivateData: (collection: string, key: string) => {
        collectionOf(collection, 'write');
        const w = privateWrites.get(collection) ?? new Map<string, Buffer | undefined>();
        w.set(key, undefined);
        privateWrites.set(collection, w);
        return Promise.resolve();
      },
      getTxTimestamp: () => ({ seconds, nanos: (this.now.getTime() % 1000) * 1e6 }),
      getFunctionAndParameters: () => ({ fcn: fn, params: args }),
      getState: (key: string) => {
        keysRead.add(key);
        return Promise.resolve(committed.get(key) ?? Buffer.alloc(0));
      },
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
      getStateByPartialCompositeKey: (type: string, attrs: string[]) => {
        this.prefixReads.push([type, ...attrs]);
        return Promise.resolve(
          iterator(sortedKeys(`\u0000${type}\u0000${attrs.map((a) => `${a}\u0000`).join('')}`)),
        );
      },
      getStateByPartialCompositeKeyWithPagination: (
        type: string,
        attrs: string[],
        pageSize: number,
        bookmark: string,
      ) => {
        // As Fabric's peer (core/chaincode/handler.go) does it: a non-empty bookmark, unchecked, replaces the
        // start of the range, whose end alone the prefix bounds; the bookmark returned is the key of the next
        // entry in the range, '' when there is none (leveldb's GetBookmarkAndClose).
        const prefix = `\u0000${type}\u0000${attrs.map((a) => `${a}\u0000`).join('')}`;
        const start = bookmark || prefix;
        const end = `${prefix}\u{10FFFF}`;
        const keys = [...committed.keys()].filter((k) => k >= start && k < end).sort();
        const page = keys.slice(0, pageSize);
        return Promise.resolve({
          iterator: iterator(page),
          metadata: { fetchedRecordsCount: page.length, bookmark: keys[pageSize] ?? '' },
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
    // As fabric-contract-api runs a transaction: the contract's hook first (every RDX contract reads the heartbeat).
    await contract.beforeTransaction(ctx);
    const result = await method.call(contract, ctx, ...args);
    await contract.afterTransaction(ctx, result);
    this.lastEndorsement = this.endorsementFor(
      [...writes.keys()],
      [...privateWrites.keys()],
      collectionsRead,
      transient.size > 0 ? extras : undefined,
    );
    // Commit: only now do the writes become state, as when a valid transaction is committed.
    for (const [collection, w] of privateWrites) {
      const c = this.collections.get(collection)!;
      for (const [key, value] of w) {
        if (value === undefined) c.delete(key);
        else c.set(key, value);
      }
    }
    for (const [key, value] of writes) {
      if (value === undefined) committed.delete(key);
      else committed.set(key, value);
      const list = this.history.get(key) ?? [];
      list.push({ txId, time: this.now, value });
      this.history.set(key, list);
    }
    for (const [key, policy] of policyWrites) this.policies.set(key, policy);
    if (event) this.events.push(event);
    // An evaluation (nothing written) is answered by one peer and never ordered: it is in no block.
    if (writes.size > 0 || privateWrites.size > 0)
      this.blocks.push({ fn, args, result, event: event ? JSON.stringify(event) : undefined });
    return result;
  }

  /**
   * The organisations that must endorse a transaction with these writes and reads, or an error as the
   * transaction would meet on a real network: a required endorser lacking a collection the transaction reads
   * (its simulation differs: the endorsements do not match), or — with transient data and no endorsers named by
   * the client — a required endorser outside a collection touched (Fabric's gateway will not send it the data).
   */
  private endorsementFor(
    keysWritten: string[],
    collectionsWritten: string[],
    collectionsRead: Set<string>,
    transientFrom: TxExtras | undefined,
  ): Endorsement | undefined {
    // Nothing written: an evaluation, which no one endorses.
    if (keysWritten.length === 0 && collectionsWritten.length === 0) return undefined;
    const required = new Set<string>([BUREAU]);
    for (const key of keysWritten) {
      const policy = this.policies.get(key);
      if (policy) for (const org of new KeyEndorsementPolicy(policy).listOrgs()) required.add(org);
    }
    for (const c of collectionsWritten) for (const org of membersOf(c)) required.add(org);
    const touched = [...new Set([...collectionsWritten, ...collectionsRead])].sort();
    // The chaincode-level policy wants one body besides the bureau: any that holds what is read will do.
    const bodies = [...this.collections.keys()].map((c) => c.replace(/^rdx-/, ''));
    if (![...required].some((o) => bodies.includes(o))) {
      const fit = bodies.find((b) => [...collectionsRead].every((c) => membersOf(c).includes(b)));
      required.add(fit ?? bodies[0]!);
    }
    for (const c of collectionsRead) {
      const lacking = [...required].filter((o) => !membersOf(c).includes(o));
      if (lacking.length)
        throw new Error(
          `endorsement impossible: the transaction reads ${c}, which the peers of ${lacking.join(', ')} (required endorsers) do not hold`,
        );
    }
    if (transientFrom && !transientFrom.endorsingOrgs) {
      const outside = touched.flatMap((c) => [...required].filter((o) => !membersOf(c).includes(o)));
      if (outside.length)
        throw new Error(
          `requires endorsement from organisation(s) that are not in the distribution policy of the private data collection(s): ${touched.join(', ')}; retry specifying trusted endorsing organizations to protect transient data`,
        );
    }
    if (transientFrom?.endorsingOrgs) {
      const missing = [...required].filter((o) => !transientFrom.endorsingOrgs!.includes(o));
      if (missing.length)
        throw new Error(
          `the endorsing organisations named lack ${missing.join(', ')}: ENDORSEMENT_POLICY_FAILURE`,
        );
    }
    return { orgs: [...required].sort(), collections: touched };
  }

  /** A snapshot of state to compare before and after a rejected call. */
  snapshot(): string {
    return canonicalJson([
      [...this.state.entries()].map(([k, v]) => [k, v.toString('base64')]),
      [...this.collections.entries()].map(([c, m]) => [
        c,
        [...m.entries()].map(([k, v]) => [k, v.toString('base64')]),
      ]),
    ]);
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
