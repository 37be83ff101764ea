/**
 * Test support: a CA's revocation list made with the openssl command line, as a CA server makes one (DER, signed
 * with the CA's key, PEM-wrapped), for the tests of each package that reads such lists (the gateway's admin
 * checks, `org import`, the evidence verification).
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A revocation list (PEM) the CA whose certificate and key are the files `caCert` and `caKey` signs, naming the
 * certificates `revoked` (PEM). openssl's CA database and settings are written into `dir`. `lastUpdate`
 * (openssl's `YYYYMMDDHHMMSSZ`) dates the list other than now; `extensions` are lines of openssl's extension
 * settings (`2.5.29.27=critical,DER:02:01:05`, a delta list's indicator).
 */
export function makeRevocationList(
  dir: string,
  ca: { caCert: string; caKey: string },
  revoked: readonly string[],
  options: { lastUpdate?: string; extensions?: string[] } = {},
): string {
  const { lastUpdate, extensions = [] } = options;
  // One line a revoked certificate: status, expiry, revocation time, serial, file, subject.
  const lines = revoked.map(
    (pem) =>
      `R\t491231235959Z\t260101000000Z\t${new X509Certificate(pem).serialNumber}\tunknown\t/CN=revoked\n`,
  );
  fs.writeFileSync(path.join(dir, 'index.txt'), lines.join(''));
  fs.writeFileSync(
    path.join(dir, 'crl.cnf'),
    '[ca]\ndefault_ca=rdx\n[rdx]\ndatabase=index.txt\ndefault_md=sha256\ndefault_crl_days=30\n' +
      (extensions.length ? `crl_extensions=ext\n[ext]\n${extensions.join('\n')}\n` : ''),
  );
  const dated = lastUpdate ? ['-crl_lastupdate', lastUpdate, '-crl_nextupdate', '20991231000000Z'] : [];
  const args = ['ca', '-gencrl', '-config', 'crl.cnf', '-keyfile', ca.caKey, '-cert', ca.caCert, ...dated];
  try {
    execFileSync('openssl', [...args, '-out', 'crl.pem'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT')
      throw new Error('the tests need the openssl command (Debian: apt-get install openssl)', { cause: err });
    throw new Error(`openssl ca -gencrl failed: ${e.stderr?.toString() ?? e.message}`, { cause: err });
  }
  return fs.readFileSync(path.join(dir, 'crl.pem'), 'utf8');
}
