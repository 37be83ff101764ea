/**
 * A certificate its organization revoked signs no admin request, though its root issued it and it is within its
 * validity: the gateway reads each org's revocation list beside its root, takes a new list within seconds, and
 * refuses every certificate of an org whose list it cannot trust rather than skip the list.
 */
import { expect } from 'chai';
import crypto, { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  authorityKeyId,
  parseRevocationList,
  revocationListSignedBy,
  signAdminRequest,
  type AdminIdentity,
} from '@rdx/client';
import { Problem } from '../problem.js';
import { mspRootsDir, testOrg } from '../testing/test-ca.js';
import { common, msp as mspProtos } from '@hyperledger/fabric-protos';
import type { Ledger } from '../ledger/ledger.js';
import { AdminSignatureVerifier, MspRoots } from './admin-signature.js';
import { ChannelRevocations, revocationListsOf } from './channel-revocations.js';
import { SqliteReplayStore } from './replay-store.js';

const market = testOrg('MarketMSP');
const transport = testOrg('TransportMSP');

function signedBy(identity: AdminIdentity): {
  method: string;
  originalUrl: string;
  get(name: string): string | undefined;
} {
  const headers = signAdminRequest(identity, {
    method: 'GET',
    path: '/v1/admin/home',
    contentSha256: crypto.createHash('sha256').digest('hex'),
  });
  return { method: 'GET', originalUrl: '/v1/admin/home', get: (name) => headers[name.toLowerCase()] };
}

describe('revoked certificates sign no admin request', () => {
  let dir: string;
  let msp: string;
  let store: SqliteReplayStore;
  let clock: number;
  const leaver = market.identity('admin', 'leaver');
  const successor = market.identity('admin', 'successor');

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-admin-revocation-'));
    msp = mspRootsDir(path.join(dir, 'msp'), ['MarketMSP', 'TransportMSP']);
    store = SqliteReplayStore.open(path.join(dir, 'assertions.db'));
    clock = Date.now();
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function outcome(roots: MspRoots, identity: AdminIdentity): Promise<string> {
    try {
      return `signed by ${(await new AdminSignatureVerifier(roots, store).verify(signedBy(identity))).mspId}`;
    } catch (err) {
      if (err instanceof Problem) return `${err.code}: ${err.message}`;
      throw err;
    }
  }

  it('the revoked admin is refused, naming the list; its successor and the other orgs are served', async () => {
    fs.writeFileSync(path.join(msp, 'MarketMSP.crl'), market.revocationList([leaver]));
    const roots = new MspRoots(msp);
    expect(await outcome(roots, leaver)).to.match(
      /^TOKEN_INVALID: The admin signature is not valid: MarketMSP revoked this certificate \(its revocation list of 20\d\d-/,
    );
    expect(await outcome(roots, successor)).to.equal('signed by MarketMSP');
    expect(await outcome(roots, transport.identity('admin'))).to.equal('signed by TransportMSP');
  });

  it('a list written while the gateway runs counts within 10 s, without a restart', async () => {
    const roots = new MspRoots(msp, () => clock);
    expect(await outcome(roots, leaver)).to.equal('signed by MarketMSP');
    fs.writeFileSync(path.join(msp, 'MarketMSP.crl'), market.revocationList([leaver]));
    clock += 10_000;
    expect(await outcome(roots, leaver)).to.match(/MarketMSP revoked this certificate/);
  });

  it('a list the org’s root did not sign, or that cannot be read, shuts out all of the org’s certificates', async () => {
    // Transport's CA listing nobody, put where Market's list goes: taken, it would let the leaver back in.
    fs.writeFileSync(path.join(msp, 'MarketMSP.crl'), market.revocationList([], transport));
    let roots = new MspRoots(msp);
    for (const identity of [leaver, successor])
      expect(await outcome(roots, identity)).to.match(
        /MarketMSP's certificates are refused: its revocation list \(MarketMSP\.crl\) is not signed by its root/,
      );
    expect(await outcome(roots, transport.identity('admin'))).to.equal('signed by TransportMSP');
    fs.writeFileSync(
      path.join(msp, 'MarketMSP.crl'),
      '-----BEGIN X509 CRL-----\nMAMCAQA=\n-----END X509 CRL-----\n',
    );
    roots = new MspRoots(msp);
    expect(await outcome(roots, successor)).to.match(/MarketMSP\.crl\) cannot be read: /);
  });
});

