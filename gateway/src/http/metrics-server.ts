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

/** Where the metrics listener binds: loopback only, whatever address the API listens on. */
export const METRICS_HOST = '127.0.0.1';

export interface MetricsServer {
  /** `http://127.0.0.1:<port>`: the scraper's base URL (the port as bound, for a port of 0). */
  url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port`: `GET /metrics` answers the Prometheus text; anything else says what is here. */
export async function startMetricsServer(port: number, metrics: Metrics): Promise<MetricsServer> {
  const server = http.createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, (req, res) => {
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, {
        'content-type':
          status === 200 ? 'text/plain; version=0.0.4; charset=utf-8' : 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
        ...headers,
      });
      res.end(body);
    };
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return send(404, `No ${path} here: this listener serves GET /metrics only.\n`);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(405, `${req.method} /metrics: only GET.\n`, { allow: 'GET, HEAD' });
    send(200, metrics.render());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, METRICS_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The API's listener keeps the process alive; this one never holds up an exit on its own (a failed start).
  server.unref();
  return {
    url: `http://${METRICS_HOST}:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
