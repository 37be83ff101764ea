/**
 * The gateway's HTTPS certificate comes from a CA of its own, the bureau's gateway CA, whose root callers pin: no
 * other certificate for the gateway's host passes for the gateway, whoever holds its key. Tried as one who holds
 * such a key would: a server with the bureau peer's TLS pair, the bureau's CA server itself (its TLS certificate
 * names the host), and the gateway's own Fabric TLS pair, each reached with `curl --cacert` and the gateway root.
 * The bureau is initialised on a host of its own (`rdx-network org init`, a fresh home and port block) with the
 * real Fabric CA; then its home is taken back to what the release before the gateway CA left, and started again.
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

  it('the gateway CA issues to the gateway alone: other secrets, the org’s registrar and the gateway’s Fabric certificate get nothing there', () => {
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
    const scratch = (): string => fs.mkdtempSync(path.join(home, 'msp-'));
    for (const who of ['peer0', 'rdxadmin']) {
      // The same secret at the org's CA enrolls: what the gateway CA refuses is the name, not the secret.
      const atOrgCa = client(['enroll', '-u', at(who, secrets[who]!), ...tlsRoot, '-M', scratch()]);
      expect(atOrgCa.status, atOrgCa.output).to.equal(0);
      const there = client(['enroll', '-u', at(who, secrets[who]!), ...gatewayCa, '-M', scratch()]);
      expect(there.status, `${who} at the gateway CA: ${there.output}`).not.to.equal(0);
      expect(there.output).to.match(/Authentication failure/);
    }
    // The org's registrar registers a name of its choosing at the org's CA, but not at the gateway CA.
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
    // The gateway's Fabric certificate names the one identity the gateway CA knows: re-enrolling on it there,
    // for a new HTTPS certificate, is refused all the same (the gateway CA did not issue it).
    const fabricMsp = scratch();
    fs.cpSync(paths.identityMsp('bureau', 'gateway'), fabricMsp, { recursive: true });
    const reenroll = client([
      'reenroll',
      '-u',
      `https://${caNode.host}:${caNode.port}`,
      ...gatewayCa,
      '-M',
      fabricMsp,
    ]);
    expect(reenroll.status, reenroll.output).not.to.equal(0);
    expect(reenroll.output).to.match(/Authentication failure|Untrusted certificate/i);
  });

  it('renewal re-issues the HTTPS certificate for the same key, from the gateway CA (enrolling one where there is none), and `certs status` lists it', async function () {
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
    // A home renewed before its first start since the gateway CA has no pair yet: renewal enrols one, which the
    // gateway it restarts serves with.
    fs.rmSync(httpsPair, { recursive: true });
    await reenrollOrg(install, paths, topology, orgOf(topology, 'BureauMSP'), caNode);
    expect(new X509Certificate(fs.readFileSync(file)).verify(root.publicKey), 'a pair enrolled').to.equal(
      true,
    );
  });

  it('a bureau home from before the gateway CA gets one at its next start, and a signed definition with its root', function () {
    this.timeout(300_000);
    // What a home made by the release before has: the org's CA alone, no HTTPS pair, no secret for it.
    spawnSync(process.execPath, [networkCli, 'stop'], { env, encoding: 'utf8' });
    fs.rmSync(paths.purposeCaHome('bureau', 'gateway'), { recursive: true, force: true });
    for (const dir of ['https', 'https-msp'])
      fs.rmSync(path.join(paths.identityDir('bureau', 'gateway'), dir), { recursive: true, force: true });
    const secretsFile = path.join(paths.orgDir('bureau'), 'secrets.json');
    const secrets = JSON.parse(fs.readFileSync(secretsFile, 'utf8')) as Record<string, string>;
    delete secrets['gateway@gateway-ca'];
    fs.writeFileSync(secretsFile, JSON.stringify(secrets));
    const orgRootBefore = fs.readFileSync(paths.caCert('bureau'), 'utf8');
    const init = spawnSync(process.execPath, [networkCli, 'org', 'init', '--org', 'BureauMSP'], {
      env,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(init.status, init.stdout + init.stderr).to.equal(0);
    expect(fs.readFileSync(paths.caCert('bureau'), 'utf8'), 'the org root unchanged').to.equal(orgRootBefore);
    const root = new X509Certificate(fs.readFileSync(gatewayRootCertificate(ctx)));
    const cert = new X509Certificate(fs.readFileSync(path.join(httpsPair, 'server.crt')));
    expect(cert.verify(root.publicKey) && cert.checkIP(topology.gateway.host) !== undefined).to.equal(true);
    const exported = JSON.parse(fs.readFileSync(path.join(home, 'export', 'BureauMSP.org.json'), 'utf8')) as {
      gatewayRootCertPem: string;
      gatewayRootSignature: { signerCertPem: string; signature: string };
    };
    expect(exported.gatewayRootCertPem).to.equal(fs.readFileSync(gatewayRootCertificate(ctx), 'utf8'));
    const signer = new X509Certificate(exported.gatewayRootSignature.signerCertPem);
    expect(
      signer.verify(new X509Certificate(orgRootBefore).publicKey),
      'signed by an admin of the org root',
    ).to.equal(true);
  });
});
