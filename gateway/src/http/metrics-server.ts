/**
 * The gateway's metrics, on a listener of their own on its host's loopback address (RDX_GATEWAY_METRICS_PORT),
 * never on the API's. The counts of refusals, of misuse signals and of the login guard's entries would tell a
 * caller probing the limits how close it came. On the API's listener no test of the connection can keep them on
 * the host: whatever relays the API from there (`ssh -L`, a port forward, a proxy that adds no X-Forwarded-For)
 * makes every network caller a loopback one. A relay set up for the API does not carry this port.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics.js';
import { SLOW_CLIENT_LIMITS } from './server.js';

/** Where the metrics listener binds: loopback only, whatever address the API listens on. */
export const METRICS_HOST = '127.0.0.1';
/** Connections held at once: a scraper or two. More, from any local process, are refused, not kept open. */
const MAX_CONNECTIONS = 16;

export interface MetricsServer {
  /** `http://127.0.0.1:<port>`: the scraper's base URL (the port as bound, for a port of 0). */
  url: string;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1:`port`: `GET /metrics` answers the Prometheus text; anything else says what is here.
 * A gauge that fails is answered 500 and logged, and the gateway goes on.
 * @throws the listen error (EADDRINUSE for a port taken).
 */
export async function startMetricsServer(
  port: number,
  metrics: Metrics,
  log: (line: string) => void = () => undefined,
): Promise<MetricsServer> {
  /** The loopback names of this port, once it is bound. */
  const names = new Set<string>();
  const server = http.createServer(SLOW_CLIENT_LIMITS, (req, res) => {
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, {
        'content-type':
          status === 200 ? 'text/plain; version=0.0.4; charset=utf-8' : 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        ...headers,
      });
      res.end(body);
    };
    // A web page the host's browser opens could make it ask this port under a name of the page's own (DNS
    // rebinding): only the loopback names of this port are answered.
    if (!names.has(req.headers.host ?? ''))
      return send(421, 'Ask for this host as 127.0.0.1 or localhost, with its port.\n');
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return send(404, 'This listener serves GET /metrics only.\n');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(405, `${req.method} /metrics: only GET or HEAD.\n`, { allow: 'GET, HEAD' });
    let text: string;
    try {
      text = metrics.render();
    } catch (err) {
      log(`metrics: a gauge failed (${(err as Error).message})`);
      return send(500, 'A gauge failed; the gateway logged why.\n');
    }
    send(200, text);
  });
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, METRICS_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Once listening, an error (a failed accept, out of file descriptors) is logged: it must not end the gateway.
  server.on('error', (err) => log(`metrics listener: ${err.message}`));
  const bound = (server.address() as AddressInfo).port;
  names.add(`${METRICS_HOST}:${bound}`).add(`localhost:${bound}`);
  return {
    url: `http://${METRICS_HOST}:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
