import { expect } from 'chai';
import fc from 'fast-check';
import {
  anchorHashOf as chaincodeAnchorHash,
  canonicalJson as chaincodeCanonical,
  COMPLAINT_CATEGORIES as CHAINCODE_COMPLAINT_CATEGORIES,
  isPersonCode as chaincodeIsPersonCode,
  NATURES as CHAINCODE_NATURES,
  termsHash as chaincodeTermsHash,
  type Terms,
} from '@rdx/chaincode';
import { canonicalJson } from './canonical-json.js';
import { anchorHashOf } from './sdk/receipt-verify.js';
import { termsHashOf } from './sdk/agreement-terms.js';
import { isPersonCode, personCode } from './sdk/person.js';
import { COMPLAINT_CATEGORIES, ENTERPRISE_NATURES } from './sdk/types.js';

// The SDK re-implements a few pieces of protocol on purpose (its offline verifier and the bureau's person-code
// tool must not load the chaincode): these properties pin them equal to the chaincode's over generated inputs, so
// neither can drift alone.

const jsonValue = fc.jsonValue({ maxDepth: 4 });

describe('protocol parity between the chaincode and the SDK', () => {
  it('the SDK offers exactly the complaint categories the chaincode accepts', () => {
    expect([...COMPLAINT_CATEGORIES]).to.deep.equal([...CHAINCODE_COMPLAINT_CATEGORIES]);
  });

  it('the SDK offers exactly the natures of a user the chaincode accepts (natural persons among them)', () => {
    expect([...ENTERPRISE_NATURES]).to.deep.equal([...CHAINCODE_NATURES]);
  });

  it('a person code is the same thing to both: every code the SDK makes is one, and near-misses are none', () => {
    const hex = fc.stringMatching(/^[0-9A-Fa-f]{14,18}$/);
    const text = fc.oneof(
      hex.map((h) => `P-${h}`),
      hex.map((h) => `p-${h}`),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(text, (code) => {
        expect(isPersonCode(code), code).to.equal(chaincodeIsPersonCode(code));
      }),
      { numRuns: 500 },
    );
    // A published sample ID-card number, under some key: the code the SDK makes is one to the chaincode.
    expect(chaincodeIsPersonCode(personCode('11010519491231002X', Buffer.alloc(32, 7)))).to.equal(true);
  });

  it('canonical JSON is the same text for any JSON value', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        expect(canonicalJson(value)).to.equal(chaincodeCanonical(value));
      }),
      { numRuns: 500 },
    );
  });

  it('keys that name Object.prototype members ("__proto__" among them) stay data in both', () => {
    const key = fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a', 'b');
    const text = fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 }).map(
      (o) =>
        `{${Object.entries(o)
          .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
          .join(',')}}`,
    );
    fc.assert(
      fc.property(text, (t) => {
        const parsed = JSON.parse(t) as Record<string, unknown>;
        const ours = canonicalJson(parsed);
        expect(ours).to.equal(chaincodeCanonical(parsed));
        // Nothing dropped: the canonical text has every key the input had.
        expect(Object.keys(JSON.parse(ours) as object).sort()).to.deep.equal(Object.keys(parsed).sort());
      }),
      { numRuns: 300 },
    );
  });

  it('the anchor hash is the same for any anchor, whatever extra fields it carries', () => {
    const anchor = fc.record({
      gatewayId: fc.string({ minLength: 1, maxLength: 40 }),
      sequence: fc.nat(),
      merkleRoot: fc.stringMatching(/^[0-9a-f]{64}$/),
      recordCount: fc.nat(),
      firstRecord: fc.nat(),
      firstRecordAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      lastRecordAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      previousAnchorHash: fc.stringMatching(/^[0-9a-f]{64}$/),
      extra: fc.jsonValue({ maxDepth: 2 }),
    });
    fc.assert(
      fc.property(anchor, (a) => {
        expect(anchorHashOf(a)).to.equal(chaincodeAnchorHash(a));
      }),
      { numRuns: 300 },
    );
  });

  it('an agreement’s terms hash is the same to both, with a salt and without (agreements drafted before it)', () => {
    const terms = fc.dictionary(fc.string({ maxLength: 12 }), jsonValue, { maxKeys: 8 });
    const salt = fc.option(fc.base64String({ minLength: 24, maxLength: 44 }), { nil: undefined });
    fc.assert(
      fc.property(terms, salt, (t, s) => {
        expect(termsHashOf(t as unknown as Terms, s)).to.equal(chaincodeTermsHash(t as unknown as Terms, s));
      }),
    );
  });
});
