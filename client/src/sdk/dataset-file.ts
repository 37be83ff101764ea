/**
 * Reading a dataset file on the client, as the gateway will parse it. An opening body loading a version reads the
 * file once into memory, hashing it as it reads ({@link readDatasetFile}), checks those bytes with the gateway's
 * own parser, which counts the rows the ledger records ({@link checkDatasetFile}), and records both. An
 * enterprise's data return, a file of no catalog items, has its hash and rows counted in one streaming pass
 * ({@link digestDatasetFile}), rows as the gateway parses them (RFC 4180: a line break inside a quoted field is not
 * a new record; CRLF, LF and CR end a record; the header row is not a data row).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { DatasetFileError, fileRows } from '../dataset-format/dataset-file.js';
import { checkItems, type DatasetFormat, type ItemSpec } from '../dataset-format/item-spec.js';
import { InputError } from './errors.js';

/** Hash and row count of a dataset file. */
export interface DatasetFileDigest {
  contentHash: string;
  rowCount: number;
  bytes: number;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Counts CSV records across chunks; feed it bytes in order, then read {@link records}.
 * Never throws: any bytes count.
 */
export class CsvRecordCounter {
  private inQuotes = false;
  private pendingCr = false;
  private terminated = true;
  private count = 0;
  private seenAny = false;

  /**
   * Consumes the next chunk of the file.
   * Never throws.
   */
  push(chunk: Uint8Array): void {
    for (const b of chunk) {
      this.seenAny = true;
      if (this.pendingCr) {
        this.pendingCr = false;
        // CRLF is one terminator, already counted at the CR.
        if (b === LF) continue;
      }
      if (b === QUOTE) {
        // A doubled quote inside a quoted field toggles twice: the state is right after the pair.
        this.inQuotes = !this.inQuotes;
        this.terminated = false;
      } else if (!this.inQuotes && (b === LF || b === CR)) {
        this.count++;
        this.terminated = true;
        this.pendingCr = b === CR;
      } else {
        this.terminated = false;
      }
    }
  }

  /**
   * Records seen so far, the last one counted even without a final line break.
   * Never throws.
   */
  get records(): number {
    return this.count + (this.seenAny && !this.terminated ? 1 : 0);
  }
}

/**
 * Hashes and counts a dataset file in one pass.
 * @param format `csv` (rows after the header) or `json` (elements of the top-level array).
 * @param onBytes called with each chunk's size, for progress.
 * @throws InputError FILE_UNREADABLE, or INVALID_ARGUMENT for a JSON file that is not an array.
 */
export async function digestDatasetFile(
  file: string,
  format: DatasetFormat,
  onBytes: (n: number) => void = () => undefined,
): Promise<DatasetFileDigest> {
  const hash = crypto.createHash('sha256');
  const counter = new CsvRecordCounter();
  const jsonChunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of fs.createReadStream(file, {
      highWaterMark: 1 << 20,
    }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
      if (format === 'csv') counter.push(chunk);
      else jsonChunks.push(chunk);
      onBytes(chunk.length);
    }
  } catch (err) {
    throw new InputError('FILE_UNREADABLE', `cannot read the data file ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  let rowCount: number;
  if (format === 'csv') {
    rowCount = Math.max(0, counter.records - 1);
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(jsonChunks).toString('utf8'));
    } catch (err) {
      throw new InputError('INVALID_ARGUMENT', `${file} is not valid JSON: ${(err as Error).message}`);
    }
    if (!Array.isArray(parsed))
      throw new InputError(
        'INVALID_ARGUMENT',
        `${file} must be a JSON array of row objects for a json dataset`,
      );
    rowCount = parsed.length;
  }
  return { contentHash: hash.digest('hex'), rowCount, bytes };
}

/** A dataset file read once into memory: the bytes the check reads and whose hash the ledger records. */
export interface HeldDatasetFile {
  /** Where it was read from, for messages. */
  file: string;
  bytes: Buffer;
  /** SHA-256 of `bytes`, lower-case hex, as recorded on the ledger. */
  contentHash: string;
}

/** Bytes read at a time by {@link readDatasetFile}: often enough for progress, few enough calls to be cheap. */
const READ_CHUNK_BYTES = 1 << 20;

/**
 * Reads a dataset file whole, hashing it as it is read: the hash and the check that follows see the same bytes,
 * read once (each further reading of a large file cost as long as the first).
 * @param onBytes called with the size of each piece read, for progress.
 * @throws InputError FILE_UNREADABLE, also for a file that grew while it was read (its end was not read).
 */
export async function readDatasetFile(
  file: string,
  onBytes: (n: number) => void = () => undefined,
): Promise<HeldDatasetFile> {
  const hash = crypto.createHash('sha256');
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(file, 'r');
    const { size } = await handle.stat();
    // Read into one buffer of the file's size: pieces joined at the end would hold the file twice for a moment.
    const bytes = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(bytes, read, Math.min(READ_CHUNK_BYTES, size - read), read);
      if (bytesRead === 0) break;
      hash.update(bytes.subarray(read, read + bytesRead));
      read += bytesRead;
      onBytes(bytesRead);
    }
    if ((await handle.read(Buffer.alloc(1), 0, 1, read)).bytesRead > 0)
      throw new InputError(
        'FILE_UNREADABLE',
        `the data file ${file} grew while it was read: load it once it is written in full`,
      );
    return { file, bytes: bytes.subarray(0, read), contentHash: hash.digest('hex') };
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError('FILE_UNREADABLE', `cannot read the data file ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  } finally {
    await handle?.close();
  }
}

/** Rows read between two calls of {@link checkDatasetFile}'s `onRows`: often enough for progress, cheap per row. */
const ROWS_PER_REPORT = 10_000;

/**
 * Reads a dataset file the way the gateway will load it (the same parser, `dataset-format/`), against the
 * dataset's catalog items, so that a file the gateway would refuse is refused before its version is recorded:
 * a recorded version name can never be used again, and the regulator counts it as an update of the dataset.
 * Holds what the gateway's own reading holds, the file's bytes and their text, never its rows.
 * @param held the file as {@link readDatasetFile} read it.
 * @param onRows called with the number of rows read since its last call, for progress.
 * @returns the number of data rows, as the gateway will load them.
 * @throws InputError INVALID_ARGUMENT for a file that does not fit the items, its message the parser's, naming
 *   the line or row and the item at fault (the DatasetFileError is its cause).
 */
export function checkDatasetFile(
  held: HeldDatasetFile,
  dataset: { id: string; format: DatasetFormat; items: readonly ItemSpec[] },
  onRows: (n: number) => void = () => undefined,
): number {
  let rows = 0;
  let reported = 0;
  try {
    for (const { row } of fileRows(held.bytes, dataset.format, checkItems(dataset.items))) {
      rows = row;
      if (rows - reported >= ROWS_PER_REPORT) {
        onRows(rows - reported);
        reported = rows;
      }
    }
  } catch (err) {
    if (err instanceof DatasetFileError)
      throw new InputError(
        'INVALID_ARGUMENT',
        `${held.file} does not fit dataset ${dataset.id} (${dataset.format} of its catalog items): ${err.message}`,
        { cause: err },
      );
    throw err;
  }
  onRows(rows - reported);
  return rows;
}
