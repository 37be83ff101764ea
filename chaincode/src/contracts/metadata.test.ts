import { test } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { contracts } from '../index';

interface TxMeta {
  name: string;
  parameters?: { name: string }[];
}

// fabric-contract-api drops the context parameter only when its design type is the contract's context
// class; a type-only import would make it an "Object" and every call would miss an argument on Fabric.
test('no transaction declares the transaction context as a parameter callers must pass', () => {
  for (const C of contracts) {
    const txs = (Reflect.getMetadata('fabric:transactions', C.prototype) ?? []) as TxMeta[];
    assert.ok(txs.length > 0, `${C.name} declares transactions`);
    for (const tx of txs) {
      const names = (tx.parameters ?? []).map((p) => p.name);
      assert.ok(!names.includes('ctx'), `${C.name}.${tx.name} lists ctx as a parameter`);
    }
  }
});

test('contract names are unique, so every function is reachable as contract:Function', () => {
  const names = contracts.map((C) => new C().getName());
  assert.equal(new Set(names).size, names.length);
});
