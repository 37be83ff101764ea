/**
 * `rdx dataset load` reads the file as the gateway will load it before recording its version: a file the gateway
 * would refuse (empty, a header of other items, bytes that are no text, a value of the wrong type) is refused with
 * where it went wrong, and its version is neither recorded on the ledger nor uploaded, so the name stays free and
 * the regulator counts no update. A file that fits is recorded and uploaded as before.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliContext } from '../../context.js';
import { Output, type Io } from '../../output.js';
import { DatasetFileError, parseDatasetFile } from '../../../dataset-format/dataset-file.js';
import { MAX_VERSION_FILE_BYTES } from '../../../dataset-format/index.js';
import { GatewayProblemError, InputError } from '../../../sdk/errors.js';
import type { Dataset } from '../../../sdk/types.js';
import load from './dataset-load.js';

const ENTITIES = {
  id: 'market-entities',
  format: 'csv',
  items: [
    { name: 'uscc', label: '统一社会信用代码', type: 'string', personal: false },
    { name: 'entity_name', label: '企业名称', type: 'string', personal: false },
    { name: 'reg_capital', label: '注册资本', type: 'integer', personal: false },
  ],
  versions: [],
} as unknown as Dataset;

const HEADER = 'uscc,entity_name,reg_capital\n';
const row = (k: number, capital: string = String(1000 + k)): string =>
  `91331100MA2A${String(k).padStart(6, '0')},丽水企业${k},${capital}\n`;

/** What a run did: the versions it recorded, the bodies it uploaded, its stderr, and its result or refusal. */
interface Run {
  recorded: unknown[];
  uploaded: Uint8Array[];
  stderr: string;
  result?: { data: unknown };
  refused?: unknown;
}

/** Reads a web stream to its end: the fake gateway reads what the CLI sends, as the real one would. */
async function drained(body: Uint8Array | ReadableStream<Uint8Array>): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  const parts: Uint8Array[] = [];
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) parts.push(chunk);
  return Buffer.concat(parts);
}

/**
 * Runs `rdx dataset load market-entities --version v9 --file <bytes>` against a fake ledger and gateway; a file of
 * `{ size }` is sparse, that large without being written. `onStderr` sees each write to stderr as it happens, with
 * the file's path: a test can change the file at a given step.
 */
async function loaded(
  bytes: Uint8Array | { size: number },
  dataset: Dataset = ENTITIES,
  onStderr: (text: string, file: string) => void = () => undefined,
): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-load-'));
  const file = path.join(dir, `data.${dataset.format}`);
  if (bytes instanceof Uint8Array) fs.writeFileSync(file, bytes);
  else {
    fs.writeFileSync(file, '');
    fs.truncateSync(file, bytes.size);
  }
  const run: Run = { recorded: [], uploaded: [], stderr: '' };
  const ledger = {
    catalog: {
      get: () => Promise.resolve(dataset),
      recordVersion: (v: unknown) => {
        run.recorded.push(v);
        return Promise.resolve({ txId: 'tx-9', blockNumber: 42 });
      },
    },
    connection: { identity: { mspId: 'MarketMSP' } },
  };
  const gateway = {
    async uploadVersion(
      id: string,
      version: string,
      upload: { body: Uint8Array | ReadableStream<Uint8Array>; contentSha256: string },
    ) {
      const body = await drained(upload.body);
      // The gateway accepts only the recorded bytes: the CLI's empty probe learns it knows the version.
      if (upload.contentSha256 !== crypto.createHash('sha256').update(body).digest('hex'))
        throw new GatewayProblemError('CONTENT_HASH_MISMATCH', 'not the recorded bytes', 'urn:test', {
          status: 409,
        });
      run.uploaded.push(body);
      const rows = parseDatasetFile(body, dataset.format, dataset.items);
      return { dataset: id, version, contentHash: upload.contentSha256, rowCount: rows.length };
    },
  };
  const ctx = {
    out: new Output(
      {
        stdout: { isTTY: false, write: () => true },
        stderr: {
          isTTY: false,
          write: (s: string) => {
            run.stderr += s;
            onStderr(s, file);
            return true;
          },
        },
      } as unknown as Io,
      false,
    ),
    ledger: () => ledger,
    publicGateway: () => gateway,
  } as unknown as CliContext;
  try {
    run.result = (await load.run(ctx, { args: [dataset.id], opts: { version: 'v9', file } }))!;
  } catch (err) {
    run.refused = err;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return run;
}

