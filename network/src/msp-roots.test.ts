import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NetworkContext } from './context.js';
import { Paths } from './paths.js';
import { writeMspRoots } from './platform.js';
import { buildTopology, peerOrgs } from './topology.js';

describe("the gateway's folder of the channel orgs' roots", () => {
  it('is owner-only whatever the umask of the process writing it (a test starting another gateway runs with 022)', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-msp-roots-'));
    const umask = process.umask(0o022);
    try {
      const topology = buildTopology({
        basePort: 17000,
        host: '127.0.0.1',
        gatewayHost: '127.0.0.1',
        gatewayPort: 17990,
      });
      const ctx = {
        paths: new Paths(home, home),
        topology,
        log: () => undefined,
      } as unknown as NetworkContext;
      for (const org of peerOrgs(topology)) {
        fs.mkdirSync(path.dirname(ctx.paths.caCert(org.short)), { recursive: true, mode: 0o700 });
        fs.writeFileSync(ctx.paths.caCert(org.short), `root of ${org.mspId}\n`, { mode: 0o600 });
      }
      const dir = writeMspRoots(ctx);
      expect(fs.statSync(dir).mode & 0o777, dir).to.equal(0o700);
      const files = fs.readdirSync(dir);
      expect(files.sort()).to.deep.equal(
        peerOrgs(topology)
          .map((o) => `${o.mspId}.pem`)
          .sort(),
      );
      for (const f of files) expect(fs.statSync(path.join(dir, f)).mode & 0o777, f).to.equal(0o600);
    } finally {
      process.umask(umask);
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
