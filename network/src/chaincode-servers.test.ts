/**
 * A start runs the chaincode servers from its first step, while the nodes come up, but only those a restart has
 * everything for: a server started without its TLS key would exit, and the start would wait out its timeout.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NetworkContext } from './context.js';
import { startEnrolledChaincodeServers } from './chaincode-deploy.js';
import { Paths } from './paths.js';
import { writeState } from './state.js';
import { buildTopology, peerOrgs } from './topology.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('the chaincode servers started with the first step of a start', () => {
  let home: string;
  let ctx: NetworkContext;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-cc-servers-'));
    const topology = buildTopology({
      basePort: 17000,
      host: '127.0.0.1',
      gatewayHost: '127.0.0.1',
      gatewayPort: 17990,
    });
    ctx = {
      paths: new Paths(home, repoRoot),
      topology,
      config: { repoRoot },
      log: () => undefined,
    } as unknown as NetworkContext;
    // Every org with peers is this host's own (its CA's secrets are here).
    for (const org of peerOrgs(topology)) {
      fs.mkdirSync(ctx.paths.orgDir(org.short), { recursive: true });
      fs.writeFileSync(path.join(ctx.paths.orgDir(org.short), 'secrets.json'), '{}');
    }
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  const started = (): string[] =>
    fs.existsSync(ctx.paths.runDir()) ? fs.readdirSync(ctx.paths.runDir()) : [];

  it('a first start (no chaincode package on record yet) starts none', async () => {
    await startEnrolledChaincodeServers(ctx);
    expect(started()).to.deep.equal([]);
  });

  it('a server whose TLS key is not enrolled yet is left for the chaincode step, not started to fail', async () => {
    const packageIds = Object.fromEntries(peerOrgs(ctx.topology).map((o) => [o.mspId, `rdx_1:${o.short}`]));
    writeState(ctx.paths, {
      phases: ['crypto', 'channel'],
      chaincode: { label: 'rdx_1', sequence: 1, packageIds },
    });
    const before = Date.now();
    await startEnrolledChaincodeServers(ctx);
    expect(started(), 'no server process started').to.deep.equal([]);
    expect(Date.now() - before, 'nothing waited for').to.be.below(1000);
  });
});
