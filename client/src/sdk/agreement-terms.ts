/**
 * What a party checks before it signs an agreement. Both parties sign its `termsHash`, the SHA-256 of the terms
 * with a secret salt kept beside them (chaincode/src/models/agreement.ts, `termsHash`): whoever reads the terms
 * reads the salt too, and can see that the hash it signs is of the terms it read, not of others.
 */
import crypto from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import { InputError } from './errors.js';
import type { Agreement } from './types.js';

/** The hash of `terms` with `salt` (base64), or of the terms alone for an agreement drafted before the salt. */
export function termsHashOf(terms: Agreement['terms'], salt: string | undefined): string {
  return crypto
    .createHash('sha256')
    .update(canonicalJson(salt === undefined ? terms : { ...terms, salt }))
    .digest('hex');
}

/**
 * Refuses an agreement whose terms, as read, are not what its `termsHash` says: shown, its hash would be taken
 * for the hash of the terms shown, and signed (`rdx agreement accept --expect-hash`) as if it were.
 * @throws InputError TERMS_CHANGED, the message ending with `outcome`
 */
export function checkTermsAsRead(agreement: Agreement, outcome: string): void {
  if (termsHashOf(agreement.terms, agreement.termsSalt) !== agreement.termsHash)
    throw new InputError(
      'TERMS_CHANGED',
      `agreement ${agreement.id}: the terms as read do not hash to its termsHash ${agreement.termsHash}; ${outcome}`,
    );
}

/**
 * Refuses to sign an agreement whose terms, as read, are not what its `termsHash` says, or (with `expected`) whose
 * hash is not the one the signer read before.
 * @throws InputError TERMS_CHANGED
 */
export function checkTermsToSign(agreement: Agreement, expected?: string): void {
  checkTermsAsRead(agreement, 'not signed');
  if (expected !== undefined && expected !== agreement.termsHash)
    throw new InputError(
      'TERMS_CHANGED',
      `agreement ${agreement.id} has termsHash ${agreement.termsHash}, not the ${expected} you read`,
    );
}
