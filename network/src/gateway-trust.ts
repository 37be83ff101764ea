/**
 * The tooling's own requests to a gateway that serves HTTPS (its readiness, the demo's uploads, `status`) trust
 * the bureau's gateway root, which issued the gateway's certificate and no other: it is added to this process's
 * default CA certificates, as NODE_EXTRA_CA_CERTS would. This process reaches only the platform's own hosts.
 */
import fs from 'node:fs';
import tls from 'node:tls';
import type { NetworkContext } from './context.js';
import { gatewayRootCertificate, gatewayServesHttps } from './platform-paths.js';

export function trustGatewayRoot(ctx: NetworkContext): void {
  if (!gatewayServesHttps(ctx)) return;
  const root = fs.readFileSync(gatewayRootCertificate(ctx), 'utf8').trim();
  const trusted = tls.getCACertificates('default');
  if (trusted.some((pem) => pem.trim() === root)) return;
  tls.setDefaultCACertificates([...trusted, root]);
}
