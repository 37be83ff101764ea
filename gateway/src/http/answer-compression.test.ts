import { expect } from 'chai';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import express from 'express';
import { decoded, sentAnswer, type SentAnswer } from '../testing/harness.js';
import { streamedAnswers, wholeAnswers } from './answer-compression.js';

/** JSON of about `bytes` bytes, Chinese text as the gateway's answers have it. */
const json = (bytes: number): string =>
  JSON.stringify(
    Array.from({ length: Math.ceil(bytes / 60) }, (_, i) => ({ id: i, name: `丽水市某某科技有限公司${i}` })),
  );
const PAGE = json(6_000);
const LONG = json(300_000);
/** An answer its route compressed itself, long enough to be compressed again if nothing stopped it. */
const GZIPPED = zlib.gzipSync(json(60_000));

describe('answer compression: whole answers in one call, streamed ones through zlib streams', () => {
  let server: http.Server;
  let base: string;
  /** What each route saw of its own answer right after ending it. */
  const seen: Record<string, boolean> = {};

  before(async () => {
    const app = express();
    app.use(wholeAnswers);
    app.get('/page', (_req, res) => res.json(JSON.parse(PAGE)));
    app.get('/long', (_req, res) => {
      res.json(JSON.parse(LONG));
      seen.longAnsweredAtOnce = res.headersSent;
    });
    app.get('/short', (_req, res) => res.json({ ok: true }));
    app.get('/image', (_req, res) => res.type('png').send(Buffer.from(PAGE)));
    app.get('/no-transform', (_req, res) =>
      res.set('Cache-Control', 'private, no-transform').json(JSON.parse(PAGE)),
    );
    app.post('/oauth/token', (_req, res) =>
      res.json({ access_token: 'secret', padding: JSON.parse(PAGE) as unknown }),
    );
    app.get('/encoded', (_req, res) => res.type('json').set('Content-Encoding', 'gzip').end(GZIPPED));
    app.get('/with-callback', (_req, res) => {
      res.type('json').end(PAGE, 'utf8', () => (seen.callbackCalled = true));
    });
    const pieces = (res: express.Response): void => {
      res.type('text/csv');
      for (let i = 0; i < 10; i++) res.write(PAGE.slice(i * 600, (i + 1) * 600));
      res.end(PAGE.slice(6_000));
    };
    app.get('/written', (_req, res) => pieces(res));
    app.get('/streamed', streamedAnswers, (_req, res) => pieces(res));
    app.get('/streamed-route-answers-whole', streamedAnswers, (_req, res) => res.json(JSON.parse(PAGE)));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const raw = (path: string, acceptEncoding?: string, method = 'GET'): Promise<SentAnswer> =>
    sentAnswer(`${base}${path}`, {
      method,
      headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
    });

  it('compresses an answer ended whole, sends it with its length, and keeps its ETag', async () => {
    const plain = await raw('/page');
    expect(plain.headers['content-encoding']).to.equal(undefined);
    for (const encoding of ['gzip', 'br', 'deflate']) {
      const got = await raw('/page', encoding);
      expect(got.headers['content-encoding']).to.equal(encoding);
      expect(got.headers['content-length']).to.equal(String(got.body.length));
      expect(got.body.length).to.be.below(plain.body.length / 2);
      expect(decoded(got.body, encoding).toString()).to.equal(plain.body.toString());
      expect(got.headers.vary).to.equal('Accept-Encoding');
      // The validator is the content's: a client that decoded it revalidates the same way.
      expect(got.headers.etag).to.equal(plain.headers.etag);
    }
  });

  it('compresses a long answer on zlib’s threads, the route seeing it answered at once', async () => {
    const plain = await raw('/long');
    const got = await raw('/long', 'gzip');
    expect(got.headers['content-encoding']).to.equal('gzip');
    expect(got.headers['transfer-encoding']).to.equal('chunked');
    expect(decoded(got.body, 'gzip').toString()).to.equal(plain.body.toString());
    expect(seen.longAnsweredAtOnce).to.equal(true);
  });

  it('leaves as they are a short answer, a HEAD, a client that takes no encoding, and a type that does not compress', async () => {
    const short = await raw('/short', 'gzip');
    expect([short.headers['content-encoding'], short.body.toString()]).to.deep.equal([
      undefined,
      '{"ok":true}',
    ]);
    expect(short.headers.vary, 'a cache still keeps encodings apart').to.equal('Accept-Encoding');
    const head = await raw('/page', 'gzip', 'HEAD');
    expect(head.headers['content-encoding']).to.equal(undefined);
    expect(head.headers['content-length']).to.equal(String(Buffer.byteLength(PAGE)));
    for (const asked of ['identity', 'compress', 'gzip;q=0, br;q=0, deflate;q=0']) {
      const got = await raw('/page', asked);
      expect([got.headers['content-encoding'], got.body.toString()], asked).to.deep.equal([undefined, PAGE]);
    }
    const image = await raw('/image', 'gzip');
    expect([image.headers['content-encoding'], image.body.toString()]).to.deep.equal([undefined, PAGE]);
  });

  it('never compresses what the route forbids, a token answer (a secret beside reflected input), or twice', async () => {
    const noTransform = await raw('/no-transform', 'gzip');
    expect([noTransform.headers['content-encoding'], noTransform.body.toString()]).to.deep.equal([
      undefined,
      PAGE,
    ]);
    const token = await raw('/oauth/token', 'gzip', 'POST');
    expect(token.headers['content-encoding']).to.equal(undefined);
    expect((JSON.parse(token.body.toString()) as { access_token: string }).access_token).to.equal('secret');
    const encoded = await raw('/encoded', 'gzip');
    expect(encoded.headers['content-encoding']).to.equal('gzip');
    expect(encoded.body.equals(GZIPPED), 'the bytes its route sent').to.equal(true);
  });

  it('calls the callback a route hands to res.end once the compressed answer is sent', async () => {
    const got = await raw('/with-callback', 'gzip');
    expect(decoded(got.body, got.headers['content-encoding']!).toString()).to.equal(PAGE);
    // Called once the answer has left: by the time the client has read it, or a moment later.
    for (let wait = 0; !seen.callbackCalled && wait < 50; wait++) await new Promise((r) => setTimeout(r, 20));
    expect(seen.callbackCalled).to.equal(true);
  });

  it('passes an answer written in pieces as it is, unless its route takes the streaming compression', async () => {
    const written = await raw('/written', 'gzip');
    expect([written.headers['content-encoding'], written.body.toString()]).to.deep.equal([undefined, PAGE]);
    const streamed = await raw('/streamed', 'gzip');
    expect(streamed.headers['content-encoding']).to.equal('gzip');
    expect(decoded(streamed.body, 'gzip').toString()).to.equal(PAGE);
    // A route that streams but answers whole this time (a problem, say) is compressed once, not twice.
    const whole = await raw('/streamed-route-answers-whole', 'gzip');
    expect(whole.headers['content-encoding']).to.equal('gzip');
    expect(decoded(whole.body, 'gzip').toString()).to.equal(PAGE);
  });
});
