/**
 * A request the gateway cannot read is refused naming the part that is wrong — the path's percent-encoding, the
 * body's compression or charset, the request line, the headers' size — with a code whose status is the one sent.
 * "The request could not be read" left a caller to guess.
 */
import { expect } from 'chai';
import net from 'node:net';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { DS } from '../testing/fixtures.js';
import { assertProblem, startHarness, type Harness } from '../testing/harness.js';
import { createGatewayServer } from './server.js';

describe('unreadable requests', () => {
  describe('in the app', () => {
    let h: Harness;
    before(async () => (h = await startHarness()));
    after(() => h.close());
    const AGGREGATE = `/v1/datasets/${DS.PEOPLE}/aggregate`;

    /** The problem's detail after asserting its status and code. */
    const detailOf = (reply: Awaited<ReturnType<Harness['get']>>, status: number, code: string): string =>
      assertProblem(reply, status, code).detail as string;

    it("a path's bad percent-encoding is said to be that", async () => {
      for (const id of ['%', '%zz', '%ED%A0%80', 'a%C3'])
        expect(
          detailOf(await h.get(`/v1/datasets/${id}/records`, { as: 'AA' }), 400, 'BAD_REQUEST'),
          id,
        ).to.match(/^The path's percent-encoding is invalid/);
    });

    it('a body that is not the compression its Content-Encoding names, or is cut short, is said to be that', async () => {
      const json = Buffer.from(JSON.stringify({ groupBy: ['district'] }));
      const bodies: [string, Buffer][] = [
        ['gzip', Buffer.from('not gzip at all')],
        ['gzip', zlib.gzipSync(json).subarray(0, 12)],
        ['deflate', Buffer.from('not deflate')],
        ['br', Buffer.from('not brotli at all, no')],
        ['br', zlib.brotliCompressSync(json).subarray(0, 6)],
      ];
      for (const [encoding, body] of bodies) {
        const reply = await h.post(AGGREGATE, {
          as: 'AA',
          body,
          headers: { 'content-type': 'application/json', 'content-encoding': encoding },
        });
        expect(detailOf(reply, 400, 'BAD_REQUEST'), encoding).to.match(
          /^The body could not be decompressed as its Content-Encoding says/,
        );
        expect(h.auditOf(reply).reason).to.equal('BAD_REQUEST');
      }
    });

    it('an unknown Content-Encoding or a charset other than UTF-8 is 415, naming it', async () => {
      const encoded = await h.post(AGGREGATE, {
        as: 'AA',
        body: '{}',
        headers: { 'content-type': 'application/json', 'content-encoding': 'zzz' },
      });
      expect(detailOf(encoded, 415, 'UNSUPPORTED_MEDIA_TYPE')).to.match(
        /^The body's Content-Encoding "zzz" is not read here/,
      );
      const latin = await h.post(AGGREGATE, {
        as: 'AA',
        body: '{}',
        headers: { 'content-type': 'application/json; charset=latin1' },
      });
      expect(detailOf(latin, 415, 'UNSUPPORTED_MEDIA_TYPE')).to.match(
        /^The body's charset "latin1" is not read here: send UTF-8/,
      );
    });
  });

  describe('before the app (Node refuses them)', () => {
    let server: ReturnType<typeof createGatewayServer>;
    let port: number;
    before(async () => {
      server = createGatewayServer((_req, res) => res.end('served'), {
        connectionCap: { max: 0, holdMs: 0 },
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    after(() => {
      server.closeAllConnections();
      server.close();
    });

    /** Sends `bytes` on a connection of its own; the status line and the parsed problem. */
    function raw(bytes: string): Promise<{ status: number; problem: Record<string, unknown> }> {
      return new Promise((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
        let text = '';
        socket.setEncoding('latin1').on('data', (c: string) => (text += c));
        socket.on('error', reject).on('close', () => {
          const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
          resolve({
            status,
            problem: JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>,
          });
        });
      });
    }

    it('headers too large are 431 HEADERS_TOO_LARGE, status and code agreeing', async () => {
      const { status, problem } = await raw(
        `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      expect(status).to.equal(431);
      expect(problem).to.include({ code: 'HEADERS_TOO_LARGE', status: 431 });
    });

    it('a NUL in the request line is said to be in the target', async () => {
      const { status, problem } = await raw('GET /v1/\0datasets HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(status).to.equal(400);
      expect(problem).to.include({ code: 'BAD_REQUEST', status: 400 });
      expect(problem.detail).to.match(/^The request line's target is not a URL/);
    });

    it('a request line that is not HTTP/1.1 is said to be that', async () => {
      const { status, problem } = await raw('GET / HTTP/9\r\nHost: x\r\n\r\n');
      expect([status, problem.code, problem.status]).to.deep.equal([400, 'BAD_REQUEST', 400]);
      expect(problem.detail).to.match(/^The request line is not/);
    });
  });
});
