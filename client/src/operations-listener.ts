/**
 * The listener of a platform service's operations endpoints (the gateway's metrics, the clerk's health, status and
 * metrics): for the tooling and the scraper on the service's own host, on its loopback address by default. What it
 * serves tells a prober how close it came to a limit, or names the network's hosts, so it answers no one else:
 * - only requests asked for by an address (`127.0.0.1:3010`, `[::1]:3010`), by `localhost` or by the name it was
 *   told to listen on, with its port: a web page the host's browser opens could otherwise make the browser ask it
 *   under a DNS name of the page's own that it points at this host (DNS rebinding), and read the answer. 421 else;
 * - a few connections at once, each cut off when slow to send its request, so no local process holds it;
 * - every path but the open ones (health) only for a request that shows the service's token
 *   (operations-token.ts): loopback keeps out other hosts, not the host's other users. 401 else;
 * - an error once listening (a failed accept, no file descriptors left) is logged and the service goes on.
 * Not part of the SDK's main entry: `@rdx/client/operations-listener`.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';

/** Connections held at once: a scraper or two, and the host's tooling. More are refused, not kept open. */
const MAX_CONNECTIONS = 16;
/** A request's headers within 10 s and the whole of it within 30 s; checked every second. */
const CLIENT_LIMITS = { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1000 };

/** Who may read what the listener serves: anyone local its `open` paths, the token's holder the rest. */
export interface OperationsAccess {
  /** The bearer token (operations-token.ts) asked of every path but the open ones. */
  token: string;
  /** Paths any local caller may ask for: health, for probes that hold no token. */
  open: readonly string[];
}

export interface OperationsListener {
  /** `http://<host>:<port>`: the base URL (the port as bound, for a port of 0). */
  url: string;
  close(): Promise<void>;
}

/**
 * Listens on `host`:`port` and hands `handle` every request asked for by one of the names above and, past
 * `access.open`, showing its token.
 * @throws the listen error (EADDRINUSE for a port taken).
 */
export async function listenForOperations(
  host: string,
  port: number,
  handle: http.RequestListener,
  log: (line: string) => void,
  access: OperationsAccess,
): Promise<OperationsListener> {
  let bound = 0;
  const expected = digest(access.token);
  const server = http.createServer(CLIENT_LIMITS, (req, res) => {
    const refuse = (status: number, text: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        ...headers,
      });
      res.end(text);
    };
    if (!askedByOwnName(req.headers.host, host, bound))
      return refuse(421, `Ask for this host by its address or as localhost, with port ${bound}.\n`);
    const path = (req.url ?? '/').split('?')[0]!;
    // The scheme in any case (RFC 9110); the token compared as digests: equal lengths, and no early exit that
    // would time how much of it was right.
    const shown = /^bearer +(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!access.open.includes(path) && !crypto.timingSafeEqual(digest(shown), expected))
      return refuse(
        401,
        `${path} needs the service's operations token: Authorization: Bearer <the token in its file, readable by the platform's user only>.\n`,
        { 'www-authenticate': 'Bearer realm="rdx-operations"' },
      );
    handle(req, res);
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
  bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${net.isIPv6(host) ? `[${host}]` : host}:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function digest(text: string): Buffer {
  return crypto.createHash('sha256').update(text).digest();
}

/**
 * Whether a request's Host names this listener: an IP address, `localhost` or the listener's own host name, and its
 * port. An address can be asked for from a page only by a page of that address, not rebound to it; names are
 * matched as DNS matches them (any case, a final dot or not).
 */
function askedByOwnName(header: string | undefined, host: string, port: number): boolean {
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d+)$/.exec(header ?? '');
  if (!match || Number(match[2]) !== port) return false;
  const name = match[1]!
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  return net.isIP(name) !== 0 || name === 'localhost' || name === host.toLowerCase().replace(/\.$/, '');
}
