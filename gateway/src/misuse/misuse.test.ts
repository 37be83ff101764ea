/**
 * Misuse signals through the gateway (issue 17): an enterprise walking a restricted dataset end to end raises a
 * strong signal that the owning body reads in its inbox and on its desk with a proposal to suspend — nothing is
 * suspended — and the regulator lists it; refusals piling up on a dataset without a grant raise one too; paging
 * a little raises none. /metrics counts them.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Notification } from '@rdx/client';
import { Metrics } from '../http/metrics.js';
import { CODE, DS, GRANT } from '../testing/fixtures.js';
import { assertOk, DATASET_OWNERS, regulatorLogin, startHarness, type Harness } from '../testing/harness.js';
import { testOrg } from '../testing/test-ca.js';
import { DEFAULT_THRESHOLDS } from './grant-activity.js';
import { MisuseMonitor, type StoredSignal } from './misuse-monitor.js';

describe('misuse signals through the gateway (issue 17)', () => {
  let h: Harness;
  const civil = DATASET_OWNERS[0];
  const records = `/v1/datasets/${DS.PEOPLE}/records`;

  before(async () => {
    h = await startHarness({ pageMax: 50, misuse: { deniedPerHour: 5 } });
    // The AA enterprise's grant on Civil's residents (300 rows), as if Civil had granted it.
    h.view.putGrant({ ...h.view.grants.get(GRANT.AA_PEOPLE)!, body: civil });
    h.ledger.on('query:ListOverdue', () => []);
    h.ledger.on('query:ListReviewsDueSoon', () => []);
  });
  after(() => h.close());

  it('paging a little raises nothing', async () => {
    for (let i = 0; i < 3; i++) assertOk(await h.get(`${records}?limit=20`, { as: 'AA' }));
    expect(h.services.misuse!.list()).to.deep.equal([]);
  });

  it('walking the dataset end to end: a strong signal, told to the owning body with a proposal; the grant still serves', async () => {
    let cursor: string | null = null;
    do {
      const page: { nextCursor: string | null } = assertOk<{ nextCursor: string | null }>(
        await h.get(`${records}?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
          as: 'AA',
        }),
      );
      cursor = page.nextCursor;
    } while (cursor);
    const [walk, ...others] = h.services.misuse!.list();
    expect(others).to.deep.equal([]);
    expect(walk).to.deep.include({ kind: 'walk', strength: 'strong', grantId: GRANT.AA_PEOPLE, body: civil });
    expect(walk?.proposal?.command).to.match(
      new RegExp(`^rdx grant suspend ${GRANT.AA_PEOPLE} --reason violation`),
    );

    // The body's inbox, once; the grant is not suspended by it.
    const inbox = h.notifications.inbox(`body:${civil}`, { limit: 50 }).items;
    const told = inbox.filter((n: Notification) => n.kind === 'misuse.signal');
    expect(told.map((n) => [n.subject.id, n.detail?.signal, n.detail?.strength])).to.deep.equal([
      [GRANT.AA_PEOPLE, 'walk', 'strong'],
    ]);
    assertOk(await h.get(`${records}?limit=1`, { as: 'AA' }));
    expect(h.view.grants.get(GRANT.AA_PEOPLE)?.state).to.equal('ACTIVE');

    // The body's desk lists it; another body's does not.
    const desk = assertOk<{ signals: StoredSignal[] }>(
      await h.signedGet('/v1/admin/home', testOrg(civil).identity('reviewer')),
    );
    expect(desk.signals.map((s) => s.kind)).to.deep.equal(['walk']);
    const other = assertOk<{ signals: StoredSignal[] }>(
      await h.signedGet('/v1/admin/home', testOrg(DATASET_OWNERS[1]).identity('admin')),
    );
    expect(other.signals).to.deep.equal([]);
  });

  it('refusals piling up where an enterprise has no grant: a signal about the enterprise and dataset', async () => {
    // The A-rated enterprise may not read restricted data: each call is refused.
    for (let i = 0; i < 5; i++) expect((await h.get(`${records}?limit=1`, { as: 'A' })).status).to.equal(403);
    const denied = h.services.misuse!.list().find((s) => s.kind === 'denied');
    expect(denied).to.deep.include({
      strength: 'warning',
      enterprise: CODE.A,
      datasetId: DS.PEOPLE,
      measure: 5,
    });
  });

  it('the regulator lists every signal, or one body’s; /metrics counts them by kind and strength', async () => {
    const token = await regulatorLogin(h, 'inspector-misuse');
    const all = assertOk<{ watching: boolean; data: StoredSignal[] }>(
      await h.get('/v1/regulator/misuse-signals', { token }),
    );
    expect(all.watching).to.equal(true);
    expect(all.data.map((s) => s.kind).sort()).to.deep.equal(['denied', 'walk']);
    const none = assertOk<{ data: StoredSignal[] }>(
      await h.get(`/v1/regulator/misuse-signals?body=${DATASET_OWNERS[1]}`, { token }),
    );
    expect(none.data).to.deep.equal([]);
    const metrics = await h.scrape();
    expect(metrics).to.match(/rdx_misuse_signals_total\{kind="walk",strength="strong"\} 1/);
  });

  it('a restarted monitor learns the grant’s history from the audit log: the baseline does not start again', async () => {
    // Two days ago and yesterday, the enterprise paged steadily through its grant on Civil's residents.
    const start = Date.now() - 2 * 86_400_000;
    for (let hour = 0; hour < 40; hour += 4) {
      h.setNow(new Date(start + hour * 3_600_000));
      assertOk(await h.get(`${records}?limit=5`, { as: 'AA' }));
    }
    h.setNow(undefined);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-misuse-'));
    try {
      const open = (name: string) =>
        MisuseMonitor.open(path.join(dir, name), {
          view: h.view,
          thresholds: { ...DEFAULT_THRESHOLDS, volumeMinRows: 50 },
          rowsOf: () => undefined,
          metrics: new Metrics(),
        });
      // This hour it served the walk above; a few rows more are far above its mean hour of the last two days —
      // which only a monitor that learnt those days knows: a fresh one has no day of history yet.
      const more = {
        time: new Date().toISOString(),
        decision: 'allow' as const,
        rowCount: 60,
        grantId: GRANT.AA_PEOPLE,
        enterprise: CODE.AA,
        datasetId: DS.PEOPLE,
        address: '127.0.0.1',
      };
      const fresh = open('fresh.db');
      expect(fresh.observe(more)).to.deep.equal([]);
      fresh.close();
      const restarted = open('restarted.db');
      expect(await restarted.rebuild(h.audit)).to.be.above(10);
      expect(restarted.observe(more).map((s) => [s.kind, s.strength])).to.deep.equal([['volume', 'strong']]);
      restarted.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
