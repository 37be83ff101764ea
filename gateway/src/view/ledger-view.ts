/**
 * The gateway's in-memory view of what the ledger says about enterprises, datasets and grants. Every
 * access decision reads it (no ledger round trip per request); it is rebuilt from the ledger at start and
 * kept current by chaincode events, so a suspension reaches every gateway within moments of its commit.
 */
import type { Dataset, DataItem, DatasetVersion } from '@rdx/chaincode';
import type { Enterprise, RatingRecord } from '@rdx/chaincode';
import type { Grant, GrantState } from '@rdx/chaincode';

// The views are the chaincode's model types (imported type-only: no chaincode code is loaded), cut down with Pick
// to what the decisions read. Codes the gateway only passes on or compares with one value (credit status, update
// frequency, a grant's reason) stay plain strings: the view holds whatever the ledger stores.

export interface EnterpriseView extends Pick<Enterprise, 'creditCode' | 'name' | 'publicKey'> {
  rating: Pick<RatingRecord, 'level' | 'validUntil' | 'expired'> & { creditStatus: string };
}

export type ItemView = DataItem;

export interface DatasetView extends Pick<
  Dataset,
  'id' | 'owner' | 'name' | 'description' | 'openAttribute' | 'format' | 'items' | 'listing'
> {
  updateFrequency: string;
  versions: Pick<DatasetVersion, 'version' | 'contentHash' | 'rowCount' | 'loadedAt'>[];
}

export type { GrantState };

export interface GrantView extends Pick<
  Grant,
  | 'id'
  | 'agreementId'
  | 'creditCode'
  | 'datasetId'
  | 'body'
  | 'items'
  | 'purpose'
  | 'validFrom'
  | 'validUntil'
  | 'dailyQuota'
  | 'state'
  | 'grantedAt'
> {
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

/** Whether the bureau has listed the dataset in the catalogue (Z13); datasets from before reviews are listed. */
export function isListedView(d: Pick<DatasetView, 'listing'>): boolean {
  return !d.listing || d.listing.state === 'LISTED';
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

/** The grants of one enterprise on one dataset, and the one its calls are decided on once asked. */
interface GrantPair {
  ids: Set<string>;
  chosen?: GrantView | undefined;
}

export class LedgerView {
  readonly enterprises = new Map<string, EnterpriseView>();
  readonly datasets = new Map<string, DatasetView>();
  readonly grants = new Map<string, GrantView>();
  /** Opening bodies that left the channel: their datasets are served no more, whatever their grants say. */
  readonly removedBodies = new Set<string>();
  /**
   * An enterprise's grants by dataset (a grant per renewal over the years), with the one its calls are decided on
   * kept until a grant of the pair changes ({@link grantFor}). Every data call asks it: nested maps, so no pair
   * key is built per call, and at 10⁵ grants one small object of the pair is read instead of each of its grants.
   */
  private readonly pairs = new Map<string, Map<string, GrantPair>>();
  /** Grant ids by enterprise: an enterprise's list of its grants must not scan every grant on the ledger. */
  private readonly byEnterprise = new Map<string, Set<string>>();
  /** True while the event stream is connected and the view is complete; false → restricted data stops. */
  following = false;
  /** Last block whose events were applied, and when (ms since epoch). */
  lastBlock = -1;
  lastEventAt = 0;
  lastError?: string;
  /**
   * How the view was last made whole: read from the ledger, or loaded from the gateway's snapshot and the blocks
   * after it replayed; the block it was current at, and how long it took (for /readyz and the logs).
   */
  madeFrom?: { source: 'ledger' | 'snapshot'; block: number; replayedBlocks: number; ms: number };

  replaceAll(enterprises: EnterpriseView[], datasets: DatasetView[], grants: GrantView[]): void {
    this.enterprises.clear();
    this.datasets.clear();
    this.grants.clear();
    this.pairs.clear();
    this.byEnterprise.clear();
    for (const e of enterprises) this.putEnterprise(e);
    for (const d of datasets) this.putDataset(d);
    for (const g of grants) this.putGrant(g);
  }

  /** Bodies that left the channel, by MSP id (as a snapshot saved them). */
  setRemovedBodies(mspIds: readonly string[]): void {
    this.removedBodies.clear();
    for (const id of mspIds) this.removedBodies.add(id);
  }

  /** The bodies as the ledger lists them: those with `removedAt` left. */
  setBodies(bodies: { mspId: string; removedAt?: string }[]): void {
    this.removedBodies.clear();
    for (const b of bodies) if (b.removedAt) this.removedBodies.add(b.mspId);
  }

  putEnterprise(e: EnterpriseView): void {
    this.enterprises.set(e.creditCode, e);
  }

  putDataset(d: DatasetView): void {
    this.datasets.set(d.id, d);
  }

  putGrant(g: GrantView): void {
    this.grants.set(g.id, g);
    let mine = this.pairs.get(g.creditCode);
    if (!mine) this.pairs.set(g.creditCode, (mine = new Map<string, GrantPair>()));
    let pair = mine.get(g.datasetId);
    if (!pair) mine.set(g.datasetId, (pair = { ids: new Set() }));
    pair.ids.add(g.id);
    pair.chosen = undefined;
    addTo(this.byEnterprise, g.creditCode, g.id);
  }

  /**
   * Takes a known grant out of ACTIVE at once, from the state a chaincode event carries, before its full
   * record is read: a suspension or revocation stops data without waiting for that read. Only ever narrows:
   * a grant becomes ACTIVE again only from its read record.
   */
  leaveActive(grantId: string, state: string): void {
    const g = this.grants.get(grantId);
    if (g && g.state === 'ACTIVE' && state !== 'ACTIVE') {
      this.grants.set(grantId, { ...g, state: state as GrantState });
      const pair = this.pairs.get(g.creditCode)?.get(g.datasetId);
      if (pair) pair.chosen = undefined;
    }
  }

  /**
   * The enterprise's grant on a dataset: the latest ACTIVE one if any, else the latest, so a denial can say why.
   * Asked on every data call, and a pair gathers a grant per renewal over the years: one pass, nothing copied or
   * sorted. Ledger times are ISO 8601 in UTC, which order as text; of two granted at the same time the one
   * stored first is kept.
   */
  grantFor(creditCode: string, datasetId: string): GrantView | undefined {
    const pair = this.pairs.get(creditCode)?.get(datasetId);
    if (!pair) return undefined;
    return (pair.chosen ??= this.decidingGrant(pair.ids));
  }

  private decidingGrant(ids: Set<string>): GrantView | undefined {
    let latest: GrantView | undefined;
    let latestActive: GrantView | undefined;
    for (const id of ids) {
      const g = this.grants.get(id)!;
      if (latest === undefined || g.grantedAt > latest.grantedAt) latest = g;
      if (g.state === 'ACTIVE' && (latestActive === undefined || g.grantedAt > latestActive.grantedAt))
        latestActive = g;
    }
    return latestActive ?? latest;
  }

  grantsOf(creditCode: string): GrantView[] {
    return [...(this.byEnterprise.get(creditCode) ?? [])].map((id) => this.grants.get(id)!);
  }
}

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  const set = index.get(key) ?? new Set<string>();
  set.add(id);
  index.set(key, set);
}
