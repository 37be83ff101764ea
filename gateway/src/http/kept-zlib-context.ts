/**
 * gzip or deflate of a short answer in one call, through one zlib context the process keeps and resets between
 * answers. `zlib.gzipSync` opens a context per call: some 260 KB allocated and much of it cleared before a byte is
 * compressed. In the gateway, whose other work has pushed that memory out of the CPU's caches, a 2.5 KB page's
 * `gzipSync` took 35–43 µs, against 26 µs in bare Express and 12 µs in a loop that does nothing else; `perf` put
 * opening the context above compressing. A kept context is reset (its hash table cleared) and gives the same bytes.
 * Measured by hand (bench/results/by-hand/2026-12-05-kept-zlib-context.json): a gzip answer cost the gateway's main
 * thread 190 µs instead of 225, bare Express's 130 instead of 155; and the contexts opened per answer had left the
 * process slower for the plain answers after them.
 *
 * Node has no public call that keeps a context between one-call compressions. This drives the context's handle as
 * Node's own `gzipSync` does (`_handle.writeSync` and `_handle.reset`). Should a Node version change those, the
 * check made when the context opens fails and every call goes through the one-call function instead, as before.
 * Only the event loop uses it, one answer at a time: there is nothing to share between threads.
 */
import crypto from 'node:crypto';
import zlib from 'node:zlib';

/** The part of a zlib stream's handle that `gzipSync` drives: Node's internals, checked when a context opens. */
interface ZlibHandle {
  writeSync(
    flush: number,
    input: Buffer,
    inOffset: number,
    inLength: number,
    output: Buffer,
    outOffset: number,
    outLength: number,
  ): void;
  reset(): void;
}
interface StreamInternals {
  _handle?: Partial<ZlibHandle>;
  /** After each `writeSync`: the output bytes left free, the input bytes left unread. */
  _writeState?: Uint32Array;
}

/** A page-sized answer compresses to a few KB: one piece of output for nearly every answer. */
const PIECE_BYTES = 16 * 1024;
/**
 * What the check compresses when a context opens: rows of hex digests, which compress to about half, so their output
 * fills several pieces and the input is read in more than one write.
 */
function checkInput(): Buffer {
  const rows = Array.from(
    { length: 1500 },
    (_, i) => `{"row":${i},"hash":"${crypto.hash('sha256', String(i))}"}`,
  );
  return Buffer.from(`[${rows.join(',')}]`);
}

/** Throws once zlib has failed `stream` (and so closed its handle). */
function stillOpen(stream: zlib.Gzip | zlib.Deflate): void {
  if (stream.destroyed) throw new Error('The kept zlib context failed');
}

interface Context {
  stream: zlib.Gzip | zlib.Deflate;
  handle: ZlibHandle;
  state: Uint32Array;
}

export class KeptZlibContext {
  private context?: Context | null;
  /** Output is written here, then copied out at its length: no buffer of zlib's own per answer. */
  private readonly piece = Buffer.allocUnsafeSlow(PIECE_BYTES);

  /**
   * @param open a new stream of the encoding, with the one-call function's defaults (`zlib.createGzip`).
   * @param once the one-call function (`zlib.gzipSync`): the reference the context is checked against, and the
   *   way every call goes should the context not open or fail.
   */
  constructor(
    private readonly open: () => zlib.Gzip | zlib.Deflate,
    private readonly once: (bytes: Buffer) => Buffer,
  ) {}

  /** `bytes` compressed, the same bytes `once` would give. */
  compress(bytes: Buffer): Buffer {
    if (this.context === undefined) this.context = this.opened();
    const context = this.context;
    if (context === null) return this.once(bytes);
    try {
      return this.run(context, bytes);
    } catch {
      // A context that failed is in a state nothing can vouch for: closed, and a new one opened next time.
      this.context = undefined;
      context.stream.close();
      return this.once(bytes);
    }
  }

  /** A context whose handle has what `run` drives and that gives `once`'s bytes; null if not. */
  private opened(): Context | null {
    const stream = this.open();
    // zlib reports a failure as the stream's error: heard here, so that it cannot go unhandled (`run` sees it).
    stream.on('error', () => undefined);
    const { _handle: handle, _writeState: state } = stream as unknown as StreamInternals;
    const usable =
      typeof handle?.writeSync === 'function' &&
      typeof handle.reset === 'function' &&
      state instanceof Uint32Array &&
      state.length >= 2;
    const context = usable ? { stream, handle: handle as ZlibHandle, state } : undefined;
    if (context && this.gives(context)) return context;
    stream.close();
    return null;
  }

  /** Whether `context` compresses as the one-call function does. */
  private gives(context: Context): boolean {
    const input = checkInput();
    try {
      return this.run(context, input).equals(this.once(input));
    } catch {
      return false;
    }
  }

  /**
   * `bytes` compressed by `context`, from a reset. zlib reports a failure by destroying the stream, which closes its
   * handle; a closed handle used again would stop the process, so the stream is looked at after every step (a
   * context that failed is never run again: `compress` drops it).
   */
  private run({ stream, handle, state }: Context, bytes: Buffer): Buffer {
    handle.reset();
    stillOpen(stream);
    const pieces: Buffer[] = [];
    let length = 0;
    let read = 0;
    for (;;) {
      handle.writeSync(zlib.constants.Z_FINISH, bytes, read, bytes.length - read, this.piece, 0, PIECE_BYTES);
      stillOpen(stream);
      const free = state[0]!;
      const written = PIECE_BYTES - free;
      pieces.push(Buffer.from(this.piece.subarray(0, written)));
      length += written;
      read = bytes.length - state[1]!;
      // zlib stops with output space left only once it has written the stream's end.
      if (free !== 0) break;
    }
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, length);
  }
}
