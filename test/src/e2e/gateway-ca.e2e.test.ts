/**
 * The gateway's HTTPS certificate comes from a CA of its own, the bureau's gateway CA, whose root callers pin: no
 * other certificate for the gateway's host passes for the gateway, whoever holds its key. Tried as one who holds
 * such a key would: a server with the bureau peer's TLS pair, the bureau's CA server itself (its TLS certificate
 * names the host), and the gateway's own Fabric TLS pair, each reached with `curl --cacert` and the gateway root.
 * The bureau is initialised on a host of its own (`rdx-network org init`, a fresh home and port block), so this
 * runs the real Fabric CA through what a new bureau host and an upgraded one both do.
 */
import { expect } from 'chai';
import { execFile, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  ensureFabricBinaries,
  gatewayRootCertificate,
  type FabricInstall,
  loadConfig,
  nodesOf,
  orgOf,
  pathsFor,
  reenrollOrg,
  stopDaemon,
  topologyFor,
} from '@rdx/network';
import { networkCli } from '../fabric-client.js';

/** A port block of its own, clear of the platform's (7000–7200) and of the tests' gateways. */
const BASE_PORT = 7600;

/** `curl`'s exit code and HTTP status for `url`, trusting only `root`. */
function curl(root: string, url: string): Promise<{ code: number; status: string }> {
  return new Promise((resolve) => {
    execFile(
      'curl',
      ['-sS', '--max-time', '10', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', root, url],
      (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code) : 0, status: stdout }),
    );
  });
}

