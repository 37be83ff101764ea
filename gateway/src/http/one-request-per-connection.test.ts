import { expect } from 'chai';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { MAX_WAITING, oneRequestPerConnection } from './one-request-per-connection.js';

/** A server whose app holds each answer `holdMs`, counting the requests it has in hand at once. */
async function holdingServer(holdMs: number) {
  const seen = { inApp: 0, most: 0, entered: [] as string[] };
  const server = http.createServer(
    oneRequestPerConnection((req, res) => {
      seen.inApp++;
      seen.most = Math.max(seen.most, seen.inApp);
      seen.entered.push(req.url!);
      setTimeout(() => {
        seen.inApp--;
        res.end(req.url);
      }, holdMs);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, seen, port: (server.address() as AddressInfo).port };
}

/** Writes `paths` as requests in one write on one connection; resolves with the answers' bodies once it closes. */
function pipeline(port: number, paths: string[], closeAfter = paths.length): Promise<{ bodies: string[] }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const bodies: string[] = [];
    let data = '';
    socket.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      for (let end = data.indexOf('\r\n\r\n'); end >= 0; end = data.indexOf('\r\n\r\n')) {
        const length = Number(/^content-length: (\d+)$/im.exec(data.slice(0, end))?.[1] ?? 0);
        if (data.length < end + 4 + length) break;
        bodies.push(data.slice(end + 4, end + 4 + length));
        data = data.slice(end + 4 + length);
        if (bodies.length === closeAfter) socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ bodies }));
    socket.write(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`).join(''));
  });
}

const paths = (n: number, tag = ''): string[] => Array.from({ length: n }, (_, i) => `/${tag}${i}`);

describe('one request of a connection in the app at a time', () => {
  let close: () => void = () => undefined;
  afterEach(() => close());

  it('passes pipelined requests to the app one after another and answers them in order', async () => {
    const { server, seen, port } = await holdingServer(20);
    close = () => server.close();
    const asked = paths(8);
    const { bodies } = await pipeline(port, asked, asked.length);
    expect(bodies).to.deep.equal(asked);
    expect(seen.most, 'requests in the app at once').to.equal(1);
  });

  it('closes a connection with more than MAX_WAITING requests waiting, which never reach the app', async () => {
    const { server, seen, port } = await holdingServer(200);
    close = () => server.close();
    // As a flood writes them: many more than may wait, in one write.
    const { bodies } = await pipeline(port, paths(MAX_WAITING * 10));
    expect(bodies.length, 'answers before the close').to.be.at.most(1);
    expect(seen.entered.length, 'requests that reached the app').to.equal(1);
  });

  it('keeps MAX_WAITING waiting: a client that pipelines that deep is answered in full', async () => {
    const { server, seen, port } = await holdingServer(5);
    close = () => server.close();
    const asked = paths(MAX_WAITING + 1);
    const { bodies } = await pipeline(port, asked, asked.length);
    expect(bodies).to.deep.equal(asked);
    expect(seen.most).to.equal(1);
  });

  it('serves other connections meanwhile: one request each in the app at once', async () => {
    const { server, seen, port } = await holdingServer(30);
    close = () => server.close();
    const [a, b] = await Promise.all([pipeline(port, paths(3, 'a'), 3), pipeline(port, paths(3, 'b'), 3)]);
    expect(a.bodies).to.deep.equal(paths(3, 'a'));
    expect(b.bodies).to.deep.equal(paths(3, 'b'));
    expect(seen.most, 'requests in the app at once, two connections').to.equal(2);
  });

  it('drops what waits on a connection its client closed: none of it reaches the app', async () => {
    const { server, seen, port } = await holdingServer(100);
    close = () => server.close();
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(
      paths(5)
        .map((p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`)
        .join(''),
    );
    await new Promise((r) => setTimeout(r, 30));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.entered).to.deep.equal(['/0']);
  });
});
