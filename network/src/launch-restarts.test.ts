/**
 * A start restarts a process that runs otherwise than this release starts it, and leaves one that runs so be:
 * an orderer from before the orderer admin CA (its admin endpoint took the org's CA, where the tooling's osnadmin
 * now comes with the orderer admin pair), a gateway from before one of its settings (here its metrics port). A
 * changed operator's setting alone restarts nothing. Stand-ins serve the ports a start waits for.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CODE_ID, codeId } from './code-id.js';
import { loadConfig } from './config.js';
import type { NetworkContext } from './context.js';
import { topologyFor } from './context.js';
import { ordererEnv } from './node-env.js';
import { Paths } from './paths.js';
import { runningEnvironment } from './launch.js';
import { freePorts } from './testing/free-ports.js';
import { writeNodeTls } from './testing/node-tls.js';
import { gatewayEnv, GATEWAY_PROCESS, startGateway, startProcess } from './platform.js';
import { readPid, runningPid, startDaemon, stopDaemon } from './proc.js';
import type { NodeSpec } from './topology.js';

describe('a process running otherwise than this release starts it', () => {
  let dir: string;
  let paths: Paths;
  let logged: string[];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-launch-restarts-'));
    paths = new Paths(path.join(dir, 'home'), dir);
    logged = [];
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an orderer from before its orderer admin CA is restarted with it as its admin client root; one on it is left be', async () => {
    const orderer = path.join(dir, 'orderer');
    fs.writeFileSync(
      orderer,
      `#!${process.execPath}
const fs = require('node:fs');
const https = require('node:https');
const net = require('node:net');
const at = (address) => { const i = address.lastIndexOf(':'); return [Number(address.slice(i + 1)), address.slice(0, i)]; };
const tls = { cert: fs.readFileSync(process.env.ORDERER_OPERATIONS_TLS_CERTIFICATE), key: fs.readFileSync(process.env.ORDERER_OPERATIONS_TLS_PRIVATEKEY) };
https.createServer(tls, (_req, res) => res.end('ok')).listen(...at(process.env.ORDERER_OPERATIONS_LISTENADDRESS));
net.createServer((s) => s.end()).listen(Number(process.env.ORDERER_GENERAL_LISTENPORT), process.env.ORDERER_GENERAL_LISTENADDRESS);
net.createServer((s) => s.end()).listen(...at(process.env.ORDERER_ADMIN_LISTENADDRESS));
`,
      { mode: 0o755 },
    );
    const [port, opsPort, adminPort] = (await freePorts(3)) as [number, number, number];
    const topology = topologyFor(loadConfig({ RDX_HOME: paths.home }));
    const node: NodeSpec = {
      ...topology.nodes.find((n) => n.name === 'orderer1.orderer')!,
      port,
      opsPort,
      adminPort,
    };
    topology.nodes = topology.nodes.map((n) => (n.name === node.name ? node : n));
    writeNodeTls(paths.identityTls('orderer', 'orderer1'));
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
      expect(runningEnvironment(now)?.get('ORDERER_ADMIN_TLS_CLIENTROOTCAS')).to.equal(
        `[${paths.ordererAdminCaCert('orderer')}]`,
      );
      expect(logged).to.deep.equal([
        '  restart orderer1.orderer: it runs otherwise than this release starts it (its ORDERER_ADMIN_TLS_CLIENTROOTCAS differs)',
      ]);
      await startProcess(ctx, node);
      expect(runningPid(paths, node.name), 'left be').to.equal(now);
    } finally {
      await stopDaemon(paths, node.name, 0);
    }
  });

  describe('the gateway', () => {
    const saved = process.env.RDX_CORS_ORIGINS;
    afterEach(() => {
      if (saved === undefined) delete process.env.RDX_CORS_ORIGINS;
      else process.env.RDX_CORS_ORIGINS = saved;
    });

    /**
     * A repository whose gateway/dist/main.js is a stand-in: ready on its port, as a start waits for, and answering
     * with `build`; and the start's context for it on two free ports.
     */
    async function standIn(build: string): Promise<{
      repoRoot: string;
      ctx: NetworkContext;
      port: number;
      metricsPort: number;
      write: (file: string, text: string) => void;
      serve: (build: string) => string;
    }> {
      const repoRoot = path.join(dir, 'repo');
      const write = (file: string, text: string): void => {
        fs.mkdirSync(path.dirname(path.join(repoRoot, file)), { recursive: true });
        fs.writeFileSync(path.join(repoRoot, file), text);
      };
      const serve = (answer: string): string =>
        `require('node:http').createServer((_req, res) => res.end('${answer}')).listen(Number(process.env.RDX_GATEWAY_PORT), process.env.RDX_GATEWAY_HOST);\n`;
      write('gateway/dist/main.js', serve(build));
      write('gateway/dist/package.json', '{"type":"commonjs"}');
      const [port, metricsPort] = (await freePorts(2)) as [number, number];
      const config = loadConfig({
        RDX_HOME: paths.home,
        RDX_GATEWAY_PORT: String(port),
        RDX_GATEWAY_METRICS_PORT: String(metricsPort),
      });
      const ctx = {
        paths,
        topology: topologyFor(config),
        config: { ...config, repoRoot },
        log: (l: string) => logged.push(l),
      } as unknown as NetworkContext;
      return { repoRoot, ctx, port, metricsPort, write, serve };
    }

    it('from before a setting of its own is restarted with it; a changed operator setting alone restarts nothing', async () => {
      const { repoRoot, ctx, metricsPort } = await standIn('ok');
      // As a build before its metrics listener started it: no RDX_GATEWAY_METRICS_PORT of its own (its code
      // digest is this build's, so that the setting alone differs).
      const { RDX_GATEWAY_METRICS_PORT: _, ...before } = gatewayEnv(ctx);
      startDaemon(
        paths,
        GATEWAY_PROCESS,
        process.execPath,
        [path.join(repoRoot, 'gateway', 'dist', 'main.js')],
        { ...before, [CODE_ID]: codeId(repoRoot, 'gateway') },
        repoRoot,
      );
      const old = readPid(paths, GATEWAY_PROCESS)!;
      try {
        await startGateway(ctx);
        const now = runningPid(paths, GATEWAY_PROCESS)!;
        expect(now, 'a new gateway').not.to.equal(old);
        expect(runningEnvironment(now)?.get('RDX_GATEWAY_METRICS_PORT')).to.equal(String(metricsPort));
        expect(logged).to.deep.equal([
          '  restart gateway: it runs otherwise than this release starts it (its RDX_GATEWAY_METRICS_PORT differs)',
        ]);
        // The operator's settings reach it when it next starts; a start with another one leaves it be.
        process.env.RDX_CORS_ORIGINS = 'https://portal.example';
        await startGateway(ctx);
        expect(runningPid(paths, GATEWAY_PROCESS), 'left be').to.equal(now);
        expect(logged).to.have.length(1);
      } finally {
        await stopDaemon(paths, GATEWAY_PROCESS, 0);
      }
    });

    it('started before the repository was rebuilt is restarted, also for a workspace it loads; not for a test', async () => {
      const { ctx, port, write, serve } = await standIn('one');
      write('gateway/package.json', JSON.stringify({ dependencies: { '@rdx/client': '0.1.0' } }));
      write('client/dist/index.js', 'exports.version = 1;\n');
      const answer = async (): Promise<string> => (await fetch(`http://127.0.0.1:${port}/readyz`)).text();
      try {
        await startGateway(ctx);
        const first = runningPid(paths, GATEWAY_PROCESS)!;
        expect(await answer()).to.equal('one');

        write('gateway/dist/main.js', serve('two'));
        await startGateway(ctx);
        const second = runningPid(paths, GATEWAY_PROCESS)!;
        expect(second, 'restarted on the rebuilt code').not.to.equal(first);
        expect(await answer()).to.equal('two');
        expect(logged).to.deep.equal([
          "  restart gateway: it runs otherwise than this release starts it (its code is not this build's)",
        ]);

        write('client/dist/index.js', 'exports.version = 2;\n');
        await startGateway(ctx);
        const third = runningPid(paths, GATEWAY_PROCESS)!;
        expect(third, 'restarted on the rebuilt workspace it loads').not.to.equal(second);

        write('gateway/dist/main.test.js', 'it();\n');
        await startGateway(ctx);
        expect(runningPid(paths, GATEWAY_PROCESS), 'a test alone: left be').to.equal(third);
        expect(logged).to.have.length(2);
      } finally {
        await stopDaemon(paths, GATEWAY_PROCESS, 0);
      }
    });
  });
});