/** jspb's Map, through the one method used (its type does not resolve here). */
interface ProtoMap<T> {
  set(key: string, value: T): unknown;
}

/** A channel configuration (`common.Config`, raw) whose application orgs hold these revocation lists. */
function channelConfig(lists: Record<string, string[]>): Uint8Array {
  const application = new common.ConfigGroup();
  for (const [mspId, pems] of Object.entries(lists)) {
    const fabric = new mspProtos.FabricMSPConfig();
    fabric.setName(mspId);
    fabric.setRevocationListList(pems.map((pem) => Buffer.from(pem)));
    const config = new mspProtos.MSPConfig();
    config.setType(0);
    config.setConfig(fabric.serializeBinary());
    const value = new common.ConfigValue();
    value.setValue(config.serializeBinary());
    const org = new common.ConfigGroup();
    (org.getValuesMap() as ProtoMap<common.ConfigValue>).set('MSP', value);
    (application.getGroupsMap() as ProtoMap<common.ConfigGroup>).set(mspId, org);
  }
  const channel = new common.ConfigGroup();
  (channel.getGroupsMap() as ProtoMap<common.ConfigGroup>).set('Application', application);
  const whole = new common.Config();
  whole.setChannelGroup(channel);
  return whole.serializeBinary();
}

describe("the channel's revocation lists at the gateway (ChannelRevocations)", () => {
  let dir: string;
  let store: SqliteReplayStore;
  const leaver = market.identity('admin', 'channel-leaver');
  const successor = market.identity('admin', 'channel-successor');
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-channel-revocations-'));
    store = SqliteReplayStore.open(path.join(dir, 'assertions.db'));
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const outcome = async (roots: MspRoots, identity: AdminIdentity): Promise<string> =>
    new AdminSignatureVerifier(roots, store).verify(signedBy(identity)).then(
      (signer) => `signed by ${signer.mspId}`,
      (err: unknown) => {
        if (err instanceof Problem) return err.message;
        throw err;
      },
    );

  it('reads each application org’s lists from the configuration', () => {
    const list = market.revocationList([leaver]);
    expect(revocationListsOf(channelConfig({ MarketMSP: [list], TransportMSP: [] }))).to.deep.equal(
      new Map([
        ['MarketMSP', [list]],
        ['TransportMSP', []],
      ]),
    );
  });

  it('a revocation in the channel counts at the gateway with no file carried to it; a failed read keeps it', async () => {
    const roots = new MspRoots(mspRootsDir(path.join(dir, 'msp'), ['MarketMSP', 'TransportMSP']));
    let config = channelConfig({ MarketMSP: [], TransportMSP: [] });
    let reachable = true;
    const lines: string[] = [];
    const ledger = {
      channelConfig: () =>
        reachable ? Promise.resolve(config) : Promise.reject(new Error('14 UNAVAILABLE')),
    } as Partial<Ledger> as Ledger;
    const kept = path.join(dir, 'channel-revocations.json');
    const revocations = new ChannelRevocations(ledger, roots, kept, (l) => lines.push(l));
    await revocations.refresh();
    expect(await outcome(roots, leaver)).to.equal('signed by MarketMSP');
    config = channelConfig({ MarketMSP: [market.revocationList([leaver])], TransportMSP: [] });
    await revocations.refresh();
    expect(await outcome(roots, leaver)).to.match(/MarketMSP revoked this certificate/);
    expect(await outcome(roots, successor)).to.equal('signed by MarketMSP');
    reachable = false;
    await revocations.refresh();
    await revocations.refresh();
    expect(await outcome(roots, leaver), 'the peer unreachable').to.match(
      /MarketMSP revoked this certificate/,
    );
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(
      /channel revocation lists not read \(the last ones read still hold\): .*UNAVAILABLE/,
    );

    // A gateway started again while its peer cannot be reached goes by the lists it read last.
    const restarted = new MspRoots(mspRootsDir(path.join(dir, 'msp'), ['MarketMSP', 'TransportMSP']));
    expect(await outcome(restarted, leaver), 'a new gateway, before any read').to.equal(
      'signed by MarketMSP',
    );
    const again = new ChannelRevocations(ledger, restarted, kept, () => undefined);
    expect(await outcome(restarted, leaver), 'restarted, before its first read').to.match(
      /MarketMSP revoked this certificate/,
    );
    await again.refresh();
    expect(await outcome(restarted, leaver), 'the peer still unreachable').to.match(
      /MarketMSP revoked this certificate/,
    );
  });

  it('a list in the channel that the org’s root did not sign shuts the org out', async () => {
    const roots = new MspRoots(mspRootsDir(path.join(dir, 'msp'), ['MarketMSP', 'TransportMSP']));
    roots.setChannelLists(new Map([['MarketMSP', [market.revocationList([], transport)]]]));
    expect(await outcome(roots, successor)).to.match(
      /MarketMSP's certificates are refused: its revocation list in the channel's configuration is not signed by its root/,
    );
    expect(await outcome(roots, transport.identity('admin'))).to.equal('signed by TransportMSP');
  });
});

