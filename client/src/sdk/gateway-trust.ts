/**
 * Trust in one gateway only: the root certificate(s) its HTTPS certificate must chain to, used on the connections
 * to it and on nothing else the process opens. NODE_EXTRA_CA_CERTS adds a root to every connection of the
 * process: the gateway root an enterprise was handed would vouch for any host a certificate of its CA named,
 * the enterprise's other HTTPS services among them. Given here it vouches for the gateway alone, and the
 * system's public roots no longer vouch for the gateway.
 *
 * The connections are undici's (the npm package, major 7: the major of the undici that Node 24, which the
 * project's engines pin, bundles behind its fetch, whose dispatcher contract holds within a major).
 */
import { X509Certificate } from 'node:crypto';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { InputError } from './errors.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
/** The settings an EnvHttpProxyAgent reads when made: a pool is kept for each of their values. */
const PROXY_SETTINGS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'];
/** One pool of connections per root, however many clients of the process trust it. */
const pools = new Map<string, Dispatcher>();

/**
 * The connections of a client that trusts only `ca` (PEM, one or more certificates) for the gateway's
 * certificate, its name still checked against the gateway's host. Through the proxy of HTTPS_PROXY / NO_PROXY
 * when Node is told to use them (NODE_USE_ENV_PROXY), as Node's own fetch then is.
 * @throws InputError INVALID_ARGUMENT when `ca` holds no certificate, or one that does not parse.
 */
export function trustingOnly(ca: string | Uint8Array): Dispatcher {
  const pem = typeof ca === 'string' ? ca : Buffer.from(ca).toString('utf8');
  const certificates = pem.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0)
    throw new InputError(
      'INVALID_ARGUMENT',
      "the gateway's root certificate holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the gateway root as the bureau handed it (a DER file converts with openssl x509 -inform der)",
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
  const proxied = Boolean(process.env.NODE_USE_ENV_PROXY);
  const proxySettings = proxied ? PROXY_SETTINGS.map((name) => process.env[name] ?? '') : [];
  const key = JSON.stringify([proxySettings, certificates]);
  let pool = pools.get(key);
  if (!pool) {
    const tls = { ca: certificates };
    pool = proxied ? new EnvHttpProxyAgent({ connect: tls, requestTls: tls }) : new Agent({ connect: tls });
    pools.set(key, pool);
  }
  return pool;
}
