/**
 * An organization's public definition: what other organizations need to know of it, and nothing they must not
 * hold. Each org initialises itself on its own host (its CA, its identities, their keys stay in its home) and
 * exports this one file; the others import it. It holds the org's root certificate (its CA is also its TLS
 * root), the NodeOU configuration the channel applies to it, and where its peer or orderers are reached; the
 * bureau's also the root of its gateway CA, which every member's callers pin to reach the gateway, and, once
 * the org revoked a certificate, its CA's revocation list.
 */
import crypto, { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isRevoked, parseRevocationList, revocationListSignedBy } from '@rdx/client';
import type { NetworkContext } from '../context.js';
import { address } from '../node-env.js';
import type { Paths } from '../paths.js';
import type { OrgSpec } from '../topology.js';
import { identityWithRole, nodesOf, orgOf } from '../topology.js';
import { NODE_OU_CONFIG, runsGateway } from '../ca.js';

export const ORG_DEFINITION_FORMAT = 'rdx-org-definition/1';

export interface OrgDefinition {
  format: typeof ORG_DEFINITION_FORMAT;
  mspId: string;
  short: string;
  displayName: string;
  kind: 'orderer' | 'peer';
  /** The org's CA root certificate: its MSP root and its TLS root. */
  rootCertPem: string;
  /** The org that runs the gateway: the root of its gateway CA, which issued the gateway's HTTPS certificate. */
  gatewayRootCertPem?: string;
  /**
   * The gateway root signed by the org's admin (ECDSA over its PEM text, base64), with the admin's certificate:
   * a member that already holds the org's root takes a gateway root only when that root's admin vouches for it.
   */
  gatewayRootSignature?: { signerCertPem: string; signature: string };
  /**
   * The org's CA's revocation list (PEM), once it revoked a certificate (`certs revoke`): a member's gateway
   * refuses admin requests signed with a revoked certificate from its import on.
   */
  revocationListPem?: string;
  /** Peer orgs: where their anchor peers are reached (gossip across orgs, service discovery). */
  anchorPeers: { host: string; port: number }[];
  /** Orderer orgs: their orderers' client endpoints. */
  ordererEndpoints: string[];
}

export class OrgDefinitionError extends Error {
  override name = 'OrgDefinitionError';
}

/**
 * The SHA-256 fingerprint of an org's root certificate (`AB:CD:…`, as `openssl x509 -noout -fingerprint -sha256`
 * prints it). The root signs everything else of the org a definition carries (its admins, the gateway root's
 * signer, the revocation list), so a fingerprint its administrators give by another way than the file (a call,
 * a letter) checks the whole file when it is imported first, whoever carried it.
 */
export function rootFingerprint(rootCertPem: string): string {
  return new X509Certificate(rootCertPem).fingerprint256;
}

/** A fingerprint as a person may type it (colons or not, any case, openssl's prefix) reduced to 64 hex digits. */
export function normalFingerprint(given: string): string {
  const hex = given
    .replace(/^(sha256 fingerprint=|sha256:?)/i, '')
    .replace(/[\s:]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex))
    throw new OrgDefinitionError(
      `${JSON.stringify(given)} is not a SHA-256 fingerprint: 64 hex digits, colons allowed (as \`rdx-network org init\` printed it)`,
    );
  return hex;
}

/**
 * Whether this home holds the org itself (its CA and keys), rather than an imported public definition. An org
 * is initialised where it runs; its secrets file exists only there.
 */
export function isLocalOrg(paths: Paths, org: OrgSpec): boolean {
  return fs.existsSync(path.join(paths.orgDir(org.short), 'secrets.json'));
}

/** Whether this home knows the org at all: its own, or imported. */
export function isKnownOrg(paths: Paths, org: OrgSpec): boolean {
  return fs.existsSync(paths.caCert(org.short));
}

/** Where `org export` writes an org's definition in its home. */
export function definitionFile(paths: Paths, mspId: string): string {
  return path.join(paths.home, 'export', `${mspId}.org.json`);
}

/** The public definition of a local org, written to its home's `export/` folder. */
export function exportOrg(ctx: NetworkContext, mspId: string): { file: string; definition: OrgDefinition } {
  const org = orgOf(ctx.topology, mspId);
  if (!isLocalOrg(ctx.paths, org))
    throw new OrgDefinitionError(
      `${mspId} is not initialised in ${ctx.paths.home}: run \`rdx-network org init --org ${mspId}\` on its host`,
    );
  const definition: OrgDefinition = {
    format: ORG_DEFINITION_FORMAT,
    mspId,
    short: org.short,
    displayName: org.displayName,
    kind: org.kind,
    rootCertPem: fs.readFileSync(ctx.paths.caCert(org.short), 'utf8'),
    ...(runsGateway(org) ? signedGatewayRoot(ctx, org) : {}),
    ...(fs.existsSync(ctx.paths.orgRevocationList(org.short))
      ? { revocationListPem: fs.readFileSync(ctx.paths.orgRevocationList(org.short), 'utf8') }
      : {}),
    anchorPeers: nodesOf(ctx.topology, 'peer', mspId).map((n) => ({ host: n.host, port: n.port })),
    ordererEndpoints: nodesOf(ctx.topology, 'orderer', mspId).map((n) => address(n)),
  };
  const file = definitionFile(ctx.paths, mspId);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(definition, null, 2));
  return { file, definition };
}

