/**
 * Gateway settings, read once from the environment at start; a missing or wrong one stops the start with a
 * message naming it. `npm start` sets them from the network topology.
 */
import fs from 'node:fs';

export interface GatewayConfig {
  /** RDX_GATEWAY_HOST (default 127.0.0.1) and RDX_GATEWAY_PORT (default 3000): where the API listens. */
  host: string;
  port: number;
  /** The gateway's own Fabric identity (BureauMSP, role=gateway). */
  mspId: string;
  certPath: string;
  keyPath: string;
  /** The peer it talks to, and that peer's TLS root. */
  peerEndpoint: string;
  peerTlsRootPath: string;
  channel: string;
  chaincode: string;
  /** RDX_LEDGER_TIMEOUT_MS: deadline of every ledger call (default 5000). */
  ledgerTimeoutMs: number;
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

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigError(`${name} must be a port number from 0 to 65535, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return {
    host: env.RDX_GATEWAY_HOST ?? '127.0.0.1',
    port: port(env, 'RDX_GATEWAY_PORT', 3000),
    mspId: env.RDX_GATEWAY_MSP_ID ?? 'BureauMSP',
    certPath: file(env, 'RDX_GATEWAY_CERT', "the gateway identity's certificate (PEM)"),
    keyPath: file(env, 'RDX_GATEWAY_KEY', "the gateway identity's private key (PEM)"),
    peerEndpoint: required(env, 'RDX_PEER_ENDPOINT', 'the peer to connect to, as host:port'),
    peerTlsRootPath: file(env, 'RDX_PEER_TLS_ROOT', "the peer's TLS root certificate (PEM)"),
    channel: env.RDX_CHANNEL ?? 'opendata',
    chaincode: env.RDX_CHAINCODE ?? 'rdx',
    ledgerTimeoutMs: port(env, 'RDX_LEDGER_TIMEOUT_MS', 5000) || 5000,
  };
}
