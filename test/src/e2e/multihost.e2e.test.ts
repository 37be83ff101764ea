/**
 * Each organization on its own host, with its own keys, and a new opening body joining the running network —
 * on one machine, with Linux network namespaces as hosts (test/src/multihost/hosts.ts): the bureau (ordering
 * service, its peer, the gateway), Market, Transport, and Health, which joins later while transactions run.
 * Every step is a command of the network CLI run in the host's namespace from the host's own home; files pass
 * between homes only as administrators would carry them: org definitions and the signed config update.
 */
import { expect } from 'chai';
import crypto, { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { peer } from '@hyperledger/fabric-protos';
import {
  EnterpriseSigner,
  PublicGatewayApi,
  RdxLedger,
  connectIdentity,
  signAdminRequest,
  verifyReceipt,
  type LedgerConnection,
} from '@rdx/client';
import {
  address,
  applicationRequest,
  chaincodeDefinition,
  ensureFabricBinaries,
  gatewayEnv,
  gatewayMetricsHeaders,
  GATEWAY_PROCESS,
  identityOf,
  nodesOf,
  ordererAdminPair,
  ordererArgs,
  peerAdminEnv,
  ratingOf,
  readPid,
  run,
  runningPid,
  startDaemon,
  stopDaemon,
  waitUntil,
  type FabricInstall,
  type NetworkContext,
  type Topology,
} from '@rdx/network';
import { config } from '../fabric-client.js';
import { createHosts, removeHosts, SUBNET, topologyOf, type Host } from '../multihost/hosts.js';
import { tokenFor } from '../gateway-client-e2e.js';
import { newCreditCode, runId } from '../workflow.js';

let hosts: Host[] = [];
let root: string | undefined;
let topology: Topology;
const byName = (name: string): Host => hosts.find((h) => h.spec.name === name)!;
const bureau = (): Host => byName('bureau');
const health = (): Host => byName('health');
const connections: LedgerConnection[] = [];
/** The CA certificates this process trusted before it trusted the gateway root, as an enterprise's client does. */
const trustedBefore = tls.getCACertificates('default');
/** The gateway on the bureau's host: it serves HTTPS there, its callers reaching it over the network. */
const gatewayBase = (): string => `https://${bureau().address}:3400`;
/** The bureau's org root, as Market's host imported it with the org's definition: its CA issued its nodes' certificates. */
const bureauRoot = (): string => byName('market').paths.caCert('bureau');
/** The bureau's gateway root, as Market's host imported it with the bureau's definition: what callers pin. */
const gatewayRoot = (): string => byName('market').paths.gatewayCaCert('bureau');

/** A ledger connection from the test (outside every namespace) as `name` of `mspId`, with that org's home. */
function connect(host: Host, mspId: string, name: string): LedgerConnection {
  const c = connectIdentity(identityOf(host.paths, topology, mspId, name));
  connections.push(c);
  return c;
}

/** Copies the files an administrator hands over: from one home's export folder into a courier folder. */
function carry(from: Host, file: string): string {
  const dir = path.join(root!, 'courier');
  fs.mkdirSync(dir, { recursive: true });
  const to = path.join(dir, path.basename(file));
  fs.copyFileSync(path.isAbsolute(file) ? file : path.join(from.home, file), to);
  return to;
}

/**
 * Each org's root fingerprint as `org init` printed it to its administrators on their own host: what they read
 * out to the others' administrators by another way than the carried file (here, straight from one output to the
 * other's command line).
 */
const fingerprints = new Map<string, string>();
function readOut(mspId: string, initOutput: string): void {
  const fingerprint = /fingerprint.*: ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})$/m.exec(initOutput)?.[1];
  expect(fingerprint, `${mspId}'s org init names its root's fingerprint`).to.be.a('string');
  fingerprints.set(mspId, fingerprint!);
}
const givenFor = (mspIds: string[]): string[] => [
  '--fingerprint',
  mspIds.map((m) => `${m}=${fingerprints.get(m)!}`).join(','),
];

async function failure(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return '';
  } catch (err) {
    return String((err as { output?: string }).output ?? (err as Error).message);
  }
}

/** Every PEM private key under `dir`, with its file. */
function privateKeysIn(dir: string): { file: string; key: crypto.KeyObject }[] {
  const out: { file: string; key: crypto.KeyObject }[] = [];
  for (const rel of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(dir, rel);
    if (!fs.statSync(file).isFile() || fs.statSync(file).size > 1_000_000) continue;
    // PEM text as files hold it: plain, or inside JSON (a wallet entry) with its newlines escaped.
    const text = fs.readFileSync(file, 'latin1').replace(/\\n/g, '\n');
    for (const pem of text.match(
      /-----BEGIN (?:EC )?PRIVATE KEY-----[\s\S]+?-----END (?:EC )?PRIVATE KEY-----/g,
    ) ?? [])
      try {
        out.push({ file, key: crypto.createPrivateKey(pem) });
      } catch {
        // a fragment inside a binary file: skipped, as for certificates
      }
  }
  return out;
}

function certificatesIn(dir: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const rel of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(dir, rel);
    if (!fs.statSync(file).isFile() || fs.statSync(file).size > 1_000_000) continue;
    for (const pem of fs
      .readFileSync(file, 'latin1')
      .replace(/\\n/g, '\n')
      .match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [])
      try {
        out.push(new X509Certificate(pem));
      } catch {
        // a fragment inside a binary file (a ledger, a database page): not a certificate a program reads
      }
  }
  return out;
}

const HEALTH_DATASET = `health-clinics-${runId}`;
/** What the gateway answers the enterprise holding a grant on Health's dataset (set once it holds one). */
let healthGrantAnswer: () => Promise<{ status: number; code?: string }> = () =>
  Promise.reject(new Error('no grant on Health’s dataset yet'));
const CSV = [
  'clinic_id,name,district,beds',
  ...Array.from({ length: 40 }, (_, i) => `C${i},诊所${i},${['莲都区', '青田县'][i % 2]},${10 + i}`),
].join('\n');

