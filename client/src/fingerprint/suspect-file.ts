/**
 * The cells of a suspect file (a CSV, JSON or Excel export of records that turned up where it should not), for
 * reading fingerprints: every value, whatever its column, since a mark is read from the value alone.
 */
import { isZip, xlsxCells } from './xlsx.js';

/** The file formats a suspect file may come in. */
export const SUSPECT_FORMATS = ['csv', 'json', 'xlsx'] as const;
export type SuspectFormat = (typeof SUSPECT_FORMATS)[number];

/** The format of a file by its content: XLSX when it is a ZIP archive, JSON when it starts with `[` or `{`, else CSV. */
export function guessFormat(file: Uint8Array | string): SuspectFormat {
  if (typeof file !== 'string' && isZip(file)) return 'xlsx';
  const head =
    typeof file === 'string' ? file.slice(0, 64) : Buffer.from(file.subarray(0, 64)).toString('utf8');
  return /^\uFEFF?\s*[[{]/.test(head) ? 'json' : 'csv';
}

/**
 * Every cell of a CSV file (RFC 4180: quoted cells with "" for a quote, CRLF or LF lines; a byte-order mark and
 * a `;` or tab separator, as spreadsheets write them, are recognised). The header row is included: a header is
 * not a number and reads as no mark.
 */
export function csvCells(text: string): string[] {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  const sep = [',', ';', '\t'].reduce((best, c) =>
    firstLine.split(c).length > firstLine.split(best).length ? c : best,
  );
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === sep || ch === '\n' || ch === '\r') {
      if (ch !== '\r' || body[i + 1] !== '\n') cells.push(cell);
      else continue;
      cell = '';
    } else cell += ch;
  }
  if (body.length && !/[\r\n]$/.test(body)) cells.push(cell); // the last line has no line end
  return cells;
}

/** Every leaf value of a JSON document (an array of records, `{ "data": [...] }`, or anything nested). */
export function jsonCells(text: string): unknown[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new SyntaxError(`the file is not JSON: ${(err as Error).message}`, { cause: err });
  }
  // Walked with a stack of its own, in document order: a file of a few hundred thousand nested brackets, which
  // JSON.parse reads, would overflow the call stack of a recursive walk.
  const cells: unknown[] = [];
  const pending: unknown[] = [doc];
  while (pending.length) {
    const v = pending.pop();
    const inner = Array.isArray(v) ? v : v !== null && typeof v === 'object' ? Object.values(v) : undefined;
    if (inner === undefined) cells.push(v);
    else for (let i = inner.length - 1; i >= 0; i--) pending.push(inner[i]);
  }
  return cells;
}

/** The cells of a suspect file in `format` (guessed from its content when not given). */
export function suspectCells(
  file: Uint8Array | string,
  format: SuspectFormat = guessFormat(file),
): unknown[] {
  if (format === 'xlsx') {
    if (typeof file === 'string') throw new SyntaxError('an XLSX file is binary: pass its bytes');
    return xlsxCells(Buffer.from(file.buffer, file.byteOffset, file.byteLength));
  }
  const text = typeof file === 'string' ? file : Buffer.from(file).toString('utf8');
  return format === 'json' ? jsonCells(text) : csvCells(text);
}
