/**
 * Starts a gateway: config, stores, ledger connection and its followed view, anchoring, then listen.
 * SIGTERM/SIGINT stop taking requests, anchor what is logged, and close the ledger connection.
 */
import fs from 'node:fs';
import { RdxLedger } from '@rdx/client';
import path from 'node:path';
import { createApp } from './app.js';
import { ClientRegistry } from './auth/client-registry.js';
import { AdminSignatureVerifier, MspRoots } from './auth/admin-signature.js';
import { ChannelRevocations } from './auth/channel-revocations.js';
import { LoginGuard } from './auth/login-guard.js';
import { followRevokedTokens } from './auth/revoked-tokens.js';
import { PgReplayStore, SqliteReplayStore, type ReplayStore } from './auth/replay-store.js';
import { SigningKeys } from './auth/signing-keys.js';
import { TokenService } from './auth/token-service.js';
import { Anchorer, type AnchorableLog } from './audit/anchorer.js';
import { AuditLog, type AuditLogStats } from './audit/audit-log.js';
import { PgAuditLog } from './audit/pg-audit-log.js';
import { loadConfig, ConfigError, describeDatabaseUrl, type GatewayConfig } from './config.js';
import {
  LeasedCalls,
  MemoryGrantUsage,
  PgGrantUsage,
  restoreQuotas,
  type GrantUsage,
} from './enforcement/grant-usage.js';
import { Limiter } from './enforcement/limiter.js';
import { PrivacyBudget } from './enforcement/privacy.js';
import { createGatewayServer } from './http/server.js';
import { registerGauges, registerLoopLag, registerNotificationGauges } from './http/gauges.js';
import { Metrics } from './http/metrics.js';
import {
  METRICS_HOST,
  metricsTokenFile,
  startMetricsServer,
  type MetricsServer,
} from './http/metrics-server.js';
import { operationsToken } from '@rdx/client/operations-token';
import { openFabricLedger } from './ledger/fabric-ledger.js';
import { parseFilter } from './store/filter-syntax.js';
import { DatasetStore } from './store/sqlite-dataset-store.js';
import { PgDatasetStore } from './store/pg-dataset-store.js';
import { DatabaseWatch } from './store/database-watch.js';
import { LedgerView } from './view/ledger-view.js';
import { ViewFollower } from './view/view-follower.js';
import { NotificationFollower, gatewayReader } from './notify/notification-follower.js';
import { NotificationStore } from './notify/notification-store.js';
import { DISPATCHER_DEFAULTS, WebhookDispatcher } from './notify/webhook-dispatcher.js';
import { DueSweep } from './notify/due-sweep.js';
import { MisuseMonitor } from './misuse/misuse-monitor.js';
import { Fingerprints } from './fingerprint/fingerprints.js';
import type { DataStore } from './services.js';

const log = (line: string): void => console.log(`${new Date().toISOString()} ${line}`);

type Closable = { close(): void | Promise<void> };

/**
 * The audit log, the dataset store and today's usage per grant (calls and ε of computed results): SQLite files
 * in the data folder with the usage in memory, read back from the log so a restart resets neither; or all on
 * RDX_DATABASE_URL, the usage shared by the gateways on it.
 */
