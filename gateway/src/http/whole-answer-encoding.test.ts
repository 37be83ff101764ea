import { expect } from 'chai';
import express, { type Request } from 'express';
import fc from 'fast-check';
import { decoded } from '../testing/harness.js';
import { encodedAnswer, encodingFor } from './whole-answer-encoding.js';

/** A request as Express hands it to a route: its negotiation reads `headers`. */
function request(method: string, acceptEncoding?: string): Request {
  const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
  return Object.setPrototypeOf({ method, headers }, express.request) as Request;
}

/** JSON of about `bytes` bytes, Chinese text as a page has it. */
const page = (bytes: number): Buffer =>
  Buffer.from(
    JSON.stringify({
      data: Array.from({ length: Math.ceil(bytes / 120) }, (_, i) => ({
        id: i,
        name: `丽水市某某科技有限公司${i}`,
      })),
    }),
  );

describe('encodedAnswer: a whole answer compressed in one call', () => {
  it('compresses a page on the loop and a long answer on zlib’s threads, each decoding to the same bytes', async () => {
    for (const size of [6_000, 300_000]) {
      const bytes = page(size);
      for (const encoding of ['gzip', 'br', 'deflate'] as const) {
        const got = await encodedAnswer(request('GET', encoding), bytes);
        expect(got.encoding).to.equal(encoding);
        expect(got.body.length).to.be.below(bytes.length / 2);
        expect(decoded(got.body, encoding).equals(bytes), `${encoding} of ${bytes.length} bytes`).to.equal(
          true,
        );
      }
    }
  });

  it('leaves as they are a HEAD, a short answer, and a client that takes no encoding or none of these', async () => {
    const bytes = page(6_000);
    for (const [req, body] of [
      [request('HEAD', 'gzip'), bytes],
      [request('GET', 'gzip'), page(500)],
      [request('GET'), bytes],
      [request('GET', 'identity'), bytes],
      [request('GET', 'compress'), bytes],
      [request('GET', 'gzip;q=0, br;q=0, deflate;q=0'), bytes],
    ] as const) {
      const got = await encodedAnswer(req, body);
      expect(got.encoding, `${req.method} ${String(req.headers['accept-encoding'])}`).to.equal(undefined);
      expect(got.body).to.equal(body);
    }
  });

  it('takes the encoding the client prefers, and any of them for *', async () => {
    const bytes = page(6_000);
    expect((await encodedAnswer(request('GET', 'br, gzip'), bytes)).encoding).to.equal('br');
    expect((await encodedAnswer(request('GET', 'br;q=0.1, gzip'), bytes)).encoding).to.equal('gzip');
    expect((await encodedAnswer(request('GET', '*'), bytes)).encoding).to.be.oneOf(['gzip', 'br', 'deflate']);
  });

  it('chooses for every Accept-Encoding text what parsing it gives, however often and however many texts come (fast-check)', () => {
    const coding = fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'compress', 'zstd', '*', 'x-gzip');
    const weighted = fc.tuple(coding, fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }));
    const text = fc
      .array(weighted, { minLength: 1, maxLength: 5 })
      .map((parts) => parts.map(([c, q]) => (q === undefined ? c : `${c};q=${q / 1000}`)).join(', '));
    fc.assert(
      fc.property(text, (asked) => {
        const parsed = request('GET', asked).acceptsEncodings(['gzip', 'br', 'deflate']) || undefined;
        // Asked twice: the second comes from what the first kept, or past the limit, is parsed again.
        expect(encodingFor(request('GET', asked), 6_000), asked).to.equal(parsed);
        expect(encodingFor(request('GET', asked), 6_000), asked).to.equal(parsed);
      }),
      { numRuns: 2_000 },
    );
  });
});
