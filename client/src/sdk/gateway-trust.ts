/**
 * Trust in one gateway only: the root certificate(s) its HTTPS certificate must chain to, used on the connections
 * to it and on nothing else the process opens. NODE_EXTRA_CA_CERTS adds a root to every connection of the
 * process: the platform's root an enterprise was handed would vouch for any host a certificate of its CA named,
 * the enterprise's other HTTPS services among them. Given here it vouches for the gateway alone, and the
 * system's public roots no longer vouch for the gateway.
 */
import { X509Certificate } from 'node:crypto';
import { Agent, type Dispatcher } from 'undici';
import { InputError } from './errors.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The connections of a client that trusts only `ca` (PEM, one or more certificates) for the gateway's certificate.
 * @throws InputError INVALID_ARGUMENT when `ca` holds no certificate, or one that does not parse.
 */
export function trustingOnly(ca: string | Buffer): Dispatcher {
  const pem = Buffer.isBuffer(ca) ? ca.toString('utf8') : ca;
  const certificates = pem.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0)
    throw new InputError(
      'INVALID_ARGUMENT',
      "the gateway's root certificate holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the platform's root as the bureau handed it",
    );
  for (const [i, certificate] of certificates.entries())
    try {
      new X509Certificate(certificate);
    } catch (err) {
      throw new InputError(
        'INVALID_ARGUMENT',
        `the gateway's root certificate: certificate ${i + 1} does not parse (${(err as Error).message})`,
      );
    }
  return new Agent({ connect: { ca: certificates } });
}
