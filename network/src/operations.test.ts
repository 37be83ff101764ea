/**
 * The tooling's client of a node's operations endpoint: it shows the node's own pair (Fabric answers /metrics and
 * /logspec over TLS only to a client of the org's TLS CA) and trusts only the org's TLS root.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { loadConfig } from './config.js';
import { topologyFor } from './context.js';
import { nodeHealthy, nodeMetrics } from './operations.js';
import { Paths } from './paths.js';
import { writeNodeTls } from './testing/node-tls.js';
import type { NodeSpec } from './topology.js';

describe("the tooling's client of a node's operations endpoint", () => {
  let dir: string;
  let paths: Paths;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-operations-'));
    paths = new Paths(path.join(dir, 'home'), dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** An operations endpoint served with the pair in `tlsDir`, as Fabric's: /metrics only to a client with a pair. */
  async function endpoint(tlsDir: string): Promise<{ port: number; close: () => void }> {
    const read = (f: string): Buffer => fs.readFileSync(path.join(tlsDir, f));
    const server = https.createServer(
      { cert: read('server.crt'), key: read('server.key'), requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const shown = (req.socket as TLSSocket).getPeerCertificate();
        if (req.url === '/healthz') return void res.end('{"status":"OK"}');
        if (!shown || Object.keys(shown).length === 0)
          return void res.writeHead(401).end('client certificate required');
        res.end('ledger_blockchain_height{channel="opendata"} 7\n');
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as AddressInfo).port, close: () => server.close() };
  }

  /**
   * Runs `check` on Market's peer, its TLS pair written, against an endpoint served with the pair in `servedWith`
   * (the peer's own folder, or another).
   */
  async function againstPeer(
    servedWith: string,
    check: (topology: ReturnType<typeof topologyFor>, node: NodeSpec) => Promise<void>,
  ): Promise<void> {
    const topology = topologyFor(loadConfig({ RDX_HOME: paths.home }));
    const own = paths.identityTls('market', 'peer0');
    writeNodeTls(own);
    if (servedWith !== own) writeNodeTls(servedWith);
    const served = await endpoint(servedWith);
    try {
      const peer = topology.nodes.find((n) => n.name === 'peer0.market')!;
      await check(topology, { ...peer, opsPort: served.port });
    } finally {
      served.close();
    }
  }

  it("shows the node's pair, so the metrics answer it; its health too", () =>
    againstPeer(paths.identityTls('market', 'peer0'), async (topology, node) => {
      expect(await nodeMetrics(paths, topology, node)).to.include('ledger_blockchain_height');
      expect(await nodeHealthy(paths, topology, node)).to.equal(true);
    }));

  it('trusts only the org’s TLS root: an endpoint with a pair of another root is not the node', () =>
    againstPeer(path.join(dir, 'other'), async (topology, node) => {
      expect(await nodeMetrics(paths, topology, node)).to.equal(undefined);
      expect(await nodeHealthy(paths, topology, node)).to.equal(false);
    }));
});
