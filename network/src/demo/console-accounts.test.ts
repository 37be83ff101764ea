/** The demo's console accounts: one per body with peers, owner-only, kept across restarts. */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClientRegistry } from '@rdx/gateway';
import { Paths } from '../paths.js';
import { gatewayDataDir } from '../platform-paths.js';
import { buildTopology } from '../topology.js';
import type { NetworkContext } from '../context.js';
import { bodiesFile, seedBodyAccounts } from './console-accounts.js';

describe('the demo console accounts of the bodies', () => {
  let home: string;
  let ctx: Pick<NetworkContext, 'paths' | 'topology'>;
  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-demo-accounts-'));
    ctx = {
      paths: new Paths(home, home),
      topology: buildTopology({
        basePort: 7000,
        host: '127.0.0.1',
        gatewayHost: '127.0.0.1',
        gatewayPort: 3000,
      }),
    };
  });
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  it("one account per organization with peers, each its body's, written owner-only, the same after a restart", async () => {
    const first = await seedBodyAccounts(ctx);
    const peerOrgs = ctx.topology.orgs.filter((o) => o.kind === 'peer' && !o.joinsLater).map((o) => o.mspId);
    expect(first.map((a) => a.org)).to.deep.equal(peerOrgs);
    expect(fs.statSync(bodiesFile(ctx)).mode & 0o777).to.equal(0o600);
    const clients = ClientRegistry.open(path.join(gatewayDataDir(ctx), 'clients.db'));
    try {
      for (const a of first) {
        expect(clients.orgOf(a.clientId)).to.equal(a.org);
        expect(clients.verify(a.clientId, a.clientSecret, 'body')).to.equal(true);
      }
    } finally {
      clients.close();
    }
    expect(await seedBodyAccounts(ctx)).to.deep.equal(first);
  });

  it('replaces an account whose saved secret no longer verifies, and keeps the others', async () => {
    const before = await seedBodyAccounts(ctx);
    // The saved file says one thing, the registry another (a secret changed by hand, a registry restored).
    const stale = before.map((a, i) => (i === 1 ? { ...a, clientSecret: 'not-the-secret' } : a));
    fs.writeFileSync(bodiesFile(ctx), JSON.stringify(stale), { mode: 0o600 });
    const lines: string[] = [];
    const after = await seedBodyAccounts({ ...ctx, log: (line) => lines.push(line) });
    expect(after[0]).to.deep.equal(before[0]);
    expect(after[2]).to.deep.equal(before[2]);
    expect(after[1]!.clientId, 'a new account for the body whose secret failed').not.to.equal(
      before[1]!.clientId,
    );
    expect(lines).to.deep.equal([
      `  console account of ${before[1]!.org} registered; its credentials: ${bodiesFile(ctx)}`,
    ]);
    const clients = ClientRegistry.open(path.join(gatewayDataDir(ctx), 'clients.db'));
    try {
      expect(clients.verify(after[1]!.clientId, after[1]!.clientSecret, 'body')).to.equal(true);
    } finally {
      clients.close();
    }
  });
});
