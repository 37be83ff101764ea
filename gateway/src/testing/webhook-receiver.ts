/** A webhook receiver on loopback for the tests: answers with the statuses given, in turn, and keeps what it got. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

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
