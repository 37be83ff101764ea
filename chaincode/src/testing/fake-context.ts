/**
 * A small in-memory stand-in for Fabric's transaction context, for fast unit tests of contract logic.
 * Real-network tests in test/ prove the same functions on Fabric.
 */
import type { Context } from 'fabric-contract-api';

export interface FakeLedger {
  state: Map<string, Buffer>;
  events: { name: string; payload: unknown }[];
}

export function fakeContext(
  ledger: FakeLedger,
  mspId: string,
  txId = 'tx1',
  seconds = 1_764_000_000,
): Context {
  const stub = {
    getState: (key: string) => Promise.resolve(ledger.state.get(key) ?? Buffer.alloc(0)),
    putState: (key: string, value: Buffer) => {
      ledger.state.set(key, Buffer.from(value));
      return Promise.resolve();
    },
    createCompositeKey: (type: string, attrs: string[]) => `\u0000${type}\u0000${attrs.join('\u0000')}\u0000`,
    getTxID: () => txId,
    getTxTimestamp: () => ({ seconds, nanos: 0 }),
    setEvent: (name: string, payload: Buffer) => {
      ledger.events.push({ name, payload: JSON.parse(payload.toString()) as unknown });
    },
  };
  const clientIdentity = { getMSPID: () => mspId };
  return { stub, clientIdentity } as unknown as Context;
}

export function newLedger(): FakeLedger {
  return { state: new Map(), events: [] };
}
