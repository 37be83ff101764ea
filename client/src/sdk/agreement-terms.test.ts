import { expect } from 'chai';
import crypto from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import { checkTermsToSign, termsHashOf } from './agreement-terms.js';
import { InputError } from './errors.js';
import type { Agreement } from './types.js';

const TERMS = {
  agreementId: 'app-1.MarketMSP',
  datasets: [{ datasetId: 'market-entities', items: ['uscc', 'entity_name'] }],
  purpose: '贷前核验',
  dailyQuota: 1000,
} as unknown as Agreement['terms'];
const SALT = crypto.randomBytes(32).toString('base64');

function agreement(terms: Agreement['terms'], salt: string | undefined, hash: string): Agreement {
  return { id: 'app-1.MarketMSP', terms, termsHash: hash, termsSalt: salt } as Agreement;
}

const refusal = (a: Agreement, expected?: string): string | undefined => {
  try {
    checkTermsToSign(a, expected);
    return undefined;
  } catch (err) {
    expect(err).to.be.instanceOf(InputError).with.property('code', 'TERMS_CHANGED');
    return (err as Error).message;
  }
};

describe('what a party checks before it signs an agreement', () => {
  it('the hash is of the terms with their salt, so equal terms under two salts hash apart', () => {
    const hash = termsHashOf(TERMS, SALT);
    expect(hash).to.equal(
      crypto
        .createHash('sha256')
        .update(canonicalJson({ ...TERMS, salt: SALT }))
        .digest('hex'),
    );
    expect(termsHashOf(TERMS, crypto.randomBytes(32).toString('base64'))).not.to.equal(hash);
  });

  it('signs terms that hash to the agreement’s termsHash, salted or (drafted before the salt) not', () => {
    expect(refusal(agreement(TERMS, SALT, termsHashOf(TERMS, SALT)))).to.equal(undefined);
    expect(refusal(agreement(TERMS, undefined, termsHashOf(TERMS, undefined)))).to.equal(undefined);
  });

  it('refuses terms other than those hashed: a quota changed, the salt held back, another salt', () => {
    const hash = termsHashOf(TERMS, SALT);
    expect(refusal(agreement({ ...TERMS, dailyQuota: 100000 }, SALT, hash))).to.match(/do not hash/);
    expect(refusal(agreement(TERMS, undefined, hash))).to.match(/do not hash/);
    expect(refusal(agreement(TERMS, crypto.randomBytes(32).toString('base64'), hash))).to.match(
      /do not hash/,
    );
  });

  it('refuses a hash other than the one the signer read before', () => {
    const hash = termsHashOf(TERMS, SALT);
    expect(refusal(agreement(TERMS, SALT, hash), hash)).to.equal(undefined);
    expect(refusal(agreement(TERMS, SALT, hash), 'ab'.repeat(32))).to.match(/you read/);
  });
});
