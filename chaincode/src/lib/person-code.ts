/**
 * A natural person's code on the ledger (L10 admits natural persons as users; annex 1 asks for their ID-card
 * number): `P-` and 16 capital hex digits, the start of HMAC-SHA256 over the ID-card number under a key only the
 * bureau holds (client/src/sdk/person.ts computes it). The number itself never reaches the ledger: an ID-card
 * number has too few possibilities (region, birth date, sequence) for a public salt to hide it, so the salt is
 * the bureau's secret — and it is the same for everyone, so one person has one code, one rating and one credit
 * file, and cannot be onboarded twice under two codes.
 */
const PERSON_CODE = /^P-[0-9A-F]{16}$/;

/** True for a person code; a unified social credit code never contains a hyphen, so the two never meet. */
export function isPersonCode(code: string): boolean {
  return PERSON_CODE.test(code);
}

/**
 * A natural person's name as the ledger may hold it: its first character and the rest masked (张**), so public
 * lists of users and credit name no one in clear.
 */
export function isMaskedPersonName(name: string): boolean {
  return /^[^*\s]\*{1,8}$/u.test(name);
}