describe('each organization on its own host, and a body joining the running network (network namespaces)', function () {
  // The steps build on each other: after a failed one the rest are skipped (Mocha's own bail would also skip
  // this whole suite when a test of another file failed before it).
  let broken = false;
  beforeEach(function () {
    if (broken) this.skip();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') broken = true;
  });
  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    ({ hosts, root } = await createHosts([
      { name: 'bureau', octet: 2, orgs: ['OrdererMSP', 'BureauMSP'] },
      { name: 'market', octet: 3, orgs: ['MarketMSP'] },
      { name: 'transport', octet: 4, orgs: ['TransportMSP'] },
      { name: 'health', octet: 5, orgs: ['HealthMSP'] },
    ]));
    topology = topologyOf(hosts);
  });
  after(async () => {
    tls.setDefaultCACertificates(trustedBefore);
    for (const c of connections) c.close();
    // RDX_KEEP_HOSTS=1 keeps the homes (logs, ledgers) for a look after a failure; processes still stop.
    await removeHosts(hosts, process.env.RDX_KEEP_HOSTS === '1' ? undefined : root);
  });

  it('each org initialises itself on its own host and exports only its public definition', async () => {
    const founders = hosts.filter((h) => h.spec.name !== 'health');
    const definitions: string[] = [];
    for (const h of founders)
      for (const org of h.spec.orgs) {
        readOut(org, await h.cli(hosts, ['org', 'init', '--org', org]));
        definitions.push(carry(h, `export/${org}.org.json`));
      }
    for (const file of definitions) {
      expect(fs.readFileSync(file, 'utf8')).not.to.match(/PRIVATE KEY/);
    }
    // Someone on the way swaps Market's root for one of their own: Transport's host refuses the file against the
    // fingerprint Market's administrators read out, and a file taken with no fingerprint at all.
    const marketFile = definitions.find((f) => path.basename(f).startsWith('MarketMSP'))!;
    const swapped = path.join(path.dirname(marketFile), 'MarketMSP-swapped.org.json');
    fs.writeFileSync(
      swapped,
      JSON.stringify({
        ...JSON.parse(fs.readFileSync(marketFile, 'utf8')),
        rootCertPem: fs.readFileSync(bureau().paths.caCert('bureau'), 'utf8'),
      }),
    );
    const transport = byName('transport');
    expect(
      await failure(transport.cli(hosts, ['org', 'import', swapped, ...givenFor(['MarketMSP'])])),
    ).to.match(
      /MarketMSP-swapped\.org\.json: MarketMSP's root in this file has the fingerprint .*, not the one given for MarketMSP with --fingerprint: the file is not the one MarketMSP's administrators exported/,
    );
    expect(await failure(transport.cli(hosts, ['org', 'import', marketFile]))).to.match(
      /MarketMSP is imported here for the first time\. .* run again with --fingerprint MarketMSP=<theirs>/,
    );
    expect(fs.existsSync(transport.paths.caCert('market')), 'nothing of Market taken').to.equal(false);
    // Each host imports the others' definitions: certificates, nothing else, with the roots' fingerprints.
    for (const h of founders) {
      const others = definitions.filter((f) => !h.spec.orgs.some((o) => path.basename(f).startsWith(o)));
      const orgs = others.map((f) => path.basename(f).replace('.org.json', ''));
      await h.cli(hosts, ['org', 'import', ...others, ...givenFor(orgs)]);
    }
  });

  it('the bureau creates the channel; each body joins and approves on its own host; the bureau commits', async () => {
    await bureau().cli(hosts, ['start', '--org', 'OrdererMSP,BureauMSP', '--detach', '--no-demo']);
    await byName('market').cli(hosts, ['start', '--org', 'MarketMSP', '--detach', '--no-demo']);
    expect(await bureau().cli(hosts, ['chaincode', 'commit'])).to.match(/committed/);
    await byName('transport').cli(hosts, ['start', '--org', 'TransportMSP', '--detach', '--no-demo']);
    // Now the bureau sets up the ledger and starts its gateway.
    await bureau().cli(hosts, ['start', '--org', 'OrdererMSP,BureauMSP', '--detach', '--no-demo']);
    const members = await bureau().cli(hosts, ['channel', 'members']);
    expect(members.trim().split('\n')).to.deep.equal(['BureauMSP', 'MarketMSP', 'TransportMSP']);
  });

  it('every node listens on its own host’s address, and the operations and orderer admin endpoints on its loopback only', async () => {
    // Fabric's operations endpoints answer their health without authentication, the clerk's and the gateway's
    // metrics (3420) theirs too, and an orderer's admin endpoint takes any TLS certificate of its org's CA: they
    // are for the org's own tooling on its host.
    const opsOf = (h: Host): string[] =>
      topology.nodes
        .filter((n) => h.spec.orgs.includes(n.mspId))
        .flatMap((n) => [n.opsPort, n.adminPort])
        .filter((port) => port !== undefined)
        .map((port) => `127.0.0.1:${port}`)
        .concat(h === bureau() ? ['127.0.0.1:3410', '127.0.0.1:3420'] : []);
    for (const h of hosts.filter((x) => x.spec.name !== 'health')) {
      const listening = await h.exec('ss', ['-ltnH']);
      const addresses = listening
        .split('\n')
        .filter(Boolean)
        .map((l) => l.trim().split(/\s+/)[3]!);
      expect(addresses.length, `${h.spec.name} listens`).to.be.above(0);
      const ops = opsOf(h);
      for (const a of addresses.filter((x) => !ops.includes(x)))
        expect(a, `${h.spec.name} listens on ${a}`).to.match(
          new RegExp(`^${h.address.replace(/\./g, '\\.')}:`),
        );
      expect(addresses, `${h.spec.name}'s operations endpoints`).to.include.members(ops);
    }
    // From another host nothing answers there: not the bureau's peer's log level, not the clerk's status.
    const peerOps = nodesOf(topology, 'peer', 'BureauMSP')[0]!.opsPort!;
    for (const url of [
      `http://${bureau().address}:${peerOps}/logspec`,
      `http://${bureau().address}:3410/status`,
    ]) {
      const tried = await failure(
        byName('market').exec('curl', ['-sS', '--max-time', '5', '-X', 'PUT', '-d', '{"spec":"fatal"}', url]),
      );
      expect(tried, url).to.match(/\(7\) Failed to connect/);
    }
    // Nor, with Fabric's own osnadmin and an orderer's TLS pair (as one stolen off the bureau's host would be),
    // does the orderer's admin endpoint: it could remove the orderer from the channel. On the bureau's host it
    // takes only the pair of the orderer org's admin CA: the orderer's own pair is refused there too.
    const orderer = nodesOf(topology, 'orderer', 'OrdererMSP')[0]!;
    const ordererOrg = topology.orgs.find((o) => o.mspId === orderer.mspId)!;
    const osnadminBin = (await installOf()).bin.osnadmin;
    const osnadmin = (from: Host, at: string, pair: string): Promise<string> =>
      from.exec(osnadminBin, [
        'channel',
        'list',
        '-o',
        `${at}:${orderer.adminPort}`,
        '--ca-file',
        bureau().paths.caCert(ordererOrg.short),
        '--client-cert',
        path.join(pair, 'server.crt'),
        '--client-key',
        path.join(pair, 'server.key'),
      ]);
    const tlsPair = bureau().paths.identityTls(ordererOrg.short, orderer.name.split('.')[0]!);
    const adminPair = ordererAdminPair(bureau().paths, ordererOrg);
    expect(
      await failure(osnadmin(byName('market'), bureau().address, tlsPair)),
      'from Market’s host',
    ).to.match(/connection refused/);
    expect(
      await failure(osnadmin(bureau(), '127.0.0.1', tlsPair)),
      'the orderer’s pair on its host',
    ).to.match(/certificate required|bad certificate/);
    expect(await osnadmin(bureau(), '127.0.0.1', adminPair), 'the admin’s pair on its host').to.match(
      /Status: 200/,
    );
    // The bureau's own tooling reads them there.
    const status = await bureau().cli(hosts, ['status']);
    expect(status).to.match(/^peer0\.bureau\s[^\n]*\shealthy\s/m);
    expect(status).to.match(/^clerk\s[^\n]*(last round|first round running)/m);
  });

  it('the gateway serves HTTPS only, with a certificate of the bureau’s gateway CA: plain HTTP, untrusting clients and the bureau’s other servers get nothing', async () => {
    const market = byName('market');
    const curl = (...args: string[]): Promise<string> =>
      market.exec('curl', ['-sS', '--max-time', '10', '-o', '/dev/null', '-w', '%{http_code}', ...args]);
    const at = `${bureau().address}:3400`;
    expect(await curl('--cacert', gatewayRoot(), `${gatewayBase()}/readyz`)).to.equal('200');
    // Plain HTTP gets no HTTP answer at all: a token or a client secret sent that way reaches no route.
    expect(await failure(curl(`http://${at}/readyz`))).to.match(/\(52\) Empty reply from server/);
    // Its metrics (refusal and misuse counts a prober would tune itself by) are for a scraper on the bureau's host:
    // not on the API's port, and their own port listens on the bureau's loopback only.
    expect(await curl('--cacert', gatewayRoot(), `${gatewayBase()}/metrics`)).to.equal('404');
    expect(await failure(curl(`http://${bureau().address}:3420/metrics`))).to.match(
      /\(7\) Failed to connect/,
    );
    const onBureau = await bureau().exec('curl', [
      '-sS',
      '--max-time',
      '10',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      `authorization: ${gatewayMetricsHeaders({ paths: bureau().paths }).authorization}`,
      'http://127.0.0.1:3420/metrics',
    ]);
    expect(
      onBureau,
      'a scraper on the bureau’s host, showing the token of the gateway’s data folder',
    ).to.equal('200');
    // A client that trusts only the public roots refuses the certificate: it chains to the bureau's gateway CA.
    expect(await failure(curl(`https://${at}/readyz`))).to.match(/\(60\) SSL certificate problem/);
    // The bureau's other servers on that host hold certificates of its org's CA that name the host. The CA server
    // passed for a gateway at that address to a caller trusting the org's root; pinning the gateway root, it fails.
    const caServer = nodesOf(topology, 'ca', 'BureauMSP')[0]!;
    const caInfo = `https://${bureau().address}:${caServer.port}/cainfo`;
    expect(await curl('--cacert', bureauRoot(), caInfo)).to.equal('200');
    expect(await failure(curl('--cacert', gatewayRoot(), caInfo))).to.match(/\(60\) SSL certificate problem/);
    // Of the bureau's certificates only its HTTPS pair and its nodes' TLS pairs name the bureau's address: a
    // person's or a client's (the gateway's Fabric pair among them) names only itself.
    const namesBureau = (file: string): boolean =>
      new X509Certificate(fs.readFileSync(file)).checkIP(bureau().address) !== undefined;
    const own = bureau().paths;
    expect(namesBureau(path.join(own.identityHttps('bureau', 'gateway'), 'server.crt'))).to.equal(true);
    for (const who of ['admin', 'reviewer', 'regulator', 'clerk', 'gateway']) {
      expect(namesBureau(path.join(own.identityTls('bureau', who), 'server.crt')), `${who}'s TLS`).to.equal(
        false,
      );
      expect(namesBureau(path.join(own.identityMsp('bureau', who), 'signcerts', 'cert.pem')), who).to.equal(
        false,
      );
    }
    // The bureau's own tooling reaches it over HTTPS, trusting the root that issued its certificate.
    expect(await bureau().cli(hosts, ['status'])).to.match(/^gateway\s[^\n]*\d\s+ready\s*$/m);
    // From here on this process trusts the gateway root for every connection (as NODE_EXTRA_CA_CERTS would): its
    // plain fetch calls reach the gateway; the enterprise's CLI below trusts it for the gateway alone.
    tls.setDefaultCACertificates([...trustedBefore, fs.readFileSync(gatewayRoot(), 'utf8')]);
  });

  it('a start on a running host restarts only what runs otherwise than this release starts it: here a gateway from before its HTTPS pair', async () => {
    const own = bureau().paths;
    const market = byName('market');
    const status = (...args: string[]): Promise<string> =>
      market.exec('curl', ['-sS', '--max-time', '10', '-o', '/dev/null', '-w', '%{http_code}', ...args]);
    // The supervisor goes first, killed outright (on SIGTERM it stops the platform), so that nothing but the start
    // below starts the gateway anew.
    process.kill(readPid(own, 'supervisor')!, 'SIGKILL');
    await waitUntil(() => Promise.resolve(runningPid(own, 'supervisor') === undefined), {
      what: 'the supervisor gone',
      timeoutMs: 10_000,
    });
    // The gateway as a release before the gateway CA ran it: plain HTTP on the bureau's address, no HTTPS pair.
    await stopDaemon(own, GATEWAY_PROCESS);
    const ctx = { paths: own, topology, config } as unknown as NetworkContext;
    const { RDX_GATEWAY_HTTPS_CERT: _cert, RDX_GATEWAY_HTTPS_KEY: _key, ...before } = gatewayEnv(ctx);
    const main = path.join(config.repoRoot, 'gateway', 'dist', 'main.js');
    startDaemon(
      own,
      GATEWAY_PROCESS,
      'ip',
      ['netns', 'exec', bureau().ns, process.execPath, main],
      { ...before, RDX_GATEWAY_PLAIN_HTTP: 'on' },
      config.repoRoot,
    );
    const plain = `http://${bureau().address}:3400/readyz`;
    await waitUntil(async () => (await failure(status(plain))) === '', {
      what: 'the old gateway',
      timeoutMs: 60_000,
    });
    expect(await status(plain)).to.equal('200');
    const out = await bureau().cli(hosts, [
      'start',
      '--org',
      'OrdererMSP,BureauMSP',
      '--detach',
      '--no-demo',
    ]);
    // The CA servers, orderer, peer, chaincode server and clerk run as this release starts them: left be.
    expect(out.split('\n').filter((l) => l.includes(' restart '))).to.deep.equal([
      "  restart gateway: it runs otherwise than this release starts it (its RDX_GATEWAY_HTTPS_CERT, RDX_GATEWAY_HTTPS_KEY differ; its code is not this build's)",
    ]);
    expect(await status('--cacert', gatewayRoot(), `${gatewayBase()}/readyz`)).to.equal('200');
    expect(await failure(status(plain))).to.match(/\(52\) Empty reply from server/);
    expect(runningPid(own, 'supervisor'), 'the start brought a supervisor back').to.be.a('number');
  });

  it('Health joins while transactions run: definition, update signed by a majority on their hosts, its peer, the chaincode', async () => {
    // Transactions keep flowing through Market's peer the whole time.
    const probes = connect(byName('market'), 'MarketMSP', 'prober').contract('system');
    let stop = false;
    let committed = 0;
    const failures: string[] = [];
    // A client retries what the platform answers as transient: while a new chaincode definition spreads,
    // discovery may briefly find no peer with it ("not installed on sufficient peers"); and a transaction
    // endorsed under the old definition but ordered after the new one is committed invalid (it read the
    // definition: MVCC_READ_CONFLICT), nothing of it written, so the same probe is submitted again. None may be lost.
    let retries = 0;
    const flow = (async () => {
      for (let i = 0; !stop && failures.length < 20; i++) {
        for (let attempt = 1; ; attempt++) {
          try {
            await probes.submitTransaction('RecordProbe', `mh-${runId}-${i}`, 'flow');
            committed++;
            break;
          } catch (err) {
            const message = String((err as Error).message).split('\n')[0]!;
            if (attempt < 20 && /FAILED_PRECONDITION|ABORTED|UNAVAILABLE|MVCC_READ_CONFLICT/.test(message)) {
              retries++;
              await new Promise((r) => setTimeout(r, 500));
              continue;
            }
            failures.push(message);
            break;
          }
        }
      }
    })();

    try {
      readOut('HealthMSP', await health().cli(hosts, ['org', 'init', '--org', 'HealthMSP']));
      const definition = carry(health(), 'export/HealthMSP.org.json');
      const others = hosts.filter((h) => h !== health());
      for (const h of others) await h.cli(hosts, ['org', 'import', definition, ...givenFor(['HealthMSP'])]);
      const founding = ['OrdererMSP', 'BureauMSP', 'MarketMSP', 'TransportMSP'];
      await health().cli(hosts, [
        'org',
        'import',
        ...founding.map((o) => path.join(root!, 'courier', `${o}.org.json`)),
        ...givenFor(founding),
      ]);

      // Two bodies of three members are a majority, but not without the bureau: Market makes the update on its
      // host and signs it, Transport signs and submits it, and the orderers refuse it. (Under Fabric's default
      // MAJORITY they took it, and two bodies could loosen every policy and then rule the chaincode alone.)
      const byBodies = path.join(root!, 'courier', 'add-health-by-bodies.pb');
      await byName('market').cli(hosts, ['channel', 'add-org', 'HealthMSP', '--out', byBodies]);
      expect(
        await failure(byName('transport').cli(hosts, ['channel', 'submit', byBodies])),
        'Market and Transport',
      ).to.match(/policy|signature|not satisf/i);
      expect((await bureau().cli(hosts, ['channel', 'members'])).trim().split('\n')).not.to.include(
        'HealthMSP',
      );

      // The bureau prepares the update and signs it; alone it is not enough.
      const update = path.join(root!, 'courier', 'add-health.pb');
      await bureau().cli(hosts, ['channel', 'add-org', 'HealthMSP', '--out', update]);
      const alone = await failure(bureau().cli(hosts, ['channel', 'submit', update]));
      expect(alone, 'one admin of three').to.match(/policy|signature/i);
      // The bureau's admin cannot sign for Market: a signature under MarketMSP made with the bureau's key.
      const forged = path.join(root!, 'courier', 'add-health-forged.pb');
      fs.copyFileSync(update, forged);
      const bureauPeer = nodesOf(topology, 'peer', 'BureauMSP')[0]!;
      const asMarket = {
        ...peerAdminEnv(await installOf(), bureau().paths, topology, bureauPeer),
        CORE_PEER_LOCALMSPID: 'MarketMSP',
      };
      await run(
        'ip',
        ['netns', 'exec', bureau().ns, (await installOf()).bin.peer, 'channel', 'signconfigtx', '-f', forged],
        {
          env: asMarket,
        },
      ).catch(() => '');
      const forgedSubmit = await failure(bureau().cli(hosts, ['channel', 'submit', forged]));
      expect(forgedSubmit, 'a signature claimed for MarketMSP with the bureau’s key').to.match(
        /policy|signature|not satisf/i,
      );
      expect((await bureau().cli(hosts, ['channel', 'members'])).trim().split('\n')).not.to.include(
        'HealthMSP',
      );

      // Whoever carries the file can change it before Market's admin signs: a majority of signatures changes
      // the whole channel. Market's tooling signs only what it builds itself for adding Health: not Health with
      // another root (Transport's, whose holder would then act as Health), not a loosened channel policy, not an
      // update that only loosens the policies (two bodies of three, without the bureau, would then rule it).
      const market = byName('market');
      const transportRoot = fs.readFileSync(byName('transport').paths.caCert('transport'));
      const tampered = {
        'another root for Health': await tamperedUpdate(update, (u) => {
          const msp = u.write_set.groups.Application.groups.HealthMSP!.values.MSP.value.config;
          msp.root_certs = [transportRoot.toString('base64')];
        }),
        'a loosened policy': await tamperedUpdate(update, (u) => {
          u.write_set.groups.Application.policies = {
            Admins: {
              mod_policy: 'Admins',
              version: '1',
              policy: { type: 3, value: { rule: 'ANY', sub_policy: 'Admins' } },
            },
          };
        }),
        'no member added': await tamperedUpdate(update, (u) => {
          delete u.write_set.groups.Application.groups.HealthMSP;
          u.write_set.groups.Application.policies = {
            Admins: {
              mod_policy: 'Admins',
              version: '1',
              policy: { type: 3, value: { rule: 'ANY', sub_policy: 'Admins' } },
            },
          };
        }),
      };
      for (const [change, file] of Object.entries(tampered)) {
        const refused = await failure(market.cli(hosts, ['channel', 'sign', file]));
        expect(refused, change).to.match(
          change === 'no member added'
            ? /does not add or remove one member/
            : /claims to be the update that adds HealthMSP to opendata, but differs .* at \/write_set\/groups\/Application\//,
        );
        expect(await failure(market.cli(hosts, ['channel', 'submit', file])), change).to.match(
          /Not signed|does not add/,
        );
      }
      expect((await bureau().cli(hosts, ['channel', 'members'])).trim().split('\n')).not.to.include(
        'HealthMSP',
      );

      // Market's admin signs on Market's host; with two of three, the bureau among them, the update goes through.
      expect(await market.cli(hosts, ['channel', 'sign', update])).to.match(
        /it adds HealthMSP to opendata and changes nothing else/,
      );
      await byName('market').cli(hosts, ['channel', 'submit', update]);
      expect((await bureau().cli(hosts, ['channel', 'members'])).trim().split('\n')).to.include('HealthMSP');

      // Health starts its peer (the channel's first block from the orderers), installs and approves.
      await health().cli(hosts, ['start', '--org', 'HealthMSP', '--detach', '--no-demo']);
      // The bureau's admin cannot approve for Market: Market's peer refuses an approval signed with its key.
      const marketPeer = nodesOf(topology, 'peer', 'MarketMSP')[0]!;
      const approveAsMarket = await failure(
        run(
          'ip',
          [
            'netns',
            'exec',
            bureau().ns,
            (await installOf()).bin.peer,
            'lifecycle',
            'chaincode',
            'approveformyorg',
            ...ordererArgs(bureau().paths, topology, 'BureauMSP'),
            '-C',
            topology.channel,
            '-n',
            topology.chaincodeName,
            '--version',
            'forged',
            '--sequence',
            '99',
            '--package-id',
            'forged:0000',
          ],
          {
            env: {
              ...peerAdminEnv(await installOf(), bureau().paths, topology, bureauPeer),
              CORE_PEER_LOCALMSPID: 'MarketMSP',
              CORE_PEER_ADDRESS: address(marketPeer),
              CORE_PEER_TLS_ROOTCERT_FILE: bureau().paths.caCert('market'),
            },
            timeoutMs: 60_000,
          },
        ),
      );
      expect(approveAsMarket, 'an approval for MarketMSP signed with the bureau’s key').to.match(
        /creator|access denied|identity|certificate|MSP|signature/i,
      );
      for (const h of [bureau(), byName('market'), byName('transport')])
        await h.cli(hosts, ['chaincode', 'approve']);
      expect(await bureau().cli(hosts, ['chaincode', 'commit'])).to.match(/committed/);
      await bureau().cli(hosts, ['ledger', 'setup']);
    } finally {
      stop = true;
      await flow;
    }
    expect(committed, 'transactions committed while Health joined').to.be.above(0);
    console.log(
      `      ${committed} transactions committed while Health joined, ${retries} retries on the way`,
    );
    expect(failures, failures.slice(0, 3).join(' | ')).to.deep.equal([]);
    // The bureau's host imported Health's definition, so its nodes' client TLS roots would now name one more CA:
    // they learn it from the channel's configuration anyway, and a start restarts none of them for it.
    const again = await bureau().cli(hosts, [
      'start',
      '--org',
      'OrdererMSP,BureauMSP',
      '--detach',
      '--no-demo',
    ]);
    expect(
      again.split('\n').filter((l) => l.includes(' restart ')),
      'restarted after the import',
    ).to.deep.equal([]);
  });

  it('Health’s dataset needs Health’s peer; an AA enterprise then gets its data through the gateway, with a receipt', async () => {
    const healthAdmin = new RdxLedger(connect(health(), 'HealthMSP', 'admin'));
    const items = [
      { name: 'clinic_id', label: '机构编号', type: 'string' },
      { name: 'name', label: '名称', type: 'string' },
      { name: 'district', label: '区县', type: 'string' },
      { name: 'beds', label: '床位', type: 'number' },
    ];
    const registered = await healthAdmin.catalog.register({
      id: HEALTH_DATASET,
      name: '医疗机构名录',
      openAttribute: 'restricted',
      format: 'csv',
      updateFrequency: 'monthly',
      items,
    } as never);
    // The bureau lists it after its review (Z13).
    await new RdxLedger(connect(bureau(), 'BureauMSP', 'admin')).catalog.reviewListing({
      id: HEALTH_DATASET,
      decision: 'approve',
    });
    const tx = await new RdxLedger(connect(bureau(), 'BureauMSP', 'regulator')).transactions.get(
      registered.txId,
    );
    expect(tx.endorsers, 'created with Health’s and the bureau’s peers').to.include.members([
      'BureauMSP',
      'HealthMSP',
    ]);
    const hash = crypto.createHash('sha256').update(CSV).digest('hex');
    await healthAdmin.catalog.recordVersion({
      datasetId: HEALTH_DATASET,
      version: 'v1',
      contentHash: hash,
      rowCount: 40,
    });

    const base = gatewayBase();
    const adminMsp = health().paths.identityMsp('health', 'admin');
    const signer = {
      certificatePem: fs.readFileSync(path.join(adminMsp, 'signcerts', 'cert.pem'), 'utf8'),
      privateKeyPem: fs.readFileSync(path.join(adminMsp, 'keystore', 'key.pem'), 'utf8'),
    };
    const gateway = new PublicGatewayApi(base);
    for (let attempt = 0; ; attempt++) {
      try {
        await gateway.uploadVersion(HEALTH_DATASET, 'v1', {
          body: Buffer.from(CSV),
          contentType: 'text/csv',
          contentSha256: hash,
          signer,
        });
        break;
      } catch (err) {
        if (attempt > 50) throw err;
        await new Promise((r) => setTimeout(r, 300));
      }
    }

    // An AA enterprise, onboarded by the bureau, applies; Health reviews and signs on its own.
    const keys = EnterpriseSigner.generateKeyPair();
    const creditCode = newCreditCode();
    const enterprise = new EnterpriseSigner(creditCode, keys.privateKeyPem);
    const bureauAdmin = new RdxLedger(connect(bureau(), 'BureauMSP', 'admin'));
    await bureauAdmin.enterprise.onboard({
      creditCode,
      name: `丽水多主机测试科技有限公司 ${runId}`,
      nature: 'private',
      publicKey: keys.publicKeyPem,
      rating: ratingOf('AA'),
    } as never);
    const gw = new RdxLedger(connect(bureau(), 'BureauMSP', 'gateway'));
    const appId = `mh-app-${runId}`;
    await gw.application.submitSigned(
      enterprise.sign(
        'SubmitApplication',
        applicationRequest(appId, [{ datasetId: HEALTH_DATASET, items: ['clinic_id', 'name', 'district'] }]),
      ),
    );
    await bureauAdmin.application.formalReview({ id: appId, decision: 'accept' });
    await healthAdmin.application.ownerReview({ id: appId, decision: 'approve' });
    await bureauAdmin.application.reReview({ id: appId, decision: 'approve' });
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const draft = await healthAdmin.agreement.draft({
      applicationId: appId,
      terms: {
        datasets: [{ datasetId: HEALTH_DATASET, items: ['clinic_id', 'name', 'district'] }],
        purpose: '就医指引',
        serviceName: '医疗资源地图',
        platform: '资源地图平台',
        validFrom: today,
        validUntil: '2027-06-30',
        dailyQuota: 1000,
      },
    });
    await healthAdmin.agreement.signAsBody({ id: draft.value.id, termsHash: draft.value.termsHash });
    const inForce = await gw.agreement.signAsEnterpriseSigned(
      enterprise.sign('SignAgreement', { agreementId: draft.value.id, termsHash: draft.value.termsHash }),
    );
    expect(inForce.value.state).to.equal('IN_FORCE');

    // The bureau cannot change Health's grant without Health's peer: the key-level policy needs it.
    const grantId = inForce.value.grants[0]!;
    const forcing = connect(bureau(), 'BureauMSP', 'admin')
      .contract('grant')
      .newProposal('SuspendGrant', {
        arguments: [grantId, 'violation'],
        transientData: { note: Buffer.from('未经卫健委'), salt: crypto.randomBytes(32) },
        endorsingOrganizations: ['BureauMSP', 'MarketMSP'],
      });
    const outcome = await forcing
      .endorse()
      .then(async (t) => (await (await t.submit()).getStatus()).code)
      .catch((err: Error) => err.message);
    expect(outcome, 'refused at endorsement or invalid').not.to.equal(peer.TxValidationCode.VALID);

    // The enterprise pulls its data through the gateway, and its receipt verifies.
    const token = await tokenFor(base, creditCode, keys.privateKeyPem);
    let rows: Record<string, unknown>[] = [];
    let requestId = '';
    for (let attempt = 0; attempt < 100 && rows.length === 0; attempt++) {
      const res = await fetch(`${base}/v1/datasets/${HEALTH_DATASET}/records?limit=5`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const body = (await res.json()) as { data?: Record<string, unknown>[]; requestId?: string };
      if (res.ok && body.data) [rows, requestId] = [body.data, body.requestId ?? ''];
      else await new Promise((r) => setTimeout(r, 300));
    }
    expect(rows.length).to.equal(5);
    expect(Object.keys(rows[0]!).sort()).to.deep.equal(['clinic_id', 'district', 'name']);
    let receipt: unknown;
    for (let attempt = 0; attempt < 100; attempt++) {
      const res = await fetch(`${base}/v1/audit/receipts/${requestId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status === 200) {
        receipt = await res.json();
        break;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(verifyReceipt(receipt).ok).to.equal(true);
    // Reached over the network, the gateway posts webhooks to its host's loopback for no one: its clerk's port
    // there would answer (RDX_WEBHOOK_ALLOW_LOOPBACK is off by default off loopback).
    const hook = await fetch(`${base}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:3010/status' }),
    });
    expect(hook.status, 'a webhook to the gateway host’s loopback').to.equal(400);
    expect(((await hook.json()) as { detail: string }).detail).to.match(/RDX_WEBHOOK_ALLOW_LOOPBACK/);
    // The enterprise's own machine, with the rdx CLI: its key, and the gateway root for the gateway alone.
    const keyFile = path.join(root!, 'enterprise-key.pem');
    fs.writeFileSync(keyFile, keys.privateKeyPem, { mode: 0o600 });
    const pulled = await byName('transport').exec('env', [
      `RDX_GATEWAY_CA=${gatewayRoot()}`,
      `RDX_CLIENT_ID=${creditCode}`,
      `RDX_KEY_FILE=${keyFile}`,
      process.execPath,
      path.join(config.repoRoot, 'client', 'dist', 'cli', 'main.js'),
      '--gateway',
      base,
      'records',
      HEALTH_DATASET,
      '--limit',
      '2',
    ]);
    const lines = pulled.split('\n').filter((l) => l.startsWith('{'));
    expect(lines.map((l) => Object.keys(JSON.parse(l) as object).sort())).to.deep.equal([
      ['clinic_id', 'district', 'name'],
      ['clinic_id', 'district', 'name'],
    ]);
    healthGrantAnswer = async () => {
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(`${base}/v1/datasets/${HEALTH_DATASET}/records?limit=1`, {
          headers: { authorization: `Bearer ${await tokenFor(base, creditCode, keys.privateKeyPem)}` },
        });
        const body = (await res.json()) as { code?: string };
        if (res.status !== 200 || attempt > 100) return { status: res.status, code: body.code };
        await new Promise((r) => setTimeout(r, 300));
      }
    };
  });

  it('Health leaves: the members remove it as they added it, and its grants and its staff stop at the gateway', async () => {
    // Health's admin reads its home at the bureau's gateway over HTTPS, signed with its Fabric identity.
    const healthAdminHome = async (): Promise<{ status: number; detail?: string }> => {
      const adminMsp = health().paths.identityMsp('health', 'admin');
      const signer = {
        certificatePem: fs.readFileSync(path.join(adminMsp, 'signcerts', 'cert.pem'), 'utf8'),
        privateKeyPem: fs.readFileSync(path.join(adminMsp, 'keystore', 'key.pem'), 'utf8'),
      };
      const res = await fetch(`${gatewayBase()}/v1/admin/home`, {
        headers: signAdminRequest(signer, {
          method: 'GET',
          path: '/v1/admin/home',
          contentSha256: crypto.createHash('sha256').digest('hex'),
        }),
      });
      return { status: res.status, detail: ((await res.json()) as { detail?: string }).detail };
    };
    expect((await healthAdminHome()).status, 'while Health is a member').to.equal(200);
    const update = path.join(root!, 'courier', 'remove-health.pb');
    await bureau().cli(hosts, ['channel', 'remove-org', 'HealthMSP', '--out', update]);
    await byName('market').cli(hosts, ['channel', 'sign', update]);
    // Three of the four members' admins: the bureau, Market, and Transport, which submits.
    await byName('transport').cli(hosts, ['channel', 'submit', update]);
    expect((await bureau().cli(hosts, ['channel', 'members'])).trim().split('\n')).to.deep.equal([
      'BureauMSP',
      'MarketMSP',
      'TransportMSP',
    ]);
    for (const h of [bureau(), byName('market'), byName('transport')])
      await h.cli(hosts, ['chaincode', 'approve']);
    expect(await bureau().cli(hosts, ['chaincode', 'commit'])).to.match(/committed/);
    expect(await bureau().cli(hosts, ['ledger', 'setup'])).to.match(/HealthMSP left the channel/);
    const said = await healthGrantAnswer();
    expect(said.status).to.equal(403);
    expect(said.code).to.equal('GRANT_NOT_ACTIVE');
    // The gateway's view has the removal by now (the grant answer above waited for it): Health's CA still
    // signs for its admin, but the admin opens nothing.
    const home = await healthAdminHome();
    expect(home.status).to.equal(403);
    expect(home.detail).to.match(/^HealthMSP was removed from the platform by the bureau/);
  });

  it('Market revokes its departing reviewer on its own host: the bureau’s peer refuses the old pair at once, the bureau’s gateway within seconds, from the channel', async () => {
    const market = byName('market');
    const kept = path.join(root!, 'kept-reviewer');
    fs.cpSync(market.paths.identityDir('market', 'reviewer'), kept, { recursive: true });
    // The pair as the leaver would use it from anywhere on the network: Fabric's peer CLI at the bureau's peer.
    const bureauPeer = nodesOf(topology, 'peer', 'BureauMSP')[0]!;
    const queryAtBureau = (pair: string): Promise<string> =>
      failure(
        installOf().then((install) =>
          run(
            install.bin.peer,
            [
              'chaincode',
              'query',
              '-C',
              topology.channel,
              '-n',
              topology.chaincodeName,
              '-c',
              '{"Args":["catalog:ListDatasets"]}',
            ],
            {
              env: {
                ...peerAdminEnv(install, market.paths, topology, nodesOf(topology, 'peer', 'MarketMSP')[0]!),
                CORE_PEER_MSPCONFIGPATH: path.join(pair, 'msp'),
                CORE_PEER_TLS_CLIENTCERT_FILE: path.join(pair, 'tls', 'server.crt'),
                CORE_PEER_TLS_CLIENTKEY_FILE: path.join(pair, 'tls', 'server.key'),
                CORE_PEER_ADDRESS: address(bureauPeer),
                CORE_PEER_TLS_ROOTCERT_FILE: market.paths.caCert('bureau'),
              },
              timeoutMs: 60_000,
            },
          ),
        ),
      );
    const homeAtGateway = async (pair: string): Promise<string> => {
      const msp = path.join(pair, 'msp');
      const res = await fetch(`${gatewayBase()}/v1/admin/home`, {
        headers: signAdminRequest(
          {
            certificatePem: fs.readFileSync(path.join(msp, 'signcerts', 'cert.pem'), 'utf8'),
            privateKeyPem: fs.readFileSync(path.join(msp, 'keystore', 'key.pem'), 'utf8'),
          },
          { method: 'GET', path: '/v1/admin/home', contentSha256: crypto.createHash('sha256').digest('hex') },
        ),
      });
      return `${res.status} ${((await res.json()) as { detail?: string }).detail ?? ''}`;
    };
    expect(await queryAtBureau(kept), 'before: the reviewer reads the catalogue').to.equal('');
    expect(await homeAtGateway(kept)).to.match(/^200/);

    expect(await market.cli(hosts, ['certs', 'revoke', 'reviewer', '--org', 'MarketMSP'])).to.match(
      /Revoked \d+ certificates of reviewer \(MarketMSP\)/,
    );
    // Market's admin alone changed Market's MSP in the channel: the bureau's peer refuses the old pair now.
    expect(await queryAtBureau(kept)).to.match(
      /access denied: channel \[opendata\] creator org \[MarketMSP\]/,
    );
    expect(await queryAtBureau(market.paths.identityDir('market', 'reviewer')), 'the new pair').to.equal('');
    // The bureau's gateway reads it from the channel's configuration: nothing is carried to the bureau's host.
    await waitUntil(async () => (await homeAtGateway(kept)).startsWith('401'), {
      what: 'the bureau’s gateway refusing the revoked reviewer',
      timeoutMs: 30_000,
    });
    expect(await homeAtGateway(kept)).to.match(/MarketMSP revoked this certificate/);
    // Market's definition carries the list too, for the hosts that import it (a member's own copy).
    expect(await bureau().cli(hosts, ['org', 'import', carry(market, 'export/MarketMSP.org.json')])).to.match(
      /MarketMSP: imported/,
    );
    expect(await homeAtGateway(market.paths.identityDir('market', 'reviewer'))).to.match(/^200/);
  });

  it('the bureau and Market commit, without Transport, a definition that lets Market read Transport’s collection: Transport’s host refuses to call it done', async () => {
    const transport = byName('transport');
    const market = byName('market');
    /** Fabric's own `peer` as `host`'s org admin, on that host. */
    const peerAs = async (host: Host, mspId: string, args: string[]): Promise<string> => {
      const install = await installOf();
      return run('ip', ['netns', 'exec', host.ns, install.bin.peer, ...args], {
        env: peerAdminEnv(install, host.paths, topology, nodesOf(topology, 'peer', mspId)[0]!),
        timeoutMs: 120_000,
      });
    };
    const naming = ['-C', topology.channel, '-n', topology.chaincodeName];
    const committed = JSON.parse(
      await peerAs(bureau(), 'BureauMSP', [
        'lifecycle',
        'chaincode',
        'querycommitted',
        ...naming,
        '-O',
        'json',
      ]),
    ) as { sequence: number; version: string; approvals: Record<string, boolean> };
    expect(committed.approvals, 'before: every member approved what runs').to.deep.equal({
      BureauMSP: true,
      MarketMSP: true,
      TransportMSP: true,
    });
    // This release's definition for the members, with Transport's collection opened to Market's clients and
    // peer, under the same version string: a majority of two bodies is one, with the bureau.
    const definition = chaincodeDefinition(['MarketMSP', 'TransportMSP'], ['HealthMSP']);
    const widened = definition.collections.map((c) =>
      c.name === 'rdx-TransportMSP'
        ? { ...c, policy: `OR('TransportMSP.member', 'BureauMSP.member', 'MarketMSP.member')` }
        : c,
    );
    const collectionsFile = path.join(root!, 'courier', 'widened-collections.json');
    fs.writeFileSync(collectionsFile, JSON.stringify(widened));
    const proposal = [
      ...naming,
      '--version',
      committed.version,
      '--sequence',
      String(committed.sequence + 1),
      '--signature-policy',
      definition.signaturePolicy,
      '--collections-config',
      collectionsFile,
    ];
    const label = committed.version.slice(0, committed.version.lastIndexOf('.'));
    for (const [host, mspId] of [
      [bureau(), 'BureauMSP'],
      [market, 'MarketMSP'],
    ] as const) {
      const installed = JSON.parse(
        await peerAs(host, mspId, ['lifecycle', 'chaincode', 'queryinstalled', '-O', 'json']),
      ) as { installed_chaincodes: { package_id: string; label: string }[] };
      const packageId = installed.installed_chaincodes.find((c) => c.label === label)!.package_id;
      await peerAs(host, mspId, [
        'lifecycle',
        'chaincode',
        'approveformyorg',
        ...ordererArgs(host.paths, topology, mspId),
        ...proposal,
        '--package-id',
        packageId,
        '--waitForEvent',
      ]);
    }
    await peerAs(bureau(), 'BureauMSP', [
      'lifecycle',
      'chaincode',
      'commit',
      ...ordererArgs(bureau().paths, topology, 'BureauMSP'),
      ...proposal,
      ...['BureauMSP', 'MarketMSP'].flatMap((m) => [
        '--peerAddresses',
        address(nodesOf(topology, 'peer', m)[0]!),
        '--tlsRootCertFiles',
        bureau().paths.caCert(m === 'BureauMSP' ? 'bureau' : 'market'),
      ]),
      '--waitForEvent',
    ]);
    // Transport's host: it may not take this for the definition it approved because the version reads the same.
    const said = await failure(transport.cli(hosts, ['chaincode', 'approve']));
    expect(said).to.match(
      new RegExp(
        `runs a chaincode definition at sequence ${committed.sequence + 1} that TransportMSP did not approve`,
      ),
    );
    expect(said).to.match(/the other members committed it without TransportMSP\. Nothing was approved/);
    // Fabric's own reason, passed on: the collections differ (the endorsement policy is this release's).
    expect(said).to.match(/Collections do not match/);
    expect(said, 'a clear error, not a stack trace').not.to.match(/^\s+at /m);
  });

  it('no private key of one organization is anywhere in another’s home', () => {
    const spki = (k: crypto.KeyObject): string =>
      k.export({ type: 'spki', format: 'der' }).toString('base64');
    for (const h of hosts) {
      // The other orgs this home knows: their imported roots. A key is theirs if it is a root's own key, or the
      // key of a certificate one of those roots issued.
      const foreign = topology.orgs
        .filter((o) => !h.spec.orgs.includes(o.mspId) && fs.existsSync(h.paths.caCert(o.short)))
        .map((o) => ({
          mspId: o.mspId,
          root: new X509Certificate(fs.readFileSync(h.paths.caCert(o.short))),
        }));
      expect(foreign.length, `${h.spec.name} knows the other orgs`).to.be.at.least(3);
      const certs = certificatesIn(h.home);
      const keys = privateKeysIn(h.home);
      expect(keys.length, `${h.spec.name}'s own keys are found`).to.be.above(3);
      for (const { file, key } of keys) {
        const pub = spki(crypto.createPublicKey(key));
        for (const { mspId, root } of foreign) {
          const theirs =
            spki(root.publicKey) === pub ||
            certs.some((c) => spki(c.publicKey) === pub && c.checkIssued(root) && c.verify(root.publicKey));
          expect(theirs, `${path.relative(h.home, file)} in ${h.spec.name}'s home is ${mspId}'s`).to.equal(
            false,
          );
        }
      }
      for (const other of topology.orgs.filter((o) => !h.spec.orgs.includes(o.mspId)))
        expect(
          fs.existsSync(path.join(h.paths.orgDir(other.short), 'secrets.json')),
          `${other.mspId}'s secrets at ${h.spec.name}`,
        ).to.equal(false);
    }
    expect(SUBNET).to.match(/^10\./);
  });
});

let install: FabricInstall | undefined;
interface UpdateJson {
  write_set: {
    groups: {
      Application: {
        groups: Record<string, { values: { MSP: { value: { config: { root_certs: string[] } } } } }>;
        policies?: Record<string, unknown>;
      };
    };
  };
}

/** A copy of the update file `file` with its config update changed by `change`, as a carrier could make it. */
async function tamperedUpdate(file: string, change: (update: UpdateJson) => void): Promise<string> {
  const configtxlator = (await installOf()).bin.configtxlator;
  const json = `${file}.json`;
  await run(configtxlator, ['proto_decode', '--input', file, '--type', 'common.Envelope', '--output', json]);
  const envelope = JSON.parse(fs.readFileSync(json, 'utf8')) as {
    payload: { data: { config_update: UpdateJson } };
  };
  change(envelope.payload.data.config_update);
  fs.writeFileSync(json, JSON.stringify(envelope));
  const out = `${file}.tampered-${crypto.randomBytes(4).toString('hex')}.pb`;
  await run(configtxlator, ['proto_encode', '--input', json, '--type', 'common.Envelope', '--output', out]);
  return out;
}

async function installOf(): Promise<FabricInstall> {
  install ??= await ensureFabricBinaries(config, () => undefined);
  return install;
}
