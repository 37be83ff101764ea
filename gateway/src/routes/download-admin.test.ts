/**
 * Downloads (unconditional datasets only, Z20) and loading dataset versions: only bytes whose SHA-256 the
 * ledger records for that version are accepted.
 */
import { expect } from 'chai';
import { DS, OPEN_ITEMS, openRows, sha256Hex } from '../testing/fixtures.js';
import { assertOk, assertProblem, startHarness, type Harness } from '../testing/harness.js';

let h: Harness;
describe('downloads and loading dataset versions', () => {
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

  it('an unconditional dataset downloads as CSV, without a token, with every row and item', async () => {
    const reply = await h.get(`/v1/open/datasets/${DS.OPEN}/download`);
    expect(reply.status, reply.text).to.equal(200);
    expect(reply.contentType).to.match(/^text\/csv/);
    expect(reply.headers.get('content-disposition')).to.equal(`attachment; filename="${DS.OPEN}.csv"`);
    const [header, ...rows] = parseCsv(reply.text);
    expect(header).to.deep.equal(OPEN_ITEMS.map((i) => i.name));
    const expected = openRows(40);
    expect(rows.length).to.equal(expected.length);
    rows.forEach((row, k) => {
      const e = expected[k]!;
      expect(e).not.to.equal(undefined);
      expect(row).to.deep.equal([e.station, e.district, String(e.pm25), e.day, String(e.ok)]);
    });
    expect(rows[0]?.[0], 'quotes and commas survive').to.equal('Station "A", 莲都');
    const record = h.auditOf(reply);
    expect(record.decision).to.equal('allow');
    expect(record.rowCount).to.equal(40);
    expect(record.datasetId).to.equal(DS.OPEN);
    expect(record.responseHash).to.equal(sha256Hex(reply.bytes));
  });

  it('a restricted or prohibited dataset never downloads: 403 DOWNLOAD_FORBIDDEN, audited', async () => {
    for (const id of [DS.PEOPLE, DS.CLOSED, DS.PENDING]) {
      for (const token of [undefined, h.tokenFor('AAA')]) {
        const reply = await h.get(`/v1/open/datasets/${id}/download`, { token });
        assertProblem(reply, 403, 'DOWNLOAD_FORBIDDEN');
        expect(reply.text, 'no resident data').not.to.include('331102');
        const record = h.auditOf(reply);
        expect(record.decision).to.equal('deny');
        expect(record.reason).to.equal('DOWNLOAD_FORBIDDEN');
      }
    }
    assertProblem(await h.get('/v1/open/datasets/no-such-dataset/download'), 404, 'NOT_FOUND');
  });

  it('loading bytes whose sha256 is not the ledger’s version hash is 409 CONTENT_HASH_MISMATCH, and nothing is loaded', async () => {
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
      expect(h.store.currentVersion(DS.PENDING)).to.equal(undefined);
    }
    assertProblem(await h.get(`/v1/datasets/${DS.PENDING}/records`, { as: 'AA' }), 409, 'DATA_NOT_LOADED');
  });

  it('a version or dataset the ledger does not record is 404', async () => {
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

  it('loading the bytes the ledger records makes the version current and servable', async () => {
    const reply = await h.call('PUT', `/v1/admin/datasets/${DS.PENDING}/versions/v1`, {
      body: h.files.pendingV1,
      headers: { 'content-type': 'text/csv' },
    });
    const loaded = assertOk<{ dataset: string; version: string; content_hash: string; row_count: number }>(
      reply,
    );
    expect(loaded).to.deep.equal({
      dataset: DS.PENDING,
      version: 'v1',
      content_hash: sha256Hex(h.files.pendingV1),
      row_count: 20,
    });
    expect(h.store.currentVersion(DS.PENDING)?.version).to.equal('v1');
    const page = assertOk<{ data: unknown[]; dataset_version: string }>(
      await h.get(`/v1/datasets/${DS.PENDING}/records?limit=50`, { as: 'AA' }),
    );
    expect(page.data.length).to.equal(20);
    expect(page.dataset_version).to.equal('v1');
    // Loading the same bytes again changes nothing.
    assertOk(
      await h.call('PUT', `/v1/admin/datasets/${DS.PENDING}/versions/v1`, { body: h.files.pendingV1 }),
    );
    expect(h.store.currentVersion(DS.PENDING)?.rowCount).to.equal(20);
  });

  it('a new version of the unconditional dataset replaces the download', async () => {
    assertOk(await h.call('PUT', `/v1/admin/datasets/${DS.OPEN}/versions/v2`, { body: h.files.openV2 }));
    const reply = await h.get(`/v1/open/datasets/${DS.OPEN}/download`);
    expect(reply.text, 'byte for byte the recorded file').to.equal(h.files.openV2.toString('utf8'));
  });

  it('loading an older recorded version does not roll the served data back', async () => {
    const g = await startHarness();
    try {
      assertOk(
        await g.call('PUT', `/v1/admin/datasets/${DS.PENDING}/versions/v2`, { body: g.files.pendingV2 }),
      );
      expect(g.store.currentVersion(DS.PENDING)?.version).to.equal('v2');
      await g.call('PUT', `/v1/admin/datasets/${DS.PENDING}/versions/v1`, { body: g.files.pendingV1 });
      expect(g.store.currentVersion(DS.PENDING)?.version, 'still serving the newest version').to.equal('v2');
    } finally {
      await g.close();
    }
  });
});
