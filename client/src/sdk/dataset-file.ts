/**
 * What an opening body records on the ledger for a dataset version before uploading it: the SHA-256 of the
 * exact bytes and the number of data rows. Both are computed in one streaming pass, so a large file is never
 * held in memory, and rows are counted the way the gateway parses them (RFC 4180: a line break inside a
 * quoted field is not a new record; CRLF, LF and CR end a record; the header row is not a data row).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
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
  format: 'csv' | 'json',
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
