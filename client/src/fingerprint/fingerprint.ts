/**
 * Fingerprints in served records (数据水印, issue 17): each number of a restricted record a grant receives carries
 * one bit of that grant's key, so a leaked file can be traced back to the grant that served it.
 *
 * The mark lives in the last digit of a number as served. A value with at least three significant digits whose
 * last digit is 1–8 belongs to one of the pairs {1,2} {3,4} {5,6} {7,8}; which member is served is a bit of
 * HMAC-SHA256(grant key, the value with that digit cleared). So:
 *
 * - a marked value differs from the source by at most one unit of its last digit, a relative change below 1 %
 *   (5003 may be served as 5004, 12.57 as 12.58); values with fewer than three or more than 15 significant
 *   digits, and last digits 0 and 9, are served exact, so no value gains or loses a digit;
 * - the mark is read from the value alone — no row key, column name or order is needed — so it survives
 *   reordered or dropped rows and columns, renamed headers, CSV and spreadsheet round trips and reformatting
 *   that keeps the digits (thousands separators, trailing zeros, a different number of leading spaces);
 * - rounding to fewer digits erases it, as it erases any value-level mark;
 * - a date, where the owning body lets it carry the mark, is marked through its day number (dates.ts): it may be
 *   served a day earlier or later.
 *
 * The key of a grant is HMAC-SHA256(the gateways' fingerprint secret, grant id); the ledger holds SHA-256 of it
 * (its commitment), so revealing one grant's key in an evidence package proves the attribution without exposing
 * the secret or any other grant's key.
 */
import crypto from 'node:crypto';
import { dateSerial, serialDate } from './dates.js';

/**
 * Whether an item's values carry the fingerprint: never a personal item (masked anyway); numbers unless the body
 * switched them off, dates only where it switched them on (a day moved is a fact changed).
 */
export function carriesFingerprint(item: {
  type: string;
  personal?: boolean;
  fingerprint?: boolean;
}): boolean {
  if (item.personal) return false;
  if (item.type === 'integer' || item.type === 'number') return item.fingerprint !== false;
  return item.type === 'date' && item.fingerprint === true;
}

/** Marks a trace reads from one file at most (scoring costs one HMAC per mark and grant). */
export const MAX_TRACE_READINGS = 5000;

/** Bytes of the gateways' fingerprint secret. */
export const FINGERPRINT_SECRET_BYTES = 32;

/** The key of one grant: HMAC-SHA256(secret, "rdx-fingerprint-grant|" + grant id). */
export function grantFingerprintKey(secret: Buffer, grantId: string): Buffer {
  return crypto.createHmac('sha256', secret).update(`rdx-fingerprint-grant|${grantId}`).digest();
}

/** What the ledger holds for a grant: SHA-256("rdx-fingerprint-commitment|" + hex key). */
export function fingerprintCommitment(key: Buffer): string {
  return crypto
    .createHash('sha256')
    .update(`rdx-fingerprint-commitment|${key.toString('hex')}`)
    .digest('hex');
}

/** A number as its digits: sign, the integer of all its digits, and how many of them are decimals. */
interface Digits {
  negative: boolean;
  digits: bigint;
  decimals: number;
  /** Read from a date written as text (its day number). */
  date?: true;
}

const PLAIN_NUMBER = /^([+-]?)(\d+)(?:\.(\d+))?$/;
/** A currency sign before a number, or a unit after it, as reports write them. */
const UNITS = /^(?:[¥￥$€£]|RMB|CNY)\s*|\s*(?:[万亿]?元|万|亿|%|％)$/g;

/** The digits of a served or suspect value, or undefined when it is not a plain decimal number. */
function digitsOf(value: unknown): Digits | undefined {
  let text: string;
  let date = false;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = String(value);
    if (/e/i.test(text)) return undefined; // beyond plain notation: left alone
  } else if (typeof value === 'string') {
    // A date is read as its day number; a number with spreadsheet and report formatting: spaces, thousands
    // separators (, and full-width ，), a currency sign before it or a unit after it (¥1,234.56, 1234.56万元).
    const serial = dateSerial(value);
    date = serial !== undefined;
    text =
      serial === undefined
        ? value
            .trim()
            .replace(UNITS, '')
            .replace(/[,，\s]/g, '')
        : String(serial);
  } else return undefined;
  const m = PLAIN_NUMBER.exec(text);
  if (!m) return undefined;
  const decimals = (m[3] ?? '').replace(/0+$/, ''); // 12.50 and 12.5 are one value
  const whole = `${m[2]}${decimals}`.replace(/^0+(?=\d)/, '');
  return {
    negative: m[1] === '-',
    digits: BigInt(whole),
    decimals: decimals.length,
    ...(date ? { date } : {}),
  };
}

/** Where a mark is: the value with its last digit's pair cleared; undefined for a value that carries none. */
interface Slot {
  /** Names the slot for the HMAC: decimals, the digits less the last, and the pair. */
  id: string;
  /** The first digit of the pair (1, 3, 5 or 7). */
  pairStart: bigint;
  /** The digit served now (1–8). */
  last: bigint;
  d: Digits;
}

