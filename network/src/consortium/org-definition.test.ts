/**
 * The bureau's public definition carries the root of its gateway CA, and importing it puts that root where the
 * host's callers pin it: a member imported the bureau before it had one gets it from the new definition, and a
 * root other than the one imported before is refused, as the org's own root is.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config.js';
import type { NetworkContext } from '../context.js';
import { topologyFor } from '../context.js';
import { Paths } from '../paths.js';
import { gatewayRootCertificate } from '../platform-paths.js';
import { exportOrg, importOrg, OrgDefinitionError, readDefinition } from './org-definition.js';

/** Stands for a PEM certificate: the definition is checked for the armour, the roots are compared as text. */
const pem = (name: string): string =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(name).toString('base64')}\n-----END CERTIFICATE-----\n`;

describe("an org definition and the bureau's gateway root", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-org-definition-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A home of its own; `owns` are the orgs initialised in it (their secrets, their CA's roots). */
  const home = (name: string, owns: string[] = []): NetworkContext => {
    const root = path.join(dir, name);
    const ctx = {
      paths: new Paths(root, dir),
      topology: topologyFor(loadConfig({ RDX_HOME: root })),
      log: () => undefined,
    } as unknown as NetworkContext;
    for (const short of owns) {
      fs.mkdirSync(ctx.paths.gatewayCaHome(short), { recursive: true });
      fs.writeFileSync(path.join(ctx.paths.orgDir(short), 'secrets.json'), '{}');
      fs.writeFileSync(ctx.paths.caCert(short), pem(`${name} ${short} root`));
      if (short === 'bureau') fs.writeFileSync(ctx.paths.gatewayCaCert(short), pem(`${name} gateway root`));
    }
    return ctx;
  };

  it("the bureau's definition carries its gateway root, a member's does not", () => {
    const bureau = home('bureau-host', ['bureau']);
    const market = home('market-host', ['market']);
    const { file, definition } = exportOrg(bureau, 'BureauMSP');
    expect(definition.gatewayRootCertPem).to.equal(pem('bureau-host gateway root'));
    expect(readDefinition(file).gatewayRootCertPem).to.equal(definition.gatewayRootCertPem);
    expect(exportOrg(market, 'MarketMSP').definition).not.to.have.property('gatewayRootCertPem');
  });

  it('importing it puts the gateway root where callers on that host pin it; the same again changes nothing', () => {
    const { definition } = exportOrg(home('bureau-host', ['bureau']), 'BureauMSP');
    const market = home('market-host', ['market']);
    expect(importOrg(market, definition)).to.equal('imported');
    expect(fs.readFileSync(gatewayRootCertificate(market), 'utf8')).to.equal(pem('bureau-host gateway root'));
    expect(fs.readFileSync(market.paths.caCert('bureau'), 'utf8')).to.equal(pem('bureau-host bureau root'));
    expect(importOrg(market, definition)).to.equal('unchanged');
  });

  it('a member that imported the bureau before it had a gateway CA gets the root from its new definition', () => {
    const { definition } = exportOrg(home('bureau-host', ['bureau']), 'BureauMSP');
    const market = home('market-host', ['market']);
    const { gatewayRootCertPem, ...before } = definition;
    expect(importOrg(market, before)).to.equal('imported');
    expect(fs.existsSync(gatewayRootCertificate(market))).to.equal(false);
    expect(importOrg(market, definition)).to.equal('imported');
    expect(fs.readFileSync(gatewayRootCertificate(market), 'utf8')).to.equal(gatewayRootCertPem);
  });

  it('a gateway root other than the one imported before is refused, and nothing is written', () => {
    const { definition } = exportOrg(home('bureau-host', ['bureau']), 'BureauMSP');
    const market = home('market-host', ['market']);
    importOrg(market, definition);
    const swapped = { ...definition, gatewayRootCertPem: pem('an impostor gateway root') };
    expect(() => importOrg(market, swapped))
      .to.throw(OrgDefinitionError)
      .with.property('message')
      .that.matches(/BureauMSP's gateway root differs from the one imported before/);
    expect(fs.readFileSync(gatewayRootCertificate(market), 'utf8')).to.equal(pem('bureau-host gateway root'));
  });

  it('a definition whose gateway root is no PEM certificate is refused by name', () => {
    const bureau = home('bureau-host', ['bureau']);
    const { file, definition } = exportOrg(bureau, 'BureauMSP');
    fs.writeFileSync(file, JSON.stringify({ ...definition, gatewayRootCertPem: 'not a certificate' }));
    expect(() => readDefinition(file)).to.throw(
      OrgDefinitionError,
      /gatewayRootCertPem must be a PEM certificate/,
    );
  });
});
