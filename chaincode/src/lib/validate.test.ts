import { expect } from 'chai';
import fc from 'fast-check';
import { ErrorCode, RdxError } from './errors';
import { intArg, str, whyNotPlainText } from './validate';

const SEED = Number(process.env.RDX_FC_SEED ?? 20_261_127);
const RUNS = Number(process.env.RDX_FC_RUNS ?? 1000);

/** The code `read` is refused with, or undefined when it reads a number. */
function refusal(read: () => number): ErrorCode | undefined {
  try {
    read();
    return undefined;
  } catch (err) {
    expect(err).to.be.instanceOf(RdxError);
    return (err as RdxError).code;
  }
}

/** Strings that look like numbers to `Number()` or `parseInt()`: digits among signs, points, spaces, radix marks. */
const numberish = fc.oneof(
  fc.string(),
  fc.string({
    unit: fc.constantFrom(...'0123456789+-.eExXoObB_ \t\n\u00a0\u3000٣'.split('')),
    maxLength: 12,
  }),
  fc
    .tuple(
      fc.constantFrom('', ' ', '+', '-', '0', '0x', '\n'),
      fc.nat(),
      fc.constantFrom('', ' ', '.0', 'e0', '.'),
    )
    .map(([before, n, after]) => `${before}${n}${after}`),
);

describe('intArg', () => {
  it('every string it reads is that number in plain decimal digits; every other string is INVALID_ARGUMENT', () => {
    fc.assert(
      fc.property(numberish, (raw) => {
        let value: number | undefined;
        const code = refusal(() => (value = intArg(raw, 'n', 0, Number.MAX_SAFE_INTEGER)));
        if (code === undefined) expect(String(value)).to.equal(raw);
        else expect(code).to.equal(ErrorCode.INVALID_ARGUMENT);
        expect(code === undefined).to.equal(
          /^(0|[1-9][0-9]*)$/.test(raw) && Number(raw) <= Number.MAX_SAFE_INTEGER,
        );
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('every decimal within the range is read as itself; outside it, refused naming the argument and its range', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 3000 }), (n) => {
        const read = (): number => intArg(String(n), 'year', 2000, 2100);
        if (n >= 2000 && n <= 2100) expect(read()).to.equal(n);
        else
          expect(read).to.throw(RdxError, 'year must be a whole number from 2000 to 2100 in decimal digits');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('an optional argument left empty or out is its default; a required one is refused', () => {
    expect(intArg('', 'pageSize', 1, 200, 50)).to.equal(50);
    expect(intArg(undefined, 'pageSize', 1, 200, 50)).to.equal(50);
    expect(() => intArg('', 'rowCount', 0, 10)).to.throw(
      RdxError,
      'rowCount must be a whole number from 0 to 10',
    );
    expect(() => intArg(7, 'rowCount', 0, 10)).to.throw(RdxError, 'rowCount must be');
  });
});

describe('str', () => {
  const visible = fc.constantFrom(...'数据地址登记aZ9é!'.split(''), 'e\u0301', '\u{20000}');
  const invisible = fc.constantFrom(
    ' ',
    '\t',
    '\n',
    '\u3000',
    '\u00a0',
    '\u200b',
    '\u200c',
    '\u200d',
    '\u2060',
    '\ufeff',
    '\u0301',
    '\u3164',
  );

  it('a minimum length counts the characters a reader sees, however much padding surrounds them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(invisible, { maxLength: 3 }), fc.option(visible)), { maxLength: 20 }),
        (parts) => {
          const text = parts.map(([pad, ch]) => pad.join('') + (ch ?? '')).join('');
          const seen = parts.filter(([, ch]) => ch !== null).length;
          const read = (): string => str(text, 'facts', { min: 10, max: 8000 });
          if (seen >= 10) expect(read()).to.equal(text);
          else
            expect(read).to.throw(
              RdxError,
              /^\[INVALID_ARGUMENT\] facts must (be at least 10 characters|not be empty)/,
            );
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('whyNotPlainText', () => {
  it('finds a lone surrogate exactly where UTF-8, and so the ledger, could not keep the text as written', () => {
    const unit = fc.constantFrom('a', '数', '\u{1F600}', '\ud83d', '\ude00', '\ud800', '\udfff');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 8 }), (units) => {
        const text = units.join('');
        const kept = Buffer.from(text, 'utf8').toString('utf8') === text;
        expect(whyNotPlainText(text)).to.equal(
          kept ? undefined : 'is not well-formed text (a lone UTF-16 surrogate)',
        );
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
