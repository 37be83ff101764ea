/**
 * Starting a CA: ready only when it serves, and, for the bureau, with its gateway CA loaded. A stand-in for
 * fabric-ca-server opens its operations port (/healthz) at once and its own port a second later, as the real one
 * does in a smaller way, and writes the root of each CA it is given with `--cafiles`, as the real one does when it
 * loads it.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FabricInstall } from './binaries/fabric-binaries.js';
import { caLaunch, startCa } from './ca.js';
import { loadConfig } from './config.js';
import type { NetworkContext } from './context.js';
import { topologyFor } from './context.js';
import { Paths } from './paths.js';
import { freePorts } from './testing/free-ports.js';
import { startProcess } from './platform.js';
import { readPid, runningPid, startDaemon, stopDaemon, tcpOpen } from './proc.js';
import type { NodeSpec, OrgSpec } from './topology.js';
import { orgOf } from './topology.js';

/** The stand-in fabric-ca-server, written into `dir`. */
function standIn(dir: string): string {
  const server = path.join(dir, 'fabric-ca-server');
  fs.writeFileSync(
    server,
    `#!${process.execPath}
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const [host, ops] = process.env.FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS.split(':');
const arg = (name) => process.argv[process.argv.indexOf(name) + 1];
process.argv.forEach((a, i) => {
  if (a === '--cafiles') fs.writeFileSync(path.join(path.dirname(process.argv[i + 1]), 'ca-cert.pem'), 'root');
});
http.createServer((_req, res) => res.end('ok')).listen(Number(ops), host);
setTimeout(() => net.createServer((s) => s.end()).listen(Number(arg('--port')), host), 1000);
`,
    { mode: 0o755 },
  );
  return server;
}

describe('starting a CA', () => {
  let dir: string;
  let paths: Paths;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-ca-'));
    paths = new Paths(path.join(dir, 'home'), dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Marks the org's CA home initialised: the stand-in is only ever started. */
  const initialised = (short: string): void => {
    fs.mkdirSync(paths.caHome(short), { recursive: true });
    fs.writeFileSync(path.join(paths.caHome(short), 'fabric-ca-server-config.yaml'), '');
  };

  it('waits for the CA’s own port, not only for its operations server’s /healthz, which answers first', async () => {
    const [port, opsPort] = (await freePorts(2)) as [number, number];
    const org = { short: 'test', mspId: 'TestMSP', identities: [] } as Partial<OrgSpec> as OrgSpec;
    const node = {
      name: 'ca.test',
      kind: 'ca',
      mspId: 'TestMSP',
      host: '127.0.0.1',
      port,
      opsPort,
    } as NodeSpec;
    initialised('test');
    try {
      const install = { bin: { 'fabric-ca-server': standIn(dir) } } as unknown as FabricInstall;
      await startCa(install, paths, org, node);
      expect(await tcpOpen('127.0.0.1', port), 'the CA’s port when startCa returns').to.equal(true);
      expect(
        fs.existsSync(paths.purposeCaHome('test', 'gateway')),
        'no gateway CA for an org without a gateway',
      ).to.equal(false);
    } finally {
      await stopDaemon(paths, node.name, 0);
    }
  });

  for (const [org, purpose] of [
    ['bureau', 'gateway'],
    ['orderer', 'orderer-admin'],
  ] as const)
    it(`restarts ${org}'s CA server when it runs from before its ${purpose} CA, and then it has one`, async () => {
      const [port, opsPort] = (await freePorts(2)) as [number, number];
      const topology = topologyFor(loadConfig({ RDX_HOME: paths.home }));
      const node: NodeSpec = { ...topology.nodes.find((n) => n.name === `ca.${org}`)!, port, opsPort };
      topology.nodes = topology.nodes.map((n) => (n.name === node.name ? node : n));
      const logged: string[] = [];
      const ctx = {
        paths,
        topology,
        install: { bin: { 'fabric-ca-server': standIn(dir) } },
        log: (line: string) => logged.push(line),
      } as unknown as NetworkContext;
      initialised(org);
      // As the release before started it: this release's launch but for its --cafiles.
      const launch = caLaunch(ctx.install, paths, orgOf(topology, node.mspId), node);
      const cafiles = launch.args.indexOf('--cafiles');
      startDaemon(paths, node.name, launch.cmd, launch.args.toSpliced(cafiles, 2), launch.env);
      const old = readPid(paths, node.name)!;
      try {
        await startProcess(ctx, node);
        const now = runningPid(paths, node.name)!;
        expect(now, 'a new server').not.to.equal(old);
        const args = fs.readFileSync(`/proc/${now}/cmdline`, 'utf8').split('\0');
        expect(
          args.filter((a) => a === '--cafiles'),
          'one CA file: the org has one purpose CA',
        ).to.have.length(1);
        expect(fs.existsSync(paths.purposeCaCert(org, purpose)), `the ${purpose} CA loaded`).to.equal(true);
        expect(logged).to.deep.equal([
          `  restart ca.${org}: it runs otherwise than this release starts it (its command line lacks --cafiles ${paths.purposeCaHome(org, purpose)}/fabric-ca-config.yaml)`,
        ]);
        // Running with it, the next start leaves it be.
        await startProcess(ctx, node);
        expect(runningPid(paths, node.name)).to.equal(now);
      } finally {
        await stopDaemon(paths, node.name, 0);
      }
    });
});
