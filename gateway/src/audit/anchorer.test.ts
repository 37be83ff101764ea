import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DS } from '../testing/fixtures.js';
import { FakeLedger } from '../testing/fake-ledger.js';
import { assertProblem, startHarness } from '../testing/harness.js';
import { Anchorer } from './anchorer.js';
import { AuditLog } from './audit-log.js';

describe('the audit log checked at start', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-anchorer-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const opts = { gatewayId: 'gw-t', every: 100, intervalMs: 5000, maxLagMs: 60_000 };

  /** A log of `n` records, all anchored on the fake ledger, closed again. */
  async function anchoredLog(ledger: FakeLedger, n: number): Promise<string> {
    const file = path.join(dir, 'audit.db');
    const log = AuditLog.open(file, { groupCommitMs: 0 });
    for (let i = 0; i < n; i++) {
      await log.append({
        time: new Date(Date.now() - 1000 + i).toISOString(),
        requestId: `r-${i}`,
        gatewayId: 'gw-t',
        enterprise: '91331100MA2AAAAA0X',
        method: 'GET',
        path: `/v1/datasets/${DS.PEOPLE}/records`,
        decision: 'allow',
        reason: 'OK',
        items: ['district'],
        rowCount: 1,
        status: 200,
      });
    }
    const anchorer = new Anchorer(log, ledger, opts);
    await anchorer.anchorNow();
    expect(anchorer.lastError).to.equal(undefined);
    log.close();
    return file;
  }

  async function checkAtStart(file: string, ledger: FakeLedger): Promise<string | undefined> {
    const log = AuditLog.open(file);
    try {
      const anchorer = new Anchorer(log, ledger, opts);
      await anchorer.verifyAtStart();
      return anchorer.broken();
    } finally {
      log.close();
    }
  }

  it('an intact log that agrees with the ledger passes', async () => {
    const ledger = new FakeLedger();
    expect(await checkAtStart(await anchoredLog(ledger, 5), ledger)).to.equal(undefined);
  });

  it('an edited record breaks the chain: the log is marked broken', async () => {
    const ledger = new FakeLedger();
    const file = await anchoredLog(ledger, 5);
    const db = new DatabaseSync(file);
    db.prepare("UPDATE audit_records SET path = '/elsewhere' WHERE seq = 2").run();
    db.close();
    expect(await checkAtStart(file, ledger)).to.match(/breaks at record 2/);
  });

  it('a log rewritten consistently (chain re-hashed) no longer agrees with the ledger’s anchor', async () => {
    const ledger = new FakeLedger();
    const file = await anchoredLog(ledger, 5);
    // The ledger's copy of the anchor is what the local one is checked against.
    ledger.anchors.get('gw-t')![0]!.merkleRoot = 'f'.repeat(64);
    expect(await checkAtStart(file, ledger)).to.match(/differs from the ledger/);
  });

  it('while the log is marked broken, restricted data is refused and /readyz says why', async () => {
    const h = await startHarness();
    try {
      h.anchorer.integrity = 'the hash chain of the audit log breaks at record 7';
      assertProblem(
        await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=1`, { as: 'AA' }),
        503,
        'AUDIT_LOG_BROKEN',
      );
      assertProblem(await h.get('/readyz'), 503, 'AUDIT_LOG_BROKEN');
    } finally {
      await h.close();
    }
  });
});
