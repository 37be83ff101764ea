/**
 * What the HTTP layer is built from. Each is an interface here so app.ts can be tested with fakes and the
 * stores can change (SQLite by default) without touching a route.
 */
import type { MisuseMonitor } from './misuse/misuse-monitor.js';
import type { Fingerprints } from './fingerprint/fingerprints.js';
import type { NotificationStore } from './notify/notification-store.js';
import type { GatewayConfig } from './config.js';
import type { AdminSignatureVerifier } from './auth/admin-signature.js';
import type { ClientRegistry } from './auth/client-registry.js';
import type { LoginGuard } from './auth/login-guard.js';
import type { ReplayStore } from './auth/replay-store.js';
import type { PrivacyBudget } from './enforcement/privacy.js';
import type { SigningKeys } from './auth/signing-keys.js';
import type { TokenService } from './auth/token-service.js';
import type { GrantUsage } from './enforcement/grant-usage.js';
import type { Limiter } from './enforcement/limiter.js';
import type { Metrics } from './http/metrics.js';
import type { DatabaseAnswers } from './store/database-watch.js';
import type { Ledger } from './ledger/ledger.js';
import type { LedgerView } from './view/ledger-view.js';
import type { AuditAnchor, AuditEntry, AuditRecord } from './audit/audit-record.js';
import type {
  AggregateQuery,
  AggregateResult,
  DatasetFormat,
  Filter,
  ItemSpec,
  RowPage,
  RowQuery,
  VersionInfo,
} from './store/dataset-types.js';

export type { AuditEntry, AuditRecord } from './audit/audit-record.js';
/** An anchor as the access log records it: the log's {@link AuditAnchor}. */
export type AnchorRecord = AuditAnchor;

/** A value now, or later: the SQLite stores answer synchronously, PostgreSQL asynchronously. */
export type Awaitable<T> = T | Promise<T>;

/**
 * The durable, hash-chained access log. Each gateway is the single writer of its own log, so the counts
 * (size, anchored size, last anchor, oldest unanchored time) are kept in memory and answered at once; reads
 * of records may go to the database.
 */
export interface AuditSink {
  append(entry: AuditEntry): Promise<AuditRecord>;
  get(requestId: string): Awaitable<AuditRecord | undefined>;
  bySeq(seq: number): Awaitable<AuditRecord | undefined>;
  size(): number;
  leafHashes(from: number, to: number): Awaitable<string[]>;
  recordsOf(enterprise: string, limit: number, beforeSeq?: number): Awaitable<AuditRecord[]>;
  anchorCovering(seq: number): Awaitable<AnchorRecord | undefined>;
  lastAnchor(): AnchorRecord | undefined;
  anchoredSize(): number;
  /** Time (ms) of the oldest record not yet anchored, if any. */
  oldestUnanchoredAt(): number | undefined;
  /** Recomputes the hash and link of every record in [from, to) (default: the whole log). */
  verifyChain(from?: number, to?: number): Awaitable<{ ok: boolean; brokenAt?: number }>;
  /**
   * The saved roots of the Merkle tree's complete blocks, in order from block 0 (audit/audit-tree.ts), so a
   * restart need not rehash every record. A log without them (a test's fake) has its tree rebuilt on start.
   */
  treeBlocks?(): Awaitable<string[]>;
  /** Saves the roots of blocks `from`, `from + 1`, … (a root already saved is kept). */
  saveTreeBlocks?(from: number, roots: string[]): Awaitable<void>;
  /** While its commits fail (a full disk, its file gone): since when, when last, why. A test's fake never fails. */
  failing?(): { since: number; last: number; error: string; lasting: boolean } | undefined;
}

export type { Filter } from './store/dataset-types.js';

