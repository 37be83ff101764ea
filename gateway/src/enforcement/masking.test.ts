import { expect } from 'chai';
import fc from 'fast-check';
import { maskPersonal, maskValue } from './masking.js';

describe('masking of personal items', () => {
  it('keeps the region and last four of an ID, prefix and last four of a phone, the family name', () => {
    expect(maskValue('33110219850312003X')).to.equal('331102********003X');
    expect(maskValue('13800138000')).to.equal('138****8000');
    expect(maskValue('王小明')).to.equal('王**');
    expect(maskValue('李四')).to.equal('李*');
    expect(maskValue('欧阳娜娜')).to.equal('欧***');
  });

  it('tells an ID number and a mobile number by their exact shape, as the rule writes them', () => {
    // Near misses: digits, X and x, a letter, a full-width digit, at every length around 11 and 18.
    const text = fc.string({
      unit: fc.constantFrom(...'0123456789Xxa１'),
      minLength: 9,
      maxLength: 20,
    });
    fc.assert(
      fc.property(fc.oneof(text, fc.constantFrom('13800138000', '33110219850312003x')), (s) => {
        const masked = maskValue(s);
        if (/^\d{17}[\dXx]$/.test(s)) expect(masked).to.equal(`${s.slice(0, 6)}********${s.slice(14)}`);
        else if (/^1\d{10}$/.test(s)) expect(masked).to.equal(`${s.slice(0, 3)}****${s.slice(7)}`);
        else expect(masked).to.equal(s.slice(0, 2) + '*'.repeat(s.length - 4) + s.slice(-2));
      }),
      { numRuns: 2000 },
    );
  });

  it('counts and keeps characters, not UTF-16 units, outside the basic plane too', () => {
    expect(maskValue('𠮷野家餐饮有限公司')).to.equal('𠮷野*****公司');
    expect(maskValue('𠮷野')).to.equal('𠮷*');
    expect(maskValue('a😀')).to.equal('a*');
    // Whatever the text: as many characters out as in, the first two and last two kept past four.
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        const masked = maskValue(s) as string;
        const chars = [...s];
        if (/^\d{17}[\dXx]$/.test(s) || /^1\d{10}$/.test(s)) return;
        expect([...masked].length).to.equal(Math.max(chars.length, 1));
        if (chars.length > 4)
          expect(masked).to.equal(
            chars.slice(0, 2).join('') + '*'.repeat(chars.length - 4) + chars.slice(-2).join(''),
          );
        else if (chars.length > 1) expect(masked).to.equal(chars[0] + '*'.repeat(chars.length - 1));
      }),
    );
  });

  it('withholds a value that is not text whole: no digit of a number, no bit of a boolean survives', () => {
    for (const v of [1234.5, 0, -7, true, false, 13800138000, { a: 1 }, [1, 2]]) {
      expect(maskValue(v), JSON.stringify(v)).to.equal(null);
    }
    expect(maskValue(null)).to.equal(null);
  });

  it('masks only the personal items of the rows, in place', () => {
    const rows = [
      { id: 1, name: '王小明', income: 1234.5 },
      { id: 2, name: '李四', income: null },
    ];
    const masked = maskPersonal(rows, ['name', 'income']);
    expect(masked).to.equal(rows);
    expect(rows).to.deep.equal([
      { id: 1, name: '王**', income: null },
      { id: 2, name: '李*', income: null },
    ]);
    const untouched = [{ id: 3, name: '赵六' }];
    expect(maskPersonal(untouched, [])).to.deep.equal([{ id: 3, name: '赵六' }]);
  });
});
