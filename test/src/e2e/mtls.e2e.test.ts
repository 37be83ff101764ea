/**
 * Transport security between hosts, tried as an attacker on the network would: a TLS client that trusts the
 * orgs' roots but shows no certificate of its own, against every peer, orderer and chaincode server; and Fabric's
 * own peer CLI with and without the admin's TLS client certificate, and its osnadmin with every kind of pair a
 * local user of an orderer's host might hold.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { adminAddress, ensureFabricBinaries, nodesOf, ordererAdminPair, orgOf, run } from '@rdx/network';
import { config, paths, topology } from '../fabric-client.js';

/** Whether a TLS client without a certificate gets an application-level answer (true) or is cut off (false). */
function anonymousTlsAccepted(host: string, port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host,
      port,
      ca,
      servername: host,
      ALPNProtocols: ['h2'],
      checkServerIdentity: () => undefined,
    });
    let settled = false;
    const done = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(ok);
    };
    // TLS 1.3 finishes the handshake before the server has checked the client: the refusal arrives as an
    // alert on the first read. An HTTP/2 server that accepts the client sends its SETTINGS frame at once.
    socket.on('data', () => done(true));
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
    setTimeout(() => done(false), 5000);
  });
}

describe('mutual TLS on every Fabric endpoint', () => {
  const roots = topology.orgs.map((o) => fs.readFileSync(paths.caCert(o.short), 'utf8')).join('\n');

  for (const kind of ['peer', 'orderer', 'chaincode'] as const) {
    it(`every ${kind} refuses a TLS client without a certificate`, async () => {
      const nodes = nodesOf(topology, kind);
      expect(nodes.length).to.be.above(0);
      for (const node of nodes) {
        expect(
          await anonymousTlsAccepted(node.host, node.port, roots),
          `${node.name} accepted an anonymous client`,
        ).to.equal(false);
      }
    });
  }

  it('the peer CLI is refused without the admin’s TLS client certificate, and served with it', async () => {
    const install = await ensureFabricBinaries(config, () => undefined);
    const bureau = orgOf(topology, 'BureauMSP');
    const peer = nodesOf(topology, 'peer', 'BureauMSP')[0]!;
    const tlsDir = paths.identityTls(bureau.short, 'admin');
    const env = {
      PATH: process.env.PATH,
      FABRIC_CFG_PATH: install.configDir,
      FABRIC_LOGGING_SPEC: 'ERROR',
      CORE_PEER_LOCALMSPID: 'BureauMSP',
      CORE_PEER_MSPCONFIGPATH: paths.identityMsp(bureau.short, 'admin'),
      CORE_PEER_ADDRESS: `${peer.host}:${peer.port}`,
      CORE_PEER_TLS_ENABLED: 'true',
      CORE_PEER_TLS_ROOTCERT_FILE: paths.caCert(bureau.short),
    };
    const list = (extra: Record<string, string>): Promise<string> =>
      run(install.bin.peer, ['channel', 'list'], { env: { ...env, ...extra }, timeoutMs: 20_000 });
    await expect(list({})).to.be.rejected;
    const served = await list({
      CORE_PEER_TLS_CLIENTAUTHREQUIRED: 'true',
      CORE_PEER_TLS_CLIENTCERT_FILE: path.join(tlsDir, 'server.crt'),
      CORE_PEER_TLS_CLIENTKEY_FILE: path.join(tlsDir, 'server.key'),
    });
    expect(served).to.include(topology.channel);
  });

  it('an orderer’s admin endpoint takes only its org admin’s pair from the orderer admin CA: osnadmin with any other pair of the org is refused', async () => {
    const install = await ensureFabricBinaries(config, () => undefined);
    const ordererOrg = orgOf(topology, 'OrdererMSP');
    const orderer = nodesOf(topology, 'orderer', 'OrdererMSP')[0]!;
    const list = (pairDir: string): Promise<string> =>
      run(
        install.bin.osnadmin,
        ['channel', 'list', '-o', adminAddress(orderer), '--ca-file', paths.caCert(ordererOrg.short)].concat([
          '--client-cert',
          path.join(pairDir, 'server.crt'),
          '--client-key',
          path.join(pairDir, 'server.key'),
        ]),
        { env: { PATH: process.env.PATH }, timeoutMs: 20_000 },
      );
    const admin = ordererAdminPair(paths, ordererOrg);
    expect(await list(admin)).to.match(/Status: 200/);
    // Pairs a local user might hold, each issued by an org's CA: an orderer's own (what osnadmin used before),
    // the orderer org admin's Fabric TLS pair, another org's admin's.
    for (const [who, pair] of [
      ['orderer1’s TLS pair', paths.identityTls(ordererOrg.short, 'orderer1')],
      ['the orderer org admin’s Fabric TLS pair', paths.identityTls(ordererOrg.short, 'admin')],
      ['the bureau admin’s TLS pair', paths.identityTls(orgOf(topology, 'BureauMSP').short, 'admin')],
    ] as const) {
      const refused = await list(pair).then(
        (out) => `answered: ${out}`,
        (err: Error) => err.message,
      );
      expect(refused, who).to.match(/bad certificate|unknown certificate authority|certificate required/i);
    }
    // osnadmin (Go) does not send a certificate whose issuer the endpoint does not name; a client that sends it
    // anyway is refused by the endpoint itself. The gateway's HTTPS pair, of the bureau's gateway CA, is too.
    const participation = (pairDir: string): Promise<string> =>
      new Promise((resolve) => {
        const [host, port] = adminAddress(orderer).split(':');
        https
          .get(
            {
              host,
              port: Number(port),
              path: '/participation/v1/channels',
              ca: fs.readFileSync(paths.caCert(ordererOrg.short)),
              cert: fs.readFileSync(path.join(pairDir, 'server.crt')),
              key: fs.readFileSync(path.join(pairDir, 'server.key')),
              checkServerIdentity: () => undefined,
            },
            (res) => {
              res.resume();
              resolve(String(res.statusCode));
            },
          )
          .on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      });
    expect(await participation(admin)).to.equal('200');
    for (const pair of [
      paths.identityTls(ordererOrg.short, 'orderer1'),
      paths.identityHttps(orgOf(topology, 'BureauMSP').short, 'gateway'),
    ])
      expect(await participation(pair), pair).to.equal('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA');
  });
});
