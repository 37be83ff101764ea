/**
 * What answers in the gateway's place (a compromised gateway, or whoever answers a plain `http://` address)
 * cannot make the SDK do: follow a redirect with a login, a signed request or a receipt; read an answer without
 * end, or one that inflates to gigabytes; follow a cursor forever; pass a receipt of another request for the one
 * asked; or fail as if the SDK were wrong when an answer is not the gateway's shape. The operational client
 * (GatewayClient) reaches it the same way.
 */
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { EnterpriseSession, MAX_JSON_ANSWER_BYTES, PublicGatewayApi } from './gateway-api.js';
import { unavailable } from '../testing/gateway-failure.js';
import { GatewayProblemError } from './errors.js';
import { GatewayClient, GatewayProblem } from '../gateway-client.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * A server on 127.0.0.1 answering with `handler` (a token at POST /oauth/token first, unless `answersLogin` is
 * false), and the requests it received.
 */
async function serve(
  handler: Handler,
  answersLogin = true,
): Promise<{ url: string; seen: http.IncomingMessage[]; close: () => Promise<void> }> {
  const seen: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req);
    req.resume();
    if (answersLogin && req.url === '/oauth/token')
      return void res
        .setHeader('content-type', 'application/json')
        .end(JSON.stringify({ access_token: 'a-token', token_type: 'Bearer', expires_in: 900 }));
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown): void =>
  void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

const session = (url: string): EnterpriseSession =>
  new EnterpriseSession({
    baseUrl: url,
    credentials: { kind: 'secret', clientId: '91331100MA2A0000XX', clientSecret: 'the-secret' },
  });

