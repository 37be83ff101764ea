/**
 * Reading a dataset version's file against its catalog items, as the gateway loads it and the `rdx` CLI checks
 * it: CSV (RFC 4180) and JSON, typed values, and refusals that say where the file went wrong.
 */
import { expect } from 'chai';
import { DatasetFileError, parseDatasetFile } from './dataset-file.js';
import type { ItemSpec } from './item-spec.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function fileError(fn: () => unknown): DatasetFileError {
  try {
    fn();
  } catch (e) {
    expect(e, `expected a DatasetFileError, got ${String(e)}`).to.be.instanceOf(DatasetFileError);
    return e as DatasetFileError;
  }
  expect.fail('expected a DatasetFileError');
}

describe('dataset files', () => {
  const SMALL: ItemSpec[] = [
    { name: 'id', type: 'integer', personal: false },
    { name: 'name', type: 'string', personal: false },
    { name: 'note', type: 'string', personal: false },
  ];

  it('CSV fields may hold commas, doubled quotes and line breaks; empty fields are null', () => {
    const csv = 'id,name,note\r\n1,"丽水, 莲都","他说""好"""\r\n2,"两行\r\n文本",\n3,,"x"\r\n';
    expect(parseDatasetFile(enc(csv), 'csv', SMALL)).to.deep.equal([
      { id: 1, name: '丽水, 莲都', note: '他说"好"' },
      { id: 2, name: '两行\r\n文本', note: null },
      { id: 3, name: null, note: 'x' },
    ]);
  });

  it('a UTF-8 BOM is not part of the first column name, and columns may come in any order', () => {
    const csv = '\uFEFFnote,id,name\n备注,7,青田\n';
    expect(parseDatasetFile(enc(csv), 'csv', SMALL)).to.deep.equal([{ id: 7, name: '青田', note: '备注' }]);
  });

  it('a header that lacks an item or has an unknown one is refused on line 1, naming the column', () => {
    const missing = fileError(() => parseDatasetFile(enc('id,name\n1,a\n'), 'csv', SMALL));
    expect(missing.line).to.equal(1);
    expect(missing.item).to.equal('note');
    const unknown = fileError(() => parseDatasetFile(enc('id,name,note,phone\n1,a,b,c\n'), 'csv', SMALL));
    expect(unknown.line).to.equal(1);
    expect(unknown.message).to.match(/"phone" is not an item/);
  });

  it('a value of the wrong type is refused with its physical line, row and item', () => {
    // Row 1 spans lines 2–3, so the bad integer of row 2 is on line 4.
    const csv = 'id,name,note\n1,"a\nb",c\nx1,d,e\n';
    const e = fileError(() => parseDatasetFile(enc(csv), 'csv', SMALL));
    expect(e.line).to.equal(4);
    expect(e.row).to.equal(2);
    expect(e.item).to.equal('id');
    expect(e.message).to.match(/line 4 \(row 2\) item "id": "x1" is not an integer/);
  });

  it('dates must be real dates, booleans true or false, numbers plain numbers', () => {
    const items: ItemSpec[] = [
      { name: 'd', type: 'date', personal: false },
      { name: 'b', type: 'boolean', personal: false },
      { name: 'n', type: 'number', personal: false },
    ];
    expect(parseDatasetFile(enc('d,b,n\n2024-02-29,true,-1.5e3\n'), 'csv', items)).to.deep.equal([
      { d: '2024-02-29', b: true, n: -1500 },
    ]);
    expect(
      fileError(() => parseDatasetFile(enc('d,b,n\n2023-02-29,true,1\n'), 'csv', items)).message,
    ).to.match(/not a real date/);
    expect(fileError(() => parseDatasetFile(enc('d,b,n\n2023-02-01,yes,1\n'), 'csv', items)).item).to.equal(
      'b',
    );
    expect(
      fileError(() => parseDatasetFile(enc('d,b,n\n2023-02-01,true,"1,000"\n'), 'csv', items)).item,
    ).to.equal('n');
  });

  it('broken CSV structure is refused with the line: short record, stray quote, unclosed quote', () => {
    expect(fileError(() => parseDatasetFile(enc('id,name,note\n1,a\n'), 'csv', SMALL)).line).to.equal(2);
    expect(
      fileError(() => parseDatasetFile(enc('id,name,note\n1,a,b\n2,x"y,c\n'), 'csv', SMALL)).line,
    ).to.equal(3);
    expect(
      fileError(() => parseDatasetFile(enc('id,name,note\n1,"open,b\n2,c,d\n'), 'csv', SMALL)).message,
    ).to.match(/never closed/);
    expect(fileError(() => parseDatasetFile(enc(''), 'csv', SMALL)).message).to.match(/empty/);
    expect(fileError(() => parseDatasetFile(new Uint8Array([0xff, 0xfe]), 'csv', SMALL)).message).to.match(
      /UTF-8/,
    );
  });

  it('JSON files are arrays of objects with exactly the items; errors name the row and item', () => {
    const ok = JSON.stringify([
      { id: 1, name: '云和', note: null },
      { id: '2', name: '庆元', note: '' },
    ]);
    expect(parseDatasetFile(enc(ok), 'json', SMALL)).to.deep.equal([
      { id: 1, name: '云和', note: null },
      { id: 2, name: '庆元', note: null },
    ]);
    const missing = fileError(() =>
      parseDatasetFile(enc('[{"id":1,"name":"a","note":"b"},{"id":2,"name":"c"}]'), 'json', SMALL),
    );
    expect([missing.row, missing.item]).to.deep.equal([2, 'note']);
    const extra = fileError(() =>
      parseDatasetFile(enc('[{"id":1,"name":"a","note":"b","x":1}]'), 'json', SMALL),
    );
    expect([extra.row, extra.item]).to.deep.equal([1, 'x']);
    const wrong = fileError(() => parseDatasetFile(enc('[{"id":1.5,"name":"a","note":"b"}]'), 'json', SMALL));
    expect([wrong.row, wrong.item]).to.deep.equal([1, 'id']);
  });
});
