/**
 * Fingerprints: what a mark may change in a served value, and that a served page mangled the usual ways (a CSV or
 * JSON round trip, rows reordered and cut, columns dropped and renamed, numbers reformatted) still names the grant
 * that received it, while an unmarked file, a random one and another grant's file name nobody.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import crypto from 'node:crypto';
import {
  binomialTail,
  carriesFingerprint,
  fingerprintCommitment,
  grantFingerprintKey,
  markDate,
  markValue,
  readMark,
  readMarks,
  scoreKey,
} from './fingerprint.js';
import { csvCells, guessFormat, jsonCells, suspectCells } from './suspect-file.js';
import { workbook, zip } from '../testing/xlsx-writer.js';
import { MAX_ENTRIES, MAX_UNZIPPED_BYTES, unzip, xlsxCells } from './xlsx.js';
import { verifyTraceEvidence, type TraceEvidence } from './trace-evidence.js';
import { verifyDocument } from '../sdk/receipt-verify.js';

const SECRET = crypto.createHash('sha256').update('test fingerprint secret').digest();
const KEY_A = grantFingerprintKey(SECRET, 'GR-A');
const KEY_B = grantFingerprintKey(SECRET, 'GR-B');
/** Below this chance a file is attributed (the figure docs/TRACE.md states). */
const ATTRIBUTE_BELOW = 1e-6;

/** A source dataset: companies with registered capital (integer, 万元), turnover (2 decimals) and a small count. */
function sourceRows(n: number, seed: number): Record<string, number | string>[] {
  const rnd = fc.sample(
    fc.record({
      capital: fc.integer({ min: 100, max: 5_000_000 }),
      turnover: fc.integer({ min: 10_000, max: 99_999_999 }),
      staff: fc.integer({ min: 1, max: 99 }),
    }),
    { numRuns: n, seed },
  );
  return rnd.map((r, i) => ({
    uscc: `91331100MA${String(i).padStart(8, '0')}`,
    capital: r.capital,
    turnover: r.turnover / 100,
    staff: r.staff,
  }));
}

/** The page a grant receives: every number marked with its key. */
function served(rows: Record<string, number | string>[], key: Buffer): Record<string, number | string>[] {
  return rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? markValue(key, v) : v])),
  );
}

function toCsv(rows: Record<string, unknown>[], columns: string[], cell = (v: unknown) => String(v)): string {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n');
}

const attributed = (cells: unknown[], key: Buffer) =>
  scoreKey(key, readMarks(cells)).chance < ATTRIBUTE_BELOW;

