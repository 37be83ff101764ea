/**
 * Downloads (unconditional datasets only, Z20) and loading dataset versions: only bytes whose SHA-256 the
 * ledger records for that version are accepted.
 */
import { expect } from 'chai';
import net from 'node:net';
import { signAdminRequest } from '@rdx/client';
import { MAX_VERSION_FILE_BYTES } from '@rdx/client/dataset-format';
import { DS, OPEN_ITEMS, openRows, sha256Hex, toCsv } from '../testing/fixtures.js';
import { assertOk, assertProblem, startHarness, type Harness } from '../testing/harness.js';
import { forgedAdminLocality } from '@rdx/client/testing/forged-subject';
import { testOrg } from '../testing/test-ca.js';

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
    const tampered = Buffer.from(h.files.pendingV1.toString('utf8').replace('丽水第1企业', '丽水第X企业'));
    for (const body of [
      tampered,
      h.files.pendingV2,
      Buffer.alloc(0),
      Buffer.concat([h.files.pendingV1, Buffer.from('\r\n')]),
    ]) {
      // Signed truthfully over what is sent (refused from the headers), or over the recorded hash while other
      // bytes are sent (refused once they are read).
      for (const contentSha256 of [undefined, sha256Hex(h.files.pendingV1)]) {
        assertProblem(await h.load(DS.PENDING, 'v1', body, { contentSha256 }), 409, 'CONTENT_HASH_MISMATCH');
      }
      expect(h.store.currentVersion(DS.PENDING)).to.equal(undefined);
    }
    assertProblem(await h.get(`/v1/datasets/${DS.PENDING}/records`, { as: 'AA' }), 409, 'DATA_NOT_LOADED');
  });

  it('a version or dataset the ledger does not record is 404', async () => {
    assertProblem(await h.load(DS.PENDING, 'v9', h.files.pendingV1), 404, 'NOT_FOUND');
    assertProblem(await h.load('no-such-dataset', 'v1', h.files.pendingV1), 404, 'NOT_FOUND');
  });

  it('a version file over the limit the CLI checks too (MAX_VERSION_FILE_BYTES) is 413 naming it, and nothing is loaded', async () => {
    // Signed for the recorded bytes: only its size can refuse it before it is read whole.
    const contentSha256 = sha256Hex(h.files.pendingV1);
    const file = Buffer.alloc(MAX_VERSION_FILE_BYTES + 1, 'a');
    const over = await h.load(DS.PENDING, 'v1', file, { contentSha256 });
    assertProblem(over, 413, 'PAYLOAD_TOO_LARGE');
    expect((over.body as { detail: string }).detail).to.include(String(MAX_VERSION_FILE_BYTES));
    expect(h.store.currentVersion(DS.PENDING)).to.equal(undefined);
  });

  it('loading the bytes the ledger records makes the version current and servable', async () => {
    const reply = await h.load(DS.PENDING, 'v1', h.files.pendingV1);
    const loaded = assertOk<{ dataset: string; version: string; contentHash: string; rowCount: number }>(
      reply,
    );
    expect(loaded).to.deep.equal({
      dataset: DS.PENDING,
      version: 'v1',
      contentHash: sha256Hex(h.files.pendingV1),
      rowCount: 20,
    });
    expect(h.store.currentVersion(DS.PENDING)?.version).to.equal('v1');
    const page = assertOk<{ data: unknown[]; datasetVersion: string }>(
      await h.get(`/v1/datasets/${DS.PENDING}/records?limit=50`, { as: 'AA' }),
    );
    expect(page.data.length).to.equal(20);
    expect(page.datasetVersion).to.equal('v1');
    // Loading the same bytes again changes nothing.
    assertOk(await h.load(DS.PENDING, 'v1', h.files.pendingV1));
    expect(h.store.currentVersion(DS.PENDING)?.rowCount).to.equal(20);
  });

  it('a large download lets the gateway serve others while its rows are read (no stall for everyone)', async () => {
    const g = await startHarness();
    try {
      const rows = 5000;
      g.store.loadVersion(
        DS.OPEN,
        'big',
        OPEN_ITEMS,
        'csv',
        Buffer.from(
          toCsv(
            OPEN_ITEMS.map((i) => i.name),
            openRows(rows),
          ),
        ),
      );
      // How many rows the download had read when the event loop next took a turn for anything else.
      let read = 0;
      let readWhenLoopTurned: number | undefined;
      const allRows = g.store.allRows.bind(g.store);
      g.store.allRows = function* (datasetId: string) {
        for (const row of allRows(datasetId)) {
          if (read++ === 0) setImmediate(() => (readWhenLoopTurned = read));
          yield row;
        }
      };
      const reply = await g.get(`/v1/open/datasets/${DS.OPEN}/download`);
      expect(reply.status).to.equal(200);
      expect(reply.text.split('\r\n').length - 2, 'every row, after the header').to.equal(rows);
      expect(readWhenLoopTurned, 'rows read before the loop turned').to.be.below(rows);
    } finally {
      await g.close();
    }
  });

  it('a download larger than many pieces is compressed for a client that asks, without piling up listeners', async () => {
    const g = await startHarness();
    const warnings: Error[] = [];
    const warned = (w: Error): number => warnings.push(w);
    process.on('warning', warned);
    try {
      const rows = openRows(40_000);
      const csv = toCsv(
        OPEN_ITEMS.map((i) => i.name),
        rows,
      );
      g.store.loadVersion(DS.OPEN, 'big', OPEN_ITEMS, 'csv', Buffer.from(csv));
      expect(csv.length, 'more than eleven pieces of 64 K, each a wait for the compressor').to.be.above(
        12 * 65_536,
      );
      const reply = await g.get(`/v1/open/datasets/${DS.OPEN}/download`, {
        headers: { 'accept-encoding': 'gzip' },
      });
      expect(reply.status).to.equal(200);
      expect(reply.headers.get('content-encoding')).to.equal('gzip');
      expect(reply.text, 'byte for byte the file, after fetch took the gzip off').to.equal(csv);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on a later tick
      expect(warnings.map((w) => `${w.name}: ${w.message}`)).to.deep.equal([]);
    } finally {
      process.off('warning', warned);
      await g.close();
    }
  });

  it('a new version of the unconditional dataset replaces the download', async () => {
    assertOk(await h.load(DS.OPEN, 'v2', h.files.openV2));
    const reply = await h.get(`/v1/open/datasets/${DS.OPEN}/download`);
    expect(reply.text, 'byte for byte the recorded file').to.equal(h.files.openV2.toString('utf8'));
  });

  it('loading an older recorded version does not roll the served data back', async () => {
    const g = await startHarness();
    try {
      assertOk(await g.load(DS.PENDING, 'v2', g.files.pendingV2));
      expect(g.store.currentVersion(DS.PENDING)?.version).to.equal('v2');
      await g.load(DS.PENDING, 'v1', g.files.pendingV1);
      expect(g.store.currentVersion(DS.PENDING)?.version, 'still serving the newest version').to.equal('v2');
    } finally {
      await g.close();
    }
  });
});

