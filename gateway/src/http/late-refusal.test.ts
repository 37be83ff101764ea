/**
 * Refusals of an anonymous caller's rate are held before they are answered (at most a second, never past
 * Retry-After), so a client that floods a refused endpoint sends a request a second per connection instead of
 * as fast as refusals come back. Through plain HTTP against the whole app.
 */
import { expect } from 'chai';
import net from 'node:net';
import { DS } from '../testing/fixtures.js';
import { assertOAuthError, assertOk, startHarness, type Harness, type Reply } from '../testing/harness.js';

function bogusLogin(h: Harness, i: number): Promise<Reply> {
  return h.post('/oauth/token', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&client_id=91331100FLOOD${String(i).padStart(5, '0')}&client_secret=guess`,
  });
}

/** `connections` loops, each sending bogus logins one after another for `ms`; the answers each got. */
async function flood(h: Harness, connections: number, ms: number): Promise<Reply[][]> {
  const until = Date.now() + ms;
  return Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      const answers: Reply[] = [];
      while (Date.now() < until) answers.push(await bogusLogin(h, c));
      return answers;
    }),
  );
}

/** An answer and how many ms it took to arrive. */
async function timed(call: Promise<Reply>): Promise<{ reply: Reply; ms: number }> {
  const asked = performance.now();
  const reply = await call;
  return { reply, ms: performance.now() - asked };
}

describe('refusals of an anonymous caller’s rate, answered late', () => {
  it('a refused token request gets its 429 after a second (its Retry-After is longer), still with Retry-After', async () => {
    const h = await startHarness({ loginGuard: { perAddressPerMinute: 1 } });
    try {
      assertOAuthError(await bogusLogin(h, 0), 401, 'INVALID_CLIENT');
      const { reply: refused, ms: waited } = await timed(bogusLogin(h, 1));
      assertOAuthError(refused, 429, 'RATE_LIMITED');
      expect(Number(refused.headers.get('retry-after'))).to.be.at.least(1);
      expect(waited, 'ms before the refusal arrived').to.be.at.least(990);
    } finally {
      await h.close();
    }
  });

  it('a flood over 8 connections gets about one answer a second on each while a data call is served; 0 answers at once', async () => {
    const held = await startHarness({ loginGuard: { perAddressPerMinute: 1 } });
    try {
      const [answers, data] = await Promise.all([
        flood(held, 8, 2500),
        held.get(`/v1/datasets/${DS.PEOPLE}/records?limit=5`, { as: 'AA' }),
      ]);
      assertOk(data);
      const all = answers.flat();
      for (const r of all.slice(1)) if (r.status === 429) assertOAuthError(r, 429, 'RATE_LIMITED');
      // One answer at once (the single allowed attempt or a refusal), then one a second: 2.5 s → at most 4.
      for (const each of answers) expect(each.length, 'answers on one connection').to.be.at.most(4);
    } finally {
      await held.close();
    }
    const atOnce = await startHarness({ loginGuard: { perAddressPerMinute: 1 }, rateRefusalDelayMs: 0 });
    try {
      const answers = await flood(atOnce, 8, 1000);
      expect(answers.flat().length, 'refusals answered at once').to.be.above(100);
    } finally {
      await atOnce.close();
    }
  });

  it('a client that hangs up while its refusal is held leaves the gateway serving', async () => {
    const h = await startHarness({ loginGuard: { perAddressPerMinute: 1 } });
    try {
      assertOAuthError(await bogusLogin(h, 0), 401, 'INVALID_CLIENT');
      const { hostname, port } = new URL(h.base);
      const body = 'grant_type=client_credentials&client_id=91331100HANGUP000&client_secret=guess';
      const socket = net.connect(Number(port), hostname);
      socket.write(
        `POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
      await new Promise((r) => setTimeout(r, 200));
      socket.destroy();
      await new Promise((r) => setTimeout(r, 1200)); // the held refusal comes due with no one to answer
      assertOk(await h.get('/healthz'));
      assertOAuthError(await bogusLogin(h, 2), 429, 'RATE_LIMITED');
    } finally {
      await h.close();
    }
  });

  it('an anonymous download over its rate and a complaint over its hourly limit wait for their 429 too; an enterprise over its rate does not', async () => {
    const h = await startHarness({ ratePerSecond: 1, publicComplaintsPerHour: 1 });
    try {
      const downloads = [];
      for (let i = 0; i < 3; i++) downloads.push(await timed(h.get(`/v1/open/datasets/${DS.OPEN}/download`)));
      const refusedDownloads = downloads.filter((d) => d.reply.status === 429);
      expect(refusedDownloads.length, 'downloads refused beyond 1 a second').to.be.at.least(1);
      for (const d of refusedDownloads) expect(d.ms, 'ms before the refusal arrived').to.be.at.least(990);

      const complaint = {
        json: {
          datasetId: DS.PEOPLE,
          category: 'error',
          facts: '数据中有错误的记录。',
          contact: 'a@example.org',
        },
      };
      assertOk(await h.post('/v1/public/complaints', complaint), 201); // the hour's one
      const refusedComplaint = await timed(h.post('/v1/public/complaints', complaint));
      expect(refusedComplaint.reply.status).to.equal(429);
      expect(refusedComplaint.ms, 'ms before the refusal arrived').to.be.at.least(990);

      // An enterprise is known and accountable: its refusals come at once (as before).
      const calls = [];
      for (let i = 0; i < 3; i++)
        calls.push(await timed(h.get(`/v1/datasets/${DS.OPEN}/records?limit=1`, { as: 'A' })));
      const refusedCalls = calls.filter((c) => c.reply.status === 429);
      expect(refusedCalls.length, 'calls refused beyond 1 a second').to.be.at.least(1);
      for (const c of refusedCalls) expect(c.ms, 'ms before the refusal arrived').to.be.below(900);
    } finally {
      await h.close();
    }
  });

  it('an address over its rate on a route without credentials waits for its 429 too', async () => {
    const h = await startHarness({ anonymousRatePerSecond: 1 });
    try {
      const replies = [];
      for (let i = 0; i < 3; i++) replies.push(await timed(h.get('/healthz')));
      const refused = replies.filter((r) => r.reply.status === 429);
      expect(refused.length, 'refused beyond 1 a second').to.be.at.least(1);
      for (const r of refused) {
        expect(r.reply.headers.get('retry-after')).to.equal('1');
        expect(r.ms, 'ms before the refusal arrived').to.be.at.least(990);
      }
    } finally {
      await h.close();
    }
  });

  it('an address over its rate waits for its 429 on what else it gets without credentials: a path no route has, a refused token, a data call without one, the console’s files (four times the budget)', async () => {
    for (const [path, budget] of [
      ['/no/such/route', 1],
      ['/v1/applications', 1],
      [`/v1/datasets/${DS.OPEN}/records?limit=1`, 1],
      ['/console/js/i18n.js', 4],
    ] as const) {
      const h = await startHarness({ anonymousRatePerSecond: 1 });
      try {
        const replies = [];
        for (let i = 0; i < budget + 2; i++) replies.push(await timed(h.get(path, { token: 'not-a-token' })));
        for (const r of replies.slice(0, budget))
          expect(r.reply.status, `${path}, within its budget`).to.not.equal(429);
        const refused = replies.filter((r) => r.reply.status === 429);
        expect(refused.length, `${path}: refused beyond ${budget} a second`).to.be.at.least(1);
        for (const r of refused) {
          expect((r.reply.body as { code: string }).code).to.equal('RATE_LIMITED');
          expect(r.ms, `${path}: ms before the refusal arrived`).to.be.at.least(990);
        }
      } finally {
        await h.close();
      }
    }
  });
});