describe('fingerprints in served records (issue 17)', () => {
  it('a marked value is the source or one unit of its last digit away, keeps its digits, and reads back its bit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.integer({ min: 0, max: 4 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (whole, decimals, keyBytes) => {
          const key = Buffer.from(keyBytes);
          const value = whole / 10 ** decimals;
          const marked = markValue(key, value);
          // One unit of the last digit the value is written with (1230 / 10 is 123: a unit of 1).
          const unit = 10 ** -(String(value).split('.')[1]?.length ?? 0);
          expect(Math.abs(marked - value)).to.be.at.most(unit * 1.000001);
          if (marked !== value) {
            expect(Math.abs(marked - value) / Math.abs(value)).to.be.below(0.01);
            expect(String(marked).length, `${value} → ${marked}`).to.equal(String(value).length);
            const again = markValue(key, marked);
            expect(again, 'marking twice changes nothing').to.equal(marked);
          }
          const reading = readMark(marked);
          if (reading) expect(scoreKey(key, [reading]).matches, 'it carries the key’s bit').to.equal(1);
          else expect(marked, 'a value that carries no mark is served exact').to.equal(value);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('small values, last digits 0 and 9, identifiers of 16+ digits and what is not a plain number are served exact', () => {
    for (const v of [0, 7, 42, 99, -99, 1.5, 0.05, 100, 1230, 5009, 12.9, 1e21, NaN])
      expect(markValue(KEY_A, v), String(v)).to.deep.equal(v);
    for (const v of ['abc', '2026-11', '', null, true, '913311027045123456', 1234567890123456])
      expect(readMark(v), String(v)).to.equal(undefined);
  });

  it('a value reads the same mark whatever its formatting: separators, trailing zeros, spaces, currency and units', () => {
    const marked = markValue(KEY_A, 1234567.83);
    const base = readMark(marked)!;
    for (const text of [
      String(marked),
      ` ${marked} `,
      marked.toFixed(4),
      marked.toLocaleString('en-US'),
      `¥${marked.toLocaleString('en-US')}`,
      `${marked}万元`,
      `RMB ${marked}`,
    ])
      expect(readMark(text), text).to.deep.equal(base);
  });

  it('a date the body lets carry the mark moves by at most a day and reads the same in every usual form', () => {
    const days = fc.sample(
      fc.date({ min: new Date('1995-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }),
      {
        numRuns: 400,
        seed: 9,
      },
    );
    let moved = 0;
    for (const day of days) {
      const date = day.toISOString().slice(0, 10);
      const marked = markDate(KEY_A, date);
      const apart = Math.abs(Date.parse(marked) - Date.parse(date)) / 86_400_000;
      expect(apart, `${date} → ${marked}`).to.be.at.most(1);
      if (apart) moved++;
      const reading = readMark(marked);
      if (!reading) continue;
      const [y, m, d] = marked.split('-').map(Number);
      const serial = (Date.parse(marked) - Date.UTC(1899, 11, 30)) / 86_400_000;
      for (const form of [`${y}/${m}/${d}`, `${y}年${m}月${d}日`, ` ${marked} `, serial])
        expect(readMark(form), String(form)).to.deep.include({ slot: reading.slot, bit: reading.bit });
    }
    expect(moved / days.length).to.be.within(0.25, 0.55);
    expect(markDate(KEY_A, '2024-02-30'), 'not a real date: left alone').to.equal('2024-02-30');
    expect(readMark('2024-03-05T08:00:00Z'), 'a time is not a date').to.equal(undefined);
  });

  it('which items carry it: numbers unless switched off, dates only when switched on, never a personal item', () => {
    const item = (type: string, extra: { personal?: boolean; fingerprint?: boolean } = {}) =>
      carriesFingerprint({ type, ...extra });
    expect([item('integer'), item('number'), item('number', { fingerprint: false })]).to.deep.equal([
      true,
      true,
      false,
    ]);
    expect([item('date'), item('date', { fingerprint: true })]).to.deep.equal([false, true]);
    expect([item('string', { fingerprint: true }), item('number', { personal: true })]).to.deep.equal([
      false,
      false,
    ]);
  });

  it('a page mangled the usual ways names the grant that received it, and not another', () => {
    const rows = sourceRows(400, 1);
    const page = served(rows, KEY_A);
    const shuffled = fc.sample(fc.shuffledSubarray(page, { minLength: 40, maxLength: 40 }), {
      numRuns: 1,
      seed: 2,
    })[0]!;
    const mangled = {
      'the JSON page as served': jsonCells(JSON.stringify({ data: page })),
      'a CSV round trip': csvCells(toCsv(page, ['uscc', 'capital', 'turnover', 'staff'])),
      '40 rows in another order, columns reordered and one dropped': csvCells(
        toCsv(shuffled, ['turnover', 'uscc', 'capital']),
      ),
      'one column only, renamed, semicolons, thousands separators and 4 decimals': csvCells(
        `营业额;x\r\n${shuffled.map((r) => `"${Number(r.turnover).toLocaleString('en-US', { minimumFractionDigits: 4 })}";1`).join('\r\n')}`,
      ),
    };
    for (const [how, cells] of Object.entries(mangled)) {
      const a = scoreKey(KEY_A, readMarks(cells));
      expect(a.chance, `${how}: ${a.matches}/${a.trials}`).to.be.below(ATTRIBUTE_BELOW);
      expect(attributed(cells, KEY_B), `${how}: not grant B`).to.equal(false);
    }
  });

  it('the source file, a random file and grant B’s file name no grant A; B’s names B', () => {
    const rows = sourceRows(400, 3);
    const columns = ['uscc', 'capital', 'turnover', 'staff'];
    const random = fc.sample(fc.integer({ min: 100, max: 1e7 }), { numRuns: 1000, seed: 4 });
    expect(attributed(csvCells(toCsv(rows, columns)), KEY_A), 'the unmarked source').to.equal(false);
    expect(attributed(random, KEY_A), 'random numbers').to.equal(false);
    const bFile = csvCells(toCsv(served(rows, KEY_B), columns));
    expect(attributed(bFile, KEY_A)).to.equal(false);
    expect(attributed(bFile, KEY_B)).to.equal(true);
  });

  it('over many unrelated keys, false attributions stay at the rate the chance figure states', () => {
    // 1000 keys against one file of grant A: at 1e-6, none should be attributed; at 0.05, about 5 %.
    const cells = csvCells(toCsv(served(sourceRows(60, 5), KEY_A), ['capital', 'turnover']));
    const readings = readMarks(cells);
    let strict = 0;
    let loose = 0;
    for (let i = 0; i < 1000; i++) {
      const { chance } = scoreKey(grantFingerprintKey(SECRET, `other-${i}`), readings);
      if (chance < ATTRIBUTE_BELOW) strict++;
      if (chance < 0.05) loose++;
    }
    expect(strict).to.equal(0);
    expect(loose / 1000).to.be.within(0.01, 0.09);
  });

  it('the commitment binds the key: another grant’s key or another secret gives another commitment', () => {
    const c = fingerprintCommitment(KEY_A);
    expect(c).to.match(/^[0-9a-f]{64}$/);
    expect(fingerprintCommitment(KEY_B)).not.to.equal(c);
    expect(fingerprintCommitment(grantFingerprintKey(Buffer.alloc(32, 1), 'GR-A'))).not.to.equal(c);
    expect(fingerprintCommitment(grantFingerprintKey(SECRET, 'GR-A'))).to.equal(c);
  });

  it('reads at most the marks it is asked for, the first ones', () => {
    const values = served(sourceRows(200, 11), KEY_A).map((r) => r.capital);
    const all = readMarks(values);
    expect(readMarks(values, 10)).to.deep.equal(all.slice(0, 10));
  });

  it('binomial tail: exact small cases and no overflow at a million readings', () => {
    expect(binomialTail(10, 10)).to.be.closeTo(1 / 1024, 1e-12);
    expect(binomialTail(10, 0)).to.equal(1);
    expect(binomialTail(4, 2)).to.be.closeTo(11 / 16, 1e-12);
    expect(binomialTail(1_000_000, 500_000)).to.be.within(0.49, 0.51);
    expect(binomialTail(1_000_000, 1_000_000)).to.equal(0);
  });

  it('an Excel workbook of a served page (numbers, shared and inline strings, two sheets) names its grant', () => {
    const page = served(sourceRows(120, 8), KEY_A);
    const xlsx = workbook([
      [['统一社会信用代码', '注册资本'], ...page.slice(0, 60).map((r) => [r.uscc!, r.capital!])],
      [['营业额'], ...page.slice(60).map((r) => [r.turnover!])],
    ]);
    expect(guessFormat(xlsx)).to.equal('xlsx');
    const cells = suspectCells(xlsx);
    expect(cells).to.include('统一社会信用代码').and.include(page[0]!.capital);
    const a = scoreKey(KEY_A, readMarks(cells));
    expect(a.chance, `${a.matches}/${a.trials}`).to.be.below(ATTRIBUTE_BELOW);
    expect(attributed(cells, KEY_B)).to.equal(false);
    expect(() => suspectCells(Buffer.from('PK\u0003\u0004 not a zip'))).to.throw(SyntaxError, /ZIP/);
  });

  describe('a hostile workbook is refused with a SyntaxError before it fills memory or the call stack', () => {
    const sheet = (cells: string) =>
      `<worksheet><sheetData><row r="1">${cells}</row></sheetData></worksheet>`;

    it('entries that share one deflated run (a few KB listing GBs): refused at the second', () => {
      const run = Buffer.alloc(16 * 1024 * 1024, '<c r="A1"><v>1</v></c>');
      const bomb = zip([['xl/worksheets/sheet1.xml', run]], 5000);
      expect(bomb.length).to.be.below(500_000);
      const started = process.hrtime.bigint();
      expect(() => xlsxCells(bomb)).to.throw(SyntaxError, /share the data/);
      // One entry inflated, not five thousand: a fraction of a second, not minutes and 80 GB.
      expect(Number(process.hrtime.bigint() - started) / 1e9).to.be.below(5);
    });

    it('entries that inflate to more than the limit in all', () => {
      const half = Buffer.alloc(MAX_UNZIPPED_BYTES / 2 + 1024 * 1024, ' ');
      const large = zip([
        ['xl/worksheets/sheet1.xml', half],
        ['xl/worksheets/sheet2.xml', half],
      ]);
      expect(() => xlsxCells(large)).to.throw(
        SyntaxError,
        /sheet2\.xml and the entries read before it are larger/,
      );
    });

    it('a directory of more entries than a workbook has', () => {
      expect(() => unzip(zip([['a.xml', 'a']], MAX_ENTRIES))).to.throw(SyntaxError, /entries, more than/);
    });

    it('offsets past the end of the file, and deflated data that does not inflate', () => {
      const good = zip([['xl/worksheets/sheet1.xml', sheet('<c r="A1"><v>7</v></c>')]]);
      const pastEnd = Buffer.from(good);
      pastEnd.writeUInt32LE(0x7fffffff, pastEnd.length - 6); // the directory's offset
      expect(() => xlsxCells(pastEnd)).to.throw(SyntaxError, /not a readable ZIP archive/);
      const entryPastEnd = Buffer.from(good);
      entryPastEnd.writeUInt32LE(0x7fffffff, good.length - 22 - 46 - 24 + 42); // the entry's local offset
      expect(() => xlsxCells(entryPastEnd)).to.throw(SyntaxError, /not a readable ZIP archive/);
      const garbled = Buffer.from(good);
      garbled.fill(0xff, 30 + 'xl/worksheets/sheet1.xml'.length, 30 + 'xl/worksheets/sheet1.xml'.length + 8);
      expect(() => xlsxCells(garbled)).to.throw(SyntaxError, /does not inflate/);
    });

    it('what is not a sheet nor the shared strings is not even inflated', () => {
      const book = zip([
        ['xl/media/image1.png', 'x'.repeat(100)],
        ['xl/worksheets/sheet1.xml', sheet('<c r="A1"><v>7</v></c>')],
      ]);
      // The image's deflated data garbled: read, it would not inflate.
      book.fill(0xff, 30 + 'xl/media/image1.png'.length, 30 + 'xl/media/image1.png'.length + 4);
      expect(() => unzip(book)).to.throw(SyntaxError, /does not inflate/);
      expect(xlsxCells(book)).to.deep.equal([7]);
    });

    it('a JSON file of 200 000 nested brackets reads as its one value', () => {
      const deep = `${'['.repeat(200_000)}12.5${']'.repeat(200_000)}`;
      expect(jsonCells(deep)).to.deep.equal([12.5]);
      expect(jsonCells('[[1,[2,{"a":[3,"x"],"b":null}]],4]')).to.deep.equal([1, 2, 3, 'x', null, 4]);
    });
  });

  it('suspect files: CSV with quotes and CRLF, JSON nested, the format guessed from the content', () => {
    expect(csvCells('\uFEFFa,b\r\n"1,234.5","x""y"\n3,')).to.deep.equal([
      'a',
      'b',
      '1,234.5',
      'x"y',
      '3',
      '',
    ]);
    expect(jsonCells('{"data":[{"a":1,"b":{"c":"2"}}]}')).to.deep.equal([1, '2']);
    expect(suspectCells('[{"a":5}]')).to.deep.equal([5]);
    expect(suspectCells('a\n5')).to.deep.equal(['a', '5']);
    expect(() => jsonCells('{nope')).to.throw(SyntaxError, /not JSON/);
  });

  describe('a trace evidence package, checked offline', () => {
    const file = toCsv(served(sourceRows(120, 7), KEY_A), ['capital', 'turnover']);
    const readings = readMarks(suspectCells(file));
    const score = scoreKey(KEY_A, readings);
    const evidence: TraceEvidence = {
      kind: 'rdx-fingerprint-evidence',
      version: 1,
      gatewayId: 'gw1',
      tracedAt: '2026-11-30T00:00:00.000Z',
      fileSha256: crypto.createHash('sha256').update(file).digest('hex'),
      grantId: 'GR-A',
      creditCode: '91331100MA00000001',
      datasetId: 'ds',
      key: KEY_A.toString('hex'),
      commitment: fingerprintCommitment(KEY_A),
      candidates: 2,
      readings,
      ...score,
      falseAttribution: score.chance * 2,
    };
    const failed = (r: ReturnType<typeof verifyTraceEvidence>) =>
      r.checks.filter((c) => !c.ok).map((c) => c.name);

    it('holds against the ledger’s commitment and the file; rdx verify recognises it', () => {
      const r = verifyTraceEvidence(evidence, {
        ledgerCommitment: evidence.commitment,
        file: { bytes: file },
      });
      expect(r.ok, JSON.stringify(r.checks)).to.equal(true);
      expect(r.checks.map((c) => c.name)).to.deep.equal([
        'package',
        'key',
        'ledger',
        'figures',
        'file',
        'marks',
      ]);
      expect(verifyDocument(evidence, { suspectFile: Buffer.from(file) }).ok).to.equal(true);
    });

    it('fails on another key, a changed figure, another file, or another commitment on the ledger', () => {
      const keyB = { ...evidence, key: KEY_B.toString('hex') };
      expect(failed(verifyTraceEvidence(keyB))).to.include('key');
      expect(failed(verifyTraceEvidence({ ...evidence, matches: evidence.matches + 1 }))).to.deep.equal([
        'figures',
      ]);
      expect(
        failed(verifyTraceEvidence(evidence, { file: { bytes: `${file}\r\n12345,67890` } })),
      ).to.deep.equal(['file', 'marks']);
      expect(
        failed(verifyTraceEvidence(evidence, { ledgerCommitment: fingerprintCommitment(KEY_B) })),
      ).to.deep.equal(['ledger']);
      expect(failed(verifyTraceEvidence({ ...evidence, kind: 'other' } as never))).to.deep.equal(['package']);
    });

    it('fails on a chance of false attribution the marks do not give: fewer grants compared, a smaller figure', () => {
      // Written to name the grant: one candidate and a vanishing chance, while the marks say otherwise.
      const flattering = { ...evidence, candidates: 1, falseAttribution: 1e-30 };
      expect(failed(verifyTraceEvidence(flattering))).to.deep.equal(['figures']);
      expect(
        failed(verifyTraceEvidence({ ...evidence, falseAttribution: evidence.falseAttribution / 10 })),
      ).to.deep.equal(['figures']);
      // One candidate with the figure it gives holds: the count of grants compared is the gateway's word.
      expect(verifyTraceEvidence({ ...evidence, candidates: 1, falseAttribution: score.chance }).ok).to.equal(
        true,
      );
    });

    it('a package not as a trace writes it (a reading’s slot a number, a bit 2, no count of grants) fails by name, not with a crash', () => {
      const readingsAs = (r: unknown) =>
        ({ ...evidence, readings: [r, ...evidence.readings.slice(1)] }) as never;
      for (const bad of [
        readingsAs({ slot: 7, bit: 1 }),
        readingsAs({ slot: 'x', bit: 2 }),
        readingsAs(null),
        { ...evidence, readings: 'none' } as never,
        { ...evidence, candidates: 0 },
        { ...evidence, key: 5 } as never,
      ]) {
        const r = verifyTraceEvidence(bad);
        expect(failed(r), JSON.stringify(bad).slice(0, 80)).to.deep.equal(['package']);
        expect(r.checks[0]!.detail).to.match(/not as a trace writes it/);
      }
    });
  });
});
