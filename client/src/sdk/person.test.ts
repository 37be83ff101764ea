/** Natural persons: the ID-card number check, the person code under the bureau's key, the masked name. */
import { expect } from 'chai';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from './errors.js';
import {
  identityCheckCharacter,
  identityNumberProblem,
  isPersonCode,
  maskPersonName,
  personCode,
  readPersonKey,
  requireUserCode,
  userCodeProblem,
  writePersonKey,
} from './person.js';

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);

/** Well-formed ID-card numbers: a Lishui region code, a birth date 1930–2010, a sequence, the check character. */
const idNumbers = fc
  .tuple(
    fc.constantFrom('331102', '331121', '331122', '331181'),
    fc.date({ min: new Date('1930-01-01'), max: new Date('2010-12-31'), noInvalidDate: true }),
    fc.integer({ min: 0, max: 999 }),
  )
  .map(([region, born, seq]) => {
    const first17 =
      region + born.toISOString().slice(0, 10).replaceAll('-', '') + String(seq).padStart(3, '0');
    return first17 + identityCheckCharacter(first17);
  });

describe('natural persons (sdk/person)', () => {
  it('accepts a published example number and names what is wrong with others', () => {
    expect(identityNumberProblem('11010519491231002X')).to.equal(undefined);
    expect(identityNumberProblem('110105194912310021')).to.match(/check character/);
    expect(identityNumberProblem('11010519491331002X')).to.match(/birth date/);
    expect(identityNumberProblem('11010530001231002X')).to.match(/birth date/);
    expect(identityNumberProblem('1101051949123100')).to.match(/18 characters/);
    expect(identityNumberProblem('11010519491231002x')).to.match(/18 characters/);
  });

  it('any one changed digit of a valid number is caught by its check character', () => {
    fc.assert(
      fc.property(idNumbers, fc.nat(16), fc.integer({ min: 1, max: 9 }), (id, at, delta) => {
        expect(identityNumberProblem(id)).to.equal(undefined);
        const changed = id.slice(0, at) + String((Number(id[at]) + delta) % 10) + id.slice(at + 1);
        expect(identityNumberProblem(changed)).to.not.equal(undefined);
      }),
    );
  });

  it('one person, one code: the same number under the same key gives the same code, a lower-case x too', () => {
    const code = personCode('11010519491231002X', KEY);
    expect(code).to.match(/^P-[0-9A-F]{16}$/);
    expect(personCode('11010519491231002x', KEY)).to.equal(code);
    expect(personCode(' 11010519491231002X ', KEY)).to.equal(code);
  });

  it('codes differ between people and between keys, and never hold the number', () => {
    fc.assert(
      fc.property(idNumbers, idNumbers, (a, b) => {
        const code = personCode(a, KEY);
        expect(isPersonCode(code)).to.equal(true);
        expect(personCode(a, OTHER_KEY)).to.not.equal(code);
        if (a !== b) expect(personCode(b, KEY)).to.not.equal(code);
        expect(code).to.not.include(a.slice(6, 14));
      }),
    );
  });

  it('refuses a bad number without echoing it, and a short key', () => {
    const err = (() => {
      try {
        personCode('110105194912310021', KEY);
      } catch (e) {
        return e as InputError;
      }
      throw new Error('accepted a wrong number');
    })();
    expect(err).to.be.instanceOf(InputError);
    expect(err.message)
      .to.match(/check character/)
      .and.not.include('110105194912310021');
    expect(() => personCode('11010519491231002X', Buffer.alloc(16))).to.throw(InputError, /32 bytes/);
  });

  it('masks a name to its first character', () => {
    expect(maskPersonName('张三丰')).to.equal('张**');
    expect(maskPersonName('张三')).to.equal('张*');
    expect(maskPersonName('张')).to.equal('张*');
    expect(maskPersonName('  李四 ')).to.equal('李*');
    expect(maskPersonName('𠀀二三')).to.equal('𠀀**');
    expect(() => maskPersonName(' ')).to.throw(InputError);
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
        (name) => {
          const masked = Array.from(maskPersonName(name));
          expect(masked[0]).to.equal(Array.from(name.trim())[0]);
          expect(masked.slice(1).every((c) => c === '*')).to.equal(true);
        },
      ),
    );
  });

  it('a user code is a credit code or a person code; a near-miss person code says what one looks like', () => {
    expect(userCodeProblem('91331100MA2A8QN43L')).to.equal(undefined);
    expect(userCodeProblem('P-AC00F3E6737D30BC')).to.equal(undefined);
    expect(userCodeProblem('P-ac00f3e6737d30bc')).to.match(/person code is P- and 16 capital hex digits/);
    expect(userCodeProblem('91331100MA2A8QN43K')).to.match(/check character/);
    expect(() => requireUserCode('P-1', '--client-id')).to.throw(InputError, /--client-id P-1/);
  });

  it('the person key is written once, owner-only, and read back; anything else is refused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-person-key-'));
    try {
      const file = writePersonKey(path.join(dir, 'keys', 'bureau.key'));
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      expect(readPersonKey(file)).to.have.length(32);
      expect(() => writePersonKey(file)).to.throw(InputError, /never overwritten/);
      fs.writeFileSync(path.join(dir, 'short'), 'abcd\n');
      expect(() => readPersonKey(path.join(dir, 'short'))).to.throw(InputError, /at least 64 hex digits/);
      expect(() => readPersonKey(path.join(dir, 'missing'))).to.throw(InputError, /cannot read/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
