/** A webhook receiver on loopback for the tests: answers with the statuses given, in turn, and keeps what it got. */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

export interface Receiver {
  url: string;
  got: { headers: http.IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

/** @param statuses the first answers, in order; `otherwise` after them. */
export async function startReceiver(statuses: number[] = [], otherwise = 204): Promise<Receiver> {
  const got: Receiver['got'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(statuses.shift() ?? otherwise).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A receiver below HTTP, for receivers that misbehave: what it does is up to `answer`. */
export interface RawReceiver {
  url: string;
  /** Connections made to it, and closed, so far. */
  opened(): number;
  closed(): number;
  stop(): Promise<void>;
}

/** A TCP receiver on loopback: `answer` runs on each connection once the request's first bytes arrive. */
export async function startRawReceiver(answer: (socket: net.Socket) => void): Promise<RawReceiver> {
  const sockets = new Set<net.Socket>();
  let opened = 0;
  let closed = 0;
  const server = net.createServer((socket) => {
    opened++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed++;
      sockets.delete(socket);
    });
    socket.once('data', () => answer(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    opened: () => opened,
    closed: () => closed,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
