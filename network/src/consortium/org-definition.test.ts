/**
 * The bureau's public definition carries the root of its gateway CA, signed by its admin, and importing it puts
 * that root where the host's callers pin it: a member that imported the bureau before it had one gets it from the
 * new definition. A root its org's admin did not sign, or other than the one imported before, is refused, as a
 * differing org root is, and nothing is written. Certificates are made with the openssl command line, as Fabric CA
 * would make them (P-256, the admin's NodeOU in its subject).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeRevocationList } from '@rdx/client/testing/revocation-list-maker';
import { loadConfig } from '../config.js';
import type { NetworkContext } from '../context.js';
import { topologyFor } from '../context.js';
import { Paths } from '../paths.js';
import { gatewayDataDir, gatewayRootCertificate } from '../platform-paths.js';
import { checkCommandLine } from '../cli/arguments.js';
import { consortiumCommand } from '../cli/consortium.js';
import {
  exportOrg,
  importOrg,
  OrgDefinitionError,
  readDefinition,
  rootFingerprint,
} from './org-definition.js';

const P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

/** A self-signed root in `dir` (`<name>.pem`, `<name>.key`). */
function root(dir: string, name: string): string {
  openssl(
    [
      'req',
      '-x509',
      ...P256,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '30',
      '-subj',
      `/CN=${name}`,
    ],
    dir,
  );
  return fs.readFileSync(path.join(dir, `${name}.pem`), 'utf8');
}

/** A certificate `issuer` issued in `dir` for a new key, with `ou` as its NodeOU. */
function issued(dir: string, issuer: string, name: string, ou: string): { certPem: string; keyPem: string } {
  openssl(
    ['req', ...P256, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/OU=${ou}/CN=${name}`],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${issuer}.pem`,
      '-CAkey',
      `${issuer}.key`,
      '-CAcreateserial',
    ].concat(['-days', '30', '-out', `${name}.pem`]),
    dir,
  );
  return {
    certPem: fs.readFileSync(path.join(dir, `${name}.pem`), 'utf8'),
    keyPem: fs.readFileSync(path.join(dir, `${name}.key`), 'utf8'),
  };
}

