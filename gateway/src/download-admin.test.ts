/**
 * Downloads (unconditional datasets only, Z20) and loading dataset versions: only bytes whose SHA-256 the
 * ledger records for that version are accepted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DS, OPEN_ITEMS, openRows, sha256Hex } from './testing/fixtures.js';
import { assertOk, assertProblem, startHarness, type Harness } from './testing/harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

/** Reads back RFC 4180 CSV (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

test('an unconditional dataset downloads as CSV, without a token, with every row and item', async () => {
  const reply = await h.get(`/v1/open/datasets/${DS.OPEN}/download`);
  assert.equal(reply.status, 200, reply.text);
  assert.match(reply.contentType, /^text\/csv/);
  assert.equal(reply.headers.get('content-disposition'), `attachment; filename="${DS.OPEN}.csv"`);
  const [header, ...rows] = parseCsv(reply.text);
  assert.deepEqual(
    header,
    OPEN_ITEMS.map((i) => i.name),
  );
  const expected = openRows(40);
  assert.equal(rows.length, expected.length);
  rows.forEach((row, k) => {
    const e = expected[k];
    assert.ok(e);
    assert.deepEqual(row, [e.station, e.district, String(e.pm25), e.day, String(e.ok)]);
  });
  assert.equal(rows[0]?.[0], 'Station "A", 莲都', 'quotes and commas survive');
  const record = h.auditOf(reply);
  assert.equal(record.decision, 'allow');
  assert.equal(record.rowCount, 40);
  assert.equal(record.datasetId, DS.OPEN);
  assert.equal(record.responseHash, sha256Hex(reply.bytes));
});

test('a restricted or prohibited dataset never downloads: 403 DOWNLOAD_FORBIDDEN, audited', async () => {
  for (const id of [DS.PEOPLE, DS.CLOSED, DS.PENDING]) {
    for (const token of [undefined, h.tokenFor('AAA')]) {
      const reply = await h.get(`/v1/open/datasets/${id}/download`, { token });
      assertProblem(reply, 403, 'DOWNLOAD_FORBIDDEN');
      assert.ok(!reply.text.includes('331102'), 'no resident data');
      const record = h.auditOf(reply);
      assert.equal(record.decision, 'deny');
      assert.equal(record.reason, 'DOWNLOAD_FORBIDDEN');
    }
  }
  assertProblem(await h.get('/v1/open/datasets/no-such-dataset/download'), 404, 'NOT_FOUND');
});

test('loading bytes whose sha256 is not the ledger’s version hash is 409 CONTENT_HASH_MISMATCH, and nothing is loaded', async () => {
  const url = `/v1/admin/datasets/${DS.PENDING}/versions/v1`;
  const tampered = Buffer.from(h.files.pendingV1.toString('utf8').replace('丽水第1企业', '丽水第X企业'));
  for (const body of [
    tampered,
    h.files.pendingV2,
    Buffer.alloc(0),
    Buffer.concat([h.files.pendingV1, Buffer.from('\r\n')]),
  ]) {
    const reply = await h.call('PUT', url, { body, headers: { 'content-type': 'text/csv' } });
    assertProblem(reply, 409, 'CONTENT_HASH_MISMATCH');
    assert.equal(h.store.currentVersion(DS.PENDING), undefined);
  }
  assertProblem(await h.get(`/v1/datasets/${DS.PENDING}/records`, { as: 'AA' }), 409, 'DATA_NOT_LOADED');
});

test('a version or dataset the ledger does not record is 404', async () => {
  assertProblem(
    await h.call('PUT', `/v1/admin/datasets/${DS.PENDING}/versions/v9`, { body: h.files.pendingV1 }),
    404,
    'NOT_FOUND',
  );
  assertProblem(
    await h.call('PUT', '/v1/admin/datasets/no-such-dataset/versions/v1', { body: h.files.pendingV1 }),
    404,
    'NOT_FOUND',
  );
});

test('loading the bytes the ledger records makes the version current and servable', async () => {
  const reply = await h.call('PUT', `/v1/admin/datasets/${DS.PENDING}/versions/v1`, {
    body: h.files.pendingV1,
    headers: { 'content-type': 'text/csv' },
  });
  const loaded = assertOk<{ dataset: string; version: string; content_hash: string; row_count: number }>(
    reply,
  );
  assert.deepEqual(loaded, {
    dataset: DS.PENDING,
    version: 'v1',
    content_hash: sha256Hex(h.files.pendingV1),
    row_count: 20,
  });
  assert.equal(h.store.currentVersion(DS.PENDING)?.version, 'v1');
  const page = assertOk<{ data: unknown[]; dataset_version: string }>(
    await h.get(`/v1/datasets/${DS.PENDING}/records?limit=50`, { as: 'AA' }),
  );
  assert.equal(page.data.length, 20);
  assert.equal(page.dataset_version, 'v1');
  // Loading the same bytes again changes nothing.
  assertOk(await h.call('PUT', `/v1/admin/datasets/${DS.PENDING}/versions/v1`, { body: h.files.pendingV1 }));
  assert.equal(h.store.currentVersion(DS.PENDING)?.rowCount, 20);
});

test('a new version of the unconditional dataset replaces the download', async () => {
  assertOk(await h.call('PUT', `/v1/admin/datasets/${DS.OPEN}/versions/v2`, { body: h.files.openV2 }));
  const reply = await h.get(`/v1/open/datasets/${DS.OPEN}/download`);
  assert.equal(reply.text, h.files.openV2.toString('utf8'), 'byte for byte the recorded file');
});

test('loading an older recorded version does not roll the served data back', async () => {
  const g = await startHarness();
  try {
    assertOk(
      await g.call('PUT', `/v1/admin/datasets/${DS.PENDING}/versions/v2`, { body: g.files.pendingV2 }),
    );
    assert.equal(g.store.currentVersion(DS.PENDING)?.version, 'v2');
    await g.call('PUT', `/v1/admin/datasets/${DS.PENDING}/versions/v1`, { body: g.files.pendingV1 });
    assert.equal(g.store.currentVersion(DS.PENDING)?.version, 'v2', 'still serving the newest version');
  } finally {
    await g.close();
  }
});
