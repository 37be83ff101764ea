/**
 * One Fabric CA per org. It enrolls the org's nodes (enrollment and TLS certificates) and users, whose
 * certificates carry the `role` attribute the chaincode checks. The CA root is also the org's TLS root.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FabricInstall } from './fabric-binaries.js';
import type { Paths } from './paths.js';
import { run, startDaemon, waitUntil, healthz, CommandError } from './proc.js';
import type { IdentitySpec, NodeSpec, OrgSpec, Topology } from './topology.js';
import { nodesOf } from './topology.js';

const BOOTSTRAP_ADMIN = 'rdxadmin';

export function caProcessEnv(install: FabricInstall, node: NodeSpec): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: `${node.host}:${node.opsPort}`,
    FABRIC_CA_SERVER_METRICS_PROVIDER: 'prometheus',
  };
}

/** Starts the org's CA (initialising it on first start) and waits for its `/healthz`. */
export async function startCa(
  install: FabricInstall,
  paths: Paths,
  org: OrgSpec,
  node: NodeSpec,
): Promise<void> {
  const home = paths.caHome(org.short);
  fs.mkdirSync(home, { recursive: true });
  const secret = secretFor(paths, org, BOOTSTRAP_ADMIN);
  startDaemon(
    paths,
    node.name,
    install.bin['fabric-ca-server'],
    [
      'start',
      '--home',
      home,
      '-b',
      `${BOOTSTRAP_ADMIN}:${secret}`,
      '--address',
      node.host,
      '--port',
      String(node.port),
      '--tls.enabled',
      '--ca.name',
      `ca-${org.short}`,
      '--csr.cn',
      `ca.${org.short}.rdx`,
      '--csr.hosts',
      hostsFor(node.host),
    ],
    caProcessEnv(install, node),
  );
  await waitUntil(() => healthz(node.host, node.opsPort!), {
    what: `CA ${node.name}`,
    timeoutMs: 60_000,
    processName: node.name,
    paths,
  });
}

function hostsFor(host: string): string {
  return [...new Set([host, 'localhost', '127.0.0.1'])].join(',');
}

