/**
 * Natural persons as users (L10; annex 1 asks for their 身份证号): the bureau turns a person's ID-card number into
 * the person code the ledger knows them by, and masks their name. The number and the name in clear never leave
 * the bureau's machine.
 *
 * Why a keyed hash: an ID-card number has few possibilities (region, birth date, a 3-digit sequence), so a hash
 * salted with anything public is reversed by trying them all. The salt here is a key only the bureau holds (a file
 * of 32 random bytes, `rdx person key`); it is the same for every person, so one person always gets the same code
 * and the chaincode refuses onboarding them twice.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from './errors.js';
import { creditCodeProblem, readInputFile } from './inputs.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
const PERSON_CODE = /^P-[0-9A-F]{16}$/;
/** Bytes of a person key; fewer would make the key guessable. */
export const PERSON_KEY_BYTES = 32;

/** The check character of an ID-card number's first 17 digits (GB 11643-1999, ISO 7064 MOD 11-2). */
export function identityCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/**
 * Why an 18-digit resident ID-card number is invalid, or undefined when it is valid: 17 digits, a real birth
 * date at 7–14 that has passed, and the check character (a digit or X). Never throws.
 */
export function identityNumberProblem(id: string): string | undefined {
  if (!/^\d{17}[\dX]$/.test(id)) return 'must be 17 digits and a check digit or X (18 characters)';
  const [y, m, d] = [id.slice(6, 10), id.slice(10, 12), id.slice(12, 14)].map(Number) as [
    number,
    number,
    number,
  ];
  const born = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d || born.getTime() > Date.now())
    return `has no real birth date (${id.slice(6, 14)})`;
  if (identityCheckCharacter(id.slice(0, 17)) !== id[17]) return 'has a wrong check character';
  return undefined;
}

/** The person code of an ID-card number under the bureau's person key: `P-` and 16 capital hex digits. */
export function personCode(identityNumber: string, personKey: Buffer): string {
  const id = identityNumber.trim().toUpperCase();
  const problem = identityNumberProblem(id);
  // The number stays out of the message: it is personal data, and errors end up in logs.
  if (problem) throw new InputError('INVALID_ARGUMENT', `the ID-card number ${problem}`);
  if (personKey.length < PERSON_KEY_BYTES)
    throw new InputError('INVALID_ARGUMENT', `a person key has at least ${PERSON_KEY_BYTES} bytes`);
  const mac = crypto.createHmac('sha256', personKey).update(id).digest('hex');
  return `P-${mac.slice(0, 16).toUpperCase()}`;
}

export function isPersonCode(code: string): boolean {
  return PERSON_CODE.test(code);
}

/** A name as the ledger may hold a natural person's: its first character, the rest as * (张三丰 → 张**). */
export function maskPersonName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) throw new InputError('INVALID_ARGUMENT', 'the name is empty');
  return chars[0]! + '*'.repeat(Math.min(Math.max(chars.length - 1, 1), 8));
}

/**
 * Why a user's code is invalid — a unified social credit code, or a person code — or undefined when valid.
 * Never throws.
 */
export function userCodeProblem(code: string): string | undefined {
  if (isPersonCode(code)) return undefined;
  const problem = creditCodeProblem(code);
  return problem && code.startsWith('P-')
    ? `${problem} (a person code is P- and 16 capital hex digits)`
    : problem;
}

/**
 * Returns the code if it is a valid credit code or person code.
 * @throws InputError INVALID_ARGUMENT naming the problem.
 */
export function requireUserCode(code: string, field = 'creditCode'): string {
  const problem = userCodeProblem(code);
  if (problem) throw new InputError('INVALID_ARGUMENT', `${field} ${code} ${problem}`);
  return code;
}

/**
 * Reads the bureau's person key: a file holding 64 or more hex digits (what `rdx person key` writes).
 * @throws InputError FILE_UNREADABLE, or INVALID_ARGUMENT for anything but a key.
 */
export function readPersonKey(file: string): Buffer {
  const text = readInputFile(file, 'person key').toString('utf8').trim();
  if (!/^[0-9a-fA-F]+$/.test(text) || text.length % 2 !== 0 || text.length < PERSON_KEY_BYTES * 2)
    throw new InputError(
      'INVALID_ARGUMENT',
      `${file} is not a person key: it must hold at least ${PERSON_KEY_BYTES * 2} hex digits (rdx person key --out ${file})`,
    );
  return Buffer.from(text, 'hex');
}

/** Writes a new person key (owner-only); never overwrites one, whose loss would change every code it made. */
export function writePersonKey(file: string): string {
  if (fs.existsSync(file))
    throw new InputError('ALREADY_EXISTS', `${file} exists: a person key is never overwritten`);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, crypto.randomBytes(PERSON_KEY_BYTES).toString('hex') + '\n', {
    mode: 0o600,
    flag: 'wx',
  });
  return path.resolve(file);
}