/** Parses and checks a definition file; throws OrgDefinitionError naming what is wrong. */
export function readDefinition(file: string): OrgDefinition {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new OrgDefinitionError(`${file} is not an org definition: ${(err as Error).message}`);
  }
  const d = raw as Partial<OrgDefinition>;
  if (d.format !== ORG_DEFINITION_FORMAT)
    throw new OrgDefinitionError(`${file}: format must be ${ORG_DEFINITION_FORMAT}`);
  if (typeof d.mspId !== 'string' || !/^[A-Za-z0-9]+MSP$/.test(d.mspId))
    throw new OrgDefinitionError(`${file}: mspId must look like MarketMSP`);
  if (typeof d.short !== 'string' || !/^[a-z][a-z0-9]{0,15}$/.test(d.short))
    throw new OrgDefinitionError(`${file}: short must be a lower-case name`);
  if (!isRootPem(d.rootCertPem))
    throw new OrgDefinitionError(
      `${file}: rootCertPem must be one PEM certificate, of a CA that signed itself`,
    );
  if (d.gatewayRootCertPem !== undefined) {
    if (!isRootPem(d.gatewayRootCertPem))
      throw new OrgDefinitionError(
        `${file}: gatewayRootCertPem must be one PEM certificate, of a CA that signed itself`,
      );
    const signed = d.gatewayRootSignature;
    if (!isPem(signed?.signerCertPem) || typeof signed.signature !== 'string')
      throw new OrgDefinitionError(
        `${file}: gatewayRootSignature must hold the signer's PEM certificate and a base64 signature`,
      );
  }
  if (d.revocationListPem !== undefined && !/-----BEGIN X509 CRL-----/.test(String(d.revocationListPem)))
    throw new OrgDefinitionError(`${file}: revocationListPem must be a PEM revocation list`);
  if (/PRIVATE KEY/.test(JSON.stringify(raw)))
    throw new OrgDefinitionError(`${file} holds a private key: an org definition carries certificates only`);
  return d as OrgDefinition;
}

/**
 * Imports another org's definition into this home: its root certificate where the channel configuration, the
 * TLS checks and the peer CLI look for it (`orgs/<short>/ca/ca-cert.pem`, `orgs/<short>/msp/`), the bureau's
 * gateway root where this host's callers find it (`orgs/<short>/ca/gateway/ca-cert.pem`), never a key.
 * Refuses to overwrite an org this home holds itself, a root other than `fingerprint` (what its administrators
 * gave for it; needed the first time: checkRoot), a root that differs from one imported before (a definition
 * swapped on the way is not taken silently), and a gateway root its org's admin did not sign. The
 * bureau imported before it had a gateway CA is given its gateway root by importing its new definition.
 */
export function importOrg(
  ctx: NetworkContext,
  definition: OrgDefinition,
  fingerprint?: string,
): 'imported' | 'unchanged' {
  const org = orgOf(ctx.topology, definition.mspId);
  if (org.short !== definition.short)
    throw new OrgDefinitionError(
      `${definition.mspId} is ${org.short} in this network's address book, not ${definition.short}`,
    );
  if (isLocalOrg(ctx.paths, org))
    throw new OrgDefinitionError(`${definition.mspId} is this home's own org: nothing to import`);
  const expected = nodesOf(ctx.topology, 'peer', org.mspId).map((n) => `${n.host}:${n.port}`);
  const given = definition.anchorPeers.map((a) => `${a.host}:${a.port}`);
  if (org.kind === 'peer' && expected.join(',') !== given.join(','))
    throw new OrgDefinitionError(
      `${definition.mspId}'s peer is at ${given.join(', ')} by its definition, but at ${expected.join(', ')} in this home's address book: set RDX_ORG_HOSTS (and RDX_BASE_PORT) as the other hosts do`,
    );
  const rootFile = ctx.paths.caCert(org.short);
  const known = fs.existsSync(rootFile);
  if (known && fs.readFileSync(rootFile, 'utf8') !== definition.rootCertPem)
    throw new OrgDefinitionError(
      `${definition.mspId}'s root certificate differs from the one imported before: check with its administrators before replacing ${rootFile}`,
    );
  checkRoot(ctx, definition, known, fingerprint);
  const listFile = ctx.paths.orgRevocationList(org.short);
  const heldList = fs.existsSync(listFile) ? fs.readFileSync(listFile, 'utf8') : undefined;
  const list = newRevocationList(ctx, definition, heldList);
  const gatewayRoot = newGatewayRoot(ctx, org, definition, list ?? heldList);
  if (known && !gatewayRoot && !list) return 'unchanged';
  if (!known) {
    fs.mkdirSync(path.dirname(rootFile), { recursive: true });
    fs.writeFileSync(rootFile, definition.rootCertPem);
  }
  if (gatewayRoot) {
    const file = ctx.paths.gatewayCaCert(org.short);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, gatewayRoot);
  }
  const msp = ctx.paths.orgMsp(org.short);
  for (const dir of ['cacerts', 'tlscacerts']) {
    fs.mkdirSync(path.join(msp, dir), { recursive: true });
    fs.writeFileSync(path.join(msp, dir, 'ca.pem'), definition.rootCertPem);
  }
  fs.writeFileSync(path.join(msp, 'config.yaml'), NODE_OU_CONFIG);
  if (list) {
    fs.mkdirSync(path.dirname(listFile), { recursive: true });
    fs.writeFileSync(listFile, list);
  }
  fs.writeFileSync(
    path.join(ctx.paths.orgDir(org.short), 'definition.json'),
    JSON.stringify(definition, null, 2),
  );
  return 'imported';
}