describe("an org definition and the bureau's gateway root", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-org-definition-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A home of its own; `owns` are the orgs initialised in it: their secrets, their roots, their admins. */
  const home = (name: string, owns: string[] = []): NetworkContext => {
    const at = path.join(dir, name);
    fs.mkdirSync(at);
    const ctx = {
      paths: new Paths(at, dir),
      topology: topologyFor(loadConfig({ RDX_HOME: at })),
      log: () => undefined,
    } as unknown as NetworkContext;
    for (const short of owns) {
      fs.mkdirSync(ctx.paths.purposeCaHome(short, 'gateway'), { recursive: true });
      fs.writeFileSync(path.join(ctx.paths.orgDir(short), 'secrets.json'), '{}');
      fs.writeFileSync(ctx.paths.caCert(short), root(at, `${short}-root`));
      const admin = issued(at, `${short}-root`, `${short}-admin`, 'admin');
      const msp = ctx.paths.identityMsp(short, 'admin');
      fs.mkdirSync(path.join(msp, 'keystore'), { recursive: true });
      fs.mkdirSync(path.join(msp, 'signcerts'), { recursive: true });
      fs.writeFileSync(path.join(msp, 'keystore', 'key.pem'), admin.keyPem);
      fs.writeFileSync(path.join(msp, 'signcerts', 'cert.pem'), admin.certPem);
      if (short === 'bureau') fs.writeFileSync(ctx.paths.gatewayCaCert(short), root(at, 'gateway-root'));
    }
    return ctx;
  };
  const signedBy = (signer: { certPem: string; keyPem: string }, pem: string) => ({
    signerCertPem: signer.certPem,
    signature: crypto
      .sign('sha256', Buffer.from(pem), crypto.createPrivateKey(signer.keyPem))
      .toString('base64'),
  });
  /** The fingerprint `short`'s administrators give from their own home (not from the file that is carried). */
  const givenBy = (owner: NetworkContext, short: string): string =>
    rootFingerprint(fs.readFileSync(owner.paths.caCert(short), 'utf8'));
  /** `rdx-network org import <args>` on `ctx`'s host: what it printed, or `refused: <why>`. */
  const orgImport = async (ctx: NetworkContext, args: string[]): Promise<string> => {
    const quiet = console.log;
    const out: string[] = [];
    console.log = (line: string) => out.push(line);
    try {
      await consortiumCommand(ctx, checkCommandLine(['org', 'import', ...args]));
      return out.join('\n');
    } catch (err) {
      return `refused: ${(err as Error).message}`;
    } finally {
      console.log = quiet;
    }
  };
  /** Everything an import writes for the bureau in `ctx`'s home, by path. */
  const bureauFiles = (ctx: NetworkContext): Record<string, string> => {
    const out: Record<string, string> = {};
    const walk = (d: string): void => {
      for (const e of fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }) : [])
        if (e.isDirectory()) walk(path.join(d, e.name));
        else out[path.join(d, e.name)] = fs.readFileSync(path.join(d, e.name), 'utf8');
    };
    walk(ctx.paths.orgDir('bureau'));
    return out;
  };

  it("the bureau's definition carries its gateway root signed by its admin; a member's carries none", () => {
    const bureau = home('bureau-host', ['bureau']);
    const { file, definition } = exportOrg(bureau, 'BureauMSP');
    const gatewayRoot = fs.readFileSync(bureau.paths.gatewayCaCert('bureau'), 'utf8');
    expect(definition.gatewayRootCertPem).to.equal(gatewayRoot);
    const signed = definition.gatewayRootSignature!;
    const admin = new crypto.X509Certificate(signed.signerCertPem);
    expect(admin.subject).to.match(/^OU=admin$/m);
    expect(
      crypto.verify(
        'sha256',
        Buffer.from(gatewayRoot),
        admin.publicKey,
        Buffer.from(signed.signature, 'base64'),
      ),
    ).to.equal(true);
    expect(readDefinition(file).gatewayRootCertPem).to.equal(gatewayRoot);
    const market = exportOrg(home('market-host', ['market']), 'MarketMSP').definition;
    expect(market).not.to.have.property('gatewayRootCertPem');
    expect(market).not.to.have.property('gatewayRootSignature');
  });

  it('a bureau home without its gateway CA yet is told how to load it, not given a file error', () => {
    const bureau = home('bureau-host', ['bureau']);
    fs.rmSync(bureau.paths.gatewayCaCert('bureau'));
    expect(() => exportOrg(bureau, 'BureauMSP')).to.throw(
      OrgDefinitionError,
      /BureauMSP has no gateway CA .* yet: run `rdx-network org init --org BureauMSP`/,
    );
  });

  it('importing it puts the gateway root where callers on that host pin it; the same again changes nothing', () => {
    const bureau = home('bureau-host', ['bureau']);
    const { definition } = exportOrg(bureau, 'BureauMSP');
    const market = home('market-host', ['market']);
    expect(importOrg(market, definition, givenBy(bureau, 'bureau'))).to.equal('imported');
    expect(fs.readFileSync(gatewayRootCertificate(market), 'utf8')).to.equal(definition.gatewayRootCertPem);
    expect(fs.readFileSync(market.paths.caCert('bureau'), 'utf8')).to.equal(definition.rootCertPem);
    expect(importOrg(market, definition)).to.equal('unchanged');
  });

  it('an org imported for the first time needs its own root’s fingerprint as its administrators gave it; a swapped file is refused', () => {
    const bureau = home('bureau-host', ['bureau']);
    const { definition } = exportOrg(bureau, 'BureauMSP');
    const market = home('market-host', ['market']);
    // Someone on the way swaps in a root of their own (the file is otherwise the bureau's).
    const swapped = { ...definition, rootCertPem: root(path.join(dir, 'market-host'), 'courier-root') };
    // Market's own root under the bureau's name: Market, the courier's accomplice, would be the bureau here.
    const borrowed = { ...definition, rootCertPem: fs.readFileSync(market.paths.caCert('market'), 'utf8') };
    const given = givenBy(bureau, 'bureau');
    const refused: [string, typeof definition, string | undefined, RegExp][] = [
      [
        'no fingerprint',
        definition,
        undefined,
        /BureauMSP is imported here for the first time\. The root in this file has the fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}: compare it with the one BureauMSP's administrators give you/,
      ],
      [
        'a swapped root',
        swapped,
        given,
        /not the one given for BureauMSP with --fingerprint: the file is not the one BureauMSP's administrators exported/,
      ],
      ['another org’s fingerprint', definition, givenBy(market, 'market'), /not the one given for BureauMSP/],
      [
        'a root this home holds for another org, with its fingerprint',
        borrowed,
        givenBy(market, 'market'),
        /BureauMSP's root in this file is MarketMSP's, which this home holds already/,
      ],
      ['a malformed fingerprint', definition, 'AB:CD', /"AB:CD" is not a SHA-256 fingerprint/],
      [
        'the real root with a courier’s behind it, and the real fingerprint',
        { ...definition, rootCertPem: definition.rootCertPem + swapped.rootCertPem },
        given,
        /BureauMSP's root in this file is not one certificate of a CA that signed itself/,
      ],
    ];
    for (const [why, file, fingerprint, error] of refused) {
      expect(() => importOrg(market, file, fingerprint), why)
        .to.throw(OrgDefinitionError)
        .with.property('message')
        .that.matches(error);
      expect(bureauFiles(market), `${why}: nothing written`).to.deep.equal({});
    }
    // As a person types it: lower case, no colons, openssl's prefix.
    const typed = `sha256 Fingerprint=${given.replace(/:/g, '').toLowerCase()}`;
    expect(importOrg(market, definition, typed)).to.equal('imported');
    expect(importOrg(market, definition), 'known from then on: compared with the root held').to.equal(
      'unchanged',
    );
  });

  it('a fingerprint given for an org known already checks the root held, taken before on trust', () => {
    const market = home('market-host', ['market']);
    const courier = home('courier-host', ['bureau']);
    // Before fingerprints were asked for, a swapped bureau definition was taken on trust.
    fs.mkdirSync(path.dirname(market.paths.caCert('bureau')), { recursive: true });
    fs.copyFileSync(courier.paths.caCert('bureau'), market.paths.caCert('bureau'));
    const { definition } = exportOrg(courier, 'BureauMSP');
    const real = givenBy(home('bureau-host', ['bureau']), 'bureau');
    expect(() => importOrg(market, definition, real)).to.throw(
      OrgDefinitionError,
      /the root held here for BureauMSP is this one too, taken before on trust/,
    );
  });

  it('org import checks each file against its own org’s fingerprint and names the file it refuses', async () => {
    const bureau = home('bureau-host', ['bureau']);
    const transport = home('transport-host', ['transport']);
    const market = home('market-host', ['market']);
    const bureauFile = exportOrg(bureau, 'BureauMSP').file;
    // Transport hands over a bureau file holding its own root, and both fingerprints are given, each by name.
    const forged = path.join(dir, 'forged-BureauMSP.org.json');
    fs.writeFileSync(
      forged,
      JSON.stringify({
        ...readDefinition(bureauFile),
        rootCertPem: fs.readFileSync(transport.paths.caCert('transport'), 'utf8'),
      }),
    );
    const transportFile = exportOrg(transport, 'TransportMSP').file;
    const both = `BureauMSP=${givenBy(bureau, 'bureau')},TransportMSP=${givenBy(transport, 'transport')}`;
    const run = (args: string[]): Promise<string> => orgImport(market, args);
    expect(await run([transportFile, forged, '--fingerprint', both])).to.match(
      /^refused: .*forged-BureauMSP\.org\.json: BureauMSP's root in this file has the fingerprint .* not the one given for BureauMSP/,
    );
    expect(fs.existsSync(market.paths.caCert('bureau')), 'nothing of the forged file').to.equal(false);
    expect(await run(['--fingerprint', both])).to.match(/^refused: org import needs the definition files/);
    expect(await run([`--fingerprint=BureauMSP=${givenBy(bureau, 'bureau')}`, transportFile])).to.match(
      /^refused: --fingerprint names BureauMSP, but no file given is its definition/,
    );
    expect(await run([bureauFile, '--fingerprint', givenBy(bureau, 'bureau')])).to.match(
      /^refused: --fingerprint .*: give it as <MSP>=<fingerprint>/,
    );
    expect(await run([bureauFile, '--fingerprint'])).to.match(/^refused: --fingerprint needs a value/);
    expect(
      await run([
        bureauFile,
        '--fingerprint',
        `TransportMSP=${givenBy(transport, 'transport')}`,
        `BureauMSP=x`,
      ]),
    ).to.match(/^refused: BureauMSP=x looks like a fingerprint: give each after --fingerprint/);
    // As openssl prints it, and with a trailing comma.
    const printed = `sha256 Fingerprint=${givenBy(bureau, 'bureau')}`;
    expect(await run([bureauFile, `--fingerprint=BureauMSP=${printed},`])).to.match(
      /^BureauMSP: imported \(root ([0-9A-F]{2}:){31}[0-9A-F]{2}\)$/,
    );
  });

  it('a member that imported the bureau before it had a gateway CA gets the root from its new definition', () => {
    const bureau = home('bureau-host', ['bureau']);
    const { definition } = exportOrg(bureau, 'BureauMSP');
    const market = home('market-host', ['market']);
    const { gatewayRootCertPem, gatewayRootSignature, ...before } = definition;
    expect(gatewayRootSignature).to.be.an('object');
    expect(importOrg(market, before, givenBy(bureau, 'bureau'))).to.equal('imported');
    expect(fs.existsSync(gatewayRootCertificate(market))).to.equal(false);
    expect(importOrg(market, definition)).to.equal('imported');
    expect(fs.readFileSync(gatewayRootCertificate(market), 'utf8')).to.equal(gatewayRootCertPem);
  });

  it('a gateway root its org’s admin did not sign is refused, and nothing is written', () => {
    const bureauHost = home('bureau-host', ['bureau']);
    const { definition } = exportOrg(bureauHost, 'BureauMSP');
    const market = home('market-host', ['market']);
    const { gatewayRootCertPem: _root, gatewayRootSignature: _signed, ...before } = definition;
    importOrg(market, before, givenBy(bureauHost, 'bureau'));
    const written = bureauFiles(market);
    const impostor = root(path.join(dir, 'market-host'), 'impostor-root');
    const stranger = home('stranger-host', ['bureau']);
    const bureauDir = path.join(dir, 'bureau-host');
    const refused: [string, typeof definition][] = [
      ['another root under the admin’s old signature', { ...definition, gatewayRootCertPem: impostor }],
      [
        'signed by a client of the bureau’s root, not an admin',
        {
          ...definition,
          gatewayRootCertPem: impostor,
          gatewayRootSignature: signedBy(issued(bureauDir, 'bureau-root', 'reviewer', 'client'), impostor),
        },
      ],
      [
        'signed by an admin of another root',
        {
          ...definition,
          gatewayRootCertPem: impostor,
          gatewayRootSignature: signedBy(
            {
              certPem: fs.readFileSync(
                path.join(stranger.paths.identityMsp('bureau', 'admin'), 'signcerts', 'cert.pem'),
                'utf8',
              ),
              keyPem: fs.readFileSync(
                path.join(stranger.paths.identityMsp('bureau', 'admin'), 'keystore', 'key.pem'),
                'utf8',
              ),
            },
            impostor,
          ),
        },
      ],
      ['with no signature', { ...definition, gatewayRootSignature: undefined }],
    ];
    for (const [why, swapped] of refused) {
      expect(() => importOrg(market, swapped), why)
        .to.throw(OrgDefinitionError)
        .with.property('message')
        .that.matches(/BureauMSP's gateway root is not signed by an admin of its root certificate/);
      expect(bureauFiles(market), `${why}: nothing written`).to.deep.equal(written);
    }
  });

  it('a gateway root other than the one imported before is refused even when its admin signed it', () => {
    const bureauHost = home('bureau-host', ['bureau']);
    const { definition } = exportOrg(bureauHost, 'BureauMSP');
    const market = home('market-host', ['market']);
    importOrg(market, definition, givenBy(bureauHost, 'bureau'));
    const written = bureauFiles(market);
    const bureauDir = path.join(dir, 'bureau-host');
    const other = root(bureauDir, 'second-gateway-root');
    const admin = {
      certPem: fs.readFileSync(path.join(bureauDir, 'bureau-admin.pem'), 'utf8'),
      keyPem: fs.readFileSync(path.join(bureauDir, 'bureau-admin.key'), 'utf8'),
    };
    const replaced = {
      ...definition,
      gatewayRootCertPem: other,
      gatewayRootSignature: signedBy(admin, other),
    };
    expect(() => importOrg(market, replaced)).to.throw(
      OrgDefinitionError,
      /BureauMSP's gateway root differs from the one imported before/,
    );
    expect(bureauFiles(market)).to.deep.equal(written);
  });

  it('a definition whose gateway root or its signature is malformed is refused by name', () => {
    const bureau = home('bureau-host', ['bureau']);
    const { file, definition } = exportOrg(bureau, 'BureauMSP');
    fs.writeFileSync(file, JSON.stringify({ ...definition, gatewayRootCertPem: 'not a certificate' }));
    expect(() => readDefinition(file)).to.throw(
      OrgDefinitionError,
      /gatewayRootCertPem must be one PEM certificate, of a CA that signed itself/,
    );
    fs.writeFileSync(file, JSON.stringify({ ...definition, gatewayRootSignature: { signature: 'AA==' } }));
    expect(() => readDefinition(file)).to.throw(
      OrgDefinitionError,
      /gatewayRootSignature must hold the signer's/,
    );
  });

  /** A revocation list `issuer` (its `.pem` and `.key` in `at`) signs, naming `revoked` (PEM certificates). */
  const revocationList = (at: string, issuer: string, revoked: string[], lastUpdate?: string): string =>
    makeRevocationList(at, { caCert: `${issuer}.pem`, caKey: `${issuer}.key` }, revoked, { lastUpdate });
  /** The bureau's host after `certs revoke`: its CA's list in its MSP folder, which `org export` carries. */
  const revokedAtBureau = (bureau: NetworkContext, pem: string): void => {
    const file = bureau.paths.revocationList(bureau.paths.orgMsp('bureau'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, pem);
  };

  it('a member takes the org’s revocation list with its definition: only one its root signed, and only a newer one', async () => {
    const bureau = home('bureau-host', ['bureau']);
    const bureauDir = path.join(dir, 'bureau-host');
    const market = home('market-host', ['market']);
    importOrg(market, exportOrg(bureau, 'BureauMSP').definition, givenBy(bureau, 'bureau'));
    const leaver = issued(bureauDir, 'bureau-root', 'leaver', 'client').certPem;
    const first = revocationList(bureauDir, 'bureau-root', [leaver]);
    revokedAtBureau(bureau, first);
    const withList = exportOrg(bureau, 'BureauMSP').definition;
    expect(withList.revocationListPem).to.equal(first);
    expect(importOrg(market, withList)).to.equal('imported');
    const held = market.paths.revocationList(market.paths.orgMsp('bureau'));
    expect(fs.readFileSync(held, 'utf8')).to.equal(first);
    expect(importOrg(market, withList), 'the same list again').to.equal('unchanged');

    // A list's time is in seconds: the next one is made a second later.
    await new Promise((r) => setTimeout(r, 1100));
    const second = revocationList(bureauDir, 'bureau-root', [leaver]);
    const foreign = revocationList(path.join(dir, 'market-host'), 'market-root', []);
    const written = bureauFiles(market);
    expect(() => importOrg(market, { ...withList, revocationListPem: foreign }))
      .to.throw(OrgDefinitionError)
      .with.property('message')
      .that.matches(/BureauMSP's revocation list is not signed by its root: not imported/);
    expect(bureauFiles(market)).to.deep.equal(written);
    expect(importOrg(market, { ...withList, revocationListPem: second })).to.equal('imported');
    // The definition from before: taken, it would let the leaver back in at this host's gateway.
    expect(() => importOrg(market, withList))
      .to.throw(OrgDefinitionError)
      .with.property('message')
      .that.matches(/BureauMSP's revocation list in this definition is not newer than the one .* holds/);
    expect(fs.readFileSync(held, 'utf8')).to.equal(second);
    // One dated years ahead (its CA's clock set wrong) would hold every later list back: refused.
    const ahead = revocationList(bureauDir, 'bureau-root', [leaver], '20510101000000Z');
    expect(() => importOrg(market, { ...withList, revocationListPem: ahead }))
      .to.throw(OrgDefinitionError)
      .with.property('message')
      .that.matches(
        /BureauMSP's revocation list is dated 2051-01-01T00:00:00.000Z, ahead of this host's clock/,
      );
    expect(fs.readFileSync(held, 'utf8')).to.equal(second);
  });

  it('a gateway root signed by an admin certificate the org revoked is not imported', () => {
    const bureau = home('bureau-host', ['bureau']);
    const bureauDir = path.join(dir, 'bureau-host');
    const { definition } = exportOrg(bureau, 'BureauMSP');
    const { gatewayRootCertPem: _root, gatewayRootSignature: _signed, ...before } = definition;
    const market = home('market-host', ['market']);
    importOrg(market, before, givenBy(bureau, 'bureau'));
    // The admin who left signs a gateway root of their own, under the list that revoked them.
    const admin = {
      certPem: fs.readFileSync(path.join(bureauDir, 'bureau-admin.pem'), 'utf8'),
      keyPem: fs.readFileSync(path.join(bureauDir, 'bureau-admin.key'), 'utf8'),
    };
    const theirs = root(bureauDir, 'leavers-gateway-root');
    const written = bureauFiles(market);
    expect(() =>
      importOrg(market, {
        ...definition,
        gatewayRootCertPem: theirs,
        gatewayRootSignature: signedBy(admin, theirs),
        revocationListPem: revocationList(bureauDir, 'bureau-root', [admin.certPem]),
      }),
    ).to.throw(OrgDefinitionError, /signed by an admin certificate its org revoked: not imported/);
    expect(bureauFiles(market)).to.deep.equal(written);
  });

  it('org import on the gateway’s host leaves the gateway a list it holds, even when the definition changed nothing', async () => {
    const market = home('market-host', ['market']);
    const marketDir = path.join(dir, 'market-host');
    const leaver = issued(marketDir, 'market-root', 'leaver', 'client').certPem;
    const list = revocationList(marketDir, 'market-root', [leaver]);
    const file = market.paths.revocationList(market.paths.orgMsp('market'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, list);
    const definitionFile = exportOrg(market, 'MarketMSP').file;
    const bureau = home('bureau-host', ['bureau']);
    const roots = path.join(gatewayDataDir(bureau), 'msp', 'MarketMSP.crl');
    expect(importOrg(bureau, readDefinition(definitionFile), givenBy(market, 'market'))).to.equal('imported');
    // A run stopped between taking the definition and writing the gateway's folder: the next one mends it.
    expect(fs.existsSync(roots)).to.equal(false);
    await orgImport(bureau, [definitionFile]);
    expect(fs.readFileSync(roots, 'utf8')).to.equal(list);
  });
});