/** An HTTPS server on 127.0.0.1 presenting the pair in `tlsDir` (server.crt, server.key), answering 200. */
async function serveWith(tlsDir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = https.createServer(
    {
      cert: fs.readFileSync(path.join(tlsDir, 'server.crt')),
      key: fs.readFileSync(path.join(tlsDir, 'server.key')),
    },
    (_req, res) => res.end('ok'),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('the gateway’s own CA: only the gateway’s certificate passes for the gateway', function () {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-gateway-ca-'));
  const env = { ...process.env, RDX_HOME: home, RDX_BASE_PORT: String(BASE_PORT) };
  const config = loadConfig(env);
  const paths = pathsFor(config);
  const topology = topologyFor(config);
  const ctx = { paths, topology };
  const caNode = nodesOf(topology, 'ca', 'BureauMSP')[0]!;
  const identity = (name: string): string => paths.identityTls('bureau', name);
  const httpsPair = paths.identityHttps('bureau', 'gateway');
  let install: FabricInstall;

  before(async function () {
    this.timeout(300_000);
    const init = spawnSync(process.execPath, [networkCli, 'org', 'init', '--org', 'BureauMSP'], {
      env,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(init.status, init.stdout + init.stderr).to.equal(0);
    install = await ensureFabricBinaries(config, () => undefined);
  });
  after(async () => {
    await stopDaemon(paths, caNode.name);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('the gateway’s HTTPS pair chains to the gateway root and names its host; the bureau’s definition carries that root', () => {
    const root = new X509Certificate(fs.readFileSync(gatewayRootCertificate(ctx)));
    const orgRoot = new X509Certificate(fs.readFileSync(paths.caCert('bureau')));
    const cert = new X509Certificate(fs.readFileSync(path.join(httpsPair, 'server.crt')));
    expect(cert.checkIssued(root) && cert.verify(root.publicKey)).to.equal(true);
    expect(cert.verify(orgRoot.publicKey), 'not the org’s CA').to.equal(false);
    expect(cert.checkIP(topology.gateway.host)).to.equal(topology.gateway.host);
    expect(root.subject).not.to.equal(orgRoot.subject);
    const exported = JSON.parse(fs.readFileSync(path.join(home, 'export', 'BureauMSP.org.json'), 'utf8')) as {
      gatewayRootCertPem?: string;
    };
    expect(exported.gatewayRootCertPem).to.equal(fs.readFileSync(gatewayRootCertificate(ctx), 'utf8'));
  });

  it('servers holding the bureau’s other certificates for the host are refused by a caller pinning the gateway root', async () => {
    const root = gatewayRootCertificate(ctx);
    const gateway = await serveWith(httpsPair);
    const peer = await serveWith(identity('peer0'));
    const chaincode = await serveWith(identity('chaincode'));
    const fabricPair = await serveWith(identity('gateway'));
    try {
      expect(await curl(root, gateway.url), 'the gateway’s own').to.deep.equal({ code: 0, status: '200' });
      // Trusting the bureau's org root, as callers did before, the peer's pair passed for a gateway at its address.
      expect(await curl(paths.caCert('bureau'), peer.url)).to.deep.equal({ code: 0, status: '200' });
      for (const [who, server] of [
        ['the peer’s TLS pair', peer],
        ['the chaincode server’s', chaincode],
        ['the gateway’s Fabric TLS pair', fabricPair],
      ] as const)
        expect((await curl(root, server.url)).code, who).to.equal(60);
      // The bureau's CA server, on the host with a certificate its CA issued for it.
      const caServer = `https://${caNode.host}:${caNode.port}/cainfo`;
      expect((await curl(paths.caCert('bureau'), caServer)).status).to.equal('200');
      expect((await curl(root, caServer)).code, 'the CA server').to.equal(60);
      // The gateway's Fabric pair, a client's now, names only itself.
      expect((await curl(paths.caCert('bureau'), fabricPair.url)).code).to.equal(60);
    } finally {
      await Promise.all([gateway, peer, chaincode, fabricPair].map((s) => s.close()));
    }
  });

  it('the gateway CA enrolls the gateway alone: the peer’s secret and the org’s registrar get nothing there', () => {
    const secrets = JSON.parse(
      fs.readFileSync(path.join(paths.orgDir('bureau'), 'secrets.json'), 'utf8'),
    ) as Record<string, string>;
    const client = (args: string[]): { status: number | null; output: string } => {
      const r = spawnSync(install.bin['fabric-ca-client'], args, {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, FABRIC_CA_CLIENT_HOME: fs.mkdtempSync(path.join(home, 'client-')) },
      });
      return { status: r.status, output: r.stdout + r.stderr };
    };
    const at = (who: string, secret: string): string =>
      `https://${who}:${encodeURIComponent(secret)}@${caNode.host}:${caNode.port}`;
    const tlsRoot = ['--tls.certfiles', paths.caCert('bureau')];
    const gatewayCa = ['--caname', 'ca-bureau-gateway', ...tlsRoot];
    // The same secret at the org's CA enrolls: what the gateway CA refuses below is the name, not the secret.
    const atOrgCa = client([
      'enroll',
      '-u',
      at('peer0', secrets.peer0!),
      ...tlsRoot,
      '-M',
      path.join(home, 'peer'),
    ]);
    expect(atOrgCa.status, atOrgCa.output).to.equal(0);
    const peer = client([
      'enroll',
      '-u',
      at('peer0', secrets.peer0!),
      ...gatewayCa,
      '-M',
      path.join(home, 'stolen-peer'),
    ]);
    expect(peer.status, peer.output).not.to.equal(0);
    expect(peer.output).to.match(/Authentication failure|Failed to get user/i);
    // The registrar of the org's CA registers a name of its choosing there, but not at the gateway CA.
    const register = (at: string[], name: string): { status: number | null; output: string } =>
      client([
        'register',
        '-u',
        `https://${caNode.host}:${caNode.port}`,
        ...at,
        '-M',
        path.join(paths.caClientHome('bureau'), 'msp'),
        '--id.name',
        name,
        '--id.secret',
        'impostor-secret',
      ]);
    const atOrg = register(tlsRoot, 'someone');
    expect(atOrg.status, atOrg.output).to.equal(0);
    const registrar = register(gatewayCa, 'impostor');
    expect(registrar.status, registrar.output).not.to.equal(0);
    expect(registrar.output).to.match(/Authentication failure/);
    const stolen = path.join(home, 'stolen-peer', 'signcerts');
    expect(fs.existsSync(stolen) ? fs.readdirSync(stolen) : [], 'no certificate').to.deep.equal([]);
  });

  it('renewal re-issues the HTTPS certificate for the same key, from the gateway CA, and `certs status` lists it', async function () {
    this.timeout(120_000);
    const file = path.join(httpsPair, 'server.crt');
    const before = new X509Certificate(fs.readFileSync(file));
    await reenrollOrg(install, paths, topology, orgOf(topology, 'BureauMSP'), caNode);
    const after = new X509Certificate(fs.readFileSync(file));
    expect(after.serialNumber).not.to.equal(before.serialNumber);
    expect(after.publicKey.equals(before.publicKey), 'the same key').to.equal(true);
    const root = new X509Certificate(fs.readFileSync(gatewayRootCertificate(ctx)));
    expect(after.verify(root.publicKey)).to.equal(true);
    expect(after.checkIP(topology.gateway.host)).to.equal(topology.gateway.host);
    const status = spawnSync(process.execPath, [networkCli, 'certs', 'status'], { env, encoding: 'utf8' });
    expect(status.stdout).to.match(/ HTTPS +gateway \(BureauMSP\)$/m);
  });
});
