/**
 * The clerk's operations endpoint, for `npm run status` and a Prometheus scraper (loopback by default):
 * `/healthz` the process serves; `/readyz` its last round reached the ledger; `/status` what that round did,
 * as JSON; `/metrics` the same as Prometheus text, with every missing calendar year as a gauge. `/status` names
 * grants and the ledger's error (the network's hosts and ports): it is served on @rdx/client's operations listener,
 * which answers only its own names (a page in the host's browser cannot rebind one to it), serves `/status` and
 * `/metrics` only to a request showing the clerk's operations token (`/healthz` and `/readyz` say nothing of the
 * network: any local probe may ask), and holds few connections.
 */
import { listenForOperations, type OperationsListener } from '@rdx/client/operations-listener';
import type { ClerkStatus } from './service.js';

function label(value: string): string {
  return value.replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** The status in Prometheus text exposition format. */
export function metricsText(status: ClerkStatus): string {
  const lines: string[] = [];
  const metric = (name: string, type: string, help: string, samples: [string, number][]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  metric('rdx_clerk_rounds_total', 'counter', 'Rounds run, by whether they reached the ledger.', [
    ['{outcome="ok"}', status.rounds.ok],
    ['{outcome="failed"}', status.rounds.failed],
  ]);
  metric('rdx_clerk_expired_total', 'counter', 'Grants and ratings this clerk marked expired.', [
    ['{kind="grant"}', status.expiredTotal.grants],
    ['{kind="rating"}', status.expiredTotal.ratings],
  ]);
  metric('rdx_clerk_terminated_total', 'counter', 'Agreements this clerk ended after their notice period.', [
    ['', status.terminatedTotal],
  ]);
  const last = status.lastRound;
  if (last) {
    metric(
      'rdx_clerk_last_round_timestamp_seconds',
      'gauge',
      'End of the last round that reached the ledger.',
      [['', Date.parse(last.finishedAt) / 1000]],
    );
    metric('rdx_clerk_left_for_next_round', 'gauge', 'Items the last round could not mark.', [
      ['', last.failed.length],
    ]);
    metric(
      'rdx_overdue_items',
      'gauge',
      'Items past their deadline on the ledger (query:ListOverdue), by type.',
      Object.entries(last.overdue).map(([type, n]) => [`{type="${label(type)}"}`, n]),
    );
    metric(
      'rdx_calendar_year_missing',
      'gauge',
      "A working-day calendar year the ledger lacks: this year's, or from October next year's.",
      last.missingCalendars.map((c) => [`{year="${label(c.year)}"}`, 1]),
    );
  }
  return `${lines.join('\n')}\n`;
}

export type OpsServer = OperationsListener;

export function startOpsServer(
  host: string,
  port: number,
  status: ClerkStatus,
  token: string,
  log: (line: string) => void,
): Promise<OpsServer> {
  return listenForOperations(
    host,
    port,
    (req, res) => {
      const send = (code: number, type: string, body: string): void => {
        res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(body);
      };
      const json = (code: number, body: unknown): void =>
        send(code, 'application/json; charset=utf-8', JSON.stringify(body));
      if (req.method !== 'GET') return json(405, { error: 'only GET' });
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/healthz') return json(200, { status: 'ok' });
      if (path === '/readyz') {
        const ready = status.lastRound !== undefined && status.lastError === undefined;
        // Whether, and since when, never the ledger's error text (it names the network's hosts and ports): that
        // is in /status and the clerk's log, for the bureau's own tooling.
        return json(ready ? 200 : 503, {
          status: ready ? 'ready' : status.lastError ? 'ledger unreachable' : 'first round running',
          ...(status.lastError ? { since: status.lastError.at } : {}),
        });
      }
      if (path === '/status') return json(200, status);
      if (path === '/metrics')
        return send(200, 'text/plain; version=0.0.4; charset=utf-8', metricsText(status));
      return json(404, { error: `no ${path}: try /healthz, /readyz, /status or /metrics` });
    },
    log,
    { token, open: ['/healthz', '/readyz'] },
  );
}
