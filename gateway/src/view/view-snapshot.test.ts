import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CODE,
  DS,
  GRANT,
  datasetFiles,
  datasetViews,
  enterpriseViews,
  generateEnterpriseKeys,
  grantViews,
} from '../testing/fixtures.js';
import { FakeLedger } from '../testing/fake-ledger.js';
import type { LedgerEvent } from '../ledger/ledger.js';
import { LedgerView } from './ledger-view.js';
import { ViewFollower } from './view-follower.js';
import { readViewSnapshot, writeViewSnapshot } from './view-snapshot.js';

/** A view as a gateway holds it: enterprises, datasets, grants, a body that left. */
function fullView(): LedgerView {
  const view = new LedgerView();
  view.replaceAll(
    enterpriseViews(generateEnterpriseKeys()),
    datasetViews(datasetFiles(20), 20),
    grantViews(),
  );
  view.setRemovedBodies(['HealthMSP']);
  return view;
}

/** A ledger at height 100 whose whole-ledger reads give `view`'s objects, counted in `ledger.calls`. */
function ledgerOf(view: LedgerView): FakeLedger {
  const ledger = new FakeLedger();
  ledger.on('enterprise:ListEnterprises', () => ({ items: [...view.enterprises.values()], bookmark: '' }));
  ledger.on('catalog:ListDatasets', () => [...view.datasets.values()]);
  ledger.on('grant:ListGrants', () => ({ items: [...view.grants.values()], bookmark: '' }));
  ledger.on('platform:ListBodies', () => [{ mspId: 'HealthMSP', name: '卫健委', removedAt: '2026-01-01' }]);
  return ledger;
}