/** The gateway's parser's own refusal of these bytes: the message the CLI must say. */
function parserRefusal(bytes: Uint8Array, dataset: Dataset = ENTITIES): DatasetFileError {
  try {
    parseDatasetFile(bytes, dataset.format, dataset.items);
  } catch (err) {
    if (err instanceof DatasetFileError) return err;
    throw err;
  }
  expect.fail('the parser accepted a file the test means to be refused');
}

/** 100 KB that are not a text file, the same on every run. */
function noise(): Uint8Array {
  const blocks: Buffer[] = [];
  for (let k = 0; blocks.length * 32 < 100 * 1024; k++)
    blocks.push(crypto.createHash('sha256').update(`noise ${k}`).digest());
  return Buffer.concat(blocks);
}

/** Expects the run refused as the user's input error, with the parser's message, having recorded nothing. */
function expectRefusedUnrecorded(run: Run, bytes: Uint8Array, dataset: Dataset = ENTITIES): InputError {
  expect(run.refused, 'refused').to.be.instanceOf(InputError);
  const err = run.refused as InputError;
  expect(err.code).to.equal('INVALID_ARGUMENT');
  expect(err.userError, 'exit 1').to.equal(true);
  expect(err.message).to.include(parserRefusal(bytes, dataset).message);
  expect(run.recorded, 'versions recorded on the ledger').to.deep.equal([]);
  expect(run.uploaded, 'uploads').to.deep.equal([]);
  return err;
}

