/**
 * Parsing untrusted chaincode arguments into typed values, once, at the entry of each function. Every
 * failure is an INVALID_ARGUMENT naming the field; sizes are bounded so no argument can bloat the ledger.
 */
import { RdxError, ErrorCode } from './errors';
import { decimalWholeNumber } from './decimal';
import { jsonDepth, MAX_JSON_DEPTH } from './json-depth';
import { assertNoPersonalData } from './personal-data';

export type Json = Record<string, unknown>;

const bad = (field: string, why: string): RdxError =>
  new RdxError(ErrorCode.INVALID_ARGUMENT, `${field} ${why}`);

/** Parses a JSON argument (at most `maxBytes`) that must be an object. */
export function jsonArg(raw: string, field: string, maxBytes = 64 * 1024): Json {
  if (typeof raw !== 'string') throw bad(field, 'must be a JSON string');
  if (Buffer.byteLength(raw) > maxBytes) throw bad(field, `is larger than ${maxBytes} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw bad(field, 'is not valid JSON');
  }
  if (jsonDepth(value) > MAX_JSON_DEPTH) throw bad(field, `nests deeper than ${MAX_JSON_DEPTH} levels`);
  return obj(value, field);
}

export function obj(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad(field, 'must be an object');
  return value as Json;
}

/**
 * Refuses any field of `value` outside `fields`, naming it. Ignored, a misspelt optional field would be signed
 * and stored as if it had been left out (a default in its place), and nothing would tell the sender.
 */
export function onlyFields(value: Json, field: string, fields: readonly string[]): void {
  const unknown = Object.keys(value).find((k) => !fields.includes(k));
  if (unknown === undefined) return;
  const takes = fields.length > 1 ? `${fields.slice(0, -1).join(', ')} and ${fields.at(-1)}` : fields[0];
  throw bad(field, `has an unknown field ${JSON.stringify(unknown.slice(0, 64))}: it takes ${takes}`);
}

/**
 * `parsed`, once `input` is found to have no field `parsed` was not made of ({@link onlyFields}): for an input
 * whose fields are parsed one for one into keys of the same names, optional ones included.
 */
export function parsedExactly<T extends object>(input: Json, field: string, parsed: T): T {
  onlyFields(input, field, Object.keys(parsed));
  return parsed;
}

export interface StrOptions {
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** Shown when the pattern does not match. */
  patternHint?: string;
  /** Text people write (notes, reasons, descriptions): refused when it holds personal data in clear. */
  freeText?: boolean;
}

/**
 * Characters nobody types into a form that change what a reader sees: control characters but tab, line ends and
 * the vertical tab and form feed a word processor's pasted text holds (an escape sequence rewrites a terminal's
 * earlier lines, sets its clipboard or hides a link), and the bidirectional embeddings and overrides that reorder
 * text on display (a name that reads one way and compares another). The isolates (U+2066–9), which right-to-left
 * text such as Uyghur names uses, are text.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const HIDDEN_CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u202a-\u202e]/;

/**
 * Why `value` is not text the ledger takes (a hidden control character, a lone surrogate), said after the field's
 * name (`name ${why}`), or undefined when it is. Exported so the gateway refuses what the chaincode would.
 */
export function whyNotPlainText(value: string): string | undefined {
  const control = HIDDEN_CONTROL.exec(value);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return `must not hold control characters (U+${code} at ${control.index})`;
  }
  // Half of a surrogate pair without its other half is no character: stored as U+FFFD, not as signed.
  if (!value.isWellFormed()) return 'is not well-formed text (a lone UTF-16 surrogate)';
  return undefined;
}

function assertPlainText(value: string, field: string): void {
  const why = whyNotPlainText(value);
  if (why !== undefined) throw bad(field, why);
}

/**
 * What shows nothing by itself: white space, format characters (the zero-width space and joiners U+200B–D, the
 * word joiner U+2060, U+FEFF, the soft hyphen, direction marks, tags), combining marks (shown on a base that is
 * counted already, or on nothing), and the fillers fonts draw blank (Hangul fillers, the braille blank).
 */
const INVISIBLE = /[\s\p{Cf}\p{M}\u115f\u1160\u3164\uffa0\u2800]/gu;

/**
 * How many characters of `value` a reader sees: what a minimum length counts, so that eleven zero-width spaces
 * are not ten characters of a complaint's facts, nor four spaces a reason.
 */
export function visibleLength(value: string): number {
  return [...value.replace(INVISIBLE, '')].length;
}

export function str(value: unknown, field: string, opts: StrOptions = {}): string {
  const { min = 1, max = 256 } = opts;
  if (typeof value !== 'string') throw bad(field, 'must be a string');
  assertPlainText(value, field);
  if (value.length === 0 && min > 0) throw bad(field, 'must not be empty');
  if (visibleLength(value) < min)
    throw bad(
      field,
      min === 1
        ? 'must hold visible text, not only spaces or invisible characters'
        : `must be at least ${min} characters, not counting spaces and invisible ones`,
    );
  if (value.length > max) throw bad(field, `must be at most ${max} characters`);
  if (opts.pattern && !opts.pattern.test(value))
    throw bad(field, opts.patternHint ?? `must match ${String(opts.pattern)}`);
  if (opts.freeText) assertNoPersonalData(value, field);
  return value;
}

export function optionalStr(value: unknown, field: string, opts: StrOptions = {}): string | undefined {
  return value === undefined || value === null ? undefined : str(value, field, opts);
}

export function int(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw bad(field, 'must be an integer');
  if (value < min || value > max) throw bad(field, `must be from ${min} to ${max}`);
  return value;
}

/**
 * An integer passed as a transaction argument (Fabric passes every argument as a string): plain decimal digits
 * from `min` to `max` ({@link decimalWholeNumber}). An optional argument (`fallback` given) left empty or out is
 * `fallback`.
 */
export function intArg(raw: unknown, field: string, min: number, max: number, fallback?: number): number {
  if (fallback !== undefined && (raw === undefined || raw === '')) return fallback;
  const value = decimalWholeNumber(raw);
  if (value === undefined || value < min || value > max) {
    const got = typeof raw === 'string' ? JSON.stringify(raw.slice(0, 32)) : typeof raw;
    throw bad(field, `must be a whole number from ${min} to ${max} in decimal digits, not ${got}`);
  }
  return value;
}

export function bool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw bad(field, 'must be true or false');
  return value;
}

export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw bad(field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function arr<T>(
  value: unknown,
  field: string,
  min: number,
  max: number,
  item: (v: unknown, f: string) => T,
): T[] {
  if (!Array.isArray(value)) throw bad(field, 'must be an array');
  if (value.length < min) throw bad(field, `must have at least ${min} entr${min === 1 ? 'y' : 'ies'}`);
  if (value.length > max) throw bad(field, `must have at most ${max} entries`);
  return value.map((v, i) => item(v, `${field}[${i}]`));
}

/** A calendar date `YYYY-MM-DD` that exists. */
export function date(value: unknown, field: string): string {
  const s = str(value, field, {
    min: 10,
    max: 10,
    pattern: /^\d{4}-\d{2}-\d{2}$/,
    patternHint: 'must be a date YYYY-MM-DD',
  });
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d)
    throw bad(field, 'is not a real date');
  return s;
}

/** An ISO-8601 UTC instant as produced by Date.toISOString(). */
export function instant(value: unknown, field: string): string {
  const s = str(value, field, {
    max: 30,
    pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/,
    patternHint: 'must be an ISO time like 2025-06-01T08:00:00Z',
  });
  if (Number.isNaN(Date.parse(s))) throw bad(field, 'is not a real time');
  return new Date(s).toISOString();
}

/** A SHA-256 digest in lower-case hex: how documents and personal data appear on the ledger. */
export function sha256Hex(value: unknown, field: string): string {
  return str(value, field, {
    min: 64,
    max: 64,
    pattern: /^[0-9a-f]{64}$/,
    patternHint: 'must be a SHA-256 digest (64 lower-case hex digits)',
  });
}

/** Identifiers chosen by callers: letters, digits, `_ . -`. */
export function ident(value: unknown, field: string, max = 64): string {
  return str(value, field, {
    max,
    pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    patternHint: 'must be letters, digits, "_", "." or "-"',
  });
}

/**
 * A new application's id: letters, digits, `_ -`, and no dot. Its agreements are `<application>.<body>` and their
 * grants `<agreement>.<dataset>` (MSP IDs have no dot, dataset ids may): with a dot, an enterprise could choose an
 * id whose grant id is another application's, and take it first, so that the other's agreement could never enter
 * into force (SECURITY.md, threat 49). Without one, the first segment of every such id names one application.
 * Applications filed before keep their ids.
 */
export function newApplicationId(value: unknown, field: string): string {
  return str(value, field, {
    max: 64,
    pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/,
    patternHint:
      'must be letters, digits, "_" or "-", without "." (its agreements\' and grants\' ids are it with "." and more after it)',
  });
}

export function stringList(value: unknown, field: string, min: number, max: number, itemMax = 64): string[] {
  const list = arr(value, field, min, max, (v, f) => str(v, f, { max: itemMax }));
  if (new Set(list).size !== list.length) throw bad(field, 'must not repeat entries');
  return list;
}
