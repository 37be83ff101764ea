/**
 * Keys and certificates for tests, made with OpenSSL (EC P-256, as Fabric's): a self-signed pair where a test
 * needs a TLS server's or an identity's certificate, and a certificate request where it asks a CA for one.
 */
import { execFileSync } from 'node:child_process';

const P256 = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/**
 * Writes a self-signed certificate to `cert` and its key to `key`: subject `CN=<cn>`, valid `days` days (default
 * 1), naming the address `ip` when given (a TLS server's).
 */
export function selfSignedPair(
  cert: string,
  key: string,
  { cn, days = 1, ip }: { cn: string; days?: number; ip?: string },
): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      ...P256,
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      String(days),
      '-subj',
      `/CN=${cn}`,
      ...(ip ? ['-addext', `subjectAltName=IP:${ip}`] : []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

/** A certificate request (PEM) for subject `CN=<cn>`, of a key made for it and dropped. */
export function certificateRequest(cn: string): string {
  return execFileSync('openssl', ['req', '-new', ...P256, '-keyout', '/dev/null', '-subj', `/CN=${cn}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