describe('rdx dataset load: the file is read as the gateway will load it before its version is recorded', () => {
  it('an empty file is refused, nothing recorded', async () => {
    const bytes = new Uint8Array(0);
    const err = expectRefusedUnrecorded(await loaded(bytes), bytes);
    expect(err.message).to.match(/empty; it must start with a header row of item names/);
  });

  it('a header of other items is refused on line 1, naming the column, nothing recorded', async () => {
    const bytes = Buffer.from('credit_code,name,capital\n1,a,2\n2,b,3\n3,c,4\n');
    const err = expectRefusedUnrecorded(await loaded(bytes), bytes);
    expect(err.message).to.match(/line 1: header column 1 "credit_code" is not an item of the dataset/);
  });

  it('100 KB of bytes that are no text are refused, nothing recorded', async () => {
    const bytes = noise();
    const err = expectRefusedUnrecorded(await loaded(bytes), bytes);
    expect(err.message).to.match(/not valid UTF-8/);
  });

  it('a value of the wrong type in row 700 is refused with its line, row and item, nothing recorded', async () => {
    let csv = HEADER;
    for (let k = 1; k <= 1000; k++) csv += row(k, k === 700 ? '十万' : undefined);
    const bytes = Buffer.from(csv);
    const err = expectRefusedUnrecorded(await loaded(bytes), bytes);
    expect(err.message).to.match(/line 701 \(row 700\) item "reg_capital": "十万" is not an integer/);
  });

  it('a NUL in a text value is refused with its line, row and item, nothing recorded (no store holds it)', async () => {
    const bytes = Buffer.from(HEADER + row(1) + '91331100MA2A000002,丽水\u0000企业,1002\n');
    const err = expectRefusedUnrecorded(await loaded(bytes), bytes);
    expect(err.message).to.match(/line 3 \(row 2\) item "entity_name": the value contains a NUL character/);
  });

  it('a JSON file lacking an item in one row is refused with the row and item, nothing recorded', async () => {
    const dataset = { ...ENTITIES, format: 'json' } as Dataset;
    const bytes = Buffer.from(
      JSON.stringify([
        { uscc: '1', entity_name: 'a', reg_capital: 1 },
        { uscc: '2', entity_name: 'b' },
      ]),
    );
    const err = expectRefusedUnrecorded(await loaded(bytes, dataset), bytes, dataset);
    expect(err.message).to.match(/row 2 item "reg_capital": missing/);
  });

  it('a file larger than the gateway takes is refused before it is read, nothing recorded', async () => {
    const run = await loaded({ size: MAX_VERSION_FILE_BYTES + 1 });
    expect(run.refused).to.be.instanceOf(InputError);
    expect((run.refused as InputError).code).to.equal('INVALID_ARGUMENT');
    expect((run.refused as Error).message).to.match(
      /is 209715201 bytes; the gateway takes a version file of at most 209715200/,
    );
    expect([run.recorded, run.uploaded]).to.deep.equal([[], []]);
  });

  it('a file that fits is recorded once, with its hash and the rows the gateway loads, then uploaded', async () => {
    let csv = HEADER;
    for (let k = 1; k <= 250; k++) csv += row(k);
    const bytes = Buffer.from(csv);
    const run = await loaded(bytes);
    expect(run.refused).to.equal(undefined);
    expect(run.recorded).to.deep.equal([
      {
        datasetId: 'market-entities',
        version: 'v9',
        contentHash: crypto.createHash('sha256').update(bytes).digest('hex'),
        rowCount: 250,
      },
    ]);
    expect(run.uploaded.map((b) => Buffer.from(b).equals(bytes))).to.deep.equal([true]);
    expect(run.result!.data).to.deep.include({ rowCount: 250, txId: 'tx-9' });
  });

  it('a large file shows the progress of its check, in rows, before it is recorded', async () => {
    let csv = HEADER;
    for (let k = 1; csv.length < 5 * 1024 * 1024; k++) csv += row(k);
    const rows = csv.split('\n').length - 2;
    const run = await loaded(Buffer.from(csv));
    expect(run.refused).to.equal(undefined);
    expect(run.stderr).to.match(new RegExp(`检查 checking .*100% ${rows} rows/${rows} rows`));
    expect(run.stderr.indexOf('检查 checking')).to.be.lessThan(run.stderr.indexOf('上传 upload'));
    expect(run.recorded).to.have.length(1);
  });

  it('the hash and row count recorded are those of the file, hashed apart and parsed as the gateway does', async () => {
    let big = HEADER;
    // Over 4 MB and not a whole number of MB: read in pieces, the last one short, behind a progress line.
    for (let k = 1; big.length < 5 * 1024 * 1024; k++) big += row(k);
    const json = { ...ENTITIES, format: 'json' } as Dataset;
    const files: [string, Uint8Array, Dataset][] = [
      [
        'CSV with BOM, CRLF, a quoted line break, no final line break',
        Buffer.from('\ufeffuscc,entity_name,reg_capital\r\n1,"丽水\r\n企业",5\r\n2,"say ""hi""",6\r\n3,c,7'),
        ENTITIES,
      ],
      ['JSON', Buffer.from(JSON.stringify([{ uscc: '1', entity_name: 'a', reg_capital: 1 }])), json],
      ['a large CSV', Buffer.from(big.slice(0, -1) + '\r\n'), ENTITIES],
    ];
    for (const [what, bytes, dataset] of files) {
      const run = await loaded(bytes, dataset);
      expect(run.refused, what).to.equal(undefined);
      const contentHash = crypto.createHash('sha256').update(bytes).digest('hex');
      const rowCount = parseDatasetFile(bytes, dataset.format, dataset.items).length;
      expect(run.recorded, what).to.deep.equal([
        { datasetId: dataset.id, version: 'v9', contentHash, rowCount },
      ]);
      expect(run.result!.data, what).to.deep.include({ contentHash, rowCount, bytes: bytes.length });
      expect(
        run.uploaded.map((b) => Buffer.from(b).equals(bytes)),
        what,
      ).to.deep.equal([true]);
    }
  });

  it('the hash and row count recorded, and the bytes uploaded, are of one reading, though the file changes once it is hashed', async () => {
    let csv = HEADER;
    for (let k = 1; csv.length < 5 * 1024 * 1024; k++) csv += row(k);
    const bytes = Buffer.from(csv);
    const rows = parseDatasetFile(bytes, 'csv', ENTITIES.items).length;
    // Cut to ten rows the moment its hash is shown: a second reading would count ten rows under the first's hash.
    const run = await loaded(bytes, ENTITIES, (text, file) => {
      if (text.includes('哈希 hashing') && text.includes('sha256'))
        fs.writeFileSync(file, csv.split('\n').slice(0, 11).join('\n') + '\n');
    });
    expect(run.stderr, 'the file was hashed behind a progress line').to.include('哈希 hashing');
    expect(run.recorded).to.deep.equal([
      {
        datasetId: 'market-entities',
        version: 'v9',
        contentHash: crypto.createHash('sha256').update(bytes).digest('hex'),
        rowCount: rows,
      },
    ]);
    expect(run.refused, 'the gateway took the upload').to.equal(undefined);
    expect(
      run.uploaded.map((b) => Buffer.compare(b, bytes)),
      'the bytes recorded were sent',
    ).to.deep.equal([0]);
  });
});
