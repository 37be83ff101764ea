/**
 * Certificates expire (a year, by Fabric CA's default): `rdx-network certs renew --org <MSP>` renews every
 * identity of an org on the running network — same keys, new certificates — restarting its processes one at a
 * time, and the org goes on endorsing and transacting — and, under SmartBFT, its consenter goes on ordering.
 */
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureFabricBinaries, startProcess, stopDaemon, waitOrdererCaughtUp } from '@rdx/network';
import { config, networkCli, paths, topology } from '../fabric-client.js';
import { Parties, runId, submit } from '../workflow.js';

/** Every certificate and key file of an org's identities, by path. */
function identityFiles(short: string): Map<string, string> {
  const out = new Map<string, string>();
  const dir = path.join(paths.orgDir(short), 'identities');
  for (const identity of fs.readdirSync(dir)) {
    for (const file of [
      path.join(paths.identityMsp(short, identity), 'signcerts', 'cert.pem'),
      path.join(paths.identityMsp(short, identity), 'keystore', 'key.pem'),
      path.join(paths.identityTls(short, identity), 'server.crt'),
      path.join(paths.identityTls(short, identity), 'server.key'),
    ])
      if (fs.existsSync(file)) out.set(file, fs.readFileSync(file, 'utf8'));
  }
  return out;
}

/**
 * Under SmartBFT Transport runs one of the four consenters. With Market's consenter stopped, a quorum (3 of 4)
 * exists only if Transport's renewed consenter takes part: a transaction that commits proves it does.
 */
async function orderWithoutMarketConsenter(): Promise<void> {
  const ctx = {
    config,
    paths,
    topology,
    install: await ensureFabricBinaries(config, () => undefined),
    log: () => undefined,
  };
  const market = topology.nodes.find((n) => n.kind === 'orderer' && n.mspId === 'MarketMSP')!;
  const transport = topology.nodes.find((n) => n.kind === 'orderer' && n.mspId === 'TransportMSP')!;
  const { caughtUp, heights } = await waitOrdererCaughtUp(ctx, transport, 5_000);
  expect(
    caughtUp,
    `certs renew returned with Transport's consenter behind: ${JSON.stringify(heights)}`,
  ).to.equal(true);
  await stopDaemon(paths, market.name);
  const p = new Parties();
  try {
    // If Market's consenter led, the others first agree on a new leader (a heartbeat timeout, ~10 s).
    const deadline = Date.now() + 60_000;
    for (let attempt = 1; ; attempt++) {
      try {
        // A fresh id each time: an attempt whose commit status timed out may still have committed.
        await submit(
          p.proberOf('TransportMSP'),
          'system',
          'RecordProbe',
          `renewed-${runId}-quorum-${attempt}`,
          'quorum',
        );
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  } finally {
    p.close();
    await startProcess(ctx, market);
  }
}

describe('renewing an organization’s certificates on the running network', () => {
  let p: Parties;
  before(() => {
    p = new Parties();
  });
  after(() => p.close());

  it('every certificate of Transport is re-issued for the same key; its peer, chaincode and consenter go on working', async function () {
    const before = identityFiles('transport');
    const renew = spawnSync(process.execPath, [networkCli, 'certs', 'renew', '--org', 'TransportMSP'], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(renew.status, renew.stdout + renew.stderr).to.equal(0);
    expect(renew.stdout).to.match(/Renewed \d+ certificates of TransportMSP/);
    const after = identityFiles('transport');
    let certificates = 0;
    for (const [file, was] of before) {
      const now = after.get(file)!;
      if (file.endsWith('.pem') && file.includes('keystore'))
        expect(now, `${file}: the same key`).to.equal(was);
      else if (file.endsWith('.key')) expect(now, `${file}: the same key`).to.equal(was);
      else {
        const [old, renewed] = [new X509Certificate(was), new X509Certificate(now)];
        expect(renewed.serialNumber, `${file}: a new certificate`).not.to.equal(old.serialNumber);
        expect(renewed.publicKey.equals(old.publicKey), `${file}: for the same key`).to.equal(true);
        expect(new Date(renewed.validTo).getTime(), `${file}: valid at least as long`).to.be.at.least(
          new Date(old.validTo).getTime(),
        );
        certificates++;
      }
    }
    expect(certificates).to.be.at.least(8);
    // Transport's peer endorses with its renewed certificate, through its chaincode server's new package.
    const committed = await submit(
      p.proberOf('TransportMSP'),
      'system',
      'RecordProbe',
      `renewed-${runId}`,
      'after renewal',
    );
    expect(committed.txId).to.match(/^[0-9a-f]{64}$/);
    if (topology.consensus === 'bft') await orderWithoutMarketConsenter();
    const status = spawnSync(process.execPath, [networkCli, 'status'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(status.stdout).not.to.match(/WARNING certificate/);
  });

  it('the ordering org renews its orderers one at a time and returns with them ordering: a transaction sent at once commits', async function () {
    const renew = spawnSync(process.execPath, [networkCli, 'certs', 'renew', '--org', 'OrdererMSP'], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(renew.status, renew.stdout + renew.stderr).to.equal(0);
    expect(renew.stdout).to.match(/Renewed \d+ certificates of OrdererMSP/);
    expect(renew.stdout, 'every orderer level when the next restarts').not.to.match(/has not caught up/);
    // No retry: under Raft the renewal must not return while the cluster still elects the leader it restarted.
    const committed = await submit(
      p.proberOf('BureauMSP'),
      'system',
      'RecordProbe',
      `renewed-orderers-${runId}`,
      'right after the ordering org renewed',
    );
    expect(committed.txId).to.match(/^[0-9a-f]{64}$/);
  });
});
