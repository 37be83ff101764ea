/**
 * Test support: certificate authorities and identities as Fabric CA makes them (P-256, the `role` attribute in
 * the extension 1.2.3.4.5.6.7.8.1), made with the openssl command line, so the gateway's admin-signature
 * checks run against real X.509 certificates. Made once per process and reused.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AdminIdentity } from '@rdx/client';
import { makeRevocationList } from '@rdx/client/testing/revocation-list-maker';

export interface TestOrg {
  mspId: string;
  rootPem: string;
  /**
   * An identity of the org with the given `role` attribute (none when role is undefined); `locality` puts a
   * requester's own text in the subject's L name, which Fabric CA keeps as asked.
   */
  identity(role: string | undefined, locality?: string): AdminIdentity;
  /** A revocation list (PEM) the org's CA signs, naming `revoked`; `signer` makes another CA sign it instead. */
  revocationList(revoked: AdminIdentity[], signer?: TestOrg): string;
}

let dir: string | undefined;
const orgs = new Map<string, TestOrg>();

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT')
      throw new Error('the tests need the openssl command (Debian: apt-get install openssl)', { cause: err });
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString() ?? e.message}`, { cause: err });
  }
}

/** The org's CA, made on first use; its identities are made as asked. */
export function testOrg(mspId: string): TestOrg {
  const known = orgs.get(mspId);
  if (known) return known;
  if (dir === undefined) {
    const made = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-test-ca-'));
    // Test keys are worth nothing after the run; a suite run hundreds of times must not fill the disk.
    process.once('exit', () => fs.rmSync(made, { recursive: true, force: true }));
    dir = made;
  }
  const home = path.join(dir, mspId);
  fs.mkdirSync(home);
  const key = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  openssl(['genpkey', ...key, '-out', 'ca.key'], home);
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-days',
      '3650',
      '-subj',
      `/O=${mspId}/CN=ca.${mspId}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      'ca.pem',
    ],
    home,
  );
  const identities = new Map<string, AdminIdentity>();
  const org: TestOrg = {
    mspId,
    rootPem: fs.readFileSync(path.join(home, 'ca.pem'), 'utf8'),
    identity(role, locality) {
      const cached = `${role ?? 'none'}\u0000${locality ?? ''}`;
      const made = identities.get(cached);
      if (made) return made;
      const enrollment = role ?? 'none';
      const name = `${enrollment}-${identities.size}`;
      openssl(['genpkey', ...key, '-out', `${name}.key`], home);
      openssl(
        [
          'req',
          '-new',
          '-key',
          `${name}.key`,
          '-subj',
          `/O=${mspId}/OU=client${locality === undefined ? '' : `/L=${locality}`}/CN=${enrollment}`,
          '-out',
          `${name}.csr`,
        ],
        home,
      );
      const attrs = JSON.stringify({
        attrs: role ? { role, 'hf.EnrollmentID': enrollment } : { 'hf.EnrollmentID': enrollment },
      });
      fs.writeFileSync(
        path.join(home, `${name}.ext`),
        `1.2.3.4.5.6.7.8.1=DER:${Buffer.from(attrs).toString('hex')}\nkeyUsage=critical,digitalSignature\n`,
      );
      issue(home, name, 365);
      const identity = {
        certificatePem: fs.readFileSync(path.join(home, `${name}.pem`), 'utf8'),
        privateKeyPem: fs.readFileSync(path.join(home, `${name}.key`), 'utf8'),
      };
      identities.set(cached, identity);
      return identity;
    },
    revocationList(revoked, signer) {
      const signing = signer ? path.join(dir!, signer.mspId) : home;
      return makeRevocationList(
        signing,
        { caCert: 'ca.pem', caKey: 'ca.key' },
        revoked.map((id) => id.certificatePem),
      );
    },
  };
  orgs.set(mspId, org);
  return org;
}

/** A folder of `<MSPID>.pem` roots, as the gateway's RDX_MSP_DIR holds them. */
export function mspRootsDir(target: string, mspIds: readonly string[]): string {
  fs.mkdirSync(target, { recursive: true });
  for (const id of mspIds) fs.writeFileSync(path.join(target, `${id}.pem`), testOrg(id).rootPem);
  return target;
}

/** `<name>.pem` in `home`: the certificate the CA there issues for `<name>.csr` with the extensions in `<name>.ext`. */
function issue(home: string, name: string, days: number): void {
  const input = ['-in', `${name}.csr`, '-extfile', `${name}.ext`, '-out', `${name}.pem`];
  openssl(
    ['x509', '-req', ...input, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', `${days}`],
    home,
  );
}

/**
 * A CA and a TLS server certificate it issued for 127.0.0.1, as PEM files in `dir`: what a gateway serving HTTPS
 * is given, and the root its callers trust.
 */
export function tlsServerPair(dir: string): { ca: string; cert: string; key: string } {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test CA'],
    dir,
  );
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=gateway'], dir);
  fs.writeFileSync(
    path.join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  issue(dir, 'server', 1);
  return {
    ca: path.join(dir, 'ca.pem'),
    cert: path.join(dir, 'server.pem'),
    key: path.join(dir, 'server.key'),
  };
}
