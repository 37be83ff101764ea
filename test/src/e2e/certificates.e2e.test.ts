/**
 * Certificates expire (a year, by Fabric CA's default): `rdx-network certs renew --org <MSP>` renews every
 * identity of an org on the running network — same keys, new certificates — restarting its processes one at a
 * time, and the org goes on endorsing and transacting.
 */
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { networkCli, paths, topology } from '../fabric-client.js';
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

describe('renewing an organization’s certificates on the running network', () => {
  let p: Parties;
  before(() => {
    p = new Parties();
  });
  after(() => p.close());

  it('under SmartBFT, renewing a consenter’s org is refused before anything changes', function () {
    if (topology.consensus !== 'bft') this.skip();
    const before = identityFiles('transport');
    const renew = spawnSync(process.execPath, [networkCli, 'certs', 'renew', '--org', 'TransportMSP'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(renew.status).to.not.equal(0);
    expect(renew.stdout + renew.stderr).to.match(
      /SmartBFT consenter\(s\) orderer0\.transport.*Nothing was changed/s,
    );
    expect(identityFiles('transport')).to.deep.equal(before);
  });

  it('every certificate of Transport is re-issued for the same key; its peer and chaincode go on working', async function () {
    // Under SmartBFT Transport runs a consenter: the test above shows the refusal.
    if (topology.consensus === 'bft') this.skip();
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
    const status = spawnSync(process.execPath, [networkCli, 'status'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(status.stdout).not.to.match(/WARNING certificate/);
  });
});