describe('the SDK against what answers in the gateway’s place', () => {
  it('a redirect is refused, not followed: neither the login nor a complaint’s receipt reaches the other origin', async () => {
    const elsewhere = await serve((_req, res) => json(res, 200, { data: [] }));
    const redirect: Handler = (req, res) =>
      void res.writeHead(307, { location: `${elsewhere.url}${req.url}` }).end();
    const [afterLogin, atLogin] = [await serve(redirect), await serve(redirect, false)];
    try {
      for (const call of [
        () => session(atLogin.url).catalog(),
        () => session(afterLogin.url).catalog(),
        () => new PublicGatewayApi(afterLogin.url).complaintStatus('c-1', 'SECRET-RECEIPT'),
        () => new GatewayClient(afterLogin.url).ready(),
      ]) {
        const refused = await unavailable(call());
        expect(refused.code).to.equal('GATEWAY_BAD_ANSWER');
        expect(refused.message).to.include('answered 307').and.include('it was not followed');
      }
      expect(elsewhere.seen, 'requests that reached the other origin').to.have.length(0);
    } finally {
      await Promise.all([afterLogin.close(), atLogin.close(), elsewhere.close()]);
    }
  });

  it('an answer that inflates past the limit, or never ends, is cut off there with GATEWAY_BAD_ANSWER', async () => {
    // 80 MB of zeros: 80 KB as gzip.
    const bomb = zlib.gzipSync(Buffer.alloc(MAX_JSON_ANSWER_BYTES + 16 * 1024 * 1024));
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const server = await serve((req, res) => {
      if (req.url?.startsWith('/v1/datasets?'))
        return void res
          .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
          .end(bomb);
      res.writeHead(200, { 'content-type': 'application/json' });
      const more = (): void => {
        while (res.write(chunk));
        res.once('drain', more);
      };
      more();
    });
    try {
      const inflated = await unavailable(session(server.url).catalog());
      expect([inflated.code, inflated.message]).to.deep.equal([
        'GATEWAY_BAD_ANSWER',
        `the gateway at ${server.url} sent more than 64 MB in one answer, more than the RDX gateway sends: the rest was not read.`,
      ]);
      const endless = await unavailable(new PublicGatewayApi(server.url).complaintStatus('c-1', 'r'));
      expect(endless.code).to.equal('GATEWAY_BAD_ANSWER');
    } finally {
      await server.close();
    }
  });

  it('an answer broken off midway is GATEWAY_UNAVAILABLE, saying so', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' }).write('{"data":');
      setTimeout(() => res.destroy(), 50);
    });
    try {
      const broken = await unavailable(new PublicGatewayApi(server.url).complaintStatus('c-1', 'r'));
      expect(broken.code).to.equal('GATEWAY_UNAVAILABLE');
      expect(broken.message).to.include('broke off its answer');
    } finally {
      await server.close();
    }
  });

  it('JSON that is not an object, or a page whose data is not records, is GATEWAY_BAD_ANSWER, not a failure of the SDK', async () => {
    const server = await serve((req, res) =>
      req.url?.includes('/records')
        ? json(res, 200, { data: 'not rows', nextCursor: null })
        : void res.writeHead(200, { 'content-type': 'application/json' }).end('null'),
    );
    try {
      const s = session(server.url);
      for (const call of [() => s.catalog(), () => s.records('ls-residents')]) {
        const refused = await unavailable(call());
        expect(refused.code).to.equal('GATEWAY_BAD_ANSWER');
      }
    } finally {
      await server.close();
    }
  });

  it('a cursor that comes back, or an empty page that names a next one, stops the pages instead of looping', async () => {
    for (const page of [
      (n: number) => ({ data: [{ n }], nextCursor: 'again' }),
      () => ({ data: [], nextCursor: 'more' }),
      // New every time, but of a length the gateway never gives, so each would be kept and sent back whole.
      (n: number) => ({ data: [{ n }], nextCursor: `${n}`.padEnd(2 * 1024 * 1024, 'c') }),
    ]) {
      let n = 0;
      const server = await serve((_req, res) =>
        json(res, 200, { ...page(n++), grantId: 'g', requestId: 'r' }),
      );
      try {
        const seen: unknown[] = [];
        const refused = await unavailable(
          (async () => {
            for await (const p of session(server.url).pages('ls-residents')) seen.push(...p.data);
          })(),
        );
        expect(refused.code).to.equal('GATEWAY_BAD_ANSWER');
        expect(refused.message).to.include('a cursor that does not move on');
        expect(n, 'pages asked for').to.be.at.most(3);
      } finally {
        await server.close();
      }
    }
  });

  it('a receipt of another request does not pass for the one asked for', async () => {
    const server = await serve((_req, res) =>
      json(res, 200, {
        status: 'anchored',
        gatewayId: 'gw',
        record: { seq: 0, requestId: 'req-SOMEONE-ELSES', hash: 'h' },
        proof: { leafIndex: 0, treeSize: 1, hashes: [] },
        anchor: { merkleRoot: 'h', treeSize: 1 },
      }),
    );
    try {
      const refused = await unavailable(session(server.url).anchoredReceipt('req-MINE', 0));
      expect(refused.code).to.equal('GATEWAY_BAD_ANSWER');
      expect(refused.message).to.include('"req-SOMEONE-ELSES" when asked for req-MINE');
    } finally {
      await server.close();
    }
  });

  it('the operational client: an answer that is not a JSON object is GATEWAY_BAD_ANSWER', async () => {
    for (const answer of ['null', '<html>down</html>']) {
      const server = await serve((_req, res) => void res.writeHead(503).end(answer));
      try {
        const err = await new GatewayClient(server.url).ready().catch((e: unknown) => e);
        expect(err).to.be.instanceOf(GatewayProblem).with.property('code', 'GATEWAY_BAD_ANSWER');
      } finally {
        await server.close();
      }
    }
  });

  it('a problem code that is not one of the gateway’s form is shown as the HTTP status', async () => {
    const server = await serve((_req, res) =>
      json(res, 403, { code: 'X\u202e]\u001b[2J', detail: 'refused' }),
    );
    try {
      const err = await session(server.url)
        .catalog()
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(GatewayProblemError);
      expect((err as GatewayProblemError).code).to.equal('HTTP_403');
    } finally {
      await server.close();
    }
  });
});
