/**
 * An orderer still running from before the orderer admin CA takes its org's CA on its admin endpoint, where the
 * tooling's osnadmin now comes with the orderer admin pair: a start restarts it with this release's environment,
 * and leaves one already on it be. A stand-in for the orderer serves its operations, main and admin ports.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from './config.js';
import type { NetworkContext } from './context.js';
import { topologyFor } from './context.js';
import { ordererEnv } from './node-env.js';
import { Paths } from './paths.js';
import { freePorts } from './testing/free-ports.js';
import { startProcess } from './platform.js';
import { processEnvVar, readPid, runningPid, startDaemon, stopDaemon } from './proc.js';
import type { NodeSpec } from './topology.js';

describe('an orderer running from before the orderer admin CA', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-orderer-upgrade-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is restarted by a start with its orderer admin CA as its admin client root; one already on it is left be', async () => {
    const orderer = path.join(dir, 'orderer');
    fs.writeFileSync(
      orderer,
      `#!${process.execPath}
const http = require('node:http');
const net = require('node:net');
const at = (address) => { const i = address.lastIndexOf(':'); return [Number(address.slice(i + 1)), address.slice(0, i)]; };
http.createServer((_req, res) => res.end('ok')).listen(...at(process.env.ORDERER_OPERATIONS_LISTENADDRESS));
net.createServer((s) => s.end()).listen(Number(process.env.ORDERER_GENERAL_LISTENPORT), process.env.ORDERER_GENERAL_LISTENADDRESS);
net.createServer((s) => s.end()).listen(...at(process.env.ORDERER_ADMIN_LISTENADDRESS));
`,
      { mode: 0o755 },
    );
    const [port, opsPort, adminPort] = (await freePorts(3)) as [number, number, number];
    const paths = new Paths(path.join(dir, 'home'), dir);
    const topology = topologyFor(loadConfig({ RDX_HOME: paths.home }));
    const node: NodeSpec = {
      ...topology.nodes.find((n) => n.name === 'orderer1.orderer')!,
      port,
      opsPort,
      adminPort,
    };
    topology.nodes = topology.nodes.map((n) => (n.name === node.name ? node : n));
    const logged: string[] = [];
    const install = { bin: { orderer }, configDir: dir };
    const ctx = { paths, topology, install, log: (l: string) => logged.push(l) } as unknown as NetworkContext;
    const env = ordererEnv(ctx.install, paths, topology, node);
    // As the release before started it: its admin endpoint took the org's CA.
    startDaemon(paths, node.name, orderer, [], {
      ...env,
      ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${paths.caCert('orderer')}]`,
    });
    const old = readPid(paths, node.name)!;
    try {
      await startProcess(ctx, node);
      const now = runningPid(paths, node.name)!;
      expect(now, 'a new orderer').not.to.equal(old);
      expect(processEnvVar(now, 'ORDERER_ADMIN_TLS_CLIENTROOTCAS')).to.equal(
        `[${paths.ordererAdminCaCert('orderer')}]`,
      );
      expect(logged.join('\n')).to.contain('restart orderer1.orderer: its admin endpoint takes the org');
      await startProcess(ctx, node);
      expect(runningPid(paths, node.name), 'left be').to.equal(now);
    } finally {
      await stopDaemon(paths, node.name, 0);
    }
  });
});
