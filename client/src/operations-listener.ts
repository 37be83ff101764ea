/**
 * The listener of a platform service's operations endpoints (the gateway's metrics, the clerk's health, status and
 * metrics): for the tooling and the scraper on the service's own host, on its loopback address by default. What it
 * serves tells a prober how close it came to a limit, or names the network's hosts, so it answers no one else:
 * - only the names of its own address and port (`127.0.0.1:3010`, `localhost:3010`), so that a web page the host's
 *   browser opens cannot make the browser ask it under a name of the page's own (DNS rebinding): 421 otherwise;
 * - a few connections at once, each cut off when slow to send its request, so no local process holds it;
 * - an error once listening (a failed accept, no file descriptors left) is logged and the service goes on.
 * Not part of the SDK's main entry: `@rdx/client/operations-listener`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';

/** Connections held at once: a scraper or two, and the host's tooling. More are refused, not kept open. */
const MAX_CONNECTIONS = 16;
/** A request's headers within 10 s and the whole of it within 30 s; checked every second. */
const CLIENT_LIMITS = { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1000 };

export interface OperationsListener {
  /** `http://<host>:<port>`: the base URL (the port as bound, for a port of 0). */
  url: string;
  close(): Promise<void>;
}

/**
 * Listens on `host`:`port` and hands `handle` every request asked for by one of the listener's own names.
 * @throws the listen error (EADDRINUSE for a port taken).
 */
export async function listenForOperations(
  host: string,
  port: number,
  handle: http.RequestListener,
  log: (line: string) => void,
): Promise<OperationsListener> {
  /** The names of this address and port, once it is bound. */
  const names = new Set<string>();
  const server = http.createServer(CLIENT_LIMITS, (req, res) => {
    if (names.has(req.headers.host ?? '')) return handle(req, res);
    res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`Ask for this host as ${[...names].join(' or ')}.\n`);
  });
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log(`operations listener: ${err.message}`));
  const bound = (server.address() as AddressInfo).port;
  for (const address of addressesOf(host)) {
    names.add(`${literal(address)}:${bound}`);
    if (isLoopback(address)) names.add(`localhost:${bound}`);
  }
  return {
    url: `http://${literal(host)}:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The addresses a listener on `host` is reached at: that one, or for all of a host's addresses (0.0.0.0, ::), each of
 * its interfaces' (IPv4 only for 0.0.0.0).
 */
function addressesOf(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host];
  return Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((i) => host === '::' || i.family === 'IPv4')
    .map((i) => i.address);
}

function literal(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

function isLoopback(host: string): boolean {
  return host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
