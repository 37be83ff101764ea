/**
 * What an anonymous client or a curious enterprise tries with plain HTTP requests: growing the audit log at
 * will, slow patterns and oversized parameters, parsing work before any limit, an unlimited dataset, telling
 * someone else's object from a missing one.
 */
import { expect } from 'chai';
import { CODE, DS } from '../testing/fixtures.js';
import { assertOk, assertProblem, startHarness } from '../testing/harness.js';

describe('hostile requests', () => {
  it('a long dataset id without a token writes a bounded record, and a flood of them is only sampled', async () => {
    // The address's own rate (charged for refusals without a token) far off: the log's sampling is what is tested.
    const h = await startHarness({ unattributedLogPerSecond: 1, anonymousRatePerSecond: 1_000_000 });
    try {
      const id = 'x'.repeat(7000);
      const first = await h.get(`/v1/datasets/${id}/records`);
      assertProblem(first, 401, 'TOKEN_MISSING');
      const record = h.auditOf(first);
      expect(JSON.stringify(record).length, 'bytes of the record').to.be.below(2048);
      expect(record.path.length).to.be.at.most(256);
      expect(record.datasetId?.length).to.be.at.most(128);

      const before = h.audit.size();
      const flood = 200;
      for (let i = 0; i < flood; i++)
        assertProblem(await h.get(`/v1/datasets/${id}${i}/records`), 401, 'TOKEN_MISSING');
      const logged = h.audit.size() - before;
      expect(logged, 'flood records that entered the log').to.be.below(20);
      const metrics = await h.scrape();
      const unlogged = /rdx_unattributed_denials_unlogged_total\{reason="TOKEN_MISSING"\} (\d+)/.exec(
        metrics,
      );
      expect(Number(unlogged?.[1]), 'the rest counted in /metrics').to.equal(flood - logged);

      // An authenticated enterprise's requests on a real dataset are all logged, in full.
      const size = h.audit.size();
      for (let i = 0; i < 30; i++)
        await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=1&fields=nope${i}`, { as: 'AA' });
      expect(h.audit.size() - size).to.equal(30);
    } finally {
      await h.close();
    }
  });

  it('an oversized query parameter is refused before it is parsed', async () => {
    const h = await startHarness();
    try {
      const long = `age:eq:${'1'.repeat(5000)}`;
      const reply = await h.get(`/v1/datasets/${DS.PEOPLE}/records?filter=${long}`, { as: 'AA' });
      assertProblem(reply, 400, 'QUERY_INVALID');
      expect(reply.text).to.match(/filter must be at most 2000 characters/);
      assertProblem(
        await h.get(`/v1/datasets/${DS.PEOPLE}/records?x=${'y'.repeat(300)}`, { as: 'AA' }),
        400,
        'QUERY_INVALID',
      );
      assertProblem(
        await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=5&limit=6`, { as: 'AA' }),
        400,
        'QUERY_INVALID',
      );
    } finally {
      await h.close();
    }
  });

  it('bad queries count against the rate like good ones: the limit comes before any parsing', async () => {
    const h = await startHarness({ ratePerSecond: 3 });
    try {
      const bad = `/v1/datasets/${DS.PEOPLE}/records?filter=age:zz:1`;
      const replies = [];
      for (let i = 0; i < 6; i++) replies.push(await h.get(bad, { as: 'AA' }));
      expect(replies.map((r) => r.status)).to.include(429);
      const limited = replies.find((r) => r.status === 429)!;
      assertProblem(limited, 429, 'RATE_LIMITED');
      expect(limited.headers.get('retry-after')).to.equal('1');
    } finally {
      await h.close();
    }
  });

  it('an unconditional dataset is rate-limited too: per caller, and per address for downloads', async () => {
    const h = await startHarness({ ratePerSecond: 3 });
    try {
      const statuses = [];
      for (let i = 0; i < 6; i++)
        statuses.push((await h.get(`/v1/datasets/${DS.OPEN}/records?limit=1`, { as: 'A' })).status);
      expect(statuses).to.include(429);
      const downloads = [];
      for (let i = 0; i < 6; i++)
        downloads.push((await h.get(`/v1/open/datasets/${DS.OPEN}/download`)).status);
      expect(downloads.slice(0, 3)).to.deep.equal([200, 200, 200]);
      expect(downloads).to.include(429);
    } finally {
      await h.close();
    }
  });

  it('another enterprise’s application answers exactly as a missing one', async () => {
    const h = await startHarness();
    try {
      h.ledger.applications.set('app-of-aaa', {
        id: 'app-of-aaa',
        creditCode: CODE.AAA,
        state: 'FORMAL_REVIEW',
      });
      const theirs = await h.get('/v1/applications/app-of-aaa', { as: 'AA' });
      h.ledger.applications.delete('app-of-aaa');
      const missing = await h.get('/v1/applications/app-of-aaa', { as: 'AA' });
      assertProblem(theirs, 404, 'NOT_FOUND');
      const strip = (body: unknown): unknown => ({ ...(body as object), requestId: undefined });
      expect(strip(theirs.body)).to.deep.equal(strip(missing.body));
      expect(theirs.status).to.equal(missing.status);
      h.ledger.applications.set('app-of-aa', {
        id: 'app-of-aa',
        creditCode: CODE.AA,
        state: 'FORMAL_REVIEW',
      });
      assertOk(await h.get('/v1/applications/app-of-aa', { as: 'AA' }));
    } finally {
      await h.close();
    }
  });
});
