/**
 * Gateway settings, read once from the environment at start; a missing or wrong one stops the start with a
 * message naming it. `npm start` sets them from the network topology.
 */
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import {
  DUTY_REMINDER_DAYS,
  MAX_DUTY_REMINDER_DAYS,
  MAX_REVIEW_REMINDER_DAYS,
  REVIEW_REMINDER_DAYS,
} from './notify/due-sweep.js';
import { DEFAULT_THRESHOLDS, type MisuseThresholds } from './misuse/grant-activity.js';
import { MAX_CONNECTIONS_PER_ADDRESS_DEFAULT } from './http/connection-cap.js';
import { TrustedProxies } from './http/caller-address.js';
import { RATE_REFUSAL_DELAY_MS_DEFAULT } from './http/late-refusal.js';
import type { WebhookReach } from './notify/webhook-address.js';

export interface GatewayConfig {
  /** RDX_GATEWAY_HOST (default 127.0.0.1) and RDX_GATEWAY_PORT (default 3000): where the API listens. */
  host: string;
  port: number;
  /**
   * RDX_GATEWAY_METRICS_PORT (default the API's port + 20, so 3020; 0 when the API's port is 0, a free one; `off`
   * for none): where GET /metrics answers, on 127.0.0.1 only whatever RDX_GATEWAY_HOST says (metrics-server.ts).
   */
  metricsPort: number | undefined;
  /**
   * RDX_GATEWAY_HTTPS_CERT / RDX_GATEWAY_HTTPS_KEY (both or neither): the certificate chain and key it serves
   * HTTPS with; tokens, client secrets and restricted rows cross this connection. Without them it serves plain
   * HTTP, and only on a loopback address unless RDX_GATEWAY_PLAIN_HTTP=on says the network between it and its
   * callers is trusted.
   */
  https?: { certPath: string; keyPath: string };
  /** RDX_GATEWAY_ID (default `gw1`): names this gateway's audit log and its anchor chain on the ledger. */
  gatewayId: string;
  /** RDX_GATEWAY_DATA: folder of the gateway's stores, event checkpoint and token signing keys. */
  dataDir: string;
  checkpointPath: string;
  /**
   * RDX_VIEW_SNAPSHOT_S: the ledger view is saved in the data folder this often when it has moved on (default
   * 600; 0 = never saved, every start reads the whole ledger), and at each rebuild and stop.
   */
  viewSnapshotPath?: string;
  viewSnapshotEveryMs: number;
  /** RDX_TOKEN_ISSUER: `iss` of the access tokens (default: the gateway's own URL). */
  issuer: string;
  /** `aud` of the access tokens. */
  audience: string;
  /** RDX_TOKEN_TTL_S: access token lifetime, at most 900 s (15 minutes). */
  tokenTtlSeconds: number;
  /** RDX_KEY_ROTATION_HOURS: a new token signing key this often (default 24). */
  keyRotationHours: number;
  /** The gateway's own Fabric identity (BureauMSP, role=gateway). */
  mspId: string;
  certPath: string;
  keyPath: string;
  /** RDX_GATEWAY_TLS_CERT / RDX_GATEWAY_TLS_KEY: its TLS client pair, for peers that require mutual TLS. */
  tlsCertPath?: string;
  tlsKeyPath?: string;
  /** The peer it talks to, and that peer's TLS root. */
  peerEndpoint: string;
  peerTlsRootPath: string;
  channel: string;
  chaincode: string;
  /** RDX_LEDGER_TIMEOUT_MS: deadline of every ledger call (default 5000). */
  ledgerTimeoutMs: number;
  /** RDX_ANCHOR_EVERY / RDX_ANCHOR_INTERVAL_MS: anchor after this many records or this long (default 100, 5 s). */
  anchorEvery: number;
  anchorIntervalMs: number;
  /** RDX_ANCHOR_MAX_LAG_MS: restricted data stops while a record stays unanchored longer (default 60 s). */
  anchorMaxLagMs: number;
  /** RDX_PAGE_MAX: largest page of records (default 500). */
  pageMax: number;
  /** RDX_K_MIN: smallest group a computed result may show (default 10). */
  kMin: number;
  /**
   * RDX_EPSILON_PER_QUERY (default 0.5) and RDX_PRIVACY_BUDGET_PER_DAY (default 10): ε of one computed result
   * on restricted data, and what a grant may spend per day (enforcement/privacy.ts).
   */
  epsilonPerQuery: number;
  privacyBudgetPerDay: number;
  /** RDX_RATE_PER_SECOND: interface calls per second per grant (default 20). */
  ratePerSecond: number;
  /**
   * RDX_LOGIN_PER_ADDRESS_PER_MINUTE (default 120) and RDX_LOGIN_PER_CLIENT_PER_MINUTE (default 20, attempts
   * with a client secret): what the token endpoint admits before answering 429.
   */
  loginPerAddressPerMinute: number;
  loginPerClientPerMinute: number;
  /**
   * RDX_MSP_DIR: a folder of the channel organizations' root certificates, `<MSPID>.pem`, and their revocation
   * lists, `<MSPID>.crl`, against which (and the lists in the channel's configuration) the admin routes check
   * Fabric-identity signatures. Unset: the admin routes are closed.
   */
  mspDir?: string;
  /** RDX_BODY_LIMIT: largest request body (default 256kb). */
  bodyLimit: string;
  /**
   * RDX_NOTIFICATIONS (`on`, the default, or `off`): whether this gateway turns chaincode events into each
   * party's notifications and delivers its webhooks. Where the bureau runs several gateways, one keeps them.
   */
  notifications: boolean;
  /** Misuse signals (issue 17), and the thresholds of each; undefined when RDX_MISUSE=off. */
  misuse?: MisuseThresholds;
  /**
   * RDX_FINGERPRINT_SECRET_FILE (default `fingerprint.key` in the data folder, made on first start): the bureau's
   * fingerprint secret, the same file on every gateway; undefined when RDX_FINGERPRINT=off (nothing is marked).
   */
  fingerprintSecretFile?: string;
  /**
   * RDX_WEBHOOK_MAX_ATTEMPTS (default 8) and RDX_WEBHOOK_RETRY_MS (default 2000): attempts before a webhook
   * delivery is dead, and the wait after the first failure (doubling after each next one, at most an hour).
   */
  webhookMaxAttempts: number;
  /** Working days before a review falls due at which the party that owes it is reminded (0: on the day). */
  reviewReminderDays: number;
  /** Calendar days before a duty under an agreement falls due at which the enterprise is reminded. */
  dutyReminderDays: number;
  webhookRetryMs: number;
  /**
   * Where webhooks may go besides public addresses over HTTPS (notify/webhook-address.ts), whatever a registered
   * name resolves to. RDX_WEBHOOK_ALLOW_PRIVATE (default off): private addresses too (10/8, 192.168/16, …).
   * RDX_WEBHOOK_ALLOW_LOOPBACK: this machine too, over plain HTTP or HTTPS, for trials and tests; by default on
   * only where every caller is on this machine ({@link webhookReach}): a gateway others reach would let any
   * enterprise with a token post to, and probe, what its host keeps on loopback.
   */
  webhookReach: WebhookReach;
  /**
   * RDX_DATABASE_URL: unset (the default) keeps the audit log and the dataset store in SQLite files in
   * RDX_GATEWAY_DATA; a `postgres://user@host:5432/database` URL puts both on that PostgreSQL database, in the
   * namespace RDX_GATEWAY_ID (several gateways may share one database).
   */
  databaseUrl?: string;
  /**
   * RDX_CORS_ORIGINS: browser origins allowed to call the API, comma-separated (`https://a.example,https://b`);
   * unset: none (server-to-server integrators and the console, on the gateway's own origin, need none).
   */
  corsOrigins: string[];
  /** RDX_ANONYMOUS_RATE_PER_SECOND: calls per second per source address on the routes that take no credentials. */
  anonymousRatePerSecond: number;
  /**
   * RDX_CALLER_RATE_PER_SECOND (default 20): calls per second one enterprise makes to the routes that are not data
   * calls (its home, log, receipts, inbox, catalogue, workflow reads); data calls have their grants' rates.
   */
  callerRatePerSecond: number;
  /**
   * RDX_MAX_CONNECTIONS_PER_ADDRESS (default 64): open connections one source address may hold; more are held
   * unread for RDX_RATE_REFUSAL_DELAY_MS, then reset (http/connection-cap.ts). 0: no cap. A trusted proxy's
   * connections are not capped (RDX_GATEWAY_TRUSTED_PROXIES): it carries many callers; it limits them itself.
   */
  maxConnectionsPerAddress: number;
  /**
   * RDX_GATEWAY_TRUSTED_PROXIES: the reverse proxies in front of the gateway, comma-separated addresses or
   * networks (`10.0.0.5,fd00::/64`; none wider than /8 or /32); unset: none. Their X-Forwarded-For names the
   * caller the per-address defences count (http/caller-address.ts), and their connections are not capped per
   * address.
   */
  trustedProxies: TrustedProxies;
  /**
   * RDX_RATE_REFUSAL_DELAY_MS (default 1000): how long a 429 for an anonymous caller's rate (the token endpoint's
   * guard, routes that take no credentials, open downloads, public complaints) is held before it is answered,
   * never past its Retry-After (http/late-refusal.ts), and a connection over the per-address cap before its
   * reset. 0: at once.
   */
  rateRefusalDelayMs: number;
  /**
   * RDX_PUBLIC_COMPLAINTS_PER_HOUR (default 10): complaints one source address may file on the public route per
   * hour; RDX_PUBLIC_COMPLAINTS_PER_HOUR_TOTAL (default 600): all addresses together. Each is a ledger
   * transaction, so an anonymous flood must not become the ledger's load.
   */
  publicComplaintsPerHour: number;
  publicComplaintsPerHourTotal: number;
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

function folder(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = required(env, name, what);
  if (!fs.existsSync(value) || !fs.statSync(value).isDirectory())
    throw new ConfigError(`${name}=${value}: no such folder (${what})`);
  return value;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > max)
    throw new ConfigError(`${name} must be a number above 0 and at most ${max}, got "${raw}"`);
  return value;
}

