/**
 * A signed admin request is good once on the whole platform: captured on the wire, it replays neither at a
 * sibling gateway sharing the platform's database nor at the same gateway after a restart, for as long as its
 * signing time is accepted.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signAdminRequest } from '@rdx/client';
import { Problem } from '../problem.js';
import { testPostgres } from '../testing/postgres.js';
import { mspRootsDir, testOrg } from '../testing/test-ca.js';
import { AdminSignatureVerifier, MspRoots } from './admin-signature.js';
import { PgReplayStore, SqliteReplayStore } from './replay-store.js';

// Started while the file loads, so that the test files of one process share one server (see testPostgres).
const server = await testPostgres();

/** A GET of Market's home as its admin signs it, as the headers arrive at a gateway. */
function signedHomeRequest(): { method: string; originalUrl: string; get(name: string): string | undefined } {
  const headers = signAdminRequest(testOrg('MarketMSP').identity('admin'), {
    method: 'GET',
    path: '/v1/admin/home',
    contentSha256: crypto.createHash('sha256').digest('hex'),
  });
  return { method: 'GET', originalUrl: '/v1/admin/home', get: (name) => headers[name.toLowerCase()] };
}

async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    if (err instanceof Problem) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'accepted';
}

describe('signed admin requests are used once across gateways and restarts', () => {
  let dir: string;
  let roots: MspRoots;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-admin-nonces-'));
    roots = new MspRoots(mspRootsDir(path.join(dir, 'msp'), ['MarketMSP']));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  after(() => server.stop?.());

  it('SQLite: a captured request replayed after the gateway restarts is refused', async () => {
    const file = path.join(dir, 'assertions.db');
    const captured = signedHomeRequest();
    const before = SqliteReplayStore.open(file);
    expect((await new AdminSignatureVerifier(roots, before).verify(captured)).mspId).to.equal('MarketMSP');
    await before.close();
    const after = SqliteReplayStore.open(file);
    try {
      expect(await refusal(new AdminSignatureVerifier(roots, after).verify(captured))).to.equal(
        'TOKEN_INVALID: The admin signature is not valid: this signed request was already used.',
      );
      // A request signed anew is served.
      expect((await new AdminSignatureVerifier(roots, after).verify(signedHomeRequest())).role).to.equal(
        'admin',
      );
    } finally {
      await after.close();
    }
  });

  it('SQLite: its file lost, a request signed before is refused, and any signed within the skew after', async () => {
    const file = path.join(dir, 'assertions.db');
    const captured = signedHomeRequest();
    const before = SqliteReplayStore.open(file);
    await new AdminSignatureVerifier(roots, before).verify(captured);
    await before.close();
    // The file gone (deleted, or a backup restored without it) where the gateway had served.
    fs.rmSync(file);
    const lost = Date.now();
    const remade = SqliteReplayStore.open(file, () => lost, true);
    try {
      const refused = await refusal(new AdminSignatureVerifier(roots, remade).verify(captured));
      expect(refused).to.match(
        /^TOKEN_INVALID: .*may have been used already: this gateway's record of them was made anew at/,
      );
      expect(refused).to.include(new Date(lost + 5 * 60_000).toISOString());
      // Signed after the window, at the gateway's clock then, it is served.
      const later = lost + 5 * 60_000 + 1000;
      const headers = signAdminRequest(
        testOrg('MarketMSP').identity('admin'),
        { method: 'GET', path: '/v1/admin/home', contentSha256: crypto.createHash('sha256').digest('hex') },
        new Date(later),
      );
      const fresh = {
        method: 'GET',
        originalUrl: '/v1/admin/home',
        get: (n: string) => headers[n.toLowerCase()],
      };
      expect((await new AdminSignatureVerifier(roots, remade, () => later).verify(fresh)).mspId).to.equal(
        'MarketMSP',
      );
    } finally {
      await remade.close();
    }
  });

  it('PostgreSQL: a request served by one gateway is refused by its sibling', async function () {
    if (!server.url) {
      if (server.error) throw server.error;
      console.log(`      (skipped: ${server.skip})`);
      return this.skip();
    }
    const [a, b] = [await PgReplayStore.open(server.url), await PgReplayStore.open(server.url)];
    try {
      const captured = signedHomeRequest();
      await new AdminSignatureVerifier(roots, a).verify(captured);
      expect(await refusal(new AdminSignatureVerifier(roots, b).verify(captured))).to.match(/already used/);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
