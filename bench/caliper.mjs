/* eslint-disable @typescript-eslint/explicit-module-boundary-types -- plain JavaScript, called by run.mjs only */
/**
 * Figure 5b of `npm run bench -- --caliper`: the ledger figure again, measured by Hyperledger Caliper (the Fabric
 * community's load tool) instead of our own driver, on the same bench network and with the same kinds of
 * transaction (bench/caliper/workload.cjs). Caliper and the Fabric SDK its connector needs are installed on
 * first use into `<RDX_CACHE>/caliper-<version>/` (outside the repository: see bench/caliper/package.json).
 */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { log, repoRoot, round } from './lib.mjs';

const SPEC = path.join(repoRoot, 'bench', 'caliper', 'package.json');

/** Installs Caliper into the cache unless the same package list is there already; returns its CLI's path. */
export function installCaliper(cacheDir) {
  const spec = fs.readFileSync(SPEC, 'utf8');
  const version = JSON.parse(spec).dependencies['@hyperledger/caliper-cli'];
  const dir = path.join(cacheDir, `caliper-${version}`);
  const cli = path.join(dir, 'node_modules', '@hyperledger', 'caliper-cli', 'caliper.js');
  const stamp = path.join(dir, '.installed');
  const wanted = crypto.createHash('sha256').update(spec).digest('hex');
  if (fs.existsSync(cli) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted) return cli;
  log(`installing Hyperledger Caliper ${version} and fabric-network into ${dir} (once; about a minute)`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), spec);
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (npm.status !== 0) throw new Error(`installing Caliper into ${dir} failed (npm exit ${npm.status})`);
  fs.writeFileSync(stamp, wanted);
  return cli;
}

/** A common connection profile for one peer, TLS root inline; discovery finds the rest of the channel. */
function connectionProfile(org, peer, tlsRootPem) {
  return {
    name: `rdx-${org.short}`,
    version: '1.0.0',
    client: { organization: org.mspId },
    organizations: { [org.mspId]: { mspid: org.mspId, peers: [peer.name] } },
    peers: {
      [peer.name]: {
        url: `grpcs://${peer.host}:${peer.port}`,
        tlsCACerts: { pem: tlsRootPem },
        grpcOptions: { 'ssl-target-name-override': peer.host },
      },
    },
  };
}

/** Caliper's summary table row for `label`, as it prints it: | name | succ | fail | send rate | max | min | avg | tps | */
function parseRow(stdout, label) {
  const line = stdout.split('\n').find((l) => new RegExp(`^\\|\\s*${label}\\s*\\|`).test(l));
  if (!line) return undefined;
  const [, succ, fail, sendTps, maxS, minS, avgS, tps] = line
    .split('|')
    .slice(1, -1)
    .map((c) => c.trim());
  return {
    succeeded: Number(succ),
    failed: Number(fail),
    sendTps: Number(sendTps),
    latencySeconds: { min: Number(minS), avg: Number(avgS), max: Number(maxS) },
    tps: Number(tps),
  };
}

/**
 * Runs the three rounds (grant-issuing, put-state, read) with `inFlight` transactions outstanding and returns
 * Caliper's figures. `work` holds what the workload sends (see workload.cjs); `identities` the submitting ones.
 */