describe('reading a revocation list (parseRevocationList)', () => {
  it('gives the revoked serial numbers and checks the signature against the issuing root', () => {
    const revoked = [market.identity('reviewer', 'r1'), market.identity('reviewer', 'r2')];
    const list = parseRevocationList(market.revocationList(revoked));
    expect([...list.revoked].sort()).to.deep.equal(
      revoked.map((id) => new X509Certificate(id.certificatePem).serialNumber.replace(/^0+/, '')).sort(),
    );
    expect(Math.abs(list.thisUpdate.getTime() - Date.now())).to.be.below(120_000);
    expect(revocationListSignedBy(list, new X509Certificate(market.rootPem))).to.equal(true);
    expect(revocationListSignedBy(list, new X509Certificate(transport.rootPem))).to.equal(false);
    expect(parseRevocationList(market.revocationList([])).revoked.size).to.equal(0);
    expect(() => parseRevocationList(market.rootPem)).to.throw(/not a PEM revocation list/);
    // A serial number written negative (its first byte's high bit set) is refused, not read as a positive one.
    const der = Buffer.from(
      market.revocationList([revoked[0]!]).replace(/-----[^-]+-----|\s+/g, ''),
      'base64',
    );
    const serial = Buffer.from(
      new X509Certificate(revoked[0]!.certificatePem).serialNumber
        .replace(/^(.(..)*)$/, '0$1')
        .replace(/^(?=[89A-F])/, '00'),
      'hex',
    );
    const at = der.indexOf(Buffer.concat([Buffer.from([0x02, serial.length]), serial]));
    expect(at, 'the serial in the list').to.be.above(0);
    der[at + 2]! |= 0x80;
    const negative = `-----BEGIN X509 CRL-----\n${der.toString('base64')}\n-----END X509 CRL-----\n`;
    expect(() => parseRevocationList(negative)).to.throw(/a serial number is not positive/);
  });

  it('reads a certificate’s authority key identifier as openssl does (what Fabric CA asks to revoke one)', () => {
    const identity = market.identity('reviewer', 'aki');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-aki-')), 'cert.pem');
    fs.writeFileSync(file, identity.certificatePem);
    const text = execFileSync('openssl', ['x509', '-in', file, '-noout', '-ext', 'authorityKeyIdentifier'], {
      encoding: 'utf8',
    });
    fs.rmSync(path.dirname(file), { recursive: true });
    const expected = /([0-9A-F]{2}(?::[0-9A-F]{2})+)/.exec(text)![1]!.replace(/:/g, '').toLowerCase();
    expect(authorityKeyId(new X509Certificate(identity.certificatePem))).to.equal(expected);
    expect(authorityKeyId(new X509Certificate(market.rootPem))).to.be.a('string');
  });
});
