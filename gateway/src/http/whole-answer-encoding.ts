/**
 * Compression of an answer the gateway holds whole (a page of records, a computed result, any `res.json`): one
 * call of zlib over the finished bytes. Node's `fetch`, and so the SDK, asks for gzip on every call, and browsers
 * (the console) do too. The compression middleware would pass the same bytes through a zlib stream of its own,
 * set up per answer and run on zlib's threads: on this project's 2-core machine a data call asked for gzip spent
 * 838–881 µs of CPU that way, against 378–427 µs with one call here
 * (bench/results/by-hand/2026-12-04-whole-answer-compression.json). http/answer-compression.ts applies it to every
 * route; the data call's `allow` calls it itself, while its audit record is being made durable.
 *
 * The encodings, levels and threshold are the middleware's. Of encodings a client weighs alike, the first it names
 * is taken (the middleware took br: a browser's `gzip, deflate, br` now gets gzip, ~35 µs a page against br's ~57).
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Request } from 'express';
import { KeptZlibContext } from './kept-zlib-context.js';

/** Answers shorter than this go as they are: the middleware's threshold, and below it gzip saves next to nothing. */
export const THRESHOLD_BYTES = 1024;
/**
 * Answers up to this long are compressed on the event loop (36–52 µs for 6 KB, so about half a millisecond at this
 * size); a longer one (a page of 500 wide rows) on zlib's threads, where it holds up no other call.
 */
const ON_LOOP_MAX_BYTES = 64 * 1024;

/** The middleware's brotli quality (its default: 11 would take ~6 ms a page). */
export const BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } };
/**
 * A one-call function's output (brotli's, or gzip's should the kept context not open) is gathered in pieces of
 * this many bytes. Its default, 16 KB, is a buffer of its own per call, held outside the JavaScript heap: in a
 * probe, 20 000 calls over a heap of 32 MB made V8 run 4 full collections of 30–40 ms. A piece under 4 KB comes
 * from Node's shared buffer pool (`Buffer.poolSize`), and none ran; the gateway gained ~4 % on compressed calls.
 * The compressed bytes are the same. (The kept context writes into one piece of its own, kept with it.)
 */
const PIECE = { chunkSize: 2048 };

// gzip and deflate through a context kept for the process (http/kept-zlib-context.ts), not opened per answer.
// Brotli is left to its one-call function: only a client that prefers it gets it (browsers get gzip, below).
const keptGzip = new KeptZlibContext(zlib.createGzip, (bytes) => zlib.gzipSync(bytes, PIECE));
const keptDeflate = new KeptZlibContext(zlib.createDeflate, (bytes) => zlib.deflateSync(bytes, PIECE));
const onLoop = {
  gzip: (bytes: Buffer) => keptGzip.compress(bytes),
  br: (bytes: Buffer) => zlib.brotliCompressSync(bytes, { ...BROTLI, ...PIECE }),
  deflate: (bytes: Buffer) => keptDeflate.compress(bytes),
};
const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);
const deflate = promisify(zlib.deflate);
const onThreads = {
  gzip: (bytes: Buffer) => gzip(bytes),
  br: (bytes: Buffer) => brotli(bytes, BROTLI),
  deflate: (bytes: Buffer) => deflate(bytes),
};

export type AnswerEncoding = keyof typeof onLoop;
const ENCODINGS = Object.keys(onLoop) as AnswerEncoding[];

/**
 * The choice for each `Accept-Encoding` text seen. Clients send a handful (Node's fetch's, each browser's), and
 * parsing one took 1.2–2.1 µs and ~3 kB of garbage a call. A client that sends ever new texts past the limit is
 * parsed each time.
 */
const chosen = new Map<string, AnswerEncoding | false>();
const MAX_CHOICES_KEPT = 256;

/**
 * The encoding `req` prefers among gzip, br and deflate for an answer of `length` bytes, or none: for a HEAD, a
 * short answer, a client that takes no encoding or none of these.
 */
export function encodingFor(req: Request, length: number): AnswerEncoding | undefined {
  const asked = req.headers['accept-encoding'];
  if (length < THRESHOLD_BYTES || req.method === 'HEAD' || !asked) return undefined;
  let choice = chosen.get(asked);
  if (choice === undefined) {
    choice = req.acceptsEncodings(ENCODINGS) as AnswerEncoding | false;
    if (chosen.size < MAX_CHOICES_KEPT) chosen.set(asked, choice);
  }
  return choice || undefined;
}

/** `bytes` in `encoding`: at once on the event loop when short, later from zlib's threads when long. */
export function encoded(bytes: Buffer, encoding: AnswerEncoding): Buffer | Promise<Buffer> {
  return bytes.length <= ON_LOOP_MAX_BYTES ? onLoop[encoding](bytes) : onThreads[encoding](bytes);
}

/**
 * `bytes` as the client asked for them (`encodingFor`). Sets no header: the caller names `encoding` in
 * `Content-Encoding` once it answers, and may still answer otherwise (a problem) meanwhile.
 */
export async function encodedAnswer(
  req: Request,
  bytes: Buffer,
): Promise<{ body: Buffer; encoding?: AnswerEncoding }> {
  const encoding = encodingFor(req, bytes.length);
  return encoding ? { body: await encoded(bytes, encoding), encoding } : { body: bytes };
}
