import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DS } from '../testing/fixtures.js';
import { FakeLedger } from '../testing/fake-ledger.js';
import { RdxLedger } from '@rdx/client';
import { GATEWAY_ID, assertOk, assertProblem, startHarness, type Harness } from '../testing/harness.js';
import { Anchorer } from './anchorer.js';
import { AuditLog } from './audit-log.js';
import { entry } from './audit-log.suite.js';

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
    for (let i = 0; i < n; i++) await append(log, i, Date.now() - 1000 + i);
    const anchorer = new Anchorer(log, ledger, opts);
    await anchorer.anchorNow();
    expect(anchorer.lastError).to.equal(undefined);
    await log.close();
    return file;
  }

  async function checkAtStart(file: string, ledger: FakeLedger): Promise<string | undefined> {
    const log = AuditLog.open(file);
    try {
      const anchorer = new Anchorer(log, ledger, opts);
      await anchorer.verifyAtStart();
      await anchorer.checkInBackground();
      return anchorer.broken();
    } finally {
      await log.close();
    }
  }

  /** A record of `time`, appended to `log`. */
  const append = (log: AuditLog, i: number, time: number): Promise<unknown> =>
    log.append(entry(i, { time: new Date(time).toISOString() }));

  it('records on both sides of a step back of the clock are anchored: the range never ends before it starts', async () => {
    const log = AuditLog.open(path.join(dir, 'audit.db'), { groupCommitMs: 0 });
    try {
      await append(log, 0, Date.now());
      await append(log, 1, Date.now() - 10 * 60_000); // the clock stepped back ten minutes
      const anchorer = new Anchorer(log, new FakeLedger(), opts);
      await anchorer.anchorNow();
      expect(anchorer.lastFailure()).to.equal(undefined);
      expect(log.anchoredSize()).to.equal(2);
    } finally {
      await log.close();
    }
  });

  it('anchoring failing for longer than the bound is behind, whatever the records’ times say', async () => {
    const log = AuditLog.open(path.join(dir, 'audit.db'), { groupCommitMs: 0 });
    try {
      // A record that seems new for ten minutes more (made before the clock stepped back): its age is no guide.
      await append(log, 0, Date.now() + 10 * 60_000);
      const ledger = new FakeLedger();
      ledger.down = 'orderer unreachable';
      const anchorer = new Anchorer(log, ledger, { ...opts, maxLagMs: 200 });
      await anchorer.anchorNow();
      expect(anchorer.behind(), 'not yet').to.equal(false);
      await new Promise((r) => setTimeout(r, 250));
      expect(anchorer.behind()).to.equal(true);
      ledger.down = undefined;
      await anchorer.anchorNow();
      expect(anchorer.behind(), 'anchored again').to.equal(false);
    } finally {
      await log.close();
    }
  });

  it('a read of the log failing while it anchors on its timer is a failure to anchor, not the end of the process', async () => {
    const log = AuditLog.open(path.join(dir, 'audit.db'), { groupCommitMs: 0 });
    try {
      await append(log, 0, Date.now());
      // As PgAuditLog's reads fail while PostgreSQL is down; the timer's rejection was unhandled and ended the gateway.
      const reads = new Proxy(log, {
        get(target, key) {
          if (key === 'bySeq') return () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      const anchorer = new Anchorer(reads, new FakeLedger(), { ...opts, every: 1, intervalMs: 50 });
      anchorer.start();
      try {
        const until = Date.now() + 3000;
        while (anchorer.lastFailure() === undefined && Date.now() < until)
          await new Promise((r) => setTimeout(r, 20));
        expect(anchorer.lastFailure()).to.match(/ECONNREFUSED/);
      } finally {
        await anchorer.stop();
      }
    } finally {
      await log.close();
    }
  });

  it('an anchor the ledger took and the log could not record (a full disk) is taken from the ledger, not sent again as a rewrite', async () => {
    const log = AuditLog.open(path.join(dir, 'audit.db'), { groupCommitMs: 0 });
    try {
      await append(log, 0, Date.now());
      let full = true;
      const fullDisk = new Proxy(log, {
        get(target, key) {
          if (key === 'recordAnchor' && full)
            return () => Promise.reject(new Error('database or disk is full'));
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      const said: string[] = [];
      const anchorer = new Anchorer(fullDisk, new FakeLedger(), { ...opts, log: (l) => said.push(l) });
      await anchorer.anchorNow();
      expect(anchorer.lastFailure()).to.match(
        /^anchor 1 is on the ledger \(transaction \S+\), but the audit log could not record it \(database or disk is full\)/,
      );
      await anchorer.anchorNow(); // still full: the ledger is asked, nothing is sent again
      expect(anchorer.lastFailure()).to.match(/database or disk is full/);
      full = false;
      await anchorer.anchorNow();
      expect(log.lastAnchor()?.sequence).to.equal(1);
      await append(log, 1, Date.now());
      await anchorer.anchorNow();
      expect([anchorer.lastFailure(), log.lastAnchor()?.sequence, log.anchoredSize()]).to.deep.equal([
        undefined,
        2,
        2,
      ]);
      expect(said.join('\n')).not.to.match(/rewrite|fork/);
      expect(said.some((l) => /^anchor 1 is on the ledger .*: recorded now$/.test(l))).to.equal(true);
      expect(anchorer.broken()).to.equal(undefined);
    } finally {
      await log.close();
    }
  });

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

  it('a log restored from before its last anchor is broken once: not anchored on, said once, not every second', async () => {
    const ledger = new FakeLedger();
    const file = await anchoredLog(ledger, 5);
    const backup = path.join(dir, 'backup.db');
    fs.copyFileSync(file, backup);
    // The gateway goes on: three more records, anchored.
    const later = AuditLog.open(file, { groupCommitMs: 0 });
    for (let i = 5; i < 8; i++) await append(later, i, Date.now());
    await new Anchorer(later, ledger, opts).anchorNow();
    await later.close();
    // Its data folder is restored from the backup, taken before that anchor (docs/DEPLOY.md).
    fs.copyFileSync(backup, file);
    const lines: string[] = [];
    const log = AuditLog.open(file, { groupCommitMs: 0 });
    try {
      const anchorer = new Anchorer(log, ledger, { ...opts, every: 1, log: (line) => lines.push(line) });
      await anchorer.verifyAtStart();
      expect(anchorer.broken()).to.match(/covers 8 records but the local log has 5/);
      // Records still come (unconditional data is served); the timer's ticks find a broken log.
      await append(log, 5, Date.now());
      const anchors = ledger.anchors.get('gw-t')!.length;
      for (let i = 0; i < 5; i++) await anchorer.maybeAnchor();
      expect(ledger.anchors.get('gw-t')!.length, 'no anchor tried on').to.equal(anchors);
      expect(lines.filter((l) => l.startsWith('AUDIT LOG INTEGRITY'))).to.have.length(1);
      expect(lines.filter((l) => l.startsWith('anchoring failed'))).to.deep.equal([]);
    } finally {
      await log.close();
    }
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

describe('anchoring under a stolen key or an unregistered id', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.ledger.on('query:ListOverdue', () => []);
  });
  afterEach(() => h.close());

  const regulator = (): string => h.tokens.issue('regulator', 'regulator').access_token;
  const dashboard = async (): Promise<{ integrity: string; lastError: string | null }> =>
    assertOk<{ anchoring: { integrity: string; lastError: string | null } }>(
      await h.get('/v1/regulator/dashboard', { token: regulator() }),
    ).anchoring;
  const gauge = async (name: string): Promise<number> => {
    const text = await h.scrape();
    return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  };
  const traffic = async (): Promise<void> => {
    assertOk(await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=1`, { as: 'AA' }));
  };

  it('a fork written with the gateway key is detected at the next anchoring: alarm, metric, data refused', async () => {
    await traffic();
    await h.anchorNow();
    expect(await dashboard()).to.deep.include({ integrity: 'ok', lastError: null });
    expect(await gauge('rdx_audit_log_broken')).to.equal(0);

    // Someone holding the gateway's key anchors an arbitrary root as the next link of its chain.
    const audit = new RdxLedger(h.ledger).audit;
    const head = await audit.getAnchorHead(GATEWAY_ID);
    await audit.submitAnchor({
      gatewayId: GATEWAY_ID,
      sequence: head.sequence + 1,
      merkleRoot: 'e'.repeat(64),
      recordCount: 1,
      firstRecord: head.nextRecord,
      firstRecordAt: new Date().toISOString(),
      lastRecordAt: new Date().toISOString(),
      previousAnchorHash: head.anchorHash,
    });

    // The real gateway's next anchor is refused; the anchorer finds out why instead of only retrying.
    await traffic();
    await h.anchorer.anchorNow();
    expect(h.anchorer.broken()).to.match(/another holder of this gateway's key anchored a fork/);
    const status = await dashboard();
    expect(status.integrity).to.match(/fork/);
    expect(status.lastError).to.match(/ANCHOR_CHAIN_BROKEN|already anchored|rewrite/);
    expect(await gauge('rdx_audit_log_broken')).to.equal(1);
    assertProblem(await h.get('/readyz'), 503, 'AUDIT_LOG_BROKEN');
    assertProblem(
      await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=1`, { as: 'AA' }),
      503,
      'AUDIT_LOG_BROKEN',
    );
  });

  it('a ledger out of reach is a failure to anchor, not a broken log', async () => {
    await traffic();
    h.ledger.down = 'peer unreachable';
    await h.anchorer.anchorNow();
    expect(h.anchorer.broken()).to.equal(undefined);
    expect(h.anchorer.lastFailure()).to.match(/peer unreachable/);
    expect(await gauge('rdx_audit_anchoring_failing')).to.equal(1);
    expect(await gauge('rdx_audit_log_broken')).to.equal(0);
    h.ledger.down = undefined;
    await h.anchorNow();
    expect(await gauge('rdx_audit_anchoring_failing')).to.equal(0);
  });

  it('a gateway id the bureau has not registered cannot anchor, and says so at start and on the dashboard', async () => {
    h.ledger.unregistered.add(GATEWAY_ID);
    await h.anchorer.verifyAtStart();
    expect(h.anchorer.lastFailure()).to.match(/not registered on the ledger/);
    await traffic();
    await h.anchorer.anchorNow();
    expect(h.anchorer.broken()).to.equal(undefined);
    expect((await dashboard()).lastError).to.match(/FORBIDDEN|not registered/);
    expect(h.audit.anchoredSize()).to.equal(0);
  });
});
