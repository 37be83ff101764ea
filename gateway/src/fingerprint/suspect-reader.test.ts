/**
 * A suspect file's marks read on a thread of their own: the same marks as read in place, a file that is not what
 * it claims a SyntaxError (the route's 400), and a file that needs more heap than a trace may use ends its thread
 * with a SyntaxError, not the gateway.
 */
import { expect } from 'chai';
import { MAX_TRACE_READINGS, readMarks, suspectCells } from '@rdx/client';
import { workbook } from '@rdx/client/testing/xlsx-writer';
import { readSuspectFile } from './suspect-reader.js';

describe('reading a suspect file on a thread of its own (readSuspectFile)', () => {
  const rows = Array.from({ length: 3000 }, (_, i) => [`企业${i}`, 1000 + ((i * 7919) % 90_000) + 0.37]);
  const book = workbook([rows]);
  const csv = Buffer.from(rows.map((r) => r.join(',')).join('\n'));

  it('reads the marks the file carries, as reading it in place does', async () => {
    const inPlace = readMarks(suspectCells(book), MAX_TRACE_READINGS);
    expect(inPlace.length).to.be.above(1000);
    expect(await readSuspectFile(book, undefined)).to.deep.equal(inPlace);
    expect(await readSuspectFile(csv, 'csv')).to.deep.equal(readMarks(suspectCells(csv), MAX_TRACE_READINGS));
  });

  it('a file that is not what it claims is a SyntaxError naming why', async () => {
    const err = await readSuspectFile(csv, 'xlsx').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(SyntaxError);
    expect((err as Error).message).to.match(/ZIP/);
  });

  it('a file that needs more heap than a trace may use ends its thread with a SyntaxError', async () => {
    // 18 MB of CSV: 1.8 million cells, more than 32 MB of heap holds (a heap too small to start a thread at all
    // would end the process: Node's limit, so the gateway's is far above it).
    const large = Array.from(
      { length: 600_000 },
      (_, i) => `企业${i},${1000 + ((i * 7919) % 90_000) + 0.37},x${i}`,
    );
    const err = await readSuspectFile(Buffer.from(large.join('\n')), 'csv', 32).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(SyntaxError);
    expect((err as Error).message).to.equal('the file cannot be read within the 32 MB a trace may use');
  });
});
