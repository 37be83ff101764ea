/**
 * Clerk settings, read once from the environment at start; a missing or wrong one stops the start with a
 * message naming it. `npm start` sets them from the network topology (network/src/clerk-process.ts).
 */
import fs from 'node:fs';

export interface ClerkConfig {
  /** The clerk's own Fabric identity (BureauMSP, certificate attribute role=clerk) and its TLS client pair. */
  mspId: string;
  certPath: string;
  keyPath: string;
  tlsCertPath?: string;
  tlsKeyPath?: string;
  /** The bureau's peer it talks to, and that peer's TLS root. */
  peerEndpoint: string;
  peerTlsRootPath: string;
  channel: string;
  chaincode: string;
  /** RDX_CLERK_HOST / RDX_CLERK_PORT: where /healthz, /readyz, /status and /metrics answer (default 127.0.0.1:3010). */
  host: string;
  port: number;
  /**
   * RDX_CLERK_OPS_TOKEN_FILE: the file holding the bearer token `/status` and `/metrics` ask for (made, owner-only,
   * if missing; `/healthz` and `/readyz` ask none): loopback keeps out other hosts, not the host's other users.
   */
  opsTokenFile: string;
  /**
   * RDX_CLERK_INTERVAL_S: longest time between two rounds (default 3600). A round also runs just after
   * every midnight China time, when validities end.
   */
  intervalMs: number;
  /** RDX_CLERK_PAGE_SIZE: ledger entries read per page while looking for what is due (default 200). */
  pageSize: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function required(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is not set: it must name ${what}`);
  return value;
}

function file(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = required(env, name, what);
  if (!fs.existsSync(value)) throw new ConfigError(`${name}=${value}: no such file (${what})`);
  return value;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

export function loadClerkConfig(env: NodeJS.ProcessEnv = process.env): ClerkConfig {
  const tlsCert = env.RDX_CLERK_TLS_CERT;
  const tlsKey = env.RDX_CLERK_TLS_KEY;
  if (Boolean(tlsCert) !== Boolean(tlsKey))
    throw new ConfigError('RDX_CLERK_TLS_CERT and RDX_CLERK_TLS_KEY are set together or not at all');
  return {
    mspId: required(env, 'RDX_CLERK_MSP_ID', "the clerk's MSP (BureauMSP)"),
    certPath: file(env, 'RDX_CLERK_CERT', "the clerk's certificate (role=clerk)"),
    keyPath: file(env, 'RDX_CLERK_KEY', "the clerk's private key"),
    tlsCertPath: tlsCert ? file(env, 'RDX_CLERK_TLS_CERT', "the clerk's TLS client certificate") : undefined,
    tlsKeyPath: tlsKey ? file(env, 'RDX_CLERK_TLS_KEY', "the clerk's TLS client key") : undefined,
    peerEndpoint: required(env, 'RDX_PEER_ENDPOINT', "the bureau peer's host:port"),
    peerTlsRootPath: file(env, 'RDX_PEER_TLS_ROOT', "the peer's TLS root certificate"),
    channel: required(env, 'RDX_CHANNEL', 'the channel'),
    chaincode: required(env, 'RDX_CHAINCODE', 'the chaincode'),
    host: env.RDX_CLERK_HOST || '127.0.0.1',
    port: integer(env, 'RDX_CLERK_PORT', 3010, 0, 65535),
    opsTokenFile: required(
      env,
      'RDX_CLERK_OPS_TOKEN_FILE',
      'the file holding the token /status and /metrics ask for (made if missing)',
    ),
    intervalMs: integer(env, 'RDX_CLERK_INTERVAL_S', 3600, 1, 86_400) * 1000,
    pageSize: integer(env, 'RDX_CLERK_PAGE_SIZE', 200, 1, 1000),
  };
}
