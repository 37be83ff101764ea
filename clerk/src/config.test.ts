import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadClerkConfig } from './config.js';

describe('clerk configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-clerk-config-'));
  const pem = path.join(dir, 'x.pem');
  fs.writeFileSync(pem, 'x');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = {
    RDX_CLERK_MSP_ID: 'BureauMSP',
    RDX_CLERK_OPS_TOKEN_FILE: path.join(dir, 'ops.token'),
    RDX_CLERK_CERT: pem,
    RDX_CLERK_KEY: pem,
    RDX_PEER_ENDPOINT: '127.0.0.1:7051',
    RDX_PEER_TLS_ROOT: pem,
    RDX_CHANNEL: 'opendata',
    RDX_CHAINCODE: 'rdx',
  };

  it('has defaults for where it listens, how often it runs and its page size', () => {
    const c = loadClerkConfig(env);
    expect([c.host, c.port, c.intervalMs, c.pageSize]).to.deep.equal(['127.0.0.1', 3010, 3_600_000, 200]);
  });

  it('names the setting that is missing or wrong', () => {
    const fails = (e: NodeJS.ProcessEnv, message: RegExp): void => {
      expect(() => loadClerkConfig(e)).to.throw(ConfigError, message);
    };
    fails({ ...env, RDX_CLERK_CERT: undefined }, /RDX_CLERK_CERT is not set/);
    fails({ ...env, RDX_CLERK_KEY: path.join(dir, 'none.pem') }, /RDX_CLERK_KEY=.*none\.pem: no such file/);
    fails(
      { ...env, RDX_CLERK_INTERVAL_S: '0' },
      /RDX_CLERK_INTERVAL_S must be an integer from 1 to 86400, got "0"/,
    );
    fails({ ...env, RDX_CLERK_PAGE_SIZE: 'many' }, /RDX_CLERK_PAGE_SIZE/);
    fails({ ...env, RDX_CLERK_TLS_CERT: pem }, /set together/);
    fails({ ...env, RDX_CLERK_OPS_TOKEN_FILE: undefined }, /RDX_CLERK_OPS_TOKEN_FILE is not set/);
  });
});
