import { expect } from 'chai';
import fc from 'fast-check';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { KeptZlibContext } from './kept-zlib-context.js';

/** The one-call function, counting its calls: how a test sees whether the kept context did the work. */
function counted(once: (bytes: Buffer) => Buffer): { fn: (bytes: Buffer) => Buffer; calls: () => number } {
  let calls = 0;
  return {
    fn: (bytes) => {
      calls += 1;
      return once(bytes);
    },
    calls: () => calls,
  };
}

/** Answers of every kind a page could be: text that compresses well, and bytes that do not (many output pieces). */
const answer = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20_000 }).map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 70_000 }).map((a) => Buffer.from(a)),
);

describe('KeptZlibContext: gzip and deflate through one context reset between answers', () => {
  for (const [name, open, once] of [
    ['gzip', zlib.createGzip, zlib.gzipSync],
    ['deflate', zlib.createDeflate, zlib.deflateSync],
  ] as const) {
    it(`gives ${name}Sync's bytes, answer after answer, and opens its context once`, () => {
      const reference = counted((bytes) => once(bytes));
      const kept = new KeptZlibContext(open, reference.fn);
      fc.assert(
        fc.property(fc.array(answer, { minLength: 1, maxLength: 4 }), (answers) => {
          for (const bytes of answers) expect(kept.compress(bytes).equals(once(bytes))).to.equal(true);
        }),
        { numRuns: 60 },
      );
      // Only the check made when the context opened went through the one-call function.
      expect(reference.calls()).to.equal(1);
    });
  }

  it('decodes to the answer: a page of Chinese text, and 64 KB and 1 MB that do not compress', () => {
    const kept = new KeptZlibContext(zlib.createGzip, (bytes) => zlib.gzipSync(bytes));
    const page = Buffer.from(
      JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ i, name: `丽水市企业${i}` }))),
    );
    // Hashes do not compress: their gzip fills several 16 KB pieces of output.
    const noise = (kb: number): Buffer =>
      Buffer.concat(Array.from({ length: kb * 32 }, (_, i) => crypto.hash('sha256', String(i), 'buffer')));
    for (const bytes of [page, noise(64), page, noise(1024)]) {
      const compressed = kept.compress(bytes);
      expect(zlib.gunzipSync(compressed).equals(bytes), `${bytes.length} bytes`).to.equal(true);
      if (bytes !== page) expect(compressed.length).to.be.above(bytes.length);
    }
  });

  it('goes through the one-call function when the stream has no handle to drive', () => {
    // As a Node version without these internals would have it.
    const reference = counted((bytes) => zlib.gzipSync(bytes));
    const kept = new KeptZlibContext(
      () => Object.assign(zlib.createGzip(), { _handle: undefined }),
      reference.fn,
    );
    const bytes = Buffer.from('丽水'.repeat(2000));
    for (let i = 0; i < 3; i++) expect(kept.compress(bytes).equals(zlib.gzipSync(bytes))).to.equal(true);
    expect(reference.calls()).to.equal(3);
  });

  it('goes through the one-call function when the context does not give its bytes', () => {
    // A context at another level compresses differently: the check made when it opens refuses it.
    const reference = counted((bytes) => zlib.gzipSync(bytes));
    const kept = new KeptZlibContext(() => zlib.createGzip({ level: 1 }), reference.fn);
    const bytes = Buffer.from('丽水市公共数据'.repeat(500));
    for (let i = 0; i < 3; i++) expect(kept.compress(bytes).equals(zlib.gzipSync(bytes))).to.equal(true);
    // The check's own call, then one per answer.
    expect(reference.calls()).to.equal(4);
  });

  it('drops a context that fails mid-answer, answers through the one-call function, and opens a new one', () => {
    let opened = 0;
    // Real contexts, the next write of which fails once `failing` is set.
    let failing = false;
    const failable = (): zlib.Gzip => {
      opened += 1;
      const stream = zlib.createGzip();
      const handle = (stream as unknown as { _handle: { writeSync: (...args: unknown[]) => void } })._handle;
      const write = handle.writeSync.bind(handle);
      handle.writeSync = (...args) => {
        if (failing) {
          failing = false;
          throw new Error('zlib failed');
        }
        write(...args);
      };
      return stream;
    };
    const reference = counted((bytes) => zlib.gzipSync(bytes));
    const kept = new KeptZlibContext(failable, reference.fn);
    const bytes = Buffer.from('丽水市公共数据开放'.repeat(300));
    for (let i = 0; i < 3; i++) {
      failing = i === 1;
      expect(kept.compress(bytes).equals(zlib.gzipSync(bytes)), `answer ${i + 1}`).to.equal(true);
    }
    // The first context's check, the failed answer, and the second context's check.
    expect(reference.calls()).to.equal(3);
    expect(opened).to.equal(2);
  });
});
