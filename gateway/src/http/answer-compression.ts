/**
 * How the gateway compresses its answers for a client that asks (`Accept-Encoding`). Two ways, by how an answer
 * leaves:
 * - `wholeAnswers`, for every route: an answer ended whole (`res.json`, `res.send`, a data page) is compressed in
 *   one call over its finished bytes and sent with its length (http/whole-answer-encoding.ts).
 * - `streamedAnswers`, on the routes that write an answer piece by piece (downloads, the console's files): the
 *   compression middleware, a zlib stream per answer.
 * Either way an answer compressed once is never compressed again: one that carries a `Content-Encoding` passes.
 */
import compression from 'compression';
import type { Request, RequestHandler, Response } from 'express';
import { BROTLI, THRESHOLD_BYTES, encoded, encodingFor } from './whole-answer-encoding.js';

/** Never compressed: a secret beside reflected input is what compression leaks (BREACH), and these carry one. */
const CARRIES_SECRET = new Set(['/oauth/token']);

/** Whether `res`, as its route has it now, may be compressed: its type compresses and nothing forbids it. */
function compressible(req: Request, res: Response): boolean {
  if (res.getHeader('Content-Encoding') !== undefined || CARRIES_SECRET.has(req.path)) return false;
  if (/(?:^|,)\s*no-transform\s*(?:,|$)/i.test(String(res.getHeader('Cache-Control') ?? ''))) return false;
  return compression.filter(req, res);
}

/**
 * Compresses an answer its route ends whole. It takes over `res.end` for the one answer: an answer already on its
 * way when it ends (a `res.write` came first, so its headers are sent) ends as it is.
 * A client that takes no encoding, and a HEAD, are not made to pass through it.
 */
export const wholeAnswers: RequestHandler = (req, res, next) => {
  if (!req.headers['accept-encoding'] || req.method === 'HEAD') return next();
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = (...args: unknown[]): Response => {
    const [chunk, encodingOrDone, done] = args;
    if (res.headersSent || !(typeof chunk === 'string' || Buffer.isBuffer(chunk)) || !compressible(req, res))
      return end(...args);
    // Said of every answer of a type that compresses, compressed or not: a cache must not hand one client's
    // encoding to another.
    res.vary('Accept-Encoding');
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encodingOrDone === 'string' ? (encodingOrDone as BufferEncoding) : 'utf8')
        : chunk;
    const encoding = encodingFor(req, bytes.length);
    if (!encoding) return end(...args);
    const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
    res.setHeader('Content-Encoding', encoding);
    const body = encoded(bytes, encoding);
    if (Buffer.isBuffer(body)) {
      res.setHeader('Content-Length', body.length);
      return end(body, callback);
    }
    // A long answer is compressed on zlib's threads. Its headers are fixed now (sent with the body, without a
    // length), so that the route, and any handler after it, sees it answered, as it would have been.
    res.removeHeader('Content-Length');
    res.writeHead(res.statusCode);
    body.then(
      (b) => end(b, callback),
      (err: Error) => res.destroy(err),
    );
    return res;
  };
  next();
};

// The same threshold and brotli quality as a whole answer's.
const stream = compression({ filter: compressible, threshold: THRESHOLD_BYTES, brotli: BROTLI });
/** Compresses an answer written in pieces, through a zlib stream; not for a client that takes no encoding. */
export const streamedAnswers: RequestHandler = (req, res, next) =>
  req.headers['accept-encoding'] ? stream(req, res, next) : next();