async function openStores(config: GatewayConfig): Promise<{
  audit: AnchorableLog & Closable & { stats(): AuditLogStats };
  store: DataStore & Closable;
  usage: GrantUsage;
}> {
  if (config.databaseUrl === undefined) {
    const audit = openFile(config, 'audit.db', 'audit log', (file) => AuditLog.open(file));
    const usage = new MemoryGrantUsage();
    restoreQuotas(audit, usage, new Date());
    const store = openFile(config, 'datasets.db', 'dataset store', (file) => DatasetStore.open(file));
    return { audit, store, usage };
  }
  const where = describeDatabaseUrl(config.databaseUrl);
  let audit: PgAuditLog | undefined;
  try {
    audit = await PgAuditLog.open(config.databaseUrl, { namespace: config.gatewayId });
    const store = await PgDatasetStore.open(config.databaseUrl, { namespace: config.gatewayId });
    const usage = new LeasedCalls(await PgGrantUsage.open(config.databaseUrl));
    log(`audit log and dataset store on PostgreSQL ${where} (namespace ${config.gatewayId})`);
    return { audit, store, usage };
  } catch (err) {
    await audit?.close().catch(() => undefined);
    throw new ConfigError(
      `RDX_DATABASE_URL: cannot open the stores on ${where}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/**
 * Opens one of the gateway's files in its data folder. One that will not open (cut short, overwritten, not a
 * database) stops the start with a line naming it: it was an uncaught stack that never said which of six files it
 * was, which the supervisor then restarted every two seconds.
 */
function openFile<T>(config: GatewayConfig, name: string, what: string, open: (file: string) => T): T {
  const file = path.join(config.dataDir, name);
  // A file this user may not read or write is not damaged: the advice below (move it aside) would lose an audit
  // log's records for good, where a chown or chmod was all it took. SQLite says only "unable to open".
  const denied = accessDenied(file);
  if (denied)
    throw new ConfigError(
      `${file}: the ${what} is not readable and writable by this user (uid ${process.getuid?.() ?? '?'}): ${denied}. Give it back to the gateway's user (chown, chmod 600); do not move it aside`,
    );
  try {
    return open(file);
  } catch (err) {
    throw new ConfigError(
      `${file}: the ${what} will not open (${err instanceof Error ? err.message : String(err)}). Restore it from a backup of the data folder, or move it aside (docs/DEPLOY.md, "A gateway file that will not open")`,
    );
  }
}

/** Why `file` (if it exists) may not be read and written by this process: its owner and mode; else undefined. */
function accessDenied(file: string): string | undefined {
  try {
    fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') return undefined;
    const stat = fs.statSync(file);
    return `owner uid ${stat.uid}, mode ${(stat.mode & 0o777).toString(8).padStart(3, '0')}`;
  }
}

/**
 * The record of used client assertions and signed requests' nonces: PostgreSQL's where the gateways share one,
 * else a file of the data folder. That file missing where the audit log holds records (deleted, or a backup
 * restored without it), or gone back in time (a write-ahead log cut, an old copy put back), could let a used
 * assertion through again: it is opened knowing so (replay-store.ts).
 */
async function openReplays(config: GatewayConfig, audit: { size(): number }): Promise<ReplayStore> {
  if (config.databaseUrl) return PgReplayStore.open(config.databaseUrl);
  const replays = openFile(config, 'assertions.db', 'record of used assertions', (file) =>
    SqliteReplayStore.open(file, Date.now, audit.size() > 0),
  );
  // Said while it refuses anything: assertions and signed requests live 5 minutes at most, access tokens 15.
  if (replays.lostBefore !== undefined && Date.now() - replays.lostBefore < 15 * 60_000)
    log(
      `assertions.db was made anew, or found to have lost writes, at ${new Date(replays.lostBefore).toISOString()}: client assertions and signed requests that may have been used before then, and access tokens issued before then (which may have been revoked), are refused (for up to 15 minutes after it)`,
    );
  return replays;
}

async function main(config: GatewayConfig): Promise<void> {
  // The data folder holds restricted rows unmasked, client secret hashes and signing keys: the owner's only,
  // however the gateway was started.
  process.umask(0o077);
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(config.dataDir, 0o700);
  // First: a metrics port already taken stops the start before anything else is opened.
  const metrics = new Metrics();
  const metricsServer = await serveMetrics(config, metrics);
  try {
    await serve(config, metrics, metricsServer);
  } catch (err) {
    // A start that fails from here leaves nothing listening: a scraper's connections would keep the process up.
    await metricsServer?.close();
    throw err;
  }
}

/** Opens the stores and the ledger, follows it, and serves the API; stops on SIGTERM/SIGINT. */
async function serve(
  config: GatewayConfig,
  metrics: Metrics,
  metricsServer: MetricsServer | undefined,
): Promise<void> {
  const { audit, store, usage } = await openStores(config);
  // Whether PostgreSQL answers at all: one that hangs fails no query for a minute (store/database-watch.ts).
  const database = config.databaseUrl ? new DatabaseWatch(config.databaseUrl).start() : undefined;
  const uploadDir = path.join(config.dataDir, 'uploads');
  // Uploads cut short by a crash leave their files behind: the folder is emptied at start.
  fs.rmSync(uploadDir, { recursive: true, force: true });
  fs.mkdirSync(uploadDir, { mode: 0o700 });
  const clients = openFile(config, 'clients.db', 'client registry', (file) => ClientRegistry.open(file));
  const replays = await openReplays(config, audit);
  const keys = openFile(config, 'keys', 'signing keys', (folder) => SigningKeys.open(folder));
  // Opened before the ledger is followed: one that will not open stops the start before anything runs.
  const notifications = config.notifications
    ? openFile(config, 'notifications.db', 'notification store', (file) => NotificationStore.open(file))
    : undefined;
  const ledger = await openFabricLedger(config);
  const view = new LedgerView();
  const follower = new ViewFollower(ledger, view, log, {
    ...(config.viewSnapshotPath ? { snapshotFile: config.viewSnapshotPath } : {}),
    snapshotEveryMs: config.viewSnapshotEveryMs,
  });
  const anchorer = new Anchorer(audit, ledger, {
    gatewayId: config.gatewayId,
    every: config.anchorEvery,
    intervalMs: config.anchorIntervalMs,
    maxLagMs: config.anchorMaxLagMs,
    log,
  });
  const limiter = new Limiter(config.ratePerSecond);
  const callerRate = new Limiter(config.callerRatePerSecond);
  const addressRate = new Limiter(config.anonymousRatePerSecond);
  const privacy = new PrivacyBudget(usage, {
    epsilonPerQuery: config.epsilonPerQuery,
    dailyBudget: config.privacyBudgetPerDay,
  });
  registerGauges(metrics, { anchors: anchorer, view, audit, database });
  registerLoopLag(metrics);

  void follower.run();
  // Each party's notifications: their own place in the event stream, and webhooks owed from the store.
  const notifier = notifications
    ? new NotificationFollower(
        { status: () => ledger.status(), eventsFrom: (start) => ledger.eventsFrom!(start) },
        gatewayReader(ledger, view, notifications),
        notifications,
        log,
      )
    : undefined;
  const dispatcher = notifications
    ? new WebhookDispatcher(
        notifications,
        {
          ...DISPATCHER_DEFAULTS,
          maxAttempts: config.webhookMaxAttempts,
          baseDelayMs: config.webhookRetryMs,
          reach: config.webhookReach,
        },
        log,
      )
    : undefined;
  if (notifications && notifier) registerNotificationGauges(metrics, notifications, notifier);
  // Each audited request is watched for misuse; the owning body is told of what crosses a threshold.
  const thresholds = config.misuse;
  const misuse = thresholds
    ? openFile(config, 'signals.db', 'misuse signals', (file) =>
        MisuseMonitor.open(file, {
          view,
          thresholds,
          rowsOf: (id) => store.currentVersion(id)?.rowCount,
          metrics,
          notifications,
          log,
        }),
      )
    : undefined;
  // Restricted records carry the grant's fingerprint; each grant's commitment goes to the ledger when first served.
  const fingerprints = config.fingerprintSecretFile
    ? new Fingerprints(
        Fingerprints.readSecret(config.fingerprintSecretFile),
        new RdxLedger(ledger).audit,
        log,
      )
    : undefined;
  const dueSweep = notifications
    ? new DueSweep(
        view,
        {
          overdue: () => new RdxLedger(ledger).query.overdue(),
          reviewsDueSoon: () => new RdxLedger(ledger).query.reviewsDueSoon(config.reviewReminderDays),
          dutiesDueSoon: () => new RdxLedger(ledger).query.dutiesDueSoon(config.dutyReminderDays),
        },
        notifications,
        log,
      )
    : undefined;
  if (misuse)
    void misuse.rebuild(audit).then(
      (n) => log(`misuse: learnt ${n} requests of the last 8 days from the audit log`),
      (err: unknown) => log(`misuse: the audit log could not be learnt from (${(err as Error).message})`),
    );
  void notifier?.run();
  dispatcher?.start();
  dueSweep?.start();
  // The unanchored tail of a crashed run is anchored first thing.
  await anchorer
    .verifyAtStart()
    .catch((err: unknown) => log(`anchor check against the ledger: ${String(err)}`));
  if (anchorer.integrity) log(`AUDIT LOG INTEGRITY: ${anchorer.integrity}; restricted data is refused`);
  if (anchorer.lastError) log(`anchoring: ${anchorer.lastError}`);
  anchorer.start();
  void anchorer.checkInBackground();
  // Token signing keys rotate on schedule; the JWKS keeps an old key until the last token it signed expired.
  const rotateKeys = (): void => {
    const done = keys.maintain(config.keyRotationHours * 3_600_000, config.tokenTtlSeconds * 1000);
    if (done.rotated) log(`token signing key rotated: ${done.rotated} signs from now on`);
    if (done.removed.length) log(`token signing keys retired: ${done.removed.join(', ')}`);
  };
  rotateKeys();
  const keyTimer = setInterval(rotateKeys, 60_000);
  keyTimer.unref();
  void anchorer.anchorNow();
  // Signed admin requests: the channel's orgs' roots, and the revocation lists the channel holds for them.
  const mspRoots = config.mspDir ? new MspRoots(config.mspDir) : undefined;
  const revocations = mspRoots
    ? new ChannelRevocations(ledger, mspRoots, path.join(config.dataDir, 'channel-revocations.json'), log)
    : undefined;
  revocations?.start();
  const tokens = new TokenService(keys, config.issuer, config.audience, config.tokenTtlSeconds);
  const stopFollowingRevokedTokens = await followRevokedTokens(tokens, replays, log);

  const app = createApp({
    config,
    view,
    ledger,
    tokens,
    keys,
    clients,
    audit,
    anchors: anchorer,
    store,
    database,
    parseFilter,
    limiter,
    callerRate,
    addressRate,
    usage,
    metrics,
    now: () => new Date(),
    privacy,
    replays,
    adminSignatures: mspRoots ? new AdminSignatureVerifier(mspRoots, replays) : undefined,
    notifications,
    misuse,
    fingerprints,
    uploadDir,
    loginGuard: new LoginGuard({
      perAddressPerMinute: config.loginPerAddressPerMinute,
      perClientPerMinute: config.loginPerClientPerMinute,
    }),
  });
  const refusedConnection = metrics.counter(
    'rdx_connections_refused_total',
    'Connections refused unread (held, then reset) because their source address held RDX_MAX_CONNECTIONS_PER_ADDRESS open',
  );
  const proxies = config.trustedProxies;
  const server = createGatewayServer(app, {
    ...(config.https ? { https: config.https } : {}),
    connectionCap: {
      max: config.maxConnectionsPerAddress,
      holdMs: config.rateRefusalDelayMs,
      refused: () => refusedConnection({}),
      ...(proxies.any ? { uncapped: (address: string) => proxies.has(address) } : {}),
    },
  });
  server.listen(config.port, config.host, () =>
    log(
      `rdx gateway ${config.gatewayId} listening on ${config.https ? 'https' : 'http'}://${config.host}:${config.port}`,
    ),
  );

  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    log('stopping');
    server.close();
    void metricsServer?.close();
    follower.stop();
    database?.close();
    revocations?.stop();
    stopFollowingRevokedTokens();
    notifier?.stop();
    dueSweep?.stop();
    void anchorer
      .stop()
      .then(() => anchorer.anchorNow())
      .catch(() => undefined)
      .finally(async () => {
        // The next start replays only what changes from here (view-snapshot.ts).
        await follower.saveSnapshot();
        await dispatcher?.stop();
        ledger.close();
        notifications?.close();
        misuse?.close();
        await audit.close();
        await store.close();
        clients.close();
        await replays.close();
      })
      .catch((err: unknown) => log(`closing the stores: ${String(err)}`));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/** The metrics listener on loopback, before the API's: a port taken stops the start with a message saying so. */
async function serveMetrics(config: GatewayConfig, metrics: Metrics): Promise<MetricsServer | undefined> {
  const port = config.metricsPort;
  if (port === undefined) {
    log('metrics: not served (RDX_GATEWAY_METRICS_PORT=off)');
    return undefined;
  }
  const tokenFile = metricsTokenFile(config.dataDir);
  let token: string;
  try {
    token = operationsToken(tokenFile, log);
  } catch (err) {
    throw new ConfigError(`the metrics token: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const served = await startMetricsServer(port, metrics, token, log);
    log(`metrics on ${served.url}/metrics (this host only, for a scrape showing the token in ${tokenFile})`);
    return served;
  } catch (err) {
    throw new ConfigError(
      `RDX_GATEWAY_METRICS_PORT: cannot listen on ${METRICS_HOST}:${port} (${(err as Error).message}); free it, set another port, or off`,
    );
  }
}

try {
  await main(loadConfig());
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`rdx gateway: ${err.message}`);
    process.exitCode = 1;
    // What was opened before (the ledger's connections, the follower) would keep a failed start alive.
    setTimeout(() => process.exit(1), 200).unref();
  } else throw err;
}
