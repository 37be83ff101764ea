/**
 * A caller that sends from many addresses of one network, as the holder of an IPv6 /64 can: run inside the test's
 * namespace (ipv6-link.ts) with `node many-address-caller.js <gateway address> <port>`, it takes its orders as
 * JSON lines on stdin and answers each with a JSON line on stdout, so the test can look at the gateway from
 * elsewhere while this caller holds its connections.
 *
 * - `{ "hold": [addresses] }`: from each address in turn, one connection asking `GET /healthz`, kept open; answers
 *   each connection's first status line, or how it ended (a reset, a close).
 * - `{ "release": true }`: closes the held connections.
 * - `{ "ask": { "method", "path", "form"? }, "from": [addresses] }`: from each address in turn, one request on a
 *   connection of its own; answers the statuses.
 */
import net from 'node:net';
import readline from 'node:readline';
import { statusFrom, type RequestFrom } from './request-from.js';

const [host = '', port = ''] = process.argv.slice(2);
const held: net.Socket[] = [];

function hold(localAddress: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port), localAddress });
    held.push(socket);
    let data = '';
    socket.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      if (data.includes('\r\n')) resolve(data.slice(0, data.indexOf('\r\n')));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
    socket.on('close', () => resolve(data || 'closed without an answer'));
    socket.write(`GET /healthz HTTP/1.1\r\nHost: [${host}]:${port}\r\n\r\n`);
  });
}

async function obey(line: string): Promise<unknown> {
  const order = JSON.parse(line) as {
    hold?: string[];
    release?: boolean;
    ask?: RequestFrom;
    from?: string[];
  };
  const answers: unknown[] = [];
  if (order.hold) for (const address of order.hold) answers.push(await hold(address));
  if (order.release) for (const socket of held.splice(0)) socket.destroy();
  if (order.ask)
    for (const address of order.from ?? [])
      answers.push(await statusFrom({ host, port: Number(port) }, address, order.ask));
  return answers;
}

// In order, one at a time: each order's answer is the line after the one before.
let queue = Promise.resolve();
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  queue = queue.then(async () => {
    process.stdout.write(`${JSON.stringify(await obey(line))}\n`);
  });
});
process.stdin.on('end', () => void queue.then(() => process.exit(0)));
