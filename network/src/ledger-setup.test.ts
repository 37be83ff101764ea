/**
 * A start's ledger set-up reads at once and writes only once the ordering service takes transactions: a
 * restarted Raft cluster is still electing its leader while the set-up checks what is missing.
 */
import { expect } from 'chai';
import type { Contract } from '@hyperledger/fabric-gateway';
import { writingAfter } from './ledger-setup.js';

/** A contract that records what was asked of it, in order. */
function recordingContract(calls: string[]): Contract {
  return {
    evaluateTransaction: (name: string) => {
      calls.push(`read ${name}`);
      return Promise.resolve(new Uint8Array());
    },
    submitTransaction: (name: string) => {
      calls.push(`write ${name}`);
      return Promise.resolve(new Uint8Array());
    },
  } as unknown as Contract;
}

describe("the start's ledger set-up and the ordering service", () => {
  it('reads while the ordering service is not ready, and sends a write only once it is', async () => {
    const calls: string[] = [];
    let ready!: () => void;
    const writable = new Promise<void>((resolve) => (ready = resolve));
    const platform = writingAfter(recordingContract(calls), writable);

    await platform.evaluateTransaction('ListBodies');
    const write = platform.submitTransaction('SetCalendarYear', '{"year":2027}');
    await new Promise((r) => setTimeout(r, 20));
    expect(calls, 'nothing written before the ordering service is ready').to.deep.equal(['read ListBodies']);

    calls.push('ordering service ready');
    ready();
    await write;
    expect(calls).to.deep.equal(['read ListBodies', 'ordering service ready', 'write SetCalendarYear']);
  });

  it('a write fails with the wait that failed, and is not sent', async () => {
    const calls: string[] = [];
    const failed = Promise.reject(new Error('channel opendata has no active Raft leader after 60s'));
    failed.catch(() => {});
    const platform = writingAfter(recordingContract(calls), failed);
    await platform.submitTransaction('RegisterBody', 'MarketMSP', '市场监督管理局').then(
      () => expect.fail('the write went through'),
      (err: Error) => expect(err.message).to.contain('no active Raft leader'),
    );
    expect(calls).to.deep.equal([]);
  });
});
