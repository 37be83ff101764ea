/**
 * The group commit's stall: a batch that does not come back from the database (or the writer thread) must not
 * hold every later data call for as long as it hangs. Driven here with a commit that returns when the test says.
 */
import { expect } from 'chai';
import { AuditWriteError, groupCommitOptions, type AuditEntry, type Pending } from './audit-record.js';
import { GroupCommit } from './group-commit.js';

const STALLED_AFTER_MS = 80;

function entry(i: number): AuditEntry {
  return { requestId: `req-${i}` } as AuditEntry;
}

/** A group whose commits hang until `release()`; `committed` holds the request ids of each batch committed. */
function hangingGroup(): { group: GroupCommit; committed: string[][]; release: () => void } {
  const committed: string[][] = [];
  let releaseNow: () => void = () => undefined;
  let released = false;
  const group = new GroupCommit(
    groupCommitOptions({ stalledAfterMs: STALLED_AFTER_MS }),
    async (batch: Pending[]) => {
      if (!released) await new Promise<void>((resolve) => (releaseNow = resolve));
      committed.push(batch.map((p) => p.entry.requestId));
      for (const p of batch) {
        group.pendingIds.delete(p.entry.requestId);
        p.resolve({} as never);
      }
    },
  );
  return {
    group,
    committed,
    release: () => {
      released = true;
      releaseNow();
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('group commit: a commit that does not return', () => {
  it('queues appends behind a commit on its way until it is stalled, then refuses them at once, and takes them again once it returns', async () => {
    const { group, committed, release } = hangingGroup();
    const first = group.add(entry(1));
    await sleep(10);
    // On its way, not yet stalled: a new append waits for its turn.
    expect(group.stalledFor()).to.equal(undefined);
    const queued = group.add(entry(2));

    await sleep(STALLED_AFTER_MS + 20);
    const stalled = group.stalledFor();
    expect(stalled, 'stalled once its batch has been on its way past the bound').to.be.at.least(
      STALLED_AFTER_MS,
    );
    const refused = await group.add(entry(3)).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).to.be.instanceOf(AuditWriteError);
    expect((refused as Error).message).to.match(/a commit has not returned for \d+ s/);
    expect(group.pendingIds.has('req-3'), 'a refused append leaves no request id behind').to.equal(false);

    release();
    await Promise.all([first, queued]);
    expect(committed, 'what queued before the stall commits after it, in order').to.deep.equal([
      ['req-1'],
      ['req-2'],
    ]);
    expect(group.stalledFor()).to.equal(undefined);
    await group.add(entry(3));
    expect(committed.at(-1)).to.deep.equal(['req-3']);
  });

  it('an idle log is never stalled, however long it has been idle', async () => {
    const { group, release } = hangingGroup();
    release();
    await group.add(entry(1));
    await sleep(STALLED_AFTER_MS + 20);
    expect(group.stalledFor()).to.equal(undefined);
    await group.add(entry(2));
  });

  it('refuses a bound that is not a positive number of ms', () => {
    for (const stalledAfterMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => groupCommitOptions({ stalledAfterMs }), String(stalledAfterMs)).to.throw(RangeError);
  });
});
