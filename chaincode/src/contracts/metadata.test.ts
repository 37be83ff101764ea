import { expect } from 'chai';
import 'reflect-metadata';
import { contracts } from '../index';

interface TxMeta {
  name: string;
  parameters?: { name: string }[];
}

describe('contract metadata', () => {
  // fabric-contract-api drops the context parameter only when its design type is the contract's context
  // class; a type-only import would make it an "Object" and every call would miss an argument on Fabric.
  it('no transaction declares the transaction context as a parameter callers must pass', () => {
    for (const C of contracts) {
      const txs = (Reflect.getMetadata('fabric:transactions', C.prototype) ?? []) as TxMeta[];
      expect(txs.length, `${C.name} declares transactions`).to.be.above(0);
      for (const tx of txs) {
        const names = (tx.parameters ?? []).map((p) => p.name);
        expect(names, `${C.name}.${tx.name} lists ctx as a parameter`).not.to.include('ctx');
      }
    }
  });

  it('contract names are unique, so every function is reachable as contract:Function', () => {
    const names = contracts.map((C) => new C().getName());
    expect(new Set(names).size).to.equal(names.length);
  });
});
