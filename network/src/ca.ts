/**
 * One Fabric CA per org. It enrolls the org's nodes (enrollment and TLS certificates) and users, whose
 * certificates carry the `role` attribute the chaincode checks. The CA root is also the org's TLS root.
 *
 * Beside it the same server holds a CA for each purpose the org has, each with a root of its own and one identity
 * (PURPOSE_CAS). The bureau's gateway CA issues the gateway's HTTPS certificate: callers pin its root, so no
 * other certificate for the gateway's host — its peer's, its chaincode server's, the CA server's own, each issued
 * by the org's CA for that host — can pass for the gateway, whoever holds its key. An orderer org's admin CA
 * issues its admin's client certificate for the orderers' admin endpoints, which take no other.
 */
import crypto, { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { authorityKeyId, serialKey, writeFileAtomic } from '@rdx/client';
import type { FabricInstall } from './binaries/fabric-binaries.js';
import type { Paths, PurposeCaName } from './paths.js';
import { startLaunch, SHELL_ONLY, type Launch } from './launch.js';
import { run, waitUntil, healthz, tcpOpen, CommandError } from './proc.js';
import type { IdentitySpec, NodeSpec, OrgSpec, Topology } from './topology.js';
import { identityWithRole, nodesOf, OPS_HOST, opsAddress } from './topology.js';

const BOOTSTRAP_ADMIN = 'rdxadmin';

/**
 * How the org's CA server is started: its home, its address, and the configuration file of each purpose CA beside
 * it (`--cafiles`). A server running from before one of them was added runs otherwise, and a start restarts it.
 */
export function caLaunch(install: FabricInstall, paths: Paths, org: OrgSpec, node: NodeSpec): Launch {
  return {
    name: node.name,
    cmd: install.bin['fabric-ca-server'],
    args: [
      'start',
      '--home',
      paths.caHome(org.short),
      '--address',
      node.host,
      '--port',
      String(node.port),
      '--tls.enabled',
      // Never locked by wrong passwords: anyone who reaches the port (any local user, any host on the network)
      // could otherwise lock every identity, whose names are known, with ten tries each, and the org could not
      // enroll a replacement for a leaked key. The secrets are random (secretFor), so guessing gains nothing.
      '--cfg.identities.passwordattempts=-1',
      ...caNameArgs(org, node),
      ...purposeCasOf(org).flatMap((p) => ['--cafiles', purposeCaConfigFile(paths, org, p)]),
    ],
    env: {
      PATH: process.env.PATH,
      FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: opsAddress(node),
      // Its operations endpoint serves plain HTTP on loopback, which every user of the host reaches: its
      // metrics (the CA's requests, by kind and outcome) are off, and it answers /healthz alone.
      FABRIC_CA_SERVER_METRICS_PROVIDER: 'disabled',
    },
    notCompared: SHELL_ONLY,
  };
}

/** The CA's name and its own certificate's names, the same at its `init` and at every start. */
function caNameArgs(org: OrgSpec, node: NodeSpec): string[] {
  return [
    '--ca.name',
    `ca-${org.short}`,
    '--csr.cn',
    `ca.${org.short}.rdx`,
    '--csr.hosts',
    hostsFor(node.host),
  ];
}

/**
 * Starts the org's CA (initialising it on first start), with its purpose CAs beside it, and waits until it
 * serves: `/healthz` and its own port.
 */
export async function startCa(
  install: FabricInstall,
  paths: Paths,
  org: OrgSpec,
  node: NodeSpec,
): Promise<void> {
  const home = paths.caHome(org.short);
  fs.mkdirSync(home, { recursive: true });
  if (!fs.existsSync(path.join(home, 'fabric-ca-server-config.yaml'))) {
    await initCa(install, paths, org, node);
  }
  for (const purpose of purposeCasOf(org)) writePurposeCaConfig(paths, org, purpose);
  startLaunch(paths, caLaunch(install, paths, org, node));
  // Its operations server answers /healthz before the CA's own port listens: an enrollment made in between was
  // refused (a fresh `npm start` failed so, once in many). Ready means both.
  await waitUntil(
    async () => (await healthz(OPS_HOST, node.opsPort!)) && (await tcpOpen(node.host, node.port)),
    {
      what: `CA ${node.name}`,
      timeoutMs: 60_000,
      processName: node.name,
      paths,
    },
  );
}

/**
 * Creates the CA's home with its bootstrap admin. The password never goes on a command line (any local user
 * reads those in /proc) or into a log: `init` takes it from its environment (readable by the owner only) and
 * keeps it in the CA's own configuration file, which, like all of the home, only the owner reads. `init` prints
 * its configuration, password included, so its output is dropped, and redacted where an error shows it.
 */
async function initCa(install: FabricInstall, paths: Paths, org: OrgSpec, node: NodeSpec): Promise<void> {
  const secret = secretFor(paths, org, BOOTSTRAP_ADMIN);
  await run(
    install.bin['fabric-ca-server'],
    ['init', '--home', paths.caHome(org.short), ...caNameArgs(org, node)],
    {
      env: { PATH: process.env.PATH, FABRIC_CA_SERVER_BOOT: `${BOOTSTRAP_ADMIN}:${secret}` },
      redact: [secret],
    },
  );
}

function hostsFor(host: string): string {
  return [...new Set([host, 'localhost', '127.0.0.1'])].join(',');
}

/**
 * The names an identity's Fabric certificates hold. A node's — a peer, an orderer, a chaincode server — its
 * host's; anyone else's only its own name, so that a person's or a client's pair never passes for a server on
 * that host. The gateway is a client here: its HTTPS certificate, from the gateway CA, is the one that names
 * its host (PURPOSE_CAS).
 */
function certificateHosts(id: IdentitySpec, org: OrgSpec, host: string): string {
  const serves = id.type === 'peer' || id.type === 'orderer' || id.name === 'chaincode';
  return serves ? hostsFor(host) : `${id.name}.${org.short}`;
}

/**
 * A CA of the org's CA server beside the org's own, with a root of its own, for one purpose: its registry holds
 * one identity, it issues that identity's pair, and its root is trusted for that purpose alone.
 */
interface PurposeCa {
  name: PurposeCaName;
  /** How `certs status` and `npm run status` name the pair it issues. */
  pairKind: PurposePairKind;
  /** The identity its registry holds, if the org has it: an org without one has no such CA. */
  identity(org: OrgSpec): string | undefined;
  /** The names its certificate holds. */
  hosts(topology: Topology, org: OrgSpec): string;
}

const PURPOSE_CAS: readonly PurposeCa[] = [
  {
    // The bureau's gateway CA: the gateway's HTTPS certificate, for its host, which callers pin to reach it.
    name: 'gateway',
    pairKind: 'HTTPS',
    identity: (org) => identityWithRole(org, 'gateway'),
    hosts: (topology) => hostsFor(topology.gateway.host),
  },
  {
    // An orderer org's admin CA: its admin's client certificate, the one its orderers' admin endpoints take
    // (osnadmin), so no other pair of the org — an orderer's, a person's — calls them.
    name: 'orderer-admin',
    pairKind: 'orderer admin',
    identity: (org) =>
      org.identities.some((id) => id.type === 'orderer') ? identityWithRole(org, 'admin') : undefined,
    hosts: (_topology, org) => `orderer-admin.${org.short}`,
  },
];

export type PurposePairKind = 'HTTPS' | 'orderer admin';

/** The certificate of each pair a purpose CA may have issued to `identity` of the org, by the pair's kind. */
export function purposePairCertificates(
  paths: Paths,
  short: string,
  identity: string,
): [PurposePairKind, string][] {
  return PURPOSE_CAS.map((p) => [
    p.pairKind,
    path.join(paths.identityPurposePair(short, identity, p.name), 'server.crt'),
  ]);
}

/** The purpose CAs the org's CA server holds. */
function purposeCasOf(org: OrgSpec): PurposeCa[] {
  return PURPOSE_CAS.filter((p) => p.identity(org) !== undefined);
}

export function runsGateway(org: OrgSpec): boolean {
  return purposeCasOf(org).some((p) => p.name === 'gateway');
}

/** The pair the org's admin calls its orderers' admin endpoints with (osnadmin), from its orderer admin CA. */
export function ordererAdminPair(paths: Paths, org: OrgSpec): string {
  const purpose = PURPOSE_CAS.find((p) => p.name === 'orderer-admin')!;
  const admin = purpose.identity(org);
  if (!admin) throw new Error(`${org.mspId} runs no orderer: it has no orderer admin pair`);
  return paths.identityPurposePair(org.short, admin, purpose.name);
}

/** The identity's secret at a purpose CA, kept beside the org's other secrets. */
function purposeSecretName(purpose: PurposeCa, org: OrgSpec): string {
  return `${purpose.identity(org)}@${purpose.name}-ca`;
}

/** Its name in the CA server (`--caname`). */
function fabricCaName(purpose: PurposeCa, org: OrgSpec): string {
  return `ca-${org.short}-${purpose.name}`;
}

/**
 * A purpose CA's configuration (`--cafiles`), written once. Everything it does not set it takes from the org's
 * CA: the signing profiles (`tls`), the certificates' lifetime. Its registry holds its one identity, with a
 * secret of its own, so no other name can be enrolled there; the file, like all of the CA's home, is its
 * owner's only.
 */
function writePurposeCaConfig(paths: Paths, org: OrgSpec, purpose: PurposeCa): void {
  const file = purposeCaConfigFile(paths, org, purpose);
  if (fs.existsSync(file)) return lockFreeConfig(file);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const config = {
    ca: { name: fabricCaName(purpose, org), certfile: 'ca-cert.pem' },
    // As the org's CA (caLaunch): never locked by wrong passwords.
    cfg: { identities: { passwordattempts: -1 } },
    db: { type: 'sqlite3', datasource: 'fabric-ca-server.db' },
    csr: { cn: `${purpose.name}-ca.${org.short}.rdx` },
    registry: {
      maxenrollments: -1,
      identities: [
        {
          name: purpose.identity(org),
          pass: secretFor(paths, org, purposeSecretName(purpose, org)),
          type: 'client',
          affiliation: '',
          attrs: {},
        },
      ],
    },
  };
  // JSON is YAML: no YAML writer needed for a file this small.
  writeFileAtomic(file, JSON.stringify(config, null, 2), { mode: 0o600 });
}

/** A purpose CA's configuration written before it was made lock-free: the setting added, the rest as it was. */
function lockFreeConfig(file: string): void {
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { cfg?: unknown };
  if (config.cfg !== undefined) return;
  writeFileAtomic(
    file,
    JSON.stringify({ ...config, cfg: { identities: { passwordattempts: -1 } } }, null, 2),
    {
      mode: 0o600,
    },
  );
}

function purposeCaConfigFile(paths: Paths, org: OrgSpec, purpose: PurposeCa): string {
  return path.join(paths.purposeCaHome(org.short, purpose.name), 'fabric-ca-config.yaml');
}

/**
 * The pair a purpose CA issues, with the `tls` profile for its names, in `identities/<identity>/<pair>/`
 * (Paths.identityPurposePair). To `renew`, re-issued for the key it has; enrolled (a new key) where there is
 * none or its certificate has expired, which a CA refuses to re-enrol on. Nothing is bound to these keys: what
 * takes them trusts the purpose CA's root.
 */
async function issuePurposePair(
  ca: CaClient,
  paths: Paths,
  topology: Topology,
  org: OrgSpec,
  purpose: PurposeCa,
  renew: boolean,
): Promise<void> {
  const name = purpose.identity(org)!;
  const dir = paths.identityPurposePair(org.short, name, purpose.name);
  const renewable = hasPair(dir) && !hasExpired(path.join(dir, 'server.crt'));
  await issueTlsPair(
    ca,
    { msp: `${dir}-msp`, dir },
    purpose.hosts(topology, org),
    renew && renewable ? 'renew' : { name, secret: secretFor(paths, org, purposeSecretName(purpose, org)) },
    fabricCaName(purpose, org),
  );
}

/** Where a TLS pair is issued: the CA client's MSP folder, and the folder the pair is laid out in. */
interface TlsPairPlace {
  msp: string;
  dir: string;
}

/**
 * A TLS pair from the `tls` profile of the org's CA (or of `caname`, another CA of its server) for `hosts`, laid
 * out in `place.dir`: to `renew`, re-issued for the key it has (`--csr.keyrequest.reusekey`); else enrolled as
 * the identity given, with its secret (a new key).
 */
async function issueTlsPair(
  ca: CaClient,
  place: TlsPairPlace,
  hosts: string,
  how: 'renew' | { name: string; secret: string },
  caname?: string,
): Promise<void> {
  const args = [
    ...(caname ? ['--caname', caname] : []),
    '-M',
    place.msp,
    '--enrollment.profile',
    'tls',
    '--csr.hosts',
    hosts,
  ];
  if (how === 'renew') {
    await ca.reenroll([...args, '--csr.keyrequest.reusekey']);
    keepNewest(path.join(place.msp, 'tlscacerts'));
  } else {
    // A new key: the pair laid out before stops counting as whole until the new one is.
    fs.rmSync(path.join(place.dir, 'server.crt'), { force: true });
    fs.rmSync(place.msp, { recursive: true, force: true });
    await ca.enroll(how.name, how.secret, args);
  }
  layoutTls(place.msp, place.dir);
}

/** Whether a TLS pair is laid out whole in `dir` (layoutTls writes server.crt last). */
function hasPair(dir: string): boolean {
  return ['ca.crt', 'server.key', 'server.crt'].every((f) => fs.existsSync(path.join(dir, f)));
}

function hasExpired(certFile: string): boolean {
  return new Date(new X509Certificate(fs.readFileSync(certFile)).validTo).getTime() <= Date.now();
}

/** Secrets of the org's CA identities, generated once and kept (mode 0600) beside the CA. */
function secretFor(paths: Paths, org: OrgSpec, name: string): string {
  const file = path.join(paths.orgDir(org.short), 'secrets.json');
  let secrets: Record<string, string> = {};
  if (fs.existsSync(file)) secrets = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  if (!secrets[name]) {
    secrets[name] = crypto.randomBytes(18).toString('base64url');
    // Whole or not at all: the CA registers each identity with its secret, and a torn file would lose them all.
    writeFileAtomic(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
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

/** Whether an identity of an org has its TLS pair (enrolled with the CA's tls profile, laid out in its `tls/`). */
export function hasTlsPair(paths: Paths, short: string, name: string): boolean {
  return hasPair(paths.identityTls(short, name));
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
  const ca = new CaClient(install, paths, org, caNode);
  const registrarMsp = path.join(paths.caClientHome(org.short), 'msp');

  if (!fs.existsSync(path.join(registrarMsp, 'signcerts', 'cert.pem'))) {
    await ca.enroll(BOOTSTRAP_ADMIN, secretFor(paths, org, BOOTSTRAP_ADMIN), ['-M', registrarMsp]);
  }

  const nodeHost = (name: string): string =>
    topology.nodes.find((n) => n.name === `${name}.${org.short}` && n.mspId === org.mspId)?.host ??
    caNode.host;

  for (const id of [...org.identities, ...tlsOnlyIdentities(topology, org)]) {
    const done = path.join(paths.identityDir(org.short, id.name), '.enrolled');
    const tlsDone = hasTlsPair(paths, org.short, id.name);
    if (fs.existsSync(done) && tlsDone) continue;
    const secret = secretFor(paths, org, id.name);
    const hosts = certificateHosts(id, org, nodeHost(id.name));
    const isTlsOnly = id.name === 'chaincode';
    if (!fs.existsSync(done)) {
      try {
        await ca.register(registrarMsp, id, secret);
      } catch (err) {
        // Registered by an earlier, interrupted run: the stored secret still enrolls it.
        if (!(err instanceof CommandError && /already registered/i.test(err.output))) throw err;
      }
      if (!isTlsOnly) await enrollMsp(ca, paths.identityMsp(org.short, id.name), id.name, secret, hosts);
    }
    // Every identity has a TLS pair: peers, orderers and chaincode servers require client certificates
    // (mutual TLS), so users present one too. Homes made before that get theirs here, keeping their enrolment.
    if (!tlsDone) await issueTlsPair(ca, tlsPlace(paths, org, id.name), hosts, { name: id.name, secret });
    fs.writeFileSync(done, new Date().toISOString());
  }
  // Homes made before a purpose CA get its pair here.
  for (const purpose of purposeCasOf(org))
    if (!hasPair(paths.identityPurposePair(org.short, purpose.identity(org)!, purpose.name)))
      await issuePurposePair(ca, paths, topology, org, purpose, false);
  writeOrgMsp(paths, org);
}

/**
 * Renews every enrolled identity of the org: enrolment and TLS certificates re-issued for the keys they have
 * (`--csr.keyrequest.reusekey`), so whatever recognises an identity by its key — a Raft consenter, a chaincode
 * server's TLS client — goes on recognising it. Returns how many certificates were renewed.
 */
export async function reenrollOrg(
  install: FabricInstall,
  paths: Paths,
  topology: Topology,
  org: OrgSpec,
  caNode: NodeSpec,
): Promise<number> {
  const ca = new CaClient(install, paths, org, caNode);
  const nodeHost = (name: string): string =>
    topology.nodes.find((n) => n.name === `${name}.${org.short}` && n.mspId === org.mspId)?.host ??
    caNode.host;
  let renewed = 0;
  for (const id of [...org.identities, ...tlsOnlyIdentities(topology, org)]) {
    if (!fs.existsSync(path.join(paths.identityDir(org.short, id.name), '.enrolled'))) continue;
    // The same names as at enrolment: without them the CA client would put the machine's host name in.
    const hosts = certificateHosts(id, org, nodeHost(id.name));
    const msp = paths.identityMsp(org.short, id.name);
    if (fs.existsSync(path.join(msp, 'signcerts', 'cert.pem'))) {
      await ca.reenroll(['-M', msp, '--csr.keyrequest.reusekey', '--csr.hosts', hosts]);
      keepNewest(path.join(msp, 'cacerts'), 'ca.pem');
      renewed++;
    }
    const place = tlsPlace(paths, org, id.name);
    if (fs.existsSync(path.join(place.msp, 'signcerts'))) {
      await issueTlsPair(ca, place, hosts, 'renew');
      renewed++;
    }
  }
  // The purpose CAs' pairs, enrolled here where the home has none yet (renewed before its first start since
  // the CA came): the processes this renewal restarts use them.
  for (const purpose of purposeCasOf(org)) {
    await issuePurposePair(ca, paths, topology, org, purpose, true);
    renewed++;
  }
  return renewed;
}

/** Enrols an identity's signing MSP afresh (a new key) with its secret, under fixed file names. */
async function enrollMsp(
  ca: CaClient,
  msp: string,
  name: string,
  secret: string,
  hosts: string,
): Promise<void> {
  fs.rmSync(msp, { recursive: true, force: true });
  await ca.enroll(name, secret, ['-M', msp, '--csr.hosts', hosts]);
  normaliseMsp(msp);
}

/** Where a revocation that has begun notes when, what the identity held then and the pairs it enrolled. */
function revocationMarker(paths: Paths, org: OrgSpec, name: string): string {
  return path.join(paths.identityDir(org.short, name), '.revoking.json');
}

interface RevocationMarker {
  startedAt: string;
  /** Serial numbers of the pairs this revocation enrolled: the successor's, kept when it is run again. */
  enrolled: string[];
}

/**
 * Gives a person's or a client's identity new keys and revokes every other certificate the org's CA issued it:
 * the pair it held, those of the same keys from before a renewal (`certs renew` keeps a key and leaves the old
 * certificate valid until it expires), and any the holder of a leaked pair re-enrolled at the CA (listed again
 * after revoking, for one re-enrolled meanwhile). Returns them, the CA's revocation list (PEM), and, when a run
 * before was cut short, when that one began: it is finished, keeping the pair it enrolled (see {@link endRevocation}).
 */
export async function replaceAndRevoke(
  install: FabricInstall,
  paths: Paths,
  org: OrgSpec,
  caNode: NodeSpec,
  id: IdentitySpec,
): Promise<{ revoked: X509Certificate[]; revocationList: string; resumed?: string }> {
  const ca = new CaClient(install, paths, org, caNode);
  const registrarMsp = path.join(paths.caClientHome(org.short), 'msp');
  const msp = paths.identityMsp(org.short, id.name);
  const tls = tlsPlace(paths, org, id.name);
  const signCert = path.join(msp, 'signcerts', 'cert.pem');
  const tlsCert = path.join(tls.dir, 'server.crt');
  const serialIn = (file: string): string | undefined =>
    fs.existsSync(file) ? serialKey(new X509Certificate(fs.readFileSync(file)).serialNumber) : undefined;
  const file = revocationMarker(paths, org, id.name);
  const resumed = fs.existsSync(file);
  const marker: RevocationMarker = resumed
    ? (JSON.parse(fs.readFileSync(file, 'utf8')) as RevocationMarker)
    : { startedAt: new Date().toISOString(), enrolled: [] };
  const note = (): void => writeFileAtomic(file, JSON.stringify(marker), { mode: 0o600 });
  note();
  const secret = secretFor(paths, org, id.name);
  const hosts = certificateHosts(id, org, caNode.host);
  // A pair this revocation did not enrol is replaced; one it enrolled (a run cut short) is the successor's.
  for (const [pair, enrol] of [
    [signCert, () => enrollMsp(ca, msp, id.name, secret, hosts)],
    [tlsCert, () => issueTlsPair(ca, tls, hosts, { name: id.name, secret })],
  ] as const) {
    if (marker.enrolled.includes(serialIn(pair) ?? '')) continue;
    await enrol();
    marker.enrolled.push(serialIn(pair)!);
    note();
  }
  const kept = new Set([serialIn(signCert), serialIn(tlsCert)]);
  const revoked: X509Certificate[] = [];
  for (let round = 0; ; round++) {
    const left = (await ca.certificatesOf(registrarMsp, id.name)).filter(
      (cert) => !kept.has(serialKey(cert.serialNumber)),
    );
    if (left.length === 0) break;
    if (round === 3)
      throw new Error(`${id.name} of ${org.mspId} keeps being issued certificates while they are revoked`);
    for (const cert of left) {
      const aki = authorityKeyId(cert);
      if (!aki)
        throw new Error(`${id.name}'s certificate ${cert.serialNumber} has no authority key identifier`);
      await ca.revoke(registrarMsp, cert.serialNumber.toLowerCase(), aki);
      revoked.push(cert);
    }
  }
  await ca.gencrl(registrarMsp);
  return {
    revoked,
    revocationList: fs.readFileSync(path.join(registrarMsp, 'crls', 'crl.pem'), 'utf8'),
    ...(resumed ? { resumed: marker.startedAt } : {}),
  };
}

/** A revocation is done once its list is where every check reads it: the next run begins a new one. */
export function endRevocation(paths: Paths, org: OrgSpec, name: string): void {
  fs.rmSync(revocationMarker(paths, org, name), { force: true });
}

/** A re-enrolment writes the CA's certificate again, maybe under another name: one file stays (as `name`). */
function keepNewest(dir: string, name?: string): void {
  if (!fs.existsSync(dir)) return;
  const files = fs
    .readdirSync(dir)
    .map((f) => ({ f, at: fs.statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  const newest = files[0];
  if (!newest) return;
  for (const { f } of files.slice(1)) fs.rmSync(path.join(dir, f));
  if (name && newest.f !== name) fs.renameSync(path.join(dir, newest.f), path.join(dir, name));
}

/**
 * fabric-ca-client with every secret in a configuration file that only the owner reads and that lives only as
 * long as the call: the URL's credentials (enroll) and the new identity's password (register) never reach a
 * command line. `register` prints the password back, so outputs are redacted before an error shows them.
 */
class CaClient {
  constructor(
    private readonly install: FabricInstall,
    private readonly paths: Paths,
    private readonly org: OrgSpec,
    private readonly caNode: NodeSpec,
  ) {}

  enroll(name: string, secret: string, args: string[]): Promise<string> {
    const url = `https://${encodeURIComponent(name)}:${encodeURIComponent(secret)}@${this.caNode.host}:${this.caNode.port}`;
    return this.call('enroll', { url }, args, secret);
  }

  /** A new certificate for the identity whose MSP folder `args` name, authenticated by its current one. */
  reenroll(args: string[]): Promise<string> {
    return this.call('reenroll', { url: this.url() }, args, '');
  }

  register(registrarMsp: string, id: IdentitySpec, secret: string): Promise<string> {
    const identity = {
      name: id.name,
      type: id.type,
      secret,
      affiliation: '',
      attributes: id.role ? [{ name: 'role', value: id.role, ecert: true }] : [],
    };
    return this.call('register', { url: this.url(), id: identity }, ['-M', registrarMsp], secret);
  }

  /** Revokes one certificate (by serial number and authority key identifier); one revoked before is no error. */
  async revoke(registrarMsp: string, serial: string, aki: string): Promise<void> {
    try {
      await this.call('revoke', { url: this.url() }, ['-M', registrarMsp, '-s', serial, '-a', aki], '');
    } catch (err) {
      if (!(err instanceof CommandError && /already revoked/i.test(err.output))) throw err;
    }
  }

  /** Every certificate the CA issued `name` that it has not revoked and that has not expired. */
  async certificatesOf(registrarMsp: string, name: string): Promise<X509Certificate[]> {
    const store = fs.mkdtempSync(path.join(this.paths.caClientHome(this.org.short), '.certificates-'));
    try {
      const args = [
        'list',
        '-M',
        registrarMsp,
        '--id',
        name,
        '--notrevoked',
        '--notexpired',
        '--store',
        store,
      ];
      await this.call('certificate', { url: this.url() }, args, '');
      return fs
        .readdirSync(store)
        .filter((f) => f.endsWith('.pem'))
        .map((f) => new X509Certificate(fs.readFileSync(path.join(store, f))));
    } finally {
      fs.rmSync(store, { recursive: true, force: true });
    }
  }

  /** Writes the CA's revocation list, as it stands, to the registrar's MSP (`crls/crl.pem`). */
  gencrl(registrarMsp: string): Promise<string> {
    return this.call('gencrl', { url: this.url() }, ['-M', registrarMsp], '');
  }

  /** The CA's address; enrolment alone puts credentials in it. */
  private url(): string {
    return `https://${this.caNode.host}:${this.caNode.port}`;
  }

  private async call(
    command: string,
    config: Record<string, unknown>,
    args: string[],
    secret: string,
  ): Promise<string> {
    const home = this.paths.caClientHome(this.org.short);
    fs.mkdirSync(home, { recursive: true, mode: 0o700 });
    const dir = fs.mkdtempSync(path.join(home, '.call-'));
    const file = path.join(dir, 'fabric-ca-client-config.yaml');
    // JSON is YAML: no YAML writer needed for a file this small.
    const body = { ...config, tls: { certfiles: [this.paths.caCert(this.org.short)] } };
    fs.writeFileSync(file, JSON.stringify(body), { mode: 0o600 });
    try {
      return await run(this.install.bin['fabric-ca-client'], [command, '-c', file, ...args], {
        env: { PATH: process.env.PATH },
        redact: [secret],
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

export const NODE_OU_CONFIG = `NodeOUs:
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

/** An identity's TLS pair: enrolled in `tls-msp/`, laid out in `tls/`. */
function tlsPlace(paths: Paths, org: OrgSpec, name: string): TlsPairPlace {
  return {
    msp: path.join(paths.identityDir(org.short, name), 'tls-msp'),
    dir: paths.identityTls(org.short, name),
  };
}

/**
 * TLS material under the names the node environments use: ca.crt, server.key, then server.crt, whose presence
 * says the pair is whole (hasPair).
 */
function layoutTls(tlsMsp: string, tlsDir: string): void {
  fs.mkdirSync(tlsDir, { recursive: true });
  const only = (dir: string): string => {
    const files = fs.readdirSync(path.join(tlsMsp, dir));
    if (files.length !== 1) throw new Error(`${tlsMsp}/${dir} holds ${files.length} files, expected 1`);
    return path.join(tlsMsp, dir, files[0]!);
  };
  fs.copyFileSync(only('tlscacerts'), path.join(tlsDir, 'ca.crt'));
  fs.copyFileSync(only('keystore'), path.join(tlsDir, 'server.key'));
  fs.chmodSync(path.join(tlsDir, 'server.key'), 0o600);
  fs.copyFileSync(only('signcerts'), path.join(tlsDir, 'server.crt'));
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
