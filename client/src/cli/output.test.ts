/**
 * What the CLI prints for people comes from the ledger and the gateway, written by other parties: a control
 * character in it reaches the terminal written out, never as the escape sequence its author meant.
 */
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { Output, table } from './output.js';

/** A product name an enterprise published: erase the line above, then a hidden link (OSC 8), then a bell. */
const HOSTILE = 'OK\u001b[1A\u001b[2K\u001b]8;;https://evil.example\u0007点击\u001b]8;;\u0007\r\u009b2J';

function capture(): { io: { stdout: Writable; stderr: Writable }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        add(chunk.toString());
        done();
      },
    });
  return {
    io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) },
    out: () => out,
    err: () => err,
  };
}

describe('the CLI output for people', () => {
  it('writes out every control character of a result or a note, keeping line ends and tabs', () => {
    const c = capture();
    const out = new Output(c.io, false);
    out.result({}, table(['名称 name', '地址 address'], [[HOSTILE, 'https://example.org/a\tb']]));
    out.note(`错误 error ${HOSTILE}`);
    for (const text of [c.out(), c.err()]) {
      // eslint-disable-next-line no-control-regex -- no control character but line ends and tabs may be left
      expect(text).not.to.match(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
      expect(text).to.include('OK\\x1b[1A\\x1b[2K\\x1b]8;;https://evil.example\\x07点击');
      expect(text).to.include('\\x0d\\x9b2J');
    }
    expect(c.out().split('\n')).to.have.length(4);
    expect(c.out()).to.include('\t');
  });

  it('pads a column to at most 80 columns: a cell of a megabyte is written once, not carried by every row', () => {
    const huge = 'x'.repeat(1024 * 1024);
    const lines = table(
      ['名称 name', 'id'],
      [[huge, 'a'], ...Array.from({ length: 1000 }, (_, i) => [`n${i}`, `b${i}`])],
    );
    expect(lines.join('\n').length).to.be.below(huge.length + 200_000);
    expect(lines[2]).to.equal(`${huge}  a`);
    expect(lines[3]).to.equal(`n0${' '.repeat(78)}  b0`);
  });

  it('a long list with one wide row is written unaligned rather than padded to ten times its size', () => {
    const rows = [
      ['w'.repeat(80), 'x'.repeat(80)],
      ...Array.from({ length: 100_000 }, (_, i) => [`n${i}`, '']),
    ];
    const lines = table(['名称 name', 'id'], rows);
    expect(lines.join('\n').length).to.be.below(100_000 * 20);
    expect(lines[3]).to.equal('n0');
  });

  it('writes out a bidi mark, which would reverse what follows it on the line', () => {
    const c = capture();
    const reversed = '付款至账户 \u202e1234-5678\u202c 或 \u2067x\u2069';
    new Output(c.io, false).result({}, [reversed]);
    expect(c.out()).to.equal('付款至账户 \\u202e1234-5678\\u202c 或 \\u2067x\\u2069\n');
  });

  it('with --json, the value as it is on the ledger, and nothing a terminal acts on (JSON escapes it)', () => {
    const value = { name: HOSTILE, account: '\u202e1234', del: '\u007f' };
    const [result, line] = [capture(), capture()];
    new Output(result.io, true).result(value);
    new Output(line.io, true).dataLine(value);
    for (const c of [result, line]) {
      expect(JSON.parse(c.out())).to.deep.equal(value);
      // eslint-disable-next-line no-control-regex -- JSON.stringify escapes C0; DEL, C1 and bidi marks are ours
      expect(c.out()).not.to.match(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    }
  });

  it('a progress whose total is learnt at its end finishes at 100% of it', () => {
    const c = capture();
    const checking = new Output(c.io, false).progress('检查 checking data.csv', undefined, 'rows');
    checking.tick(250);
    checking.finish('each row fits', 250);
    expect(c.err()).to.match(/^检查 checking data\.csv 100% 250 rows\/250 rows · \d+\/s · each row fits\n$/);
  });
});