describe('the ledger view saved between starts', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-view-'));
    file = path.join(dir, 'view.snapshot');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const point = {
    channel: 'opendata',
    chaincode: 'rdx',
    chaincodeVersion: 'test',
    throughBlock: 99,
    blockId: 'fake-a-99',
  };

  it('a saved view reads back whole, and only the gateway’s user may read the file', async () => {
    const view = fullView();
    const { lines } = await writeViewSnapshot(file, view, point);
    expect(lines).to.equal(view.enterprises.size + view.datasets.size + view.grants.size + 1);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    expect(fs.existsSync(`${file}.tmp`), 'no temporary file left').to.equal(false);
    const back = readViewSnapshot(file)!;
    expect(back).to.include(point);
    expect(back.grants).to.deep.equal([...view.grants.values()]);
    expect(back.enterprises).to.deep.equal([...view.enterprises.values()]);
    expect(back.datasets).to.deep.equal([...view.datasets.values()]);
    expect(back.removedBodies).to.deep.equal(['HealthMSP']);
    expect(readViewSnapshot(path.join(dir, 'none'))).to.equal(undefined);
  });

  it('a file cut short, altered in one byte or of no known kind is refused, saying why', async () => {
    await writeViewSnapshot(file, fullView(), point);
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(() => readViewSnapshot(file)).to.throw(/cut short/);
    const altered = Buffer.from(bytes);
    const at = altered.indexOf('"ACTIVE"');
    altered.write('"REVOKE"', at);
    fs.writeFileSync(file, altered);
    expect(() => readViewSnapshot(file)).to.throw(/checksum/);
    fs.writeFileSync(file, 'not a snapshot\n{"end":"x"}\n');
    expect(() => readViewSnapshot(file)).to.throw(/another format|cut short/);
  });

  describe('a restart resumes from it', () => {
    async function savedAt99(): Promise<{ ledger: FakeLedger; saved: LedgerView }> {
      const saved = fullView();
      const ledger = ledgerOf(saved);
      const first = new ViewFollower(ledger, new LedgerView(), () => undefined, { snapshotFile: file });
      await first.rebuild();
      await first.saveSnapshot();
      expect(fs.existsSync(file), 'saved after the rebuild').to.equal(true);
      return { ledger, saved };
    }

    it('a grant suspended while the gateway was down is out of ACTIVE before anything is served, without reading the ledger whole', async () => {
      const { ledger, saved } = await savedAt99();
      const whole = ledger.callsOf('grant:ListGrants').length;
      const suspended = { ...saved.grants.get(GRANT.AA_PEOPLE)!, state: 'SUSPENDED' };
      ledger.blockHeight = 105;
      ledger.blockEvents.set(102, [
        {
          blockNumber: 102,
          txId: 'tx-s',
          name: 'GrantSuspended',
          changes: [
            {
              type: 'grant',
              id: GRANT.AA_PEOPLE,
              state: 'SUSPENDED',
              enterprise: CODE.AA,
              dataset: DS.PEOPLE,
            },
          ],
        },
      ]);
      ledger.blockEvents.set(103, [
        {
          blockNumber: 103,
          txId: 'tx-n',
          name: 'GrantNoted',
          changes: [{ type: 'grant', id: GRANT.AA_PEOPLE }],
        },
      ]);
      ledger.on('grant:GetGrant', ([id]) => (id === GRANT.AA_PEOPLE ? suspended : saved.grants.get(id!)));
      const lines: string[] = [];
      const view = new LedgerView();
      const follower = new ViewFollower(ledger, view, (l) => lines.push(l), { snapshotFile: file });
      expect(await follower.resume()).to.equal(105);
      expect(view.grantFor(CODE.AA, DS.PEOPLE)?.state).to.equal('SUSPENDED');
      expect(view.grants.size).to.equal(saved.grants.size);
      expect(view.removedBodies.has('HealthMSP')).to.equal(true);
      expect(view.following, 'followed only once the event stream is open').to.equal(false);
      expect(ledger.callsOf('grant:ListGrants').length, 'the ledger is not read whole').to.equal(whole);
      expect(ledger.callsOf('grant:GetGrant').length, 'a grant changed twice is read once').to.equal(1);
      expect(view.madeFrom).to.include({ source: 'snapshot', block: 104, replayedBlocks: 5 });
      expect(lines.join('\n')).to.match(/snapshot of block 99 .*5 blocks replayed, 1 objects read again/);
    });

    for (const [what, change, reason] of [
      [
        'of another ledger (reset, grown past it)',
        (l: FakeLedger) => (l.epoch = 'b'),
        /block 99 of this ledger is not/,
      ],
      ['ahead of the ledger', (l: FakeLedger) => (l.blockHeight = 50), /beyond the ledger/],
      ['too far behind', (l: FakeLedger) => (l.blockHeight = 100 + 30), /30 blocks behind \(more than 20\)/],
      ['of another channel', (l: FakeLedger) => (l.channel = 'other'), /it is of opendata\/rdx/],
      [
        'saved under another chaincode version (an upgrade)',
        (l: FakeLedger) => (l.chaincodeVersion = '2'),
        /saved under chaincode test, the ledger runs 2/,
      ],
    ] as const) {
      it(`a snapshot ${what} is not used: the ledger is read whole`, async () => {
        const { ledger } = await savedAt99();
        change(ledger);
        const lines: string[] = [];
        const follower = new ViewFollower(ledger, new LedgerView(), (l) => lines.push(l), {
          snapshotFile: file,
          maxReplayBlocks: 20,
        });
        expect(await follower.resume()).to.equal(undefined);
        expect(lines.join('\n'))
          .to.match(reason)
          .and.match(/reading the ledger/);
      });
    }

    it('by default a snapshot is replayed up to 500 blocks behind (one per 50 objects for a larger view)', async () => {
      const { ledger } = await savedAt99();
      ledger.on('grant:GetGrant', () => {
        throw new Error('nothing changed');
      });
      const resume = (): Promise<number | undefined> =>
        new ViewFollower(ledger, new LedgerView(), () => undefined, { snapshotFile: file }).resume();
      ledger.blockHeight = 100 + 500;
      expect(await resume(), '500 blocks behind').to.equal(600);
      ledger.blockHeight = 100 + 501;
      expect(await resume(), '501 blocks behind').to.equal(undefined);
    });

    it('a snapshot older than a chaincode upgrade (a definition transaction in a replayed block) is not used', async () => {
      const { ledger } = await savedAt99();
      ledger.blockHeight = 104;
      ledger.lifecycleBlocks.add(102);
      const lines: string[] = [];
      const follower = new ViewFollower(ledger, new LedgerView(), (l) => lines.push(l), {
        snapshotFile: file,
      });
      expect(await follower.resume()).to.equal(undefined);
      expect(lines.join('\n')).to.match(/definition changed since, in block 102; reading the ledger/);
    });

    it('when more objects changed than reading them again is worth (200 here), the ledger is read whole', async () => {
      const { ledger } = await savedAt99();
      ledger.blockHeight = 103;
      const changes = (from: number): LedgerEvent['changes'] =>
        Array.from({ length: 100 }, (_, k) => ({ type: 'grant', id: `g-${from + k}` }));
      ledger.blockEvents.set(100, [{ blockNumber: 100, txId: 't1', name: 'Many', changes: changes(0) }]);
      ledger.blockEvents.set(101, [{ blockNumber: 101, txId: 't2', name: 'Many', changes: changes(100) }]);
      ledger.blockEvents.set(102, [
        { blockNumber: 102, txId: 't3', name: 'One', changes: changes(200).slice(0, 1) },
      ]);
      const lines: string[] = [];
      const follower = new ViewFollower(ledger, new LedgerView(), (l) => lines.push(l), {
        snapshotFile: file,
      });
      expect(await follower.resume()).to.equal(undefined);
      expect(lines.join('\n')).to.match(
        /more than 200 objects changed since it was saved; reading the ledger/,
      );
      expect(ledger.callsOf('grant:GetGrant'), 'none read one by one').to.have.length(0);
    });

    it('a block stream that ends before the ledger’s height leaves the view unfollowed', async () => {
      const { ledger } = await savedAt99();
      ledger.blockHeight = 110;
      const stream = ledger.blocksFrom.bind(ledger);
      ledger.blocksFrom = async (start) => {
        ledger.blockHeight = 104; // the peer goes away after block 103
        try {
          return await stream(start);
        } finally {
          ledger.blockHeight = 110;
        }
      };
      const follower = new ViewFollower(ledger, new LedgerView(), () => undefined, { snapshotFile: file });
      let error: unknown;
      try {
        await follower.resume();
      } catch (err) {
        error = err;
      }
      expect(String(error)).to.match(/ended at block 103, before 109/);
    });
  });
});
