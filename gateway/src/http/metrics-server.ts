/**
 * The gateway's metrics, on a listener of their own on its host's loopback address (RDX_GATEWAY_METRICS_PORT),
 * never on the API's. The counts of refusals, of misuse signals and of the login guard's entries would tell a
 * caller probing the limits how close it came. On the API's listener no test of the connection can keep them on
 * the host: whatever relays the API from there (`ssh -L`, a port forward, a proxy that adds no X-Forwarded-For)
 * makes every network caller a loopback one. A relay set up for the API does not carry this port. Loopback keeps
 * out other hosts, not other users of this one: a scrape shows the token in the data folder's `metrics.token`.
 */
import path from 'node:path';
import { listenForOperations, type OperationsListener } from '@rdx/client/operations-listener';
import type { Metrics } from './metrics.js';

/**
 * The file holding the bearer token a scrape shows (`Authorization: Bearer <token>`): in the gateway's data
 * folder, owner-only, made at its first start (@rdx/client/operations-token).
 */
export function metricsTokenFile(dataDir: string): string {
  return path.join(dataDir, 'metrics.token');
}

/** Where the metrics listener binds: loopback only, whatever address the API listens on. */
export const METRICS_HOST = '127.0.0.1';

export type MetricsServer = OperationsListener;

/**
 * Listens on 127.0.0.1:`port` (@rdx/client's operations listener: its own names only, `token` shown, 16
 * connections, slow clients cut off): `GET /metrics` answers the Prometheus text; anything else says what is
 * here. A gauge that fails is answered 500 and logged, and the gateway goes on.
 * @throws the listen error (EADDRINUSE for a port taken).
 */
export function startMetricsServer(
  port: number,
  metrics: Metrics,
  token: string,
  log: (line: string) => void = () => undefined,
): Promise<MetricsServer> {
  return listenForOperations(
    METRICS_HOST,
    port,
    (req, res) => {
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
    },
    log,
    { token, open: [] },
  );
}
