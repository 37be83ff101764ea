/**
 * Where the gateway started by the tooling lives: its URL and its metrics', the root its certificate chains to,
 * its data folder.
 */
import path from 'node:path';
import { operationsHeaders } from '@rdx/client/operations-token';
import { defaultMetricsPort, isLoopbackHost, METRICS_HOST, metricsTokenFile } from '@rdx/gateway';
import type { NetworkContext } from './context.js';
import { orgOf } from './topology.js';

/** The id of the gateway the tooling starts: names its audit log and its anchor chain on the ledger. */
export const GATEWAY_ID = 'gw1';

/** The gateway's stores, token keys and event checkpoint. */
export function gatewayDataDir(ctx: Pick<NetworkContext, 'paths'>): string {
  return path.join(ctx.paths.home, 'gateway', GATEWAY_ID);
}

/**
 * Whether the gateway serves HTTPS: wherever its callers reach it over a network, that is on any address but a
 * loopback one (the gateway itself refuses plain HTTP there). On one machine (`npm start`) it serves plain HTTP.
 */
export function gatewayServesHttps(ctx: Pick<NetworkContext, 'topology'>): boolean {
  return !isLoopbackHost(ctx.topology.gateway.host);
}

export function gatewayUrl(ctx: Pick<NetworkContext, 'topology'>): string {
  const scheme = gatewayServesHttps(ctx) ? 'https' : 'http';
  return `${scheme}://${ctx.topology.gateway.host}:${ctx.topology.gateway.port}`;
}

/**
 * Where a gateway the tooling starts (the platform's, or another on `apiPort`) serves its metrics: plain HTTP on
 * its host's loopback address, read by a scraper there (gateway/src/http/metrics-server.ts).
 */
export function gatewayMetricsUrl(ctx: Pick<NetworkContext, 'topology'>, apiPort?: number): string {
  const port = apiPort === undefined ? ctx.topology.gateway.metricsPort : defaultMetricsPort(apiPort);
  return `http://${METRICS_HOST}:${port}`;
}

/**
 * The headers a scrape of a gateway's metrics shows: the token in its data folder (the platform's by default),
 * which only the platform's user reads.
 */
export function gatewayMetricsHeaders(
  ctx: Pick<NetworkContext, 'paths'>,
  dataDir = gatewayDataDir(ctx),
): Record<string, string> {
  return operationsHeaders(metricsTokenFile(dataDir));
}

/**
 * The root certificate that issued the gateway's HTTPS certificate and nothing else: the bureau's gateway CA (on
 * another host, as imported with the bureau's definition). Enterprises, bodies and the regulator pin it to reach
 * the gateway (the CLI's RDX_GATEWAY_CA and the SDK's gatewayCa, `curl --cacert`).
 */
export function gatewayRootCertificate(ctx: Pick<NetworkContext, 'paths' | 'topology'>): string {
  return ctx.paths.gatewayCaCert(orgOf(ctx.topology, 'BureauMSP').short);
}