/**
 * The root of an org's definition checked against the fingerprint its administrators gave for that org
 * (`--fingerprint <MSP>=…`). An org imported for the first time is taken only with one: a definition swapped on
 * the way, with a root of someone else's, would otherwise be trusted from then on, every later import only
 * compared with it. Given for an org known already, it checks the root held too (taken before fingerprints were
 * asked for). A first root this home holds already for another org (a member's real root under another name) is
 * refused whatever was given.
 */
function checkRoot(
  ctx: NetworkContext,
  definition: OrgDefinition,
  known: boolean,
  fingerprint: string | undefined,
): void {
  const { mspId } = definition;
  if (!isRootPem(definition.rootCertPem))
    throw new OrgDefinitionError(
      `${mspId}'s root in this file is not one certificate of a CA that signed itself; not imported`,
    );
  const actual = rootFingerprint(definition.rootCertPem);
  if (fingerprint !== undefined && normalFingerprint(fingerprint) !== actual.replace(/:/g, ''))
    throw new OrgDefinitionError(
      `${mspId}'s root in this file has the fingerprint ${actual}, not the one given for ${mspId} with --fingerprint: ${known ? `the root held here for ${mspId} is this one too, taken before on trust in how its file was carried; check with ${mspId}'s administrators` : `the file is not the one ${mspId}'s administrators exported (was it swapped on the way?)`}; not imported`,
    );
  if (known) return;
  const holder = ctx.topology.orgs.find(
    (o) =>
      o.mspId !== mspId &&
      fs.existsSync(ctx.paths.caCert(o.short)) &&
      rootFingerprint(fs.readFileSync(ctx.paths.caCert(o.short), 'utf8')) === actual,
  );
  if (holder)
    throw new OrgDefinitionError(
      `${mspId}'s root in this file is ${holder.mspId}'s, which this home holds already: one org's root cannot stand for another; not imported`,
    );
  if (fingerprint === undefined)
    throw new OrgDefinitionError(
      `${mspId} is imported here for the first time. The root in this file has the fingerprint ${actual}: compare it with the one ${mspId}'s administrators give you by another way than the file (a call, a letter; \`rdx-network org init\` printed it to them), and only if they are the same, run again with --fingerprint ${mspId}=<theirs>`,
    );
}

/**
 * The definition's revocation list when it is newer than the one this home holds (`held`); undefined when there is
 * nothing new. A list the org's root did not sign, or older than the one held (a definition from before a
 * revocation, which would let a revoked key back in), is refused before anything is written.
 */
function newRevocationList(
  ctx: NetworkContext,
  definition: OrgDefinition,
  held: string | undefined,
): string | undefined {
  const pem = definition.revocationListPem;
  if (pem === undefined || held === pem) return undefined;
  let list;
  try {
    list = parseRevocationList(pem);
  } catch (err) {
    throw new OrgDefinitionError(
      `${definition.mspId}'s revocation list cannot be read: ${(err as Error).message}`,
    );
  }
  if (!revocationListSignedBy(list, new X509Certificate(definition.rootCertPem)))
    throw new OrgDefinitionError(
      `${definition.mspId}'s revocation list is not signed by its root: not imported`,
    );
  // A list dated ahead (a CA clock set wrong) would hold every later list back as older.
  if (list.thisUpdate.getTime() > Date.now() + 24 * 3_600_000)
    throw new OrgDefinitionError(
      `${definition.mspId}'s revocation list is dated ${list.thisUpdate.toISOString()}, ahead of this host's clock: check its CA's clock`,
    );
  if (held !== undefined && parseRevocationList(held).thisUpdate >= list.thisUpdate)
    throw new OrgDefinitionError(
      `${definition.mspId}'s revocation list in this definition is not newer than the one ${ctx.paths.home} holds: import its latest definition`,
    );
  return pem;
}

