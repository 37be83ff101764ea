/** A ledger read shared while the ledger stands still, read again after a new block or a failure. */
import { expect } from 'chai';
import { blockCached } from './block-cache.js';

describe('a ledger read shared between blocks', () => {
  it('is read once per block, again after a new block or once too old, and never keeps a failure', async () => {
    const view = { lastBlock: 7 };
    let reads = 0;
    let fail = false;
    const read = blockCached(view, () => {
      reads++;
      return fail ? Promise.reject(new Error('peer down')) : Promise.resolve(reads);
    });
    expect([await read(), await read()]).to.deep.equal([1, 1]);
    view.lastBlock = 8;
    expect(await read()).to.equal(2);
    fail = true;
    view.lastBlock = 9;
    await read().then(
      () => expect.fail('a failed read answers as failed'),
      (err: Error) => expect(err.message).to.equal('peer down'),
    );
    fail = false;
    expect(await read(), 'the failure was not kept').to.equal(4);
    const old = blockCached(view, () => Promise.resolve(Date.now()), 0);
    const first = await old();
    await new Promise((r) => setTimeout(r, 5));
    expect(await old(), 'older than its age: read again').to.be.above(first);
  });
});
