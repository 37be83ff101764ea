/**
 * A staff member leaves a body, or a key leaks: `rdx-network certs revoke <identity> --org <MSP>` gives the
 * identity new keys and revokes the certificates it had. Proven as the one who kept the old pair would try it:
 * Fabric's own `peer` CLI against every org's peer and the orderers, and a signed admin request over plain HTTP
 * to the gateway; and with a certificate of the same key they asked the org's CA for before the revocation.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import crypto, { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sealEvidence, signAdminRequest, type EvidencePackage } from '@rdx/client';
import {
  ensureFabricBinaries,
  gatewayUrl,
  nodesOf,
  ordererArgs,
  orgOf,
  run,
  type FabricInstall,
} from '@rdx/network';
import { Cli } from '../cli-helpers.js';
import { config, networkCli, paths, topology } from '../fabric-client.js';
import { eventually } from '../gateway-client-e2e.js';
import { chaincodeInvoke, chaincodeQuery, cliFailure, peerCli } from '../peer-cli.js';
import { Parties, runId, submit } from '../workflow.js';

const ORG = 'TransportMSP';
const short = orgOf(topology, ORG).short;

/** Fabric's peer CLI with the pair in `pair` (an identity folder: msp/ and tls/), against `peerMsp`'s peer. */
function peerWith(install: FabricInstall, pair: string, peerMsp: string, args: string[]): Promise<string> {
  return peerCli(install, ORG, peerMsp, args, { folder: pair });
}

/** A probe recorded with the pair in `pair` through Transport's and the bureau's peers, waiting for its commit. */
function probeWith(install: FabricInstall, pair: string, id: string): Promise<string> {
  return chaincodeInvoke(install, ORG, ['system:RecordProbe', id, 'revocation'], {
    endorsers: [ORG, 'BureauMSP'],
    identity: { folder: pair },
  });
}

/** GET /v1/admin/home signed with the pair in `pair`, over plain HTTP: the gateway's status and problem code. */
async function signedHome(pair: string): Promise<string> {
  const identity = {
    certificatePem: fs.readFileSync(path.join(pair, 'msp', 'signcerts', 'cert.pem'), 'utf8'),
    privateKeyPem: fs.readFileSync(path.join(pair, 'msp', 'keystore', 'key.pem'), 'utf8'),
  };
  const target = '/v1/admin/home';
  const answer = await fetch(`${gatewayUrl({ topology })}${target}`, {
    headers: signAdminRequest(identity, {
      method: 'GET',
      path: target,
      contentSha256: crypto.createHash('sha256').digest('hex'),
    }),
  });
  const body = (await answer.json()) as { code?: string; detail?: string; message?: string };
  return `${answer.status} ${body.code ?? ''} ${body.detail ?? body.message ?? ''}`;
}

/**
 * What the holder of a leaked pair can do before it is revoked: ask the org's CA for a fresh certificate of it
 * (`fabric-ca-client reenroll`, authenticated by the pair, for the same key), one the org's tooling never sees.
 */
async function reenrollAtCa(install: FabricInstall, pair: string): Promise<void> {
  const ca = nodesOf(topology, 'ca', ORG)[0]!;
  await run(
    install.bin['fabric-ca-client'],
    [
      'reenroll',
      '-u',
      `https://${ca.host}:${ca.port}`,
      '--tls.certfiles',
      paths.caCert(short),
      '-M',
      path.join(pair, 'msp'),
      '--csr.keyrequest.reusekey',
    ],
    { env: { PATH: process.env.PATH, FABRIC_CA_CLIENT_HOME: pair }, timeoutMs: 60_000 },
  );
}

