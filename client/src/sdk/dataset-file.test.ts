/** Row counting and hashing of dataset files, as the gateway will parse them. */
import { expect } from 'chai';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CsvRecordCounter, digestDatasetFile, readDatasetFile } from './dataset-file.js';
import { InputError } from './errors.js';

function records(text: string, chunkSize = text.length || 1): number {
  const counter = new CsvRecordCounter();
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunkSize) counter.push(bytes.subarray(i, i + chunkSize));
  return counter.records;
}

describe('dataset files: record counting and hashing', () => {
  it('records end at LF, CRLF or CR, with or without a final line break', () => {
    expect(records('')).to.equal(0);
    expect(records('a,b\n1,2\n')).to.equal(2);
    expect(records('a,b\n1,2')).to.equal(2);
    expect(records('a,b\r\n1,2\r\n3,4\r\n')).to.equal(3);
    expect(records('a,b\r1,2\r')).to.equal(2);
  });

  it('line breaks and doubled quotes inside quoted fields do not end a record', () => {
    expect(records('a,b\n"x\ny",2\n"say ""hi""\r\nthere",3\n')).to.equal(3);
  });

  it('a CRLF split across chunks counts once', () => {
    const text = 'a,b\r\n1,2\r\n3,"4\r\n5"\r\n';
    for (let size = 1; size <= text.length; size++)
      expect(records(text, size), `chunk size ${size}`).to.equal(3);
  });

  it('a file is hashed over its exact bytes and its data rows counted without the header', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-dataset-'));
    try {
      const csv = 'uscc,name\r\n1,"丽水, 有限公司"\r\n2,b\r\n';
      fs.writeFileSync(path.join(dir, 'a.csv'), csv);
      let seen = 0;
      const d = await digestDatasetFile(path.join(dir, 'a.csv'), 'csv', (n) => (seen += n));
      expect(d.rowCount).to.equal(2);
      expect(d.bytes).to.equal(Buffer.byteLength(csv));
      expect(seen).to.equal(d.bytes);
      expect(d.contentHash).to.equal(crypto.createHash('sha256').update(csv).digest('hex'));

      fs.writeFileSync(
        path.join(dir, 'a.json'),
        JSON.stringify([{ uscc: '1' }, { uscc: '2' }, { uscc: '3' }]),
      );
      expect((await digestDatasetFile(path.join(dir, 'a.json'), 'json')).rowCount).to.equal(3);

      fs.writeFileSync(path.join(dir, 'b.json'), '{"not":"an array"}');
      await expect(digestDatasetFile(path.join(dir, 'b.json'), 'json'))
        .to.be.rejectedWith(InputError)
        .and.eventually.have.property('code', 'INVALID_ARGUMENT');
      await expect(digestDatasetFile(path.join(dir, 'missing.csv'), 'csv'))
        .to.be.rejectedWith(InputError)
        .and.eventually.have.property('code', 'FILE_UNREADABLE');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file read for loading is held whole, hashed over its exact bytes as it is read', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-dataset-'));
    try {
      // Three pieces of a megabyte and a short one: the hash runs across the pieces.
      const bytes = crypto.randomBytes(3 * 1024 * 1024 + 12345);
      const file = path.join(dir, 'a.csv');
      fs.writeFileSync(file, bytes);
      const pieces: number[] = [];
      const held = await readDatasetFile(file, (n) => pieces.push(n));
      expect(held.bytes.equals(bytes)).to.equal(true);
      expect(held.contentHash).to.equal(crypto.createHash('sha256').update(bytes).digest('hex'));
      expect(pieces).to.deep.equal([1 << 20, 1 << 20, 1 << 20, 12345]);

      fs.writeFileSync(path.join(dir, 'empty.csv'), '');
      expect((await readDatasetFile(path.join(dir, 'empty.csv'))).contentHash).to.equal(
        crypto.createHash('sha256').digest('hex'),
      );
      await expect(readDatasetFile(path.join(dir, 'missing.csv')))
        .to.be.rejectedWith(InputError, /cannot read the data file .*missing\.csv/)
        .and.eventually.have.property('code', 'FILE_UNREADABLE');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file that grows while it is read for loading is refused, not hashed without its end', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-dataset-'));
    try {
      const file = path.join(dir, 'a.csv');
      fs.writeFileSync(file, 'uscc,name\n1,a\n');
      await expect(readDatasetFile(file, () => fs.appendFileSync(file, '2,b\n')))
        .to.be.rejectedWith(InputError, /grew while it was read/)
        .and.eventually.have.property('code', 'FILE_UNREADABLE');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