/** An `on`/`off` switch (also true/false, 1/0). */
function onOff(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(on|true|1)$/i.test(raw)) return true;
  if (/^(off|false|0)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be on or off, not ${raw}`);
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/**
 * The metrics port of a gateway whose API is on `apiPort`, unless RDX_GATEWAY_METRICS_PORT says otherwise: its
 * port + 20 (beside the clerk's + 10; the network tooling's extra gateways take + 1 to + 11), or a free one
 * beside a free one.
 */
export function defaultMetricsPort(apiPort: number): number {
  return apiPort === 0 ? 0 : apiPort + 20;
}

/** RDX_GATEWAY_METRICS_PORT, or the default; undefined for `off`. */
function metricsPort(env: NodeJS.ProcessEnv, apiPort: number): number | undefined {
  const raw = env.RDX_GATEWAY_METRICS_PORT;
  if (raw === 'off') return undefined;
  const port = raw === undefined || raw === '' ? defaultMetricsPort(apiPort) : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(
      raw === undefined || raw === ''
        ? `RDX_GATEWAY_METRICS_PORT: its default, RDX_GATEWAY_PORT + 20, is past 65535; set a port, or off`
        : `RDX_GATEWAY_METRICS_PORT must be a port from 0 to 65535, or off, got "${raw}"`,
    );
  if (port !== 0 && port === apiPort)
    throw new ConfigError(`RDX_GATEWAY_METRICS_PORT must differ from RDX_GATEWAY_PORT (${apiPort})`);
  return port;
}

/** The misuse thresholds, each from its setting or its default (misuse/grant-activity.ts). */
function misuseThresholds(env: NodeJS.ProcessEnv): MisuseThresholds {
  const d = DEFAULT_THRESHOLDS;
  const hours = env.RDX_MISUSE_HOURS;
  let agreed: [number, number] | undefined;
  if (hours !== undefined && hours !== '') {
    const m = /^(\d{1,2})-(\d{1,2})$/.exec(hours);
    const [from, to] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
    if (!(from >= 0 && to <= 24 && from < to))
      throw new ConfigError(
        `RDX_MISUSE_HOURS must be the agreed hours in China time as from-to, e.g. 08-20, not "${hours}"`,
      );
    agreed = [from, to];
  }
  return {
    volumeFactor: int(env, 'RDX_MISUSE_VOLUME_FACTOR', d.volumeFactor, 2, 1000),
    volumeMinRows: int(env, 'RDX_MISUSE_VOLUME_MIN_ROWS', d.volumeMinRows, 1, 1_000_000_000),
    walkShare: positive(env, 'RDX_MISUSE_WALK_SHARE', d.walkShare, 1),
    walkMinRows: d.walkMinRows,
    probesPerHour: int(env, 'RDX_MISUSE_PROBES_PER_HOUR', d.probesPerHour, 2, 1_000_000),
    deniedPerHour: int(env, 'RDX_MISUSE_DENIED_PER_HOUR', d.deniedPerHour, 2, 1_000_000),
    ...(agreed ? { hours: agreed } : {}),
  };
}

function corsOrigins(env: NodeJS.ProcessEnv): string[] {
  const origins = (env.RDX_CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    // An origin is scheme, host and port, exactly as a browser sends it: no path, no wildcard.
    if (!url || url.origin !== origin || !/^https?:$/.test(url.protocol))
      throw new ConfigError(
        `RDX_CORS_ORIGINS: "${origin}" is not an origin such as https://portal.example.cn (scheme, host, port; no path)`,
      );
  }
  return origins;
}