describe('revoking a certificate on the running network', () => {
  let install: FabricInstall;
  let kept: string;
  let reenrolled: string;
  before(async () => {
    install = await ensureFabricBinaries(config, () => undefined);
    // What the leaver takes along: a copy of the prober's pair as it is before the revocation.
    kept = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-kept-pair-'));
    fs.cpSync(paths.identityDir(short, 'prober'), kept, { recursive: true });
    reenrolled = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-reenrolled-pair-'));
    fs.cpSync(paths.identityDir(short, 'prober'), reenrolled, { recursive: true });
  });
  after(() => {
    fs.rmSync(kept, { recursive: true, force: true });
    fs.rmSync(reenrolled, { recursive: true, force: true });
  });

  it("Transport's prober revoked: its old pair, and one its holder re-enrolled, are refused by every peer, the orderers and the gateway; its new pair works", async function () {
    this.timeout(300_000);
    // The kept pair works before: it records a probe, and the gateway knows its certificate (a prober may
    // not read a body's home, which it is told).
    expect(await probeWith(install, kept, `revocation-${runId}-before`)).to.be.a('string');
    // Its own org's peer lists its channels to it: a request outside any channel, checked by the peer's own MSP.
    expect(await peerWith(install, kept, ORG, ['channel', 'list'])).to.include(topology.channel);
    expect(await signedHome(kept)).to.match(/^403 FORBIDDEN/);
    await reenrollAtCa(install, reenrolled);
    const serial = (pair: string): string =>
      new X509Certificate(fs.readFileSync(path.join(pair, 'msp', 'signcerts', 'cert.pem'))).serialNumber;
    expect(serial(reenrolled), 'a certificate of its own').not.to.equal(serial(kept));
    expect(await probeWith(install, reenrolled, `revocation-${runId}-reenrolled`)).to.be.a('string');

    const revoke = spawnSync(process.execPath, [networkCli, 'certs', 'revoke', 'prober', '--org', ORG], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(revoke.status, revoke.stdout + revoke.stderr).to.equal(0);
    const listed = /Revoked (\d+) certificates of prober \(TransportMSP\): ([0-9A-F, ]+)\./.exec(
      revoke.stdout,
    );
    expect(listed, revoke.stdout).not.to.equal(null);
    expect(
      listed![2]!.split(', '),
      'the enrolment and TLS certificates held, and the re-enrolled one',
    ).to.include.members([serial(kept), serial(reenrolled)]);

    for (const [what, pair] of [
      ['the pair it held', kept],
      ['the pair its holder re-enrolled', reenrolled],
    ] as const) {
      // Every org's peer refuses its proposals: the channel's configuration now carries Transport's list.
      for (const peerMsp of ['TransportMSP', 'MarketMSP', 'BureauMSP']) {
        const refused = await cliFailure(
          chaincodeQuery(
            install,
            ORG,
            peerMsp,
            ['system:RecordProbe', `revocation-${runId}-query`, 'query'],
            {
              folder: pair,
            },
          ),
        );
        expect(refused, `${what} at ${peerMsp}'s peer`).to.match(
          /access denied: channel \[opendata\] creator org \[TransportMSP\]/,
        );
      }
      expect(await cliFailure(probeWith(install, pair, `revocation-${runId}-after`)), what).to.match(
        /access denied/,
      );
      // The orderers deliver it no block.
      const fetched = await cliFailure(
        peerWith(install, pair, ORG, [
          'channel',
          'fetch',
          'newest',
          path.join(pair, 'newest.block'),
          '-c',
          topology.channel,
          ...ordererArgs(paths, topology, ORG),
        ]),
      );
      expect(fetched, what).to.match(/FORBIDDEN/);
      // Transport's peer, restarted on its own MSP's copy of the list, refuses it outside the channel too.
      expect(await cliFailure(peerWith(install, pair, ORG, ['channel', 'list'])), what).to.match(
        /access denied: channel \[\] creator org \[TransportMSP\]/,
      );
      // The gateway refuses its certificate, naming the revocation.
      let answer = '';
      await eventually(
        async () => /^401 TOKEN_INVALID/.test((answer = await signedHome(pair))),
        20_000,
        `the gateway refusing ${what}`,
      );
      expect(answer, what).to.match(/TransportMSP revoked this certificate/);
    }

    // The prober's new pair, where the tooling keeps it, records probes as before.
    const p = new Parties();
    try {
      const committed = await submit(
        p.proberOf(ORG),
        'system',
        'RecordProbe',
        `revocation-${runId}-new`,
        'new pair',
      );
      expect(committed.txId).to.match(/^[0-9a-f]{64}$/);
    } finally {
      p.close();
    }
    expect(
      await probeWith(install, paths.identityDir(short, 'prober'), `revocation-${runId}-new-cli`),
    ).to.be.a('string');
  });

  it('an evidence package sealed with the revoked pair fails `rdx verify` against the org’s revocation list; sealed with the new pair it verifies', async function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-revoked-evidence-'));
    const cli = new Cli({
      RDX_GATEWAY_URL: gatewayUrl({ topology }),
      XDG_CONFIG_HOME: path.join(dir, 'config'),
    });
    try {
      // A real package about a demo grant, collected by the regulator as people do it.
      const aa = (
        JSON.parse(fs.readFileSync(path.join(paths.home, 'demo', 'enterprises.json'), 'utf8')) as {
          rating: string;
          clientId: string;
          clientSecret: string;
        }[]
      ).find((e) => e.rating === 'AA')!;
      const grants = await cli.ok<{ id: string }[]>([
        'grants',
        '--client-id',
        aa.clientId,
        '--client-secret',
        aa.clientSecret,
      ]);
      const collected = path.join(dir, 'collected.json');
      await cli.ok(['evidence', grants[0]!.id, '--out', collected, '--as', 'regulator.bureau']);
      const {
        digest: _d,
        signature: _s,
        ...unsigned
      } = JSON.parse(fs.readFileSync(collected, 'utf8')) as EvidencePackage;
      // The same package sealed by Transport's prober: with the pair the leaver kept, and with the new one.
      const sealedBy = (pair: string, name: string): string => {
        const file = path.join(dir, `${name}.json`);
        const certificatePem = fs.readFileSync(path.join(pair, 'msp', 'signcerts', 'cert.pem'), 'utf8');
        const key = fs.readFileSync(path.join(pair, 'msp', 'keystore', 'key.pem'), 'utf8');
        const collectedBy = { identity: `prober.${short}`, mspId: ORG, certificatePem };
        fs.writeFileSync(file, JSON.stringify(sealEvidence({ ...unsigned, collectedBy }, key)));
        return file;
      };
      const against = ['--ca-file', paths.caCert(short), '--crl-file', paths.orgRevocationList(short)];
      const revoked = sealedBy(kept, 'kept');
      // A prober of a body collects no evidence (the bureau's regulators and admin do): every package here fails
      // for its role and its org. What this test reads is the revocation check beside them.
      const failedChecks = (message: string): string[] =>
        [...message.matchAll(/(?:^|; )(collector\.\w+):/g)].map((m) => m[1]!);
      // Offline, with the CA alone, the certificate holds: the CA issued it.
      const withCa = await cli.fails(
        ['verify', revoked, '--ca-file', paths.caCert(short)],
        'EVIDENCE_INVALID',
      );
      expect(failedChecks(withCa.message)).to.deep.equal(['collector.role', 'collector.org']);
      const refused = await cli.fails(['verify', revoked, ...against], 'EVIDENCE_INVALID');
      expect(refused.message).to.match(
        /collector\.revocation: the collector's certificate \(serial [0-9A-F]+\) is revoked/,
      );
      // Sealed with the new pair, the revocation check holds.
      const renewed = await cli.fails(
        ['verify', sealedBy(paths.identityDir(short, 'prober'), 'new'), ...against],
        'EVIDENCE_INVALID',
      );
      expect(failedChecks(renewed.message)).to.deep.equal(['collector.role', 'collector.org']);
      await cli.fails(['verify', revoked, '--crl-file', paths.orgRevocationList(short)], 'INVALID_ARGUMENT');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses, naming the reason, what it cannot revoke', () => {
    for (const [args, reason] of [
      [
        ['nobody', '--org', ORG],
        /TransportMSP has no identity nobody: its identities are peer0, admin, reviewer, prober/,
      ],
      [['peer0', '--org', ORG], /peer0 is a node: .*certs renew --org TransportMSP/],
    ] as const) {
      const out = spawnSync(process.execPath, [networkCli, 'certs', 'revoke', ...args], { encoding: 'utf8' });
      expect(out.status, out.stdout).to.equal(1);
      expect(out.stderr).to.match(reason);
    }
  });
});
