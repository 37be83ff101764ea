import { expect } from 'chai';
import http from 'node:http';
import { startOpsServer, type OpsServer } from './ops-server.js';
import type { ClerkStatus } from './service.js';
import type { RoundReport } from './clerk.js';

const TOKEN = '5a'.repeat(32);
const SHOWN = { authorization: `Bearer ${TOKEN}` };

const round: RoundReport = {
  startedAt: '2026-10-08T16:00:02.000Z',
  finishedAt: '2026-10-08T16:00:04.000Z',
  ledgerToday: '2026-10-09',
  heartbeat: 12,
  expired: { grants: ['g-1'], ratings: [] },
  terminated: [],
  alreadyDone: [],
  failed: [{ kind: 'grant', id: 'g-2', code: 'LEDGER_UNAVAILABLE', message: 'down' }],
  overdue: { application: 2, calendar: 1 },
  missingCalendars: [{ year: '2027', due: '2026-12-31' }],
  interrupted: false,
};

describe('clerk operations endpoint', () => {
  const status: ClerkStatus = {
    rounds: { ok: 0, failed: 0 },
    expiredTotal: { grants: 0, ratings: 0 },
    terminatedTotal: 0,
  };
  let ops: OpsServer;
  before(async () => {
    ops = await startOpsServer('127.0.0.1', 0, status, TOKEN, () => undefined);
  });
  after(() => ops.close());
  const get = async (
    path: string,
    headers: Record<string, string> = SHOWN,
  ): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${ops.url}${path}`, { headers });
    return { status: res.status, text: await res.text() };
  };

  it('is healthy at once, ready only once a round has reached the ledger, and not while it cannot', async () => {
    expect((await get('/healthz')).status).to.equal(200);
    expect(await get('/readyz')).to.deep.include({ status: 503 });
    expect(JSON.parse((await get('/readyz')).text)).to.deep.equal({ status: 'first round running' });
    Object.assign(status, { lastRound: round, rounds: { ok: 1, failed: 0 } });
    expect((await get('/readyz')).status).to.equal(200);
    status.lastError = {
      at: '2026-10-08T17:00:00.000Z',
      message: 'connect ECONNREFUSED 10.0.0.2:7050 (peer0.bureau is not answering)',
    };
    const down = await get('/readyz');
    expect(down.status).to.equal(503);
    // Since when, but not the ledger's error text: it names the network's hosts and ports.
    expect(JSON.parse(down.text)).to.deep.equal({
      status: 'ledger unreachable',
      since: '2026-10-08T17:00:00.000Z',
    });
    expect(JSON.parse((await get('/status')).text)).to.deep.include({ lastError: status.lastError });
    status.lastError = undefined;
  });

  it('/metrics shows a missing calendar year, overdue items and what was left for the next round', async () => {
    Object.assign(status, { lastRound: round, expiredTotal: { grants: 1, ratings: 0 } });
    const { text } = await get('/metrics');
    expect(text).to.include('rdx_calendar_year_missing{year="2027"} 1');
    expect(text).to.include('rdx_overdue_items{type="application"} 2');
    expect(text).to.include('rdx_clerk_expired_total{kind="grant"} 1');
    expect(text).to.include('rdx_clerk_left_for_next_round 1');
    expect(text).to.include(`rdx_clerk_last_round_timestamp_seconds ${Date.parse(round.finishedAt) / 1000}`);
  });

  it('/status is the JSON of the last round; anything else is 404 or 405', async () => {
    const body = JSON.parse((await get('/status')).text) as ClerkStatus;
    expect(body.lastRound?.expired.grants).to.deep.equal(['g-1']);
    expect((await get('/nope')).status).to.equal(404);
    expect((await fetch(`${ops.url}/status`, { method: 'POST', headers: SHOWN })).status).to.equal(405);
  });

  it('/status and /metrics only for its token: another user of the host gets 401 and nothing of the network; health needs none', async () => {
    Object.assign(status, {
      lastError: { at: '2026-10-09T00:00:00.000Z', message: 'peer0.bureau:7051 down' },
    });
    for (const path of ['/status', '/metrics']) {
      const refused = await get(path, {});
      expect(refused.status, path).to.equal(401);
      expect(refused.text, path).not.to.include('peer0.bureau');
    }
    expect((await get('/healthz', {})).status).to.equal(200);
    expect((await get('/readyz', {})).status).to.equal(503);
    status.lastError = undefined;
  });

  it('answers only its own names: a page that rebinds a name of its own to the host gets 421, not the status', async () => {
    Object.assign(status, {
      lastError: { at: '2026-10-09T00:00:00.000Z', message: 'peer0.bureau:7051 down' },
    });
    const port = new URL(ops.url).port;
    const asked = (host: string): Promise<{ status: number; text: string }> =>
      new Promise((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: '/status', headers: { host, ...SHOWN } }, (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, text }));
          })
          .on('error', reject);
      });
    const rebound = await asked(`attacker.example:${port}`);
    expect(rebound.status).to.equal(421);
    expect(rebound.text).not.to.include('peer0.bureau');
    expect((await asked(`localhost:${port}`)).status).to.equal(200);
    expect((await asked(`127.0.0.1:${port}`)).text).to.include('peer0.bureau:7051 down');
  });
});