export async function runCaliper({ cacheDir, workspace, topology, paths, net, work, readSeconds, inFlight }) {
  const cli = installCaliper(cacheDir);
  fs.mkdirSync(workspace, { recursive: true });
  const bureau = topology.orgs.find((o) => o.mspId === 'BureauMSP');
  const peer = net.nodesOf(topology, 'peer', 'BureauMSP')[0];
  const certificates = ['gateway', 'prober'].map((name) => {
    const id = net.identityOf(paths, topology, 'BureauMSP', name);
    return {
      name,
      clientSignedCert: { pem: id.certificatePem },
      clientPrivateKey: { pem: id.privateKeyPem },
    };
  });
  const profileFile = path.join(workspace, 'profile-bureau.json');
  fs.writeFileSync(
    profileFile,
    JSON.stringify(
      connectionProfile(
        bureau,
        { name: `peer0.${bureau.short}`, host: peer.host, port: peer.port },
        fs.readFileSync(paths.caCert(bureau.short), 'utf8'),
      ),
      null,
      2,
    ),
  );
  const workFile = path.join(workspace, 'work.json');
  fs.writeFileSync(
    workFile,
    JSON.stringify({
      ...work,
      channel: topology.channel,
      chaincode: topology.chaincodeName,
      mspId: 'BureauMSP',
      identity: 'gateway',
      probeIdentity: 'prober',
      readIdentity: 'gateway',
    }),
  );
  const networkFile = path.join(workspace, 'network.json');
  fs.writeFileSync(
    networkFile,
    JSON.stringify(
      {
        name: 'rdx-bench',
        version: '2.0.0',
        // Our peers require client TLS; the connector then presents each identity's certificate.
        caliper: { blockchain: 'fabric', sutOptions: { mutualTls: true } },
        channels: [{ channelName: topology.channel, contracts: [{ id: topology.chaincodeName }] }],
        organizations: [
          {
            mspid: 'BureauMSP',
            identities: { certificates },
            connectionProfile: { path: profileFile, discover: true },
          },
        ],
      },
      null,
      2,
    ),
  );
  const workload = path.join(repoRoot, 'bench', 'caliper', 'workload.cjs');
  const fixedLoad = { type: 'fixed-load', opts: { transactionLoad: inFlight, startingTps: inFlight } };
  const roundOf = (label, kind, size) => ({
    label,
    ...size,
    rateControl: fixedLoad,
    workload: { module: workload, arguments: { kind, work: workFile } },
  });
  const benchFile = path.join(workspace, 'benchmark.json');
  fs.writeFileSync(
    benchFile,
    JSON.stringify(
      {
        test: {
          name: 'rdx-ledger',
          description: 'RDX figure 5b: grant-issuing transactions, put-state and reads, driven by Caliper',
          workers: { number: 1 },
          rounds: [
            roundOf('grant', 'grant', { txNumber: work.signed.length }),
            roundOf('probe', 'probe', { txNumber: work.probes.length }),
            roundOf('read', 'read', { txDuration: readSeconds }),
          ],
        },
      },
      null,
      2,
    ),
  );
  log(
    `figure 5b: Caliper — ${work.signed.length} grant-issuing, ${work.probes.length} put-state, ${readSeconds} s of reads, ${inFlight} in flight`,
  );
  const args = [
    cli,
    'launch',
    'manager',
    '--caliper-workspace',
    workspace,
    '--caliper-networkconfig',
    networkFile,
    '--caliper-benchconfig',
    benchFile,
    '--caliper-flow-only-test',
    '--caliper-report-path',
    path.join(workspace, 'report.html'),
    '--caliper-fabric-timeout-invokeorquery',
    '120',
  ];
  const stdout = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const logFile = fs.createWriteStream(path.join(workspace, 'caliper.log'));
    for (const stream of [child.stdout, child.stderr])
      stream.on('data', (d) => {
        out += d;
        logFile.write(d);
      });
    child.on('error', reject);
    child.on('close', (code) => {
      logFile.end();
      if (code === 0) resolve(out);
      else
        reject(new Error(`Caliper exited with ${code}; its output: ${path.join(workspace, 'caliper.log')}`));
    });
  });
  const rows = {
    grant: parseRow(stdout, 'grant'),
    probe: parseRow(stdout, 'probe'),
    read: parseRow(stdout, 'read'),
  };
  for (const [label, row] of Object.entries(rows))
    if (!row)
      throw new Error(
        `Caliper printed no result for round ${label}; see ${path.join(workspace, 'caliper.log')}`,
      );
  return {
    tool: `Hyperledger Caliper ${JSON.parse(fs.readFileSync(SPEC, 'utf8')).dependencies['@hyperledger/caliper-cli']} (fabric connector on fabric-network 2.2, discovery, mutual TLS)`,
    ...rows,
    ratio: round(rows.grant.tps / rows.probe.tps, 3),
    report: path.join(workspace, 'report.html'),
  };
}
