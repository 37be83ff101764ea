/**
 * The cell values of an Excel workbook (.xlsx, Office Open XML), for reading fingerprints from a leaked
 * spreadsheet: a ZIP archive read through its central directory, every worksheet's cells, shared strings
 * resolved, numbers as numbers. Nothing else of the workbook (styles, formulas' text, charts) is read.
 */
import zlib from 'node:zlib';

/** What an .xlsx file starts with: a ZIP local file header. */
export function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
  );
}

/**
 * Entries larger than this (uncompressed) are refused: a workbook of a few hundred thousand rows fits. The entries
 * read may not inflate to more than that in all either, nor may the directory list more entries than
 * {@link MAX_ENTRIES} or two entries share their data: a file of a few hundred kilobytes whose entries each
 * inflate the same deflated run would otherwise fill the memory of whoever reads it.
 */
export const MAX_UNZIPPED_BYTES = 256 * 1024 * 1024;
/** Most entries a ZIP directory may list (a workbook has a few dozen). */
export const MAX_ENTRIES = 10_000;

/** A ZIP archive that cannot be read as one, said in words rather than as a read past the buffer's end. */
function brokenZip(what: string, cause?: unknown): SyntaxError {
  return new SyntaxError(`the file is not a readable ZIP archive: ${what}`, { cause });
}

function tooLarge(name: string, cause?: unknown): SyntaxError {
  const what = `${name} and the entries read before it are larger than ${MAX_UNZIPPED_BYTES} bytes`;
  return new SyntaxError(what, { cause });
}

/** A deflated entry, inflated to at most `budget` bytes. @throws SyntaxError when it is larger or broken. */
function inflated(data: Buffer, name: string, budget: number): Buffer {
  try {
    return zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, budget) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(name, err);
    throw brokenZip(`entry ${name} does not inflate (${(err as Error).message})`, err);
  }
}

/**
 * The files of a ZIP archive by name, read through its central directory (stored or deflated entries); only
 * those `wanted` are read, and they count against {@link MAX_UNZIPPED_BYTES}.
 * @throws SyntaxError when the archive is broken, uses another compression, or is larger than the limits.
 */
export function unzip(buf: Buffer, wanted: (name: string) => boolean = () => true): Map<string, Buffer> {
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--)
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new SyntaxError('the file is not a ZIP archive (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  if (count > MAX_ENTRIES) throw brokenZip(`it lists ${count} entries, more than ${MAX_ENTRIES}`);
  let at = buf.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  const offsets = new Set<number>();
  let budget = MAX_UNZIPPED_BYTES;
  for (let n = 0; n < count; n++) {
    if (at + 46 > eocd || buf.readUInt32LE(at) !== 0x02014b50) throw brokenZip('a broken central directory');
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, Math.min(eocd, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
    if (!wanted(name)) continue;
    if (offsets.has(local)) throw brokenZip(`two entries share the data of ${name}`);
    offsets.add(local);
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== 0x04034b50)
      throw brokenZip(`a broken entry ${name}`);
    if (size > budget) throw tooLarge(name);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    if (start + compressed > buf.length) throw brokenZip(`entry ${name} runs past the end of the file`);
    const data = buf.subarray(start, start + compressed);
    let content: Buffer;
    if (method === 0) content = data;
    else if (method === 8) content = inflated(data, name, budget);
    else
      throw new SyntaxError(
        `${name} uses ZIP compression method ${method}; only stored and deflated are read`,
      );
    if (content.length > budget) throw tooLarge(name);
    budget -= content.length;
    files.set(name, content);
  }
  return files;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML text with its entities decoded. */
function text(xml: string): string {
  return xml.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)))
      : (ENTITIES[e] ?? m),
  );
}

/** The text runs (`<t>…</t>`) of an element, joined. */
function runs(xml: string): string {
  return [...xml.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((m) => text(m[1]!)).join('');
}

/** A worksheet's entry in the workbook. */
const SHEET = /^xl\/worksheets\/[^/]+\.xml$/;

/** Every cell value of every worksheet of an .xlsx workbook: numbers as numbers, the rest as text. */
export function xlsxCells(bytes: Buffer): unknown[] {
  const files = unzip(bytes, (name) => name === 'xl/sharedStrings.xml' || SHEET.test(name));
  const shared = files.get('xl/sharedStrings.xml')?.toString('utf8') ?? '';
  const strings = [...shared.matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => runs(m[1]!));
  const sheets = [...files.keys()].filter((n) => SHEET.test(n)).sort();
  if (!sheets.length) throw new SyntaxError('the workbook has no worksheet (xl/worksheets/*.xml)');
  const cells: unknown[] = [];
  for (const sheet of sheets) {
    const xml = files.get(sheet)!.toString('utf8');
    for (const c of xml.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const type = /\bt="([^"]*)"/.exec(c[1]!)?.[1] ?? 'n';
      const inner = c[2] ?? '';
      const v = /<v>([\s\S]*?)<\/v>/.exec(inner)?.[1];
      if (type === 's') cells.push(strings[Number(v)] ?? '');
      else if (type === 'inlineStr') cells.push(runs(inner));
      else if (v === undefined) continue;
      // A number as Excel stores it (up to 17 digits, 1234.5599999999999) is read back to its shortest form.
      else if (type === 'n') cells.push(Number(v));
      else cells.push(text(v));
    }
  }
  return cells;
}
