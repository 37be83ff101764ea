/**
 * Checks of user input that the SDK can make before anything is sent, with the chaincode's own rules, so a
 * typo in a credit code or a date costs no endorsement round trip and names the field at fault.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { jsonDepth, MAX_JSON_DEPTH, visibleLength } from '@rdx/chaincode';
import { InputError } from './errors.js';

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/**
 * Why a unified social credit code (统一社会信用代码, GB 32100-2015) is invalid, or undefined when it is valid:
 * 18 characters from the 31-character alphabet, the last a check character over the first 17.
 * Never throws.
 */
export function creditCodeProblem(code: string): string | undefined {
  if (code.length !== 18) return `must be 18 characters, not ${code.length}`;
  for (const ch of code) {
    if (!USCC_ALPHABET.includes(ch))
      return `contains "${ch}", which a credit code cannot (digits and capitals except I, O, Z, S, V)`;
  }
  if (checkCharacter(code) !== code[17]) return 'has a wrong check character';
  return undefined;
}

/** The check character of a credit code's first 17 characters (GB 32100-2015). */
function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  const check = 31 - (sum % 31);
  return USCC_ALPHABET[check === 31 ? 0 : check]!;
}

/**
 * A random, well-formed credit code of a Lishui enterprise (9133110…), for walk-throughs, training networks and
 * tests: it passes every check and names no real enterprise one could know of.
 */
export function exampleCreditCode(): string {
  const first17 = '91331100' + Array.from(crypto.randomBytes(9), (b) => String(b % 10)).join('');
  return first17 + checkCharacter(first17);
}

/**
 * Returns the credit code if valid.
 * @throws InputError INVALID_ARGUMENT naming the problem.
 */
export function requireCreditCode(code: string, field = 'creditCode'): string {
  const problem = creditCodeProblem(code);
  if (problem) throw new InputError('INVALID_ARGUMENT', `${field} ${code} ${problem}`);
  return code;
}

/**
 * Returns a real calendar date written YYYY-MM-DD.
 * @throws InputError INVALID_ARGUMENT otherwise.
 */
export function requireDate(value: string, field: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const t = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !t || t.getUTCFullYear() !== Number(m[1]) || t.getUTCDate() !== Number(m[3]))
    throw new InputError(
      'INVALID_ARGUMENT',
      `${field} must be a real date written YYYY-MM-DD, got "${value}"`,
    );
  return value;
}

/**
 * Returns an integer within bounds, parsed from text.
 * @throws InputError INVALID_ARGUMENT otherwise.
 */
export function requireInt(value: string | number, field: string, min: number, max: number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InputError(
      'INVALID_ARGUMENT',
      `${field} must be an integer from ${min} to ${max}, got "${value}"`,
    );
  return n;
}

/**
 * Returns `value` if it is one of `allowed`.
 * @throws InputError INVALID_ARGUMENT listing the allowed values.
 */
export function requireOneOf<T extends string>(value: string, field: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new InputError('INVALID_ARGUMENT', `${field} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

/**
 * A reason the rules require (a rejection, a suspension): at least 4 characters, as the chaincode demands.
 * @throws InputError INVALID_ARGUMENT when missing or too short.
 */
export function requireReason(value: string | undefined, field = 'reason'): string {
  // Counted as the chaincode counts it: white space and invisible characters are no reason.
  if (value === undefined || visibleLength(value) < 4)
    throw new InputError(
      'INVALID_ARGUMENT',
      `${field} is required: state the reason (at least 4 characters, not counting spaces and invisible ones)`,
    );
  return value;
}

/**
 * Hex SHA-256 of bytes or a UTF-8 string.
 * Never throws.
 */
export function sha256Hex(data: string | Uint8Array): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/**
 * Reads a file the user named.
 * @throws InputError FILE_UNREADABLE naming the file.
 */
export function readInputFile(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new InputError('FILE_UNREADABLE', `cannot read ${what} ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * Writes a file the user named (`--out`), making its folder as needed: a folder that cannot be made, or a path
 * that is a folder, is the user's to correct, not a bug.
 * @throws InputError FILE_UNWRITABLE naming the file.
 */
export function writeOutputFile(file: string, data: string | Uint8Array, what: string): void {
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, data);
  } catch (err) {
    throw new InputError('FILE_UNWRITABLE', `cannot write ${what} to ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * Reads and parses a JSON file the user named, refusing one nested deeper than the ledger takes. `enclosing` is how
 * many levels down the ledger's argument holds the file's value: 0 when the file is the argument, 1 when it is the
 * body of a signed enterprise request.
 * @throws InputError FILE_UNREADABLE, or INVALID_ARGUMENT when it is not JSON or nests too deep.
 */
export function readJsonFile<T = unknown>(file: string, what: string, enclosing = 0): T {
  const text = readInputFile(file, what).toString('utf8');
  let value: T;
  try {
    value = JSON.parse(text) as T;
  } catch (err) {
    throw new InputError('INVALID_ARGUMENT', `${what} ${file} is not valid JSON: ${(err as Error).message}`);
  }
  // Parsed, a file of some thousands of nested brackets overflowed the stack of every recursive walk after it
  // (signing, canonical JSON): exit 2, "a bug". Counted as the ledger counts, a file it would refuse is refused
  // here, before it is signed and sent.
  const limit = MAX_JSON_DEPTH - enclosing;
  if (jsonDepth(value) > limit)
    throw new InputError(
      'INVALID_ARGUMENT',
      `${what} ${file} nests more than ${limit} levels deep (each value inside an object or list is a level ` +
        `below it); the ledger takes no deeper`,
    );
  return value;
}

/** Hex SHA-256 of a file's bytes. @throws InputError FILE_UNREADABLE. */
export function sha256OfFile(file: string, what: string): string {
  return sha256Hex(readInputFile(file, what));
}

/**
 * Today's date in China time (UTC+8), as the chaincode counts days.
 * Never throws.
 */
export function chinaToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
