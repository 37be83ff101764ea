import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expiries, expiryWarnings, WARN_DAYS } from './certificates.js';
import { Paths } from './paths.js';
import { buildTopology } from './topology.js';
import { selfSignedPair } from '@rdx/client/testing/openssl';

const ADDRESSES = { basePort: 7000, host: '127.0.0.1', gatewayHost: '127.0.0.1', gatewayPort: 3000 };
const topology = buildTopology(ADDRESSES);

/** A self-signed certificate valid for `days` days, written where an identity's enrolment certificate lives. */
function certificate(file: string, days: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  selfSignedPair(file, `${file}.key`, { cn: 'test', days });
}

describe('certificate expiry', () => {
  let home: string;
  let paths: Paths;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-certs-'));
    paths = new Paths(home, home);
    // MarketMSP is this home's own org (its secrets file is here); TransportMSP's files are only imported.
    fs.mkdirSync(paths.orgDir('market'), { recursive: true });
    fs.writeFileSync(path.join(paths.orgDir('market'), 'secrets.json'), '{}');
    certificate(path.join(paths.identityMsp('market', 'admin'), 'signcerts', 'cert.pem'), 400);
    certificate(path.join(paths.identityTls('market', 'peer0'), 'server.crt'), 10);
    certificate(path.join(paths.identityMsp('transport', 'admin'), 'signcerts', 'cert.pem'), 5);
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it(`lists this home's certificates soonest first, and warns ${WARN_DAYS} days ahead, naming the command`, () => {
    const list = expiries(paths, topology);
    expect(list.map((e) => [e.identity, e.kind, e.org])).to.deep.equal([
      ['peer0', 'TLS', 'MarketMSP'],
      ['admin', 'enrolment', 'MarketMSP'],
    ]);
    const warnings = expiryWarnings(paths, topology);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(
      /expires in (9|10) days: TLS certificate of peer0 \(MarketMSP\).*certs renew --org MarketMSP/,
    );
    // A year on, both have expired.
    const later = new Date(Date.now() + 401 * 86_400_000);
    expect(expiryWarnings(paths, topology, later).every((w) => w.startsWith('EXPIRED'))).to.equal(true);
  });

  it("lists the pairs of the purpose CAs by their kinds: the gateway's HTTPS pair, an orderer org admin's", () => {
    for (const short of ['bureau', 'orderer']) {
      fs.mkdirSync(paths.orgDir(short), { recursive: true });
      fs.writeFileSync(path.join(paths.orgDir(short), 'secrets.json'), '{}');
    }
    certificate(path.join(paths.identityHttps('bureau', 'gateway'), 'server.crt'), 20);
    certificate(path.join(paths.identityPurposePair('orderer', 'admin', 'orderer-admin'), 'server.crt'), 200);
    const purpose = expiries(paths, topology).filter((e) => e.org !== 'MarketMSP');
    expect(purpose.map((e) => [e.identity, e.kind, e.org])).to.deep.equal([
      ['gateway', 'HTTPS', 'BureauMSP'],
      ['admin', 'orderer admin', 'OrdererMSP'],
    ]);
    expect(expiryWarnings(paths, topology).join('\n')).to.match(
      /expires in (19|20) days: HTTPS certificate of gateway \(BureauMSP\).*certs renew --org BureauMSP/,
    );
  });
});