/** Secrets of the org's CA identities, generated once and kept (mode 0600) beside the CA. */
function secretFor(paths: Paths, org: OrgSpec, name: string): string {
  const file = path.join(paths.orgDir(org.short), 'secrets.json');
  let secrets: Record<string, string> = {};
  if (fs.existsSync(file)) secrets = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  if (!secrets[name]) {
    secrets[name] = crypto.randomBytes(18).toString('base64url');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets[name];
}

/** The TLS-only identities enrolled besides the org's declared ones: one per chaincode server. */
function tlsOnlyIdentities(topology: Topology, org: OrgSpec): IdentitySpec[] {
  return nodesOf(topology, 'chaincode', org.mspId).map(() => ({
    name: 'chaincode',
    type: 'client' as const,
  }));
}

/**
 * Registers and enrolls every identity of the org that is not enrolled yet, then lays out the org MSP.
 * Safe to run again after an interruption: finished identities are skipped, secrets are reused.
 */
export async function enrollOrg(
  install: FabricInstall,
  paths: Paths,
  topology: Topology,
  org: OrgSpec,
  caNode: NodeSpec,
): Promise<void> {
  const client = install.bin['fabric-ca-client'];
  const caUrl = (name: string, secret: string): string =>
    `https://${name}:${secret}@${caNode.host}:${caNode.port}`;
  const tlsArgs = ['--tls.certfiles', paths.caCert(org.short)];
  const env = { PATH: process.env.PATH, FABRIC_CA_CLIENT_HOME: paths.caClientHome(org.short) };
  const registrarMsp = path.join(paths.caClientHome(org.short), 'msp');

  if (!fs.existsSync(path.join(registrarMsp, 'signcerts', 'cert.pem'))) {
    await run(
      client,
      [
        'enroll',
        '-u',
        caUrl(BOOTSTRAP_ADMIN, secretFor(paths, org, BOOTSTRAP_ADMIN)),
        '-M',
        registrarMsp,
        ...tlsArgs,
      ],
      { env },
    );
  }

  const nodeHost = (name: string): string =>
    topology.nodes.find((n) => n.name === `${name}.${org.short}` && n.mspId === org.mspId)?.host ??
    caNode.host;

  for (const id of [...org.identities, ...tlsOnlyIdentities(topology, org)]) {
    const done = path.join(paths.identityDir(org.short, id.name), '.enrolled');
    if (fs.existsSync(done)) continue;
    const secret = secretFor(paths, org, id.name);
    const registerArgs = [
      'register',
      '-M',
      registrarMsp,
      '--id.name',
      id.name,
      '--id.secret',
      secret,
      '--id.type',
      id.type,
    ];
    if (id.role) registerArgs.push('--id.attrs', `role=${id.role}:ecert`);
    try {
      await run(client, [...registerArgs, ...tlsArgs, '-u', `https://${caNode.host}:${caNode.port}`], {
        env,
      });
    } catch (err) {
      // Registered by an earlier, interrupted run: the stored secret still enrolls it.
      if (!(err instanceof CommandError && /already registered/i.test(err.output))) throw err;
    }
    const hosts = hostsFor(nodeHost(id.name));
    const isTlsOnly = id.name === 'chaincode';
    if (!isTlsOnly) {
      const msp = paths.identityMsp(org.short, id.name);
      fs.rmSync(msp, { recursive: true, force: true });
      await run(
        client,
        ['enroll', '-u', caUrl(id.name, secret), '-M', msp, '--csr.hosts', hosts, ...tlsArgs],
        { env },
      );
      normaliseMsp(msp);
    }
    if (id.type === 'peer' || id.type === 'orderer' || isTlsOnly) {
      const tlsMsp = path.join(paths.identityDir(org.short, id.name), 'tls-msp');
      fs.rmSync(tlsMsp, { recursive: true, force: true });
      await run(
        client,
        [
          'enroll',
          '-u',
          caUrl(id.name, secret),
          '-M',
          tlsMsp,
          '--enrollment.profile',
          'tls',
          '--csr.hosts',
          hosts,
          ...tlsArgs,
        ],
        { env },
      );
      layoutTls(tlsMsp, paths.identityTls(org.short, id.name));
    }
    fs.writeFileSync(done, new Date().toISOString());
  }
  writeOrgMsp(paths, org);
}

const NODE_OU_CONFIG = `NodeOUs:
  Enable: true
  ClientOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: client
  PeerOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: peer
  AdminOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: admin
  OrdererOUIdentifier:
    Certificate: cacerts/ca.pem
    OrganizationalUnitIdentifier: orderer
`;

/** Gives an enrolled MSP fixed file names (`cacerts/ca.pem`, `keystore/key.pem`) and NodeOUs on. */
function normaliseMsp(msp: string): void {
  const rename = (dir: string, to: string): void => {
    const files = fs.readdirSync(path.join(msp, dir));
    if (files.length !== 1) throw new Error(`${msp}/${dir} holds ${files.length} files, expected 1`);
    if (files[0] !== to) fs.renameSync(path.join(msp, dir, files[0]!), path.join(msp, dir, to));
  };
  rename('cacerts', 'ca.pem');
  rename('keystore', 'key.pem');
  fs.writeFileSync(path.join(msp, 'config.yaml'), NODE_OU_CONFIG);
}

/** TLS material under the names the node environments use: ca.crt, server.crt, server.key. */
function layoutTls(tlsMsp: string, tlsDir: string): void {
  fs.mkdirSync(tlsDir, { recursive: true });
  const only = (dir: string): string => {
    const files = fs.readdirSync(path.join(tlsMsp, dir));
    if (files.length !== 1) throw new Error(`${tlsMsp}/${dir} holds ${files.length} files, expected 1`);
    return path.join(tlsMsp, dir, files[0]!);
  };
  fs.copyFileSync(only('tlscacerts'), path.join(tlsDir, 'ca.crt'));
  fs.copyFileSync(only('signcerts'), path.join(tlsDir, 'server.crt'));
  fs.copyFileSync(only('keystore'), path.join(tlsDir, 'server.key'));
  fs.chmodSync(path.join(tlsDir, 'server.key'), 0o600);
}

/** The org MSP that goes into the channel configuration: roots only, no keys. */
function writeOrgMsp(paths: Paths, org: OrgSpec): void {
  const msp = paths.orgMsp(org.short);
  for (const dir of ['cacerts', 'tlscacerts']) {
    fs.mkdirSync(path.join(msp, dir), { recursive: true });
    fs.copyFileSync(paths.caCert(org.short), path.join(msp, dir, 'ca.pem'));
  }
  fs.writeFileSync(path.join(msp, 'config.yaml'), NODE_OU_CONFIG);
}