/**
 * One PEM certificate and nothing else: a file holding a second one behind the first would have its fingerprint
 * checked for the first alone, and every reader of the file (TLS, the MSP) would trust both.
 */
function isPem(value: unknown): value is string {
  if (typeof value !== 'string' || value.split('-----BEGIN CERTIFICATE-----').length !== 2) return false;
  try {
    new X509Certificate(value);
    return true;
  } catch {
    return false;
  }
}

/** A root: one certificate (isPem) of a CA, which signed itself. */
function isRootPem(value: unknown): value is string {
  if (!isPem(value)) return false;
  const cert = new X509Certificate(value);
  return cert.ca && cert.checkIssued(cert) && cert.verify(cert.publicKey);
}

/** The org's gateway root, signed by its admin (identities/admin), for its definition. */
function signedGatewayRoot(
  ctx: NetworkContext,
  org: OrgSpec,
): Pick<OrgDefinition, 'gatewayRootCertPem' | 'gatewayRootSignature'> {
  const file = ctx.paths.gatewayCaCert(org.short);
  if (!fs.existsSync(file))
    throw new OrgDefinitionError(
      `${org.mspId} has no gateway CA in ${ctx.paths.home} yet: run \`rdx-network org init --org ${org.mspId}\` (or npm start) on its host, which loads it`,
    );
  const pem = fs.readFileSync(file, 'utf8');
  const admin = ctx.paths.identityMsp(org.short, identityWithRole(org, 'admin') ?? 'admin');
  const key = crypto.createPrivateKey(fs.readFileSync(path.join(admin, 'keystore', 'key.pem')));
  return {
    gatewayRootCertPem: pem,
    gatewayRootSignature: {
      signerCertPem: fs.readFileSync(path.join(admin, 'signcerts', 'cert.pem'), 'utf8'),
      signature: crypto.sign('sha256', Buffer.from(pem), key).toString('base64'),
    },
  };
}

/**
 * Whether the definition's gateway root is vouched for by an admin of the org's root (the one this home already
 * holds, checked equal before): the signer's certificate issued by that root, an admin's (NodeOU `admin`),
 * valid now, and its signature over the gateway root good. A root swapped on the way fails here.
 */
function vouchedFor(definition: OrgDefinition, pem: string): boolean {
  const signed = definition.gatewayRootSignature;
  if (!signed) return false;
  try {
    const root = new X509Certificate(definition.rootCertPem);
    const signer = new X509Certificate(signed.signerCertPem);
    const now = Date.now();
    return (
      signer.checkIssued(root) &&
      signer.verify(root.publicKey) &&
      /^OU=admin$/m.test(signer.subject) &&
      new Date(signer.validFrom).getTime() <= now &&
      now <= new Date(signer.validTo).getTime() &&
      crypto.verify('sha256', Buffer.from(pem), signer.publicKey, Buffer.from(signed.signature, 'base64'))
    );
  } catch {
    return false;
  }
}

/**
 * The definition's gateway root when this home does not hold it yet; undefined when there is nothing new (the
 * org runs no gateway, or this very root was imported before). A root its org's admin did not sign, or other
 * than the one imported before, is refused, as a differing org root is, before anything is written.
 */
function newGatewayRoot(
  ctx: NetworkContext,
  org: OrgSpec,
  definition: OrgDefinition,
  listPem: string | undefined,
): string | undefined {
  const pem = definition.gatewayRootCertPem;
  if (!runsGateway(org) || pem === undefined) return undefined;
  const file = ctx.paths.gatewayCaCert(org.short);
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === pem) return undefined;
  // An admin the org revoked vouches for nothing: the list this import leaves the home with (`listPem`) decides.
  const signer = definition.gatewayRootSignature?.signerCertPem;
  if (listPem && isPem(signer) && isRevoked(parseRevocationList(listPem), new X509Certificate(signer)))
    throw new OrgDefinitionError(
      `${definition.mspId}'s gateway root is signed by an admin certificate its org revoked: not imported`,
    );
  if (!vouchedFor(definition, pem))
    throw new OrgDefinitionError(
      `${definition.mspId}'s gateway root is not signed by an admin of its root certificate: ask its administrators for the definition their host wrote (export/${definition.mspId}.org.json)`,
    );
  if (!fs.existsSync(file)) return pem;
  throw new OrgDefinitionError(
    `${definition.mspId}'s gateway root differs from the one imported before: check with its administrators before replacing ${file}`,
  );
}
