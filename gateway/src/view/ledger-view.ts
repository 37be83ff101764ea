/**
 * The gateway's in-memory view of what the ledger says about enterprises, datasets and grants. Every
 * access decision reads it (no ledger round trip per request); it is rebuilt from the ledger at start and
 * kept current by chaincode events, so a suspension reaches every gateway within moments of its commit.
 */
export interface EnterpriseView {
  creditCode: string;
  name: string;
  publicKey: string;
  rating: { level: 'A' | 'AA' | 'AAA'; validUntil: string; expired?: boolean; creditStatus: string };
}

export interface ItemView {
  name: string;
  label: string;
  type: 'string' | 'integer' | 'number' | 'date' | 'boolean';
  personal: boolean;
}

export interface DatasetView {
  id: string;
  owner: string;
  name: string;
  description?: string;
  openAttribute: 'prohibited' | 'restricted' | 'unconditional';
  format: 'csv' | 'json';
  updateFrequency: string;
  items: ItemView[];
  versions: { version: string; contentHash: string; rowCount: number; loadedAt: string }[];
}

export type GrantState = 'ACTIVE' | 'SUSPENDED' | 'REVOKED' | 'TERMINATED' | 'EXPIRED';

export interface GrantView {
  id: string;
  agreementId: string;
  creditCode: string;
  datasetId: string;
  body: string;
  items: string[];
  purpose: string;
  validFrom: string;
  validUntil: string;
  dailyQuota: number;
  state: GrantState;
  grantedAt: string;
  reason?: { code: string; note: string; at: string };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Checks the fields the gateway relies on: a malformed object from the ledger is refused, not trusted. */
export function parseGrantView(v: unknown): GrantView {
  if (
    !isObject(v) ||
    typeof v.id !== 'string' ||
    typeof v.creditCode !== 'string' ||
    typeof v.datasetId !== 'string' ||
    !Array.isArray(v.items) ||
    typeof v.state !== 'string' ||
    typeof v.validUntil !== 'string'
  ) {
    throw new Error('malformed grant from the ledger');
  }
  return v as unknown as GrantView;
}

export function parseEnterpriseView(v: unknown): EnterpriseView {
  if (
    !isObject(v) ||
    typeof v.creditCode !== 'string' ||
    !isObject(v.rating) ||
    typeof v.publicKey !== 'string'
  )
    throw new Error('malformed enterprise from the ledger');
  return v as unknown as EnterpriseView;
}

export function parseDatasetView(v: unknown): DatasetView {
  if (
    !isObject(v) ||
    typeof v.id !== 'string' ||
    typeof v.openAttribute !== 'string' ||
    !Array.isArray(v.items)
  )
    throw new Error('malformed dataset from the ledger');
  return v as unknown as DatasetView;
}

export class LedgerView {
  readonly enterprises = new Map<string, EnterpriseView>();
  readonly datasets = new Map<string, DatasetView>();
  readonly grants = new Map<string, GrantView>();
  private readonly byPair = new Map<string, Set<string>>();
  /** True while the event stream is connected and the view is complete; false → restricted data stops. */
  following = false;
  /** Last block whose events were applied, and when (ms since epoch). */
  lastBlock = -1;
  lastEventAt = 0;
  lastError?: string;

  replaceAll(enterprises: EnterpriseView[], datasets: DatasetView[], grants: GrantView[]): void {
    this.enterprises.clear();
    this.datasets.clear();
    this.grants.clear();
    this.byPair.clear();
    for (const e of enterprises) this.putEnterprise(e);
    for (const d of datasets) this.putDataset(d);
    for (const g of grants) this.putGrant(g);
  }

  putEnterprise(e: EnterpriseView): void {
    this.enterprises.set(e.creditCode, e);
  }

  putDataset(d: DatasetView): void {
    this.datasets.set(d.id, d);
  }

  putGrant(g: GrantView): void {
    this.grants.set(g.id, g);
    const key = `${g.creditCode}\u0000${g.datasetId}`;
    const set = this.byPair.get(key) ?? new Set<string>();
    set.add(g.id);
    this.byPair.set(key, set);
  }

  /** The enterprise's grant on a dataset: an ACTIVE one if any, else the latest, so a denial can say why. */
  grantFor(creditCode: string, datasetId: string): GrantView | undefined {
    const ids = this.byPair.get(`${creditCode}\u0000${datasetId}`);
    if (!ids) return undefined;
    const grants = [...ids]
      .map((id) => this.grants.get(id)!)
      .sort((a, b) => b.grantedAt.localeCompare(a.grantedAt));
    return grants.find((g) => g.state === 'ACTIVE') ?? grants[0];
  }

  grantsOf(creditCode: string): GrantView[] {
    return [...this.grants.values()].filter((g) => g.creditCode === creditCode);
  }
}
