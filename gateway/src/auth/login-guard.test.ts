/**
 * The token endpoint under attack, through plain HTTP: a flood of bogus attempts must not stall data calls,
 * guessing a client's secret locks it out, one address cannot hammer the endpoint, and a full hash queue
 * refuses without hashing. Every refusal is 429 RATE_LIMITED with Retry-After.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import http from 'node:http';
import jwt from 'jsonwebtoken';
import { CODE, DS } from '../testing/fixtures.js';
import { LoginGuard } from './login-guard.js';
import { countEventLoopTurns } from '../testing/event-loop-turns.js';
import {
  ISSUER,
  assertOk,
  assertOAuthError,
  secretLogin,
  startHarness,
  type Harness,
  type Reply,
} from '../testing/harness.js';

/**
 * A token request over plain HTTP from another loopback address than the harness's own client (127.0.0.1): a
 * stranger elsewhere. Answers its status.
 */
function tokenRequestFrom(h: Harness, localAddress: string, params: Record<string, string>): Promise<number> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', ...params }).toString();
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${h.base}/oauth/token`,
      {
        method: 'POST',
        localAddress,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function assertRateLimited(reply: Reply): number {
  assertOAuthError(reply, 429, 'RATE_LIMITED');
  const retryAfter = Number(reply.headers.get('retry-after'));
  expect(retryAfter, 'Retry-After in whole seconds').to.be.at.least(1);
  return retryAfter;
}

describe('the token endpoint’s guard', () => {
  it('secret hashes run off the event loop: it keeps turning while they are computed', async () => {
    const guard = new LoginGuard({ hashesInFlight: 1, hashQueue: 100 });
    const turnsSoFar = countEventLoopTurns();
    await Promise.all(Array.from({ length: 20 }, (_, i) => guard.scrypt(`guess-${i}`, 'salt', 32)));
    const turns = turnsSoFar();
    // Synchronous scrypt would have let the loop turn about once between hashes.
    expect(turns, 'event loop turns during 20 hashes').to.be.above(100);
  });

  it('a flood of bogus attempts is answered, the excess refused without hashing, and data calls go on', async () => {
    const h = await startHarness({ loginGuard: { hashesInFlight: 1, hashQueue: 16 } });
    try {
      const attempts = Array.from({ length: 300 }, (_, i) =>
        secretLogin(h, `91331100BOGUS${String(i).padStart(5, '0')}`, 'guess'),
      );
      const data = h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=5`, { as: 'AA' });
      assertOk(await data);
      const replies = await Promise.all(attempts);
      const busy = replies.filter((r) => r.status === 429);
      busy.forEach(assertRateLimited);
      expect(busy.length, 'refused without hashing').to.be.at.least(200);
      for (const r of replies.filter((x) => x.status !== 429)) assertOAuthError(r, 401, 'INVALID_CLIENT');
      expect(h.services.loginGuard!.counts.refusedBusy).to.equal(busy.length);
    } finally {
      await h.close();
    }
  });

  it('guessing a client’s secret locks that client out, growing, until the time has passed', async () => {
    const h = await startHarness({ loginGuard: { freeFailures: 5, perClientPerMinute: 1000 } });
    try {
      h.setNow('2026-06-01T08:00:00Z');
      const code = CODE.AA;
      const secret = h.secrets.get(code)!;
      for (let i = 0; i < 6; i++)
        assertOAuthError(await secretLogin(h, code, `wrong-${i}`), 401, 'INVALID_CLIENT');
      // The sixth failure locked it: even the right secret is refused now.
      expect(assertRateLimited(await secretLogin(h, code, secret))).to.equal(1);
      h.setNow('2026-06-01T08:00:02Z');
      assertOAuthError(await secretLogin(h, code, 'wrong-again'), 401, 'INVALID_CLIENT');
      expect(
        assertRateLimited(await secretLogin(h, code, secret)),
        'the next lockout is twice as long',
      ).to.equal(2);
      h.setNow('2026-06-01T08:00:05Z');
      assertOk(await secretLogin(h, code, secret));
      // Success clears the count: one more mistake is free again.
      assertOAuthError(await secretLogin(h, code, 'wrong'), 401, 'INVALID_CLIENT');
      assertOk(await secretLogin(h, code, secret));
    } finally {
      await h.close();
    }
  });

  it('a stranger’s bogus secrets under an enterprise’s id lock that id out only where the stranger asks from; a signed assertion is never locked out', async function () {
    // The stranger asks from 127.0.0.2: all of 127/8 is the loopback on Linux, not elsewhere.
    if (process.platform !== 'linux') this.skip();
    const h = await startHarness({ loginGuard: { freeFailures: 5, perClientPerMinute: 1000 } });
    try {
      h.setNow('2026-06-01T08:00:00Z');
      const code = CODE.AA;
      const secret = h.secrets.get(code)!;
      const stranger = '127.0.0.2';
      for (let i = 0; i < 6; i++)
        expect(
          await tokenRequestFrom(h, stranger, { client_id: code, client_secret: `guess-${i}` }),
        ).to.equal(401);
      // Locked out there, even with the right secret...
      expect(await tokenRequestFrom(h, stranger, { client_id: code, client_secret: secret })).to.equal(429);
      // ...but the enterprise, asking from its own address, gets its token.
      assertOk(await secretLogin(h, code, secret));
      // And a client assertion signed with its key is never refused for its client id, wherever it comes from.
      const assertion = jwt.sign({}, h.enterpriseKeys.AA.privateKeyPem, {
        algorithm: 'ES256',
        issuer: code,
        subject: code,
        audience: `${ISSUER}/oauth/token`,
        expiresIn: 60,
        jwtid: crypto.randomUUID(),
      });
      expect(
        await tokenRequestFrom(h, stranger, {
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        }),
      ).to.equal(200);
    } finally {
      await h.close();
    }
  });

  it('claimed client ids longer than any client’s are refused and not remembered', async () => {
    const h = await startHarness();
    try {
      const tracked = (): number => h.services.loginGuard!.tracked;
      assertOAuthError(await secretLogin(h, CODE.AA, 'wrong'), 401, 'INVALID_CLIENT');
      const before = tracked();
      for (let i = 0; i < 20; i++)
        assertOAuthError(await secretLogin(h, `${i}${'x'.repeat(16_000)}`, 'wrong'), 401, 'INVALID_CLIENT');
      expect(tracked(), 'addresses and client ids remembered').to.equal(before);
      expect(await h.scrape()).to.match(new RegExp(`^rdx_token_guard_tracked ${before}$`, 'm'));
    } finally {
      await h.close();
    }
  });

  it('a clock stepped back takes nothing from an address’s attempts', () => {
    let now = Date.parse('2026-12-07T03:00:00Z');
    const guard = new LoginGuard({ perAddressPerMinute: 120, now: () => now });
    for (let i = 0; i < 10; i++) guard.admitAddress('192.0.2.7');
    // Two minutes back: the bucket's refill went negative, 240 attempts' worth, and logins were refused for the step.
    now -= 120_000;
    expect(() => guard.admitAddress('192.0.2.7')).not.to.throw();
  });

  it('one address gets a limited number of attempts a minute', async () => {
    const h = await startHarness({ loginGuard: { perAddressPerMinute: 5 } });
    try {
      h.setNow('2026-06-01T08:00:00Z');
      const code = CODE.AAA;
      const secret = h.secrets.get(code)!;
      for (let i = 0; i < 5; i++) assertOk(await secretLogin(h, code, secret));
      expect(assertRateLimited(await secretLogin(h, code, secret))).to.be.at.most(12);
      h.setNow('2026-06-01T08:00:13Z');
      assertOk(await secretLogin(h, code, secret));
    } finally {
      await h.close();
    }
  });

  it('when the hash queue is full, further attempts are refused without waiting for a hash', async () => {
    const h = await startHarness({ loginGuard: { hashesInFlight: 1, hashQueue: 2 } });
    try {
      const replies = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          secretLogin(h, `91331100QUEUE${String(i).padStart(5, '0')}`, 'x'),
        ),
      );
      const busy = replies.filter((r) => r.status === 429);
      expect(busy.length, 'refused as busy').to.be.at.least(6);
      busy.forEach(assertRateLimited);
      expect(replies.filter((r) => r.status === 401).length, 'hashed and refused').to.be.at.least(3);
    } finally {
      await h.close();
    }
  });
});
