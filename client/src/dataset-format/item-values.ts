/**
 * A value of a catalog item from its text (CSV, a filter) or its JSON form, checked against the item's type.
 */
import type { CellValue, ItemType } from './item-spec.js';

/** The shape of a date, YYYY-MM-DD (whether it exists is {@link isRealDate}). */
export const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `s` is a date YYYY-MM-DD that exists (no 2025-02-30). */
export function isRealDate(s: string): boolean {
  if (!DATE_TEXT.test(s)) return false;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  const t = new Date(Date.UTC(y, m - 1, d));
  // Date.UTC maps years 0–99 to 1900–1999; setting the full year keeps 0001-01-01 what it says.
  t.setUTCFullYear(y);
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** A text for an error message: quoted, and cut after 40 characters. */
export function quoteForMessage(s: string): string {
  const short = [...s].length > 40 ? `${[...s].slice(0, 40).join('')}…` : s;
  return JSON.stringify(short);
}

/** Why a text is not a value of its type; caught and re-thrown with the location. */
export class ValueProblem extends Error {}

const INTEGER_TEXT = /^[+-]?\d+$/;
// Every pattern here is linear in the length of its input: an optional part never overlaps the one before it
// (`\d+\.?\d*` would backtrack quadratically on a long run of digits that fails to match).
const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Why no text value may hold a NUL: PostgreSQL's text cannot, so a gateway on it refused the file after the body had
 * recorded its version on the ledger (the name spent), while one on SQLite stored it. Refused alike everywhere.
 */
export const NUL_IN_TEXT = 'the value contains a NUL character, which no store of the platform holds';

/** Converts a non-empty text to its item's type (CSV cells, and text values in JSON files). */
export function fromText(s: string, type: ItemType): CellValue {
  switch (type) {
    case 'string':
      if (s.includes('\0')) throw new ValueProblem(NUL_IN_TEXT);
      return s;
    case 'integer': {
      const n = Number(s);
      if (!INTEGER_TEXT.test(s)) throw new ValueProblem(`${quoteForMessage(s)} is not an integer`);
      if (!Number.isSafeInteger(n)) throw new ValueProblem(`${s} is outside the integer range (±2^53)`);
      return n;
    }
    case 'number': {
      const n = Number(s);
      if (!NUMBER_TEXT.test(s) || !Number.isFinite(n))
        throw new ValueProblem(`${quoteForMessage(s)} is not a number (digits, optional "." and exponent)`);
      return n;
    }
    case 'date':
      if (!DATE_TEXT.test(s)) throw new ValueProblem(`${quoteForMessage(s)} is not a date YYYY-MM-DD`);
      if (!isRealDate(s)) throw new ValueProblem(`${s} is not a real date`);
      return s;
    case 'boolean':
      if (s === 'true') return true;
      if (s === 'false') return false;
      throw new ValueProblem(`${quoteForMessage(s)} is not a boolean (true or false)`);
  }
}

/** JSON files may carry values natively (number, boolean) or as text; anything else is refused. */
export function fromJson(v: unknown, type: ItemType): CellValue {
  if (v === null || v === '') return null;
  if (typeof v === 'string') return fromText(v, type);
  if (typeof v === 'number' && (type === 'integer' || type === 'number')) {
    if (!Number.isFinite(v)) throw new ValueProblem(`${v} is not a finite number`);
    if (type === 'integer' && !Number.isSafeInteger(v))
      throw new ValueProblem(`${v} is not an integer within ±2^53`);
    return v;
  }
  if (typeof v === 'boolean' && type === 'boolean') return v;
  const got = Array.isArray(v) ? 'an array' : v === undefined ? 'missing' : `a ${typeof v}`;
  throw new ValueProblem(`expected a ${type} value, got ${got}`);
}
