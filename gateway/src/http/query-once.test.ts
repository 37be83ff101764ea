import { expect } from 'chai';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { parseQueryOnce } from './query-once.js';

/** An app whose query parser counts its calls, and whose route reads `req.query` five times. */
async function countParses(withMiddleware: boolean): Promise<{ parses: number; body: unknown }> {
  let parses = 0;
  const app = express();
  app.set('query parser fn', (text: string) => {
    parses++;
    return Object.fromEntries(new URLSearchParams(text));
  });
  if (withMiddleware) app.use(parseQueryOnce);
  app.get('/q', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const reads = [q.a, req.query.b, req.query.a, req.query.c, (req.query as Record<string, string>).b];
    res.json({ reads });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const body: unknown = await (await fetch(`http://127.0.0.1:${port}/q?a=1&b=two`)).json();
    return { parses, body };
  } finally {
    server.close();
  }
}

describe('the query string', () => {
  it('is parsed once per request however often a handler reads req.query, with the same values', async () => {
    const once = await countParses(true);
    expect(once.parses).to.equal(1);
    expect(once.body).to.deep.equal({ reads: ['1', 'two', '1', null, 'two'] });
    // Without it Express parses again on every read: the count above is the middleware's doing.
    expect((await countParses(false)).parses).to.be.greaterThan(1);
  });
});