function trustedProxies(env: NodeJS.ProcessEnv): TrustedProxies {
  const entries = (env.RDX_GATEWAY_TRUSTED_PROXIES ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  try {
    return new TrustedProxies(entries);
  } catch (err) {
    throw new ConfigError(
      `RDX_GATEWAY_TRUSTED_PROXIES: ${(err as Error).message} (the proxies' addresses, comma-separated)`,
    );
  }
}

/** A database URL fit for messages: scheme, user, host and database, never the password or options. */
export function describeDatabaseUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.username ? `${decodeURIComponent(url.username)}@` : ''}${url.host}${url.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

function databaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.RDX_DATABASE_URL;
  if (raw === undefined || raw === '') return undefined;
  const expected =
    'a postgres:// or postgresql:// URL such as postgres://rdx@127.0.0.1:5432/rdx (or unset for SQLite)';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The value is not echoed: it may hold a password.
    throw new ConfigError(`RDX_DATABASE_URL is not a URL: it must be ${expected}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new ConfigError(`RDX_DATABASE_URL must be ${expected}, got ${describeDatabaseUrl(raw)}`);
  if (url.pathname.length <= 1 || url.pathname.slice(1).includes('/'))
    throw new ConfigError(
      `RDX_DATABASE_URL must name the database (…/database), got ${describeDatabaseUrl(raw)}`,
    );
  return raw;
}

function viewSnapshot(
  env: NodeJS.ProcessEnv,
  dataDir: string,
): Pick<GatewayConfig, 'viewSnapshotPath' | 'viewSnapshotEveryMs'> {
  const seconds = int(env, 'RDX_VIEW_SNAPSHOT_S', 600, 0, 86_400);
  return seconds === 0
    ? { viewSnapshotEveryMs: 0 }
    : { viewSnapshotPath: path.join(dataDir, 'view.snapshot'), viewSnapshotEveryMs: seconds * 1000 };
}

/**
 * Where webhooks may go besides public addresses over HTTPS. This machine is on by default only where every
 * caller is on it: the gateway's own address for its callers (its token issuer) is a loopback one, and no proxy
 * relays others' calls. A gateway behind a TLS proxy on its own host listens on loopback too, but its callers
 * come over a network, and its issuer names the address they use.
 */
function webhookReach(env: NodeJS.ProcessEnv, issuer: string, proxies: TrustedProxies): WebhookReach {
  const callersHere = isLoopbackHost(new URL(issuer).hostname.replace(/^\[|\]$/g, '')) && !proxies.any;
  return {
    private: onOff(env, 'RDX_WEBHOOK_ALLOW_PRIVATE', false),
    loopback: onOff(env, 'RDX_WEBHOOK_ALLOW_LOOPBACK', callersHere),
  };
}

/** A host as a URL writes it: an IPv6 address in brackets. */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** A host name or address that reaches only this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The pair to serve HTTPS with; none on loopback, or off it when plain HTTP is explicitly allowed. */
function httpsPair(env: NodeJS.ProcessEnv, host: string): GatewayConfig['https'] {
  const cert = env.RDX_GATEWAY_HTTPS_CERT;
  const key = env.RDX_GATEWAY_HTTPS_KEY;
  if (cert || key) {
    if (!cert || !key)
      throw new ConfigError(
        'RDX_GATEWAY_HTTPS_CERT and RDX_GATEWAY_HTTPS_KEY go together: set both or neither',
      );
    const pair = {
      certPath: file(
        env,
        'RDX_GATEWAY_HTTPS_CERT',
        'the certificate chain the gateway serves HTTPS with (PEM)',
      ),
      keyPath: file(env, 'RDX_GATEWAY_HTTPS_KEY', 'the private key of that certificate (PEM)'),
    };
    try {
      tls.createSecureContext({ cert: fs.readFileSync(pair.certPath), key: fs.readFileSync(pair.keyPath) });
    } catch (err) {
      throw new ConfigError(
        `RDX_GATEWAY_HTTPS_CERT and RDX_GATEWAY_HTTPS_KEY are not a PEM certificate and its key: ${(err as Error).message}`,
      );
    }
    return pair;
  }
  if (!isLoopbackHost(host) && !onOff(env, 'RDX_GATEWAY_PLAIN_HTTP', false))
    throw new ConfigError(
      `RDX_GATEWAY_HOST=${host} reaches beyond this machine, and plain HTTP would carry tokens, client secrets ` +
        'and restricted rows in the clear: set RDX_GATEWAY_HTTPS_CERT and RDX_GATEWAY_HTTPS_KEY, or ' +
        'RDX_GATEWAY_PLAIN_HTTP=on if the network between the gateway and its callers is trusted',
    );
  return undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const host = env.RDX_GATEWAY_HOST ?? '127.0.0.1';
  const port = int(env, 'RDX_GATEWAY_PORT', 3000, 0, 65535);
  const https = httpsPair(env, host);
  const gatewayId = env.RDX_GATEWAY_ID ?? 'gw1';
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(gatewayId))
    throw new ConfigError(`RDX_GATEWAY_ID "${gatewayId}" must be letters, digits, _ . -`);
  const dataDir = path.resolve(env.RDX_GATEWAY_DATA ?? path.join('.rdx', 'gateway', gatewayId));
  const bodyLimit = env.RDX_BODY_LIMIT ?? '256kb';
  if (!/^\d+(kb|mb)$/.test(bodyLimit))
    throw new ConfigError(`RDX_BODY_LIMIT must look like 256kb or 1mb, got "${bodyLimit}"`);
  // As a client names the gateway: an origin, so HTTPS on 443 is `https://host` (the token endpoint's audience).
  const issuer =
    env.RDX_TOKEN_ISSUER ?? new URL(`${https ? 'https' : 'http'}://${urlHost(host)}:${port}`).origin;
  const proxies = trustedProxies(env);
  return {
    host,
    port,
    metricsPort: metricsPort(env, port),
    ...(https ? { https } : {}),
    gatewayId,
    dataDir,
    checkpointPath: path.join(dataDir, 'events.checkpoint'),
    ...viewSnapshot(env, dataDir),
    issuer,
    audience: 'rdx-api',
    tokenTtlSeconds: int(env, 'RDX_TOKEN_TTL_S', 900, 30, 900),
    keyRotationHours: int(env, 'RDX_KEY_ROTATION_HOURS', 24, 1, 24 * 365),
    mspId: env.RDX_GATEWAY_MSP_ID ?? 'BureauMSP',
    certPath: file(env, 'RDX_GATEWAY_CERT', "the gateway identity's certificate (PEM)"),
    keyPath: file(env, 'RDX_GATEWAY_KEY', "the gateway identity's private key (PEM)"),
    tlsCertPath: env.RDX_GATEWAY_TLS_CERT
      ? file(env, 'RDX_GATEWAY_TLS_CERT', "the gateway's TLS client certificate (PEM)")
      : undefined,
    tlsKeyPath: env.RDX_GATEWAY_TLS_KEY
      ? file(env, 'RDX_GATEWAY_TLS_KEY', "the gateway's TLS client key (PEM)")
      : undefined,
    peerEndpoint: required(env, 'RDX_PEER_ENDPOINT', 'the peer to connect to, as host:port'),
    peerTlsRootPath: file(env, 'RDX_PEER_TLS_ROOT', "the peer's TLS root certificate (PEM)"),
    channel: env.RDX_CHANNEL ?? 'opendata',
    chaincode: env.RDX_CHAINCODE ?? 'rdx',
    ledgerTimeoutMs: int(env, 'RDX_LEDGER_TIMEOUT_MS', 5000, 100, 120_000),
    anchorEvery: int(env, 'RDX_ANCHOR_EVERY', 100, 1, 100_000),
    anchorIntervalMs: int(env, 'RDX_ANCHOR_INTERVAL_MS', 5000, 100, 3_600_000),
    anchorMaxLagMs: int(env, 'RDX_ANCHOR_MAX_LAG_MS', 60_000, 1000, 86_400_000),
    pageMax: int(env, 'RDX_PAGE_MAX', 500, 1, 10_000),
    kMin: int(env, 'RDX_K_MIN', 10, 2, 1000),
    ratePerSecond: int(env, 'RDX_RATE_PER_SECOND', 20, 1, 100_000),
    epsilonPerQuery: positive(env, 'RDX_EPSILON_PER_QUERY', 0.5, 10),
    privacyBudgetPerDay: positive(env, 'RDX_PRIVACY_BUDGET_PER_DAY', 10, 1000),
    loginPerAddressPerMinute: int(env, 'RDX_LOGIN_PER_ADDRESS_PER_MINUTE', 120, 1, 1_000_000),
    loginPerClientPerMinute: int(env, 'RDX_LOGIN_PER_CLIENT_PER_MINUTE', 20, 1, 1_000_000),
    bodyLimit,
    notifications: onOff(env, 'RDX_NOTIFICATIONS', true),
    misuse: onOff(env, 'RDX_MISUSE', true) ? misuseThresholds(env) : undefined,
    fingerprintSecretFile: onOff(env, 'RDX_FINGERPRINT', true)
      ? path.resolve(env.RDX_FINGERPRINT_SECRET_FILE ?? path.join(dataDir, 'fingerprint.key'))
      : undefined,
    webhookMaxAttempts: int(env, 'RDX_WEBHOOK_MAX_ATTEMPTS', 8, 1, 100),
    reviewReminderDays: int(
      env,
      'RDX_REVIEW_REMINDER_DAYS',
      REVIEW_REMINDER_DAYS,
      0,
      MAX_REVIEW_REMINDER_DAYS,
    ),
    dutyReminderDays: int(env, 'RDX_DUTY_REMINDER_DAYS', DUTY_REMINDER_DAYS, 0, MAX_DUTY_REMINDER_DAYS),
    webhookRetryMs: int(env, 'RDX_WEBHOOK_RETRY_MS', 2000, 10, 3_600_000),
    webhookReach: webhookReach(env, issuer, proxies),
    mspDir: env.RDX_MSP_DIR
      ? folder(env, 'RDX_MSP_DIR', "the channel organizations' root certificates")
      : undefined,
    databaseUrl: databaseUrl(env),
    corsOrigins: corsOrigins(env),
    anonymousRatePerSecond: int(env, 'RDX_ANONYMOUS_RATE_PER_SECOND', 50, 1, 1_000_000),
    callerRatePerSecond: int(env, 'RDX_CALLER_RATE_PER_SECOND', 20, 1, 1_000_000),
    maxConnectionsPerAddress: int(
      env,
      'RDX_MAX_CONNECTIONS_PER_ADDRESS',
      MAX_CONNECTIONS_PER_ADDRESS_DEFAULT,
      0,
      1_000_000,
    ),
    trustedProxies: proxies,
    rateRefusalDelayMs: int(env, 'RDX_RATE_REFUSAL_DELAY_MS', RATE_REFUSAL_DELAY_MS_DEFAULT, 0, 10_000),
    publicComplaintsPerHour: int(env, 'RDX_PUBLIC_COMPLAINTS_PER_HOUR', 10, 1, 100_000),
    publicComplaintsPerHourTotal: int(env, 'RDX_PUBLIC_COMPLAINTS_PER_HOUR_TOTAL', 600, 1, 1_000_000),
  };
}