function slotOf(value: unknown): Slot | undefined {
  const d = digitsOf(value);
  // Fewer than three significant digits: exact. More than 15: beyond what a double holds exactly, and what
  // such a string usually is — a credit code, an ID or account number — is an identifier, never marked.
  if (!d || d.digits < 100n || d.digits >= 10n ** 15n) return undefined;
  const last = d.digits % 10n;
  if (last === 0n || last === 9n) return undefined;
  const pairStart = last % 2n === 1n ? last : last - 1n;
  const rest = d.digits / 10n;
  return { id: `${d.negative ? '-' : ''}${d.decimals}|${rest}|${pairStart}`, pairStart, last, d };
}

function bitFor(key: Buffer | crypto.KeyObject, slot: string): 0 | 1 {
  return (crypto.createHmac('sha256', key).update(slot).digest()[0]! & 1) as 0 | 1;
}

/** The value a grant with `key` is served for `value`: the same, or one unit of its last digit away. */
export function markValue(key: Buffer | crypto.KeyObject, value: number): number {
  const slot = slotOf(value);
  if (!slot) return value;
  const wanted = slot.pairStart + BigInt(bitFor(key, slot.id));
  if (wanted === slot.last) return value;
  const digits = slot.d.digits - slot.last + wanted;
  const text = digits.toString().padStart(slot.d.decimals + 1, '0');
  const at = text.length - slot.d.decimals;
  const plain = slot.d.decimals ? `${text.slice(0, at)}.${text.slice(at)}` : text;
  return Number(`${slot.d.negative ? '-' : ''}${plain}`);
}

/**
 * The date a grant with `key` is served for `date` (YYYY-MM-DD): the same, or a day before or after — its day
 * number marked as a number is (dates are marked only where the owning body asks for it).
 */
export function markDate(key: Buffer | crypto.KeyObject, date: string): string {
  const serial = dateSerial(date);
  if (serial === undefined) return date;
  const marked = markValue(key, serial);
  return marked === serial ? date : serialDate(marked);
}

/** A mark read from a suspect value: its slot and the bit it carries. */
export interface MarkReading {
  slot: string;
  bit: 0 | 1;
  /** Read from a date written as text. */
  date?: boolean;
}

/** The mark a suspect value carries, if it can carry one. */
export function readMark(value: unknown): MarkReading | undefined {
  const slot = slotOf(value);
  if (!slot) return undefined;
  return { slot: slot.id, bit: slot.last === slot.pairStart ? 0 : 1, ...(slot.d.date ? { date: true } : {}) };
}

/**
 * Distinct readings of many values: a slot read twice (the same number in two rows) counts once. At most `max`
 * slots are read (the first ones): a few thousand marks settle any attribution, a million would only cost time.
 */
export function readMarks(values: Iterable<unknown>, max = Infinity): MarkReading[] {
  const seen = new Map<string, MarkReading | 'both'>();
  for (const v of values) {
    if (seen.size >= max) break;
    const r = readMark(v);
    if (!r) continue;
    const before = seen.get(r.slot);
    // A slot seen with both bits carries no evidence either way (two sources mixed): dropped. Read once as
    // a number, it counts as one (a spreadsheet keeps dates as numbers).
    if (before === undefined) seen.set(r.slot, r);
    else if (before !== 'both')
      seen.set(r.slot, before.bit !== r.bit ? 'both' : before.date && !r.date ? r : before);
  }
  const readings: MarkReading[] = [];
  for (const r of seen.values()) if (r !== 'both') readings.push(r);
  return readings;
}

/**
 * The readings that can be a grant's marks: date readings only where its dataset lets dates carry the mark —
 * elsewhere a date column is not marked, and its readings would only drown the numbers' in chance agreement.
 */
export function readingsFor(readings: MarkReading[], datesMarked: boolean): MarkReading[] {
  return datesMarked ? readings : readings.filter((r) => !r.date);
}

/** How well the readings agree with one grant's key. */
export interface MarkScore {
  /** Readings compared. */
  trials: number;
  /** Of those, carrying the bit this key gives. */
  matches: number;
  /**
   * The chance that a file this grant never received agrees at least this well: each reading agrees with an
   * unrelated key with probability ½, independently (P[Binomial(trials, ½) ≥ matches]).
   */
  chance: number;
}

export function scoreKey(key: Buffer | crypto.KeyObject, readings: MarkReading[]): MarkScore {
  let matches = 0;
  for (const r of readings) if (bitFor(key, r.slot) === r.bit) matches++;
  return { trials: readings.length, matches, chance: binomialTail(readings.length, matches) };
}

/** P[X ≥ k] for X ~ Binomial(n, ½), computed in log space (n up to millions). */
export function binomialTail(n: number, k: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  const logHalfN = -n * Math.LN2;
  // log C(n, i) by recurrence from i = k upwards, summed with log-sum-exp.
  let logC = logChoose(n, k);
  let maxTerm = logC;
  const terms: number[] = [logC];
  for (let i = k + 1; i <= n; i++) {
    logC += Math.log((n - i + 1) / i);
    terms.push(logC);
    if (logC > maxTerm) maxTerm = logC;
    if (logC < maxTerm - 50) break; // the rest adds less than e^-50 of the sum
  }
  const sum = terms.reduce((acc, t) => acc + Math.exp(t - maxTerm), 0);
  return Math.min(1, Math.exp(maxTerm + Math.log(sum) + logHalfN));
}

function logChoose(n: number, k: number): number {
  let s = 0;
  const m = Math.min(k, n - k);
  for (let i = 1; i <= m; i++) s += Math.log((n - m + i) / i);
  return s;
}