describe('who may load a version: the owning body’s admin, signed with its Fabric identity', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  /** PUT with headers only, announcing a body of `length` bytes that never comes; the answer as raw text. */
  function headersOnly(urlPath: string, headers: Record<string, string>, length: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const { hostname, port } = new URL(h.base);
      const socket = net.connect(Number(port), hostname, () => {
        const lines = Object.entries({
          ...headers,
          host: `${hostname}:${port}`,
          'content-length': String(length),
        })
          .map(([k, v]) => `${k}: ${v}`)
          .join('\r\n');
        socket.write(`PUT ${urlPath} HTTP/1.1\r\n${lines}\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
      setTimeout(() => {
        socket.destroy();
        reject(new Error('no answer within 5 s: the gateway waited for the body'));
      }, 5000);
    });
  }

  it('unsigned, or signed by a bearer of no org identity, is 401 — answered before a byte of the body', async () => {
    assertProblem(await h.load(DS.PENDING, 'v1', h.files.pendingV1, { signer: null }), 401, 'TOKEN_MISSING');
    const url = `/v1/admin/datasets/${DS.PENDING}/versions/v1`;
    const answer = await headersOnly(url, { authorization: `Bearer ${h.tokenFor('AA')}` }, 200 * 1024 * 1024);
    expect(answer).to.match(/^HTTP\/1\.1 401/);
  });

  it('another org’s admin, or the owner’s reviewer, is 403 without naming the owner', async () => {
    const owner = h.view.datasets.get(DS.PENDING)!.owner;
    const other = ['LS-CIVIL', 'LS-EPB', 'LS-PSB', 'LS-AMR'].find((m) => m !== owner)!;
    for (const signer of [
      testOrg(other).identity('admin'),
      testOrg(owner).identity('reviewer'),
      testOrg(owner).identity(undefined),
      // A reviewer who wrote an admin attribute's bytes into its own subject is still a reviewer.
      testOrg(owner).identity('reviewer', forgedAdminLocality()),
      testOrg(owner).identity(undefined, forgedAdminLocality()),
    ]) {
      const reply = await h.load(DS.PENDING, 'v1', h.files.pendingV1, { signer });
      assertProblem(reply, 403, 'FORBIDDEN');
      expect(reply.text).not.to.include(owner);
    }
    expect(h.store.currentVersion(DS.PENDING)).to.equal(undefined);
  });

  it('a certificate of a CA outside the channel, a stale or replayed signature, a signature moved elsewhere: 401', async () => {
    const stranger = testOrg('LS-STRANGER').identity('admin');
    assertProblem(
      await h.load(DS.PENDING, 'v1', h.files.pendingV1, { signer: stranger }),
      401,
      'TOKEN_INVALID',
    );

    const owner = testOrg(h.view.datasets.get(DS.PENDING)!.owner).identity('admin');
    const url = `/v1/admin/datasets/${DS.PENDING}/versions/v1`;
    const contentSha256 = sha256Hex(h.files.pendingV1);
    const stale = signAdminRequest(
      owner,
      { method: 'PUT', path: url, contentSha256 },
      new Date(Date.now() - 600_000),
    );
    assertProblem(
      await h.load(DS.PENDING, 'v1', h.files.pendingV1, { signer: null, headers: stale }),
      401,
      'TOKEN_INVALID',
    );

    const elsewhere = signAdminRequest(owner, {
      method: 'PUT',
      path: `/v1/admin/datasets/${DS.OPEN}/versions/v2`,
      contentSha256,
    });
    assertProblem(
      await h.load(DS.PENDING, 'v1', h.files.pendingV1, { signer: null, headers: elsewhere }),
      401,
      'TOKEN_INVALID',
    );

    const once = signAdminRequest(owner, { method: 'PUT', path: url, contentSha256 });
    assertOk(await h.load(DS.PENDING, 'v1', h.files.pendingV1, { signer: null, headers: once }));
    assertProblem(
      await h.load(DS.PENDING, 'v1', h.files.pendingV1, { signer: null, headers: once }),
      401,
      'TOKEN_INVALID',
    );
  });

  it('a download neutralises spreadsheet formulas and masks personal items, byte for byte as audited', async () => {
    const dataset = h.view.datasets.get(DS.OPEN)!;
    const rows = [
      'station,district,pm25,day,ok',
      '"=HYPERLINK(""http://evil.example"",""点我"")",莲都区,-12.5,2025-03-01,true',
      '@SUM(A1),+青田县,10,2025-03-02,false',
    ].join('\r\n');
    const bytes = Buffer.from(`${rows}\r\n`);
    h.view.putDataset({
      ...dataset,
      items: dataset.items.map((i) => (i.name === 'district' ? { ...i, personal: true } : i)),
      versions: [
        ...dataset.versions,
        { version: 'v9', contentHash: sha256Hex(bytes), rowCount: 2 } as (typeof dataset.versions)[number],
      ],
    });
    assertOk(await h.load(DS.OPEN, 'v9', bytes));
    const reply = await h.get(`/v1/open/datasets/${DS.OPEN}/download`);
    expect(reply.status).to.equal(200);
    const lines = reply.text.trim().split('\r\n');
    expect(lines[1]).to.equal(`"'=HYPERLINK(""http://evil.example"",""点我"")",莲**,-12.5,2025-03-01,true`);
    expect(lines[2]).to.equal(`'@SUM(A1),'+***,10,2025-03-02,false`);
    expect(h.auditOf(reply).responseHash).to.equal(sha256Hex(reply.bytes));
    h.view.putDataset(dataset);
  });
});
