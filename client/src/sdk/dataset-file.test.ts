/** Row counting and hashing of dataset files, as the gateway will parse them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CsvRecordCounter, digestDatasetFile } from './dataset-file.js';
import { InputError } from './errors.js';

function records(text: string, chunkSize = text.length || 1): number {
  const counter = new CsvRecordCounter();
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunkSize) counter.push(bytes.subarray(i, i + chunkSize));
  return counter.records;
}

test('records end at LF, CRLF or CR, with or without a final line break', () => {
  assert.equal(records(''), 0);
  assert.equal(records('a,b\n1,2\n'), 2);
  assert.equal(records('a,b\n1,2'), 2);
  assert.equal(records('a,b\r\n1,2\r\n3,4\r\n'), 3);
  assert.equal(records('a,b\r1,2\r'), 2);
});

test('line breaks and doubled quotes inside quoted fields do not end a record', () => {
  assert.equal(records('a,b\n"x\ny",2\n"say ""hi""\r\nthere",3\n'), 3);
});

test('a CRLF split across chunks counts once', () => {
  const text = 'a,b\r\n1,2\r\n3,"4\r\n5"\r\n';
  for (let size = 1; size <= text.length; size++) assert.equal(records(text, size), 3, `chunk size ${size}`);
});

test('a file is hashed over its exact bytes and its data rows counted without the header', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-dataset-'));
  try {
    const csv = 'uscc,name\r\n1,"丽水, 有限公司"\r\n2,b\r\n';
    fs.writeFileSync(path.join(dir, 'a.csv'), csv);
    let seen = 0;
    const d = await digestDatasetFile(path.join(dir, 'a.csv'), 'csv', (n) => (seen += n));
    assert.equal(d.rowCount, 2);
    assert.equal(d.bytes, Buffer.byteLength(csv));
    assert.equal(seen, d.bytes);
    assert.equal(d.contentHash, crypto.createHash('sha256').update(csv).digest('hex'));

    fs.writeFileSync(path.join(dir, 'a.json'), JSON.stringify([{ uscc: '1' }, { uscc: '2' }, { uscc: '3' }]));
    assert.equal((await digestDatasetFile(path.join(dir, 'a.json'), 'json')).rowCount, 3);

    fs.writeFileSync(path.join(dir, 'b.json'), '{"not":"an array"}');
    await assert.rejects(
      digestDatasetFile(path.join(dir, 'b.json'), 'json'),
      (e: unknown) => e instanceof InputError && e.code === 'INVALID_ARGUMENT',
    );
    await assert.rejects(
      digestDatasetFile(path.join(dir, 'missing.csv'), 'csv'),
      (e: unknown) => e instanceof InputError && e.code === 'FILE_UNREADABLE',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