/** The dataset store: rows of loaded dataset versions. */
export interface DataStore {
  currentVersion(datasetId: string): VersionInfo | undefined;
  /** A secret for `purpose`, the same on every gateway sharing this store. */
  derivedKey(purpose: string): Uint8Array;
  query(datasetId: string, q: RowQuery): Awaitable<RowPage>;
  aggregate(datasetId: string, q: AggregateQuery): Awaitable<AggregateResult>;
  allRows(datasetId: string): Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>;
  loadVersion(
    datasetId: string,
    version: string,
    items: ItemSpec[],
    format: DatasetFormat,
    bytes: Uint8Array,
  ): Awaitable<{ contentHash: string; rowCount: number }>;
  /**
   * {@link loadVersion} without holding the caller's event loop, as the gateway loads: SQLite loads a large file on
   * a thread of its own; PostgreSQL's loads run on its server anyway.
   */
  loadVersionOffThread(
    datasetId: string,
    version: string,
    items: ItemSpec[],
    format: DatasetFormat,
    bytes: Uint8Array,
  ): Promise<{ contentHash: string; rowCount: number }>;
}

/** How far anchoring is behind; restricted data stops while `behind()`. */
export interface AnchorStatus {
  behind(): boolean;
  /** Why the audit log cannot be trusted (it failed its checks), if it cannot; restricted data stops. */
  broken(): string | undefined;
  /** Why the last anchoring attempt failed (ledger out of reach, gateway id not registered), until one succeeds. */
  lastFailure(): string | undefined;
  lagRecords(): number;
  lagSeconds(): number;
}

export interface Services {
  config: Pick<GatewayConfig, 'gatewayId' | 'pageMax' | 'kMin' | 'issuer' | 'bodyLimit'> &
    Partial<
      Pick<
        GatewayConfig,
        | 'corsOrigins'
        | 'anonymousRatePerSecond'
        | 'rateRefusalDelayMs'
        | 'publicComplaintsPerHour'
        | 'publicComplaintsPerHourTotal'
        | 'webhookReach'
        | 'trustedProxies'
      >
    >;
  view: LedgerView;
  ledger: Ledger;
  tokens: TokenService;
  keys: SigningKeys;
  clients: ClientRegistry;
  audit: AuditSink;
  anchors: AnchorStatus;
  store: DataStore;
  /** Whether the stores' PostgreSQL answers (absent on SQLite): while it does not, requests are refused at once. */
  database?: DatabaseAnswers;
  /** Parses the `filter=` query syntax against a dataset's items. */
  parseFilter(expr: string, items: ItemSpec[]): Filter[];
  limiter: Limiter;
  /** Each enterprise's rate on the routes that are not data calls (http/authenticate.ts `authenticateWithinRate`). */
  callerRate: Limiter;
  /**
   * Each source address's rate on the routes that take no credentials, also charged for the refusals of calls
   * that showed no valid token (http/anonymous-rate.ts): one limiter, so a flood of either spends the same budget.
   */
  addressRate: Limiter;
  /** Today's calls and ε per grant: this gateway's, or shared with the others on its database. */
  usage: GrantUsage;
  metrics: Metrics;
  now(): Date;
  /** Limits and lockouts of the token endpoint; createApp makes one with the defaults when none is given. */
  loginGuard?: LoginGuard;
  /** Client assertions used so far (shared by the gateways when they share PostgreSQL). */
  replays: ReplayStore;
  /** ε spent by computed results per grant; createApp makes one with the defaults when none is given. */
  privacy?: PrivacyBudget;
  /** Checks the Fabric-identity signatures of admin routes; without it those routes are closed. */
  adminSignatures?: AdminSignatureVerifier;
  /** Each party's notifications and webhooks (absent where RDX_NOTIFICATIONS=off). */
  notifications?: NotificationStore;
  /** Watches each audited data request for misuse (absent where RDX_MISUSE=off). */
  misuse?: MisuseMonitor;
  /** Marks restricted records with the grant's fingerprint and traces files (absent where RDX_FINGERPRINT=off). */
  fingerprints?: Fingerprints;
  /** A private folder where uploads are received before they are loaded. */
  uploadDir: string;
  /**
   * Denials without a valid token or for an unknown dataset logged per second (default 1, burst ten
   * seconds' worth); the rest are counted in /metrics only.
   */
  unattributedLogPerSecond?: number;
}
