/**
 * Reading a dataset version's file (CSV with a header, or a JSON array of objects) into typed rows, checked
 * against the catalog's items; a file that does not fit is refused with where it went wrong.
 */
import {
  checkItems,
  type CellValue,
  type DatasetFormat,
  type DatasetRow,
  type ItemSpec,
} from './item-spec.js';
import { ValueProblem, fromJson, fromText, quoteForMessage } from './item-values.js';

/** Most rows one file may hold. */
export const MAX_ROWS = 5_000_000;

/** A file that does not match its catalog entry; `line` (CSV) or `row` (both formats) and `item` say where. */
export class DatasetFileError extends Error {
  override name = 'DatasetFileError';
  /** Physical line (1-based, the header is line 1) where the offending CSV record starts. */
  readonly line?: number;
  /** Data row (1-based, not counting the CSV header; the JSON array index + 1). */
  readonly row?: number;
  /** The item (column) concerned, when there is one. */
  readonly item?: string;
  /** What is wrong, without where. */
  readonly problem: string;

  constructor(problem: string, where: { line?: number; row?: number; item?: string } = {}) {
    const at = [
      where.line !== undefined ? `line ${where.line}` : undefined,
      where.row !== undefined
        ? where.line !== undefined
          ? `(row ${where.row})`
          : `row ${where.row}`
        : undefined,
      where.item !== undefined ? `item "${where.item}"` : undefined,
    ]
      .filter((s) => s !== undefined)
      .join(' ');
    super(at ? `${at}: ${problem}` : problem);
    this.problem = problem;
    if (where.line !== undefined) this.line = where.line;
    if (where.row !== undefined) this.row = where.row;
    if (where.item !== undefined) this.item = where.item;
  }
}

export interface ParsedRow {
  values: CellValue[];
  row: number;
  line?: number;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    // The decoder drops a leading BOM; `fatal` refuses bytes that are not UTF-8 instead of inventing U+FFFD.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DatasetFileError('the file is not valid UTF-8 (save it as UTF-8, with or without BOM)');
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

function lineBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LF || (c === CR && s.charCodeAt(i + 1) !== LF)) n++;
  }
  return n;
}

/** RFC 4180 records with the physical line each starts on; CRLF, LF or CR end a record. */
function* csvRecords(text: string): Generator<{ fields: string[]; line: number }> {
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) throw new DatasetFileError('a quoted field is never closed', { line });
          line += lineBreaks(text.slice(from, q));
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          value += text.slice(from, q);
          i = q + 1;
          break;
        }
        const c = text.charCodeAt(i);
        if (i < n && c !== COMMA && c !== CR && c !== LF)
          throw new DatasetFileError(
            'text follows a closing quote; a quote inside a field must be doubled ("")',
            {
              line,
            },
          );
        fields.push(value);
      } else {
        let j = i;
        for (; j < n; j++) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === CR || c === LF) break;
          if (c === QUOTE)
            throw new DatasetFileError(
              'a quote inside an unquoted field; quote the whole field and double the quote',
              {
                line,
              },
            );
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      break;
    }
    yield { fields, line: start };
  }
}

function* csvRows(text: string, items: ItemSpec[]): Generator<ParsedRow> {
  const records = csvRecords(text);
  const first = records.next();
  if (first.done)
    throw new DatasetFileError('the file is empty; it must start with a header row of item names');
  const header = first.value.fields;
  const column = new Map<string, number>();
  const known = new Set(items.map((i) => i.name));
  header.forEach((name, k) => {
    if (!known.has(name))
      throw new DatasetFileError(
        `header column ${k + 1} ${quoteForMessage(name)} is not an item of the dataset (items: ${[...known].join(', ')})`,
        { line: 1 },
      );
    if (column.has(name))
      throw new DatasetFileError('the header names this item twice', { line: 1, item: name });
    column.set(name, k);
  });
  const order = items.map((spec) => {
    const k = column.get(spec.name);
    if (k === undefined)
      throw new DatasetFileError('the header lacks this item', { line: 1, item: spec.name });
    return k;
  });
  let row = 0;
  for (const { fields, line } of records) {
    row++;
    if (row > MAX_ROWS) throw new DatasetFileError(`the file has more than ${MAX_ROWS} rows`, { line, row });
    if (fields.length !== header.length)
      throw new DatasetFileError(`the record has ${fields.length} fields, the header ${header.length}`, {
        line,
        row,
      });
    const values = items.map((spec, k) => {
      const text = fields[order[k]!]!;
      if (text === '') return null;
      try {
        return fromText(text, spec.type);
      } catch (e) {
        if (e instanceof ValueProblem) throw new DatasetFileError(e.message, { line, row, item: spec.name });
        throw e;
      }
    });
    yield { values, row, line };
  }
}

function* jsonRows(text: string, items: ItemSpec[]): Generator<ParsedRow> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new DatasetFileError(`the file is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(data))
    throw new DatasetFileError('a JSON dataset file must be an array of objects, one per row');
  if (data.length > MAX_ROWS)
    throw new DatasetFileError(`the file has ${data.length} rows, more than ${MAX_ROWS}`);
  const known = new Set(items.map((i) => i.name));
  for (let k = 0; k < data.length; k++) {
    const row = k + 1;
    const o: unknown = data[k];
    if (o === null || typeof o !== 'object' || Array.isArray(o))
      throw new DatasetFileError('each element must be an object of item values', { row });
    const record = o as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!known.has(key)) throw new DatasetFileError('not an item of the dataset', { row, item: key });
    }
    const values = items.map((spec) => {
      if (!Object.hasOwn(record, spec.name)) throw new DatasetFileError('missing', { row, item: spec.name });
      try {
        return fromJson(record[spec.name], spec.type);
      } catch (e) {
        if (e instanceof ValueProblem) throw new DatasetFileError(e.message, { row, item: spec.name });
        throw e;
      }
    });
    yield { values, row };
  }
}

export function fileRows(bytes: Uint8Array, format: DatasetFormat, items: ItemSpec[]): Generator<ParsedRow> {
  if (format !== 'csv' && format !== 'json')
    throw new TypeError(`format ${JSON.stringify(format)} must be csv or json`);
  const text = decodeUtf8(bytes);
  return format === 'csv' ? csvRows(text, items) : jsonRows(text, items);
}

/**
 * Parses a dataset file against its catalog items: every row must have exactly those items, each value of its
 * item's type (integer, number, date YYYY-MM-DD, boolean true/false); an empty value is null.
 *
 * CSV follows RFC 4180 (header row of item names in any order; quoted fields may hold commas, doubled quotes and
 * line breaks), UTF-8 with or without BOM. JSON is an array of objects; values may be native JSON or text.
 *
 * @throws DatasetFileError naming the line or row and the item at fault; TypeError when `items` is malformed.
 */
export function parseDatasetFile(bytes: Uint8Array, format: DatasetFormat, items: ItemSpec[]): DatasetRow[] {
  const specs = checkItems(items);
  const out: DatasetRow[] = [];
  for (const { values } of fileRows(bytes, format, specs)) {
    const row: DatasetRow = {};
    specs.forEach((spec, k) => (row[spec.name] = values[k]!));
    out.push(row);
  }
  return out;
}
