/**
 * What the HTTP layer is built from. Each is an interface here so app.ts can be tested with fakes and the
 * stores can change (SQLite by default) without touching a route.
 */
import type { GatewayConfig } from './config.js';
import type { ClientRegistry } from './auth/client-registry.js';
import type { SigningKeys } from './auth/signing-keys.js';
import type { TokenService } from './auth/token-service.js';
import type { Limiter } from './enforcement/limiter.js';
import type { Metrics } from './http/metrics.js';
import type { Ledger } from './ledger/ledger.js';
import type { LedgerView } from './view/ledger-view.js';

export interface AuditEntry {
  time: string;
  requestId: string;
  gatewayId: string;
  clientId?: string;
  enterprise?: string;
  method: string;
  path: string;
  datasetId?: string;
  grantId?: string;
  decision: 'allow' | 'deny';
  reason: string;
  items: string[];
  rowCount: number;
  responseHash?: string;
  status: number;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  prevHash: string;
  hash: string;
}

export interface AnchorRecord {
  sequence: number;
  firstRecord: number;
  recordCount: number;
  treeSize: number;
  merkleRoot: string;
  anchorHash: string;
  txId: string;
  blockNumber: number;
}

/** The durable, hash-chained access log. */
export interface AuditSink {
  append(entry: AuditEntry): Promise<AuditRecord>;
  get(requestId: string): AuditRecord | undefined;
  bySeq(seq: number): AuditRecord | undefined;
  size(): number;
  leafHashes(from: number, to: number): string[];
  recordsOf(enterprise: string, limit: number, beforeSeq?: number): AuditRecord[];
  anchorCovering(seq: number): AnchorRecord | undefined;
  lastAnchor(): AnchorRecord | undefined;
  anchoredSize(): number;
}

export type Filter = { item: string; op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'in' | 'prefix'; value: string | number | boolean | (string | number)[] };

/** The dataset store: rows of loaded dataset versions. */
export interface DataStore {
  currentVersion(datasetId: string): { version: string; contentHash: string; rowCount: number } | undefined;
  query(datasetId: string, q: { fields: string[]; filters: Filter[]; limit: number; cursor?: string }): { rows: Record<string, unknown>[]; nextCursor?: string };
  aggregate(datasetId: string, q: { groupBy: string[]; measures: { op: 'count' | 'sum' | 'avg'; item?: string }[]; filters: Filter[]; minGroupSize: number }): { groups: Record<string, unknown>[]; suppressed: number };
  allRows(datasetId: string): Iterable<Record<string, unknown>>;
  loadVersion(datasetId: string, version: string, items: { name: string; type: 'string' | 'integer' | 'number' | 'date' | 'boolean'; personal: boolean }[], format: 'csv' | 'json', bytes: Uint8Array): { contentHash: string; rowCount: number };
}

/** How far anchoring is behind; restricted data stops while `behind()`. */
export interface AnchorStatus {
  behind(): boolean;
  lagRecords(): number;
  lagSeconds(): number;
}

export interface Services {
  config: Pick<GatewayConfig, 'gatewayId' | 'pageMax' | 'kMin' | 'issuer' | 'bodyLimit'>;
  view: LedgerView;
  ledger: Ledger;
  tokens: TokenService;
  keys: SigningKeys;
  clients: ClientRegistry;
  audit: AuditSink;
  anchors: AnchorStatus;
  store: DataStore;
  /** Parses the `filter=` query syntax against a dataset's items. */
  parseFilter(expr: string, items: { name: string; type: 'string' | 'integer' | 'number' | 'date' | 'boolean'; personal: boolean }[]): Filter[];
  limiter: Limiter;
  metrics: Metrics;
  now(): Date;
}
