/**
 * GET /v1/datasets/{id}/records and the catalog: granted items only, personal items masked, pages capped
 * and complete, every rule of the access decision, quota and rate, the ledger and anchoring guards, the
 * audit record of an allow, and filters that try to inject SQL.
 */
import { expect } from 'chai';
import { maskValue } from '../enforcement/masking.js';
import {
  CODE,
  DS,
  GRANT,
  GRANTED_PEOPLE_ITEMS,
  PERSONAL_PEOPLE_ITEMS,
  peopleRows,
  sha256Hex,
  type PersonRow,
} from '../testing/fixtures.js';
import { assertOk, assertProblem, startHarness, type Harness, type Reply } from '../testing/harness.js';

let h: Harness;
describe('GET /v1/datasets/{id}/records and the catalog', () => {
  before(async () => {
    h = await startHarness({ pageMax: 50 });
  });
  after(() => h.close());

  const PEOPLE = peopleRows(300);
  const records = (query = ''): string => `/v1/datasets/${DS.PEOPLE}/records${query ? `?${query}` : ''}`;
  const q = (params: Record<string, string>): string => new URLSearchParams(params).toString();

  interface Page {
    data: Record<string, unknown>[];
    nextCursor: string | null;
    grantId: string | null;
    requestId: string;
    datasetVersion: string;
  }

  function byId(id: unknown): PersonRow {
    const row = PEOPLE.find((p) => p.record_id === id)!;
    expect(row, `record ${String(id)} exists`).not.to.equal(undefined);
    return row;
  }

  /** No clear personal value of any resident, nor any non-granted value, is in the text. */
  function assertNothingClear(text: string): void {
    for (const p of PEOPLE) {
      expect(text, `clear ID ${p.id_number} leaked`).not.to.include(p.id_number);
      expect(text, `clear phone ${p.phone} leaked`).not.to.include(p.phone);
      // The hidden middle of the ID (birth date and sequence) never appears next to the region code.
      expect(text, `birth year of ${p.record_id} leaked`).not.to.include(p.id_number.slice(0, 10));
    }
    for (const hidden of ['income', 'registered_on', 'verified'])
      expect(text, `${hidden} leaked`).not.to.include(`"${hidden}"`);
  }

  it('an AA enterprise with an ACTIVE grant gets only granted items, personal ones masked', async () => {
    const reply = await h.get(records('limit=20'), { as: 'AA' });
    const page = assertOk<Page>(reply);
    expect(page.data.length).to.equal(20);
    expect(page.grantId).to.equal(GRANT.AA_PEOPLE);
    expect(page.requestId).to.equal(reply.requestId);
    expect(page.datasetVersion).to.equal('v1');
    for (const row of page.data) {
      expect(Object.keys(row).sort()).to.deep.equal([...GRANTED_PEOPLE_ITEMS].sort());
      const clear = byId(row.record_id);
      expect(row.district).to.equal(clear.district);
      expect(row.age).to.equal(clear.age);
      for (const item of PERSONAL_PEOPLE_ITEMS) {
        const value = row[item];
        expect(value).to.equal(maskValue(clear[item as keyof PersonRow]));
        expect(value, `${item} is masked`).not.to.equal(clear[item as keyof PersonRow]);
      }
      expect(String(row.id_number)).to.match(/^331102\*{8}[\dX]{4}$/);
      expect(String(row.phone)).to.match(/^13\d\*{4}\d{4}$/);
    }
    assertNothingClear(reply.text);
  });

  it('asking for some granted fields returns exactly those', async () => {
    const page = assertOk<Page>(
      await h.get(records(q({ fields: 'district,phone', limit: '5' })), { as: 'AA' }),
    );
    for (const row of page.data) expect(Object.keys(row)).to.deep.equal(['district', 'phone']);
  });

  it('limit is capped at pageMax, and paging with nextCursor returns every row once, in order', async () => {
    const capped = assertOk<Page>(await h.get(records('limit=100000'), { as: 'AA' }));
    expect(capped.data.length, 'pageMax').to.equal(50);
    expect(typeof capped.nextCursor).to.equal('string');

    const seen: unknown[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const params: Record<string, string> = { limit: '37', fields: 'record_id,id_number,phone' };
      if (cursor) params.cursor = cursor;
      const reply = await h.get(records(q(params)), { as: 'AA' });
      const page = assertOk<Page>(reply);
      assertNothingClear(reply.text);
      expect(page.data.length).to.be.at.most(37);
      seen.push(...page.data.map((r) => r.record_id));
      cursor = page.nextCursor;
      pages++;
      expect(pages, 'paging terminates').to.be.below(20);
    } while (cursor);
    expect(pages).to.equal(Math.ceil(300 / 37));
    expect(seen).to.deep.equal(PEOPLE.map((p) => p.record_id));
  });

  it('paging under a filter returns exactly the matching rows', async () => {
    const expected = PEOPLE.filter((p) => p.district === '青田县' && p.age >= 40).map((p) => p.record_id);
    const seen: unknown[] = [];
    let cursor: string | null = null;
    do {
      const params: Record<string, string> = { limit: '7', filter: 'district:eq:青田县,age:ge:40' };
      if (cursor) params.cursor = cursor;
      const page = assertOk<Page>(await h.get(records(q(params)), { as: 'AA' }));
      seen.push(...page.data.map((r) => r.record_id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(expected.length).to.be.above(7);
    expect(seen).to.deep.equal(expected);
  });

  it('an A-rated enterprise is refused even with an ACTIVE grant', async () => {
    const reply = await h.get(records(), { as: 'A' });
    assertProblem(reply, 403, 'RATING_INSUFFICIENT');
    expect(h.auditOf(reply).decision).to.equal('deny');
  });

  it('a SUSPENDED grant is GRANT_NOT_ACTIVE, and the denial names the grant', async () => {
    const reply = await h.get(records(), { as: 'AAA' });
    assertProblem(reply, 403, 'GRANT_NOT_ACTIVE');
    const record = h.auditOf(reply);
    expect(record.reason).to.equal('GRANT_NOT_ACTIVE');
    expect(record.grantId).to.equal(GRANT.AAA_PEOPLE);
    expect(record.enterprise).to.equal(CODE.AAA);
  });

  it('an ACTIVE grant of a body that left the platform serves nothing (GRANT_NOT_ACTIVE), and serves again if it had not', async () => {
    const grant = h.view.grants.get(GRANT.AA_PEOPLE)!;
    assertOk(await h.get(records(), { as: 'AA' }));
    try {
      h.view.setBodies([{ mspId: grant.body, removedAt: '2026-01-01T00:00:00.000Z' }]);
      const reply = await h.get(records(), { as: 'AA' });
      assertProblem(reply, 403, 'GRANT_NOT_ACTIVE');
      expect((reply.body as { detail: string }).detail).to.match(/left the platform/);
    } finally {
      h.view.setBodies([]);
    }
    assertOk(await h.get(records(), { as: 'AA' }));
  });

  it('a grant outside its validity (not yet, or no longer) is GRANT_NOT_IN_VALIDITY', async () => {
    const grant = h.view.grants.get(GRANT.AA_PEOPLE)!;
    expect(grant).not.to.equal(undefined);
    try {
      h.view.putGrant({ ...grant, validFrom: '2099-01-01' });
      assertProblem(await h.get(records(), { as: 'AA' }), 403, 'GRANT_NOT_IN_VALIDITY');
      h.view.putGrant({ ...grant, validUntil: '2024-12-31' });
      assertProblem(await h.get(records(), { as: 'AA' }), 403, 'GRANT_NOT_IN_VALIDITY');
      // The last valid day counts in China time: the app's clock decides, not the machine's.
      h.view.putGrant({ ...grant, validUntil: '2099-06-30' });
      h.setNow('2099-06-30T15:59:00.000Z');
      expect((await h.get(records('limit=1'), { as: 'AA' })).status).to.equal(200);
      h.setNow('2099-06-30T16:00:00.000Z');
      assertProblem(await h.get(records(), { as: 'AA' }), 403, 'GRANT_NOT_IN_VALIDITY');
    } finally {
      h.setNow(undefined);
      h.view.putGrant(grant);
    }
  });

  it('no grant at all is NO_GRANT; a prohibited dataset is DATASET_NOT_OPEN; an unknown one NOT_FOUND', async () => {
    assertProblem(await h.get(`/v1/datasets/${DS.PENDING}/records`, { as: 'AAA' }), 403, 'NO_GRANT');
    assertProblem(await h.get(`/v1/datasets/${DS.CLOSED}/records`, { as: 'AAA' }), 403, 'DATASET_NOT_OPEN');
    const reply = await h.get('/v1/datasets/no-such-dataset/records', { as: 'AA' });
    assertProblem(reply, 404, 'NOT_FOUND');
    expect(h.auditOf(reply).reason).to.equal('NOT_FOUND');
  });

  it('a granted dataset with no loaded version is DATA_NOT_LOADED', async () => {
    assertProblem(await h.get(`/v1/datasets/${DS.PENDING}/records`, { as: 'AA' }), 409, 'DATA_NOT_LOADED');
  });

  it('asking for a non-granted item is ITEMS_NOT_GRANTED, even mixed with granted ones', async () => {
    for (const fields of ['income', 'record_id,income', 'verified,registered_on']) {
      const reply = await h.get(records(q({ fields })), { as: 'AA' });
      assertProblem(reply, 403, 'ITEMS_NOT_GRANTED');
      expect(reply.text).not.to.include('"data"');
    }
  });

  it('filtering on a non-granted item is ITEMS_NOT_GRANTED (it would leak the item one yes/no at a time)', async () => {
    for (const filter of [
      'income:gt:5000',
      'verified:eq:true',
      'district:eq:莲都区,registered_on:ge:2020-06-01',
    ]) {
      const reply = await h.get(records(q({ filter, fields: 'record_id' })), { as: 'AA' });
      assertProblem(reply, 403, 'ITEMS_NOT_GRANTED');
    }
  });

  it('malformed queries are QUERY_INVALID', async () => {
    const bad: Record<string, string>[] = [
      { filter: 'district' },
      { filter: 'district:eq' },
      { filter: 'age:gt:abc' },
      { filter: 'age:like:3' },
      { filter: 'nosuchitem:eq:1' },
      { filter: 'age:prefix:3' },
      { fields: 'nosuchitem' },
      { limit: '0' },
      { limit: '-5' },
      { limit: 'ten' },
      { limit: '2.5' },
      { cursor: 'not-a-cursor' },
      { cursor: 'A'.repeat(43) },
    ];
    for (const params of bad) {
      const reply = await h.get(records(q(params)), { as: 'AA' });
      assertProblem(reply, 400, 'QUERY_INVALID');
    }
    // Repeated parameters are not silently merged.
    assertProblem(await h.get(records('fields=district&fields=age'), { as: 'AA' }), 400, 'QUERY_INVALID');
    // A parameter the endpoint does not take is refused, not ignored: ignored, the page it meant to narrow
    // (every row, unfiltered) was served.
    for (const query of ['filters=age:gt:60', 'sort=age', 'filter[]=age:gt:60', 'constructor=1']) {
      const reply = await h.get(records(query), { as: 'AA' });
      assertProblem(reply, 400, 'QUERY_INVALID');
      expect((reply.body as { detail: string }).detail, query).to.match(
        /^unknown parameter ".+": GET \/v1\/datasets\/\{id\}\/records takes fields, filter, limit and cursor$/,
      );
    }
    assertProblem(
      await h.get(records('filter=age:gt:1&filter=age:lt:3'), { as: 'AA' }),
      400,
      'QUERY_INVALID',
    );
  });

  it('SQL injection attempts in filters, fields and cursors return no extra rows and never a 500', async () => {
    const baseline = assertOk<Page>(
      await h.get(records(q({ filter: 'district:eq:莲都区', limit: '50' })), { as: 'AA' }),
    ).data.length;
    expect(baseline).to.be.above(0);
    const injections = [
      "district:eq:莲都区' OR '1'='1",
      "district:eq:莲都区') OR 1=1 --",
      'district:eq:x" OR "1"="1',
      "district:in:莲都区') OR ('1'='1|x",
      'district:prefix:%',
      'district:prefix:_',
      "name:eq:' UNION SELECT id_number FROM rows_1 --",
      'age:gt:0 OR 1=1',
      'district:ne:x; DROP TABLE versions; --',
    ];
    for (const filter of injections) {
      const reply = await h.get(records(q({ filter, limit: '50' })), { as: 'AA' });
      expect(reply.status, `${filter}: ${reply.status} ${reply.text.slice(0, 200)}`).to.be.oneOf([200, 400]);
      if (reply.status === 400) assertProblem(reply, 400, 'QUERY_INVALID');
      else {
        const page = reply.body as Page;
        const extra = filter.startsWith('district:ne:') ? PEOPLE.length : 0;
        expect(page.data.length, `${filter} returned ${page.data.length} rows`).to.be.at.most(
          Math.min(50, extra),
        );
        assertNothingClear(reply.text);
      }
    }
    for (const fields of ['record_id,"income"', 'record_id) FROM rows_1 --', 'record_id,income--']) {
      const reply = await h.get(records(q({ fields })), { as: 'AA' });
      expect(reply.status, `${fields}: ${reply.status}`).to.be.oneOf([400, 403]);
      expect(reply.text).not.to.include('"data"');
    }
    // The store is intact afterwards.
    expect(
      assertOk<Page>(await h.get(records(q({ filter: 'district:eq:莲都区', limit: '50' })), { as: 'AA' }))
        .data.length,
    ).to.equal(baseline);
  });

  it('the audit record of an allow: decision, grant, items, row count and the hash of the exact body', async () => {
    const reply = await h.get(records(q({ limit: '13', filter: 'age:ge:30' })), { as: 'AA' });
    const page = assertOk<Page>(reply);
    const record = h.auditOf(reply);
    expect(record.decision).to.equal('allow');
    expect(record.reason).to.equal('OK');
    expect(record.status).to.equal(200);
    expect(record.enterprise).to.equal(CODE.AA);
    expect(record.datasetId).to.equal(DS.PEOPLE);
    expect(record.grantId).to.equal(GRANT.AA_PEOPLE);
    expect(record.items).to.deep.equal(GRANTED_PEOPLE_ITEMS);
    expect(record.rowCount).to.equal(page.data.length);
    expect(record.rowCount).to.equal(13);
    expect(record.method).to.equal('GET');
    expect(record.path).to.equal(`/v1/datasets/${DS.PEOPLE}/records`);
    expect(record.responseHash).to.equal(sha256Hex(reply.bytes));
    // The hash pins these bytes: a body changed by one character would not match.
    expect(record.responseHash).not.to.equal(sha256Hex(Buffer.concat([reply.bytes, Buffer.from(' ')])));
  });

  it('a denial is audited with the hash of the problem body sent', async () => {
    const reply = await h.get(records(q({ fields: 'income' })), { as: 'AA' });
    assertProblem(reply, 403, 'ITEMS_NOT_GRANTED');
    const record = h.auditOf(reply);
    expect(record.decision).to.equal('deny');
    expect(record.grantId).to.equal(GRANT.AA_PEOPLE);
    expect(record.items).to.deep.equal(['income']);
    expect(record.responseHash).to.equal(sha256Hex(reply.bytes));
  });

  it('a query refused before its decision (a repeated or overlong parameter) is recorded under its caller', async () => {
    // Refused before the grant is looked at, these were recorded as no one's (and past one a second not at all).
    for (const query of ['limit=1&limit=2', `limit=1&x=${'a'.repeat(300)}`]) {
      const reply = await h.get(records(query), { as: 'AA' });
      assertProblem(reply, 400, 'QUERY_INVALID');
      const record = h.auditOf(reply);
      expect(record.decision).to.equal('deny');
      expect(record.enterprise, query.slice(0, 20)).to.equal(CODE.AA);
    }
  });

  it('the unconditional dataset is served to any onboarded enterprise, A included, without a grant', async () => {
    for (const rating of ['A', 'AA', 'AAA'] as const) {
      const reply = await h.get(`/v1/datasets/${DS.OPEN}/records?limit=5`, { as: rating });
      const page = assertOk<Page>(reply);
      expect(page.data.length).to.equal(5);
      expect(page.grantId).to.equal(null);
      expect(h.auditOf(reply).decision).to.equal('allow');
    }
  });

  it('while the view does not follow the ledger, restricted data is 503 LEDGER_NOT_FOLLOWED; unconditional still served', async () => {
    h.view.following = false;
    try {
      const reply = await h.get(records(), { as: 'AA' });
      assertProblem(reply, 503, 'LEDGER_NOT_FOLLOWED');
      expect(h.auditOf(reply).reason).to.equal('LEDGER_NOT_FOLLOWED');
      expect((await h.get(`/v1/datasets/${DS.OPEN}/records?limit=3`, { as: 'AA' })).status).to.equal(200);
    } finally {
      h.view.following = true;
    }
    expect((await h.get(records('limit=1'), { as: 'AA' })).status).to.equal(200);
  });

  it('while anchoring is behind, restricted data is 503 AUDIT_BEHIND; unconditional still served', async () => {
    h.anchorsBehind = true;
    try {
      const reply = await h.get(records(), { as: 'AA' });
      assertProblem(reply, 503, 'AUDIT_BEHIND');
      expect(reply.headers.get('retry-after'), 'when to ask again').to.equal('10');
      expect(h.auditOf(reply).reason).to.equal('AUDIT_BEHIND');
      expect((await h.get(`/v1/datasets/${DS.OPEN}/records?limit=3`, { as: 'AA' })).status).to.equal(200);
    } finally {
      h.anchorsBehind = false;
    }
    expect((await h.get(records('limit=1'), { as: 'AA' })).status).to.equal(200);
  });

  it('with the audit log’s file deleted under it, nothing is served: 503 AUDIT_UNWRITABLE, and readiness says so', async () => {
    const g = await startHarness();
    try {
      expect((await g.get(records('limit=1'), { as: 'AA' })).status).to.equal(200);
      g.deleteAuditFile();
      for (const path of [records('limit=1'), `/v1/datasets/${DS.OPEN}/records?limit=3`]) {
        const reply = await g.get(path, { as: 'AA' });
        assertProblem(reply, 503, 'AUDIT_UNWRITABLE');
        expect(reply.headers.get('retry-after'), 'when to ask again').to.equal('10');
        expect(reply.text, 'no row leaves').not.to.include('rows');
        // What failed (the data folder's path) stays in the gateway's log.
        expect(reply.text).not.to.include('audit.db');
      }
      const ready = await g.get('/readyz');
      assertProblem(ready, 503, 'AUDIT_UNWRITABLE');
      expect((ready.body as { audit: { writing: string } }).audit.writing).to.equal('failing');
      const scraped = await g.scrape();
      expect(scraped).to.match(/^rdx_audit_writing_failing 1$/m);
      expect(scraped).to.match(/^rdx_audit_failed_commits [1-9]\d*$/m);
    } finally {
      await g.close();
    }
  });

  it('the real Anchorer stops restricted data when a record stays unanchored too long, and anchoring resumes it', async () => {
    const g = await startHarness({ anchorMaxLagMs: 150 });
    try {
      expect((await g.get(records('limit=1'), { as: 'AA' })).status).to.equal(200);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(g.anchorer.behind()).to.equal(true);
      assertProblem(await g.get(records('limit=1'), { as: 'AA' }), 503, 'AUDIT_BEHIND');
      await g.anchorNow();
      expect(g.anchorer.lagRecords()).to.equal(0);
      expect((await g.get(records('limit=1'), { as: 'AA' })).status).to.equal(200);
    } finally {
      await g.close();
    }
  });

  it('the daily quota of a grant is 429 QUOTA_EXCEEDED once used up, and a new day (China time) resets it', async () => {
    const g = await startHarness();
    try {
      const grant = g.view.grants.get(GRANT.AA_PEOPLE)!;
      expect(grant).not.to.equal(undefined);
      g.view.putGrant({ ...grant, dailyQuota: 3 });
      // A day after today: the app's clock may not run behind the machine's, or the real Anchorer sees old records.
      const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
      g.setNow(`${day}T10:00:00.000Z`);
      for (let i = 0; i < 3; i++)
        expect((await g.get(records('limit=1'), { as: 'AA' })).status).to.equal(200);
      const reply = await g.get(records('limit=1'), { as: 'AA' });
      assertProblem(reply, 429, 'QUOTA_EXCEEDED');
      expect(g.auditOf(reply).reason).to.equal('QUOTA_EXCEEDED');
      expect(g.auditOf(reply).grantId).to.equal(GRANT.AA_PEOPLE);
      // 15:59 UTC is still 23:59 in China; 16:00 UTC is the next day there.
      g.setNow(`${day}T15:59:00.000Z`);
      assertProblem(await g.get(records('limit=1'), { as: 'AA' }), 429, 'QUOTA_EXCEEDED');
      g.setNow(`${day}T16:00:00.000Z`);
      expect((await g.get(records('limit=1'), { as: 'AA' })).status).to.equal(200);
      // Unconditional data has no grant and no quota.
      expect((await g.get(`/v1/datasets/${DS.OPEN}/records?limit=1`, { as: 'AA' })).status).to.equal(200);
    } finally {
      await g.close();
    }
  });

  it('calling faster than the grant’s rate is 429 RATE_LIMITED', async () => {
    const g = await startHarness({ ratePerSecond: 2 });
    try {
      // The app's clock stands still while the four calls are made, however slow the machine: two fill the
      // bucket of two, the next two find it empty. Then it moves 600 ms on: 1.2 tokens are back.
      const start = Date.now();
      g.setNow(new Date(start));
      const token = g.tokenFor('AA');
      const replies: Reply[] = [];
      for (let i = 0; i < 4; i++) replies.push(await g.get(records('limit=1'), { token }));
      expect(replies.map((r) => r.status)).to.deep.equal([200, 200, 429, 429]);
      const limited = replies[2]!;
      expect(limited).not.to.equal(undefined);
      assertProblem(limited, 429, 'RATE_LIMITED');
      expect(g.auditOf(limited).reason).to.equal('RATE_LIMITED');
      // Sent on past its rate, its refusals are sampled into the log (a minute's worth at once, then one a
      // second), the rest counted: they served nothing, and a record each filled the disk as fast as they came.
      const more: Reply[] = [];
      for (let i = 0; i < 80; i++) more.push(await g.get(records('limit=1'), { token }));
      expect(more.every((r) => r.status === 429)).to.equal(true);
      const logged = [...replies.slice(2), ...more].filter((r) => g.audit.get(r.requestId) !== undefined);
      expect(logged.length).to.be.within(60, 62);
      const unlogged = /^rdx_refusals_unlogged_total\{reason="RATE_LIMITED"\} (\d+)$/m.exec(
        await g.scrape(),
      )?.[1];
      expect(Number(unlogged)).to.equal(82 - logged.length);
      g.setNow(new Date(start + 600));
      expect((await g.get(records('limit=1'), { token })).status, 'the bucket refills').to.equal(200);
    } finally {
      await g.close();
    }
  });

  it('refused again and again for one reason, an enterprise’s refusals are sampled into the log per reason, and the misuse monitor counts them all', async () => {
    const g = await startHarness({ misuse: { deniedPerHour: 30 } });
    try {
      // Refused at once, as fast as it sends: a record each filled a disk at 20 MB a minute from three threads.
      const replies: Reply[] = [];
      for (let i = 0; i < 80; i++)
        replies.push(await g.get(`/v1/datasets/${DS.PENDING}/records?limit=1`, { as: 'AAA' }));
      for (const r of replies) assertProblem(r, 403, 'NO_GRANT');
      const logged = replies.filter((r) => g.audit.get(r.requestId) !== undefined);
      expect(logged.length, 'a minute’s worth at once, then one a second').to.be.within(60, 62);
      const scraped = await g.scrape();
      const unlogged = /^rdx_refusals_unlogged_total\{reason="NO_GRANT"\} (\d+)$/m.exec(scraped)?.[1];
      expect(Number(unlogged)).to.equal(80 - logged.length);
      // Another reason has its own budget: its first refusal is recorded.
      const closed = await g.get(`/v1/datasets/${DS.CLOSED}/records?limit=1`, { as: 'AAA' });
      assertProblem(closed, 403, 'DATASET_NOT_OPEN');
      expect(g.audit.get(closed.requestId)?.reason).to.equal('DATASET_NOT_OPEN');
      // The monitor saw every one of the eighty, recorded or not: sixty in an hour make the signal strong.
      const denied = g.services.misuse!.list().find((x) => x.kind === 'denied' && x.datasetId === DS.PENDING);
      expect(denied, 'a strong denied signal on the dataset').to.deep.include({
        enterprise: CODE.AAA,
        strength: 'strong',
      });
    } finally {
      await g.close();
    }
  });

  it('the catalog lists open datasets with the caller’s own grant only', async () => {
    const reply = await h.get('/v1/datasets', { as: 'AA' });
    const { data } = assertOk<{
      data: { id: string; grant: { id: string } | null; version: string | null; rowCount: number | null }[];
    }>(reply);
    const ids = data.map((d) => d.id).sort();
    expect(ids, 'prohibited datasets are not listed').to.deep.equal([DS.OPEN, DS.PENDING, DS.PEOPLE].sort());
    const people = data.find((d) => d.id === DS.PEOPLE);
    expect(people?.grant?.id).to.equal(GRANT.AA_PEOPLE);
    expect(people?.version).to.equal('v1');
    expect(people?.rowCount).to.equal(300);
    expect(data.find((d) => d.id === DS.PENDING)?.version).to.equal(null);
    const forAAA = assertOk<{ data: { id: string; grant: { id: string } | null }[] }>(
      await h.get('/v1/datasets', { as: 'AAA' }),
    );
    expect(forAAA.data.find((d) => d.id === DS.PEOPLE)?.grant?.id).to.equal(GRANT.AAA_PEOPLE);
    expect(forAAA.data.find((d) => d.id === DS.PENDING)?.grant).to.equal(null);
    assertProblem(await h.get('/v1/datasets'), 401, 'TOKEN_MISSING');
  });

  it('a dataset the bureau has not listed (Z13), a draft or a rejected one, is neither in the catalog nor served in any way', async () => {
    const open = h.view.datasets.get(DS.OPEN)!;
    try {
      for (const state of ['DRAFT', 'REJECTED'] as const) {
        h.view.putDataset({ ...open, listing: { state } });
        const { data } = assertOk<{ data: { id: string }[] }>(await h.get('/v1/datasets', { as: 'AA' }));
        expect(data.map((d) => d.id)).not.to.include(DS.OPEN);
        assertProblem(await h.get(`/v1/open/datasets/${DS.OPEN}/download`), 404, 'NOT_FOUND');
        // Its owner has loaded a version; still, no enterprise reads a row or a computed result of it.
        for (const as of ['A', 'AA'] as const) {
          const page = await h.get(`/v1/datasets/${DS.OPEN}/records?limit=5`, { as });
          assertProblem(page, 404, 'NOT_FOUND');
          expect(page.text).to.include(`There is no dataset ${DS.OPEN}.`);
          assertProblem(
            await h.post(`/v1/datasets/${DS.OPEN}/aggregate`, { as, json: { groupBy: ['station'] } }),
            404,
            'NOT_FOUND',
          );
        }
      }
    } finally {
      h.view.putDataset({
        ...open,
        listing: { state: 'LISTED', reviewedBy: 'BureauMSP/admin', at: '2025-01-01T00:00:00Z' },
      });
    }
    assertOk(await h.get(`/v1/open/datasets/${DS.OPEN}/download`));
    assertOk(await h.get(`/v1/datasets/${DS.OPEN}/records?limit=5`, { as: 'A' }));
  });

  it('filters on personal items cannot be used to recover the masked part of a value', async () => {
    const target = byId(42);
    const page = assertOk<Page>(await h.get(records(q({ filter: 'record_id:eq:42' })), { as: 'AA' }));
    const masked = String(page.data[0]?.phone);
    expect(masked).to.match(/^\d{3}\*{4}\d{4}$/);
    // Guess the four hidden digits one at a time: at most 40 calls.
    let known = masked.slice(0, 3);
    for (let position = 3; position < 7; position++) {
      for (let digit = 0; digit <= 9; digit++) {
        const guess = `${known}${digit}`;
        const hit = await h.get(
          records(q({ filter: `record_id:eq:42,phone:prefix:${guess}`, fields: 'record_id' })),
          { as: 'AA' },
        );
        if (hit.status === 200 && (hit.body as Page).data.length === 1) {
          known = guess;
          break;
        }
      }
    }
    const recovered = `${known}${masked.slice(7)}`;
    expect(recovered, 'the clear phone number was recovered through filters').not.to.equal(target.phone);
  });
});
