/**
 * A catalog entry (数据目录): a dataset an opening body owns, its open attribute (禁止 / 受限 / 无条件), its
 * data items with a personal-data flag (the gateway masks personal items), and each loaded version's
 * content hash and row count.
 */
import type { Stamp } from '../lib/stamp';
import { stored } from '../lib/store';
import {
  arr,
  bool,
  ident,
  intArg,
  obj,
  oneOf,
  onlyFields,
  optionalStr,
  parsedExactly,
  sha256Hex,
  str,
  type Json,
} from '../lib/validate';
import { RdxError, ErrorCode } from '../lib/errors';

export const OPEN_ATTRIBUTES = ['prohibited', 'restricted', 'unconditional'] as const;
export type OpenAttribute = (typeof OPEN_ATTRIBUTES)[number];
export const ITEM_TYPES = ['string', 'integer', 'number', 'date', 'boolean'] as const;
export const FORMATS = ['csv', 'json'] as const;
export const FREQUENCIES = [
  'realtime',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'yearly',
  'irregular',
] as const;
/** Versions kept inside the entry; older ones stay in the key's history. */
export const VERSIONS_KEPT = 20;

export interface DataItem {
  name: string;
  /** Name shown to people, e.g. 统一社会信用代码. */
  label: string;
  type: (typeof ITEM_TYPES)[number];
  /** Personal information (ID numbers, phones, …): masked by the gateway. */
  personal: boolean;
  /**
   * Whether this item's values carry the fingerprint (issue 17, docs/TRACE.md), as the owning body set it; absent:
   * the type's default — numbers carry it, dates do not. `false` keeps numbers exact (an identifier stored as a
   * number, a figure that must match another register); `true` lets dates move by a day.
   */
  fingerprint?: boolean;
}

export interface DatasetVersion {
  version: string;
  contentHash: string;
  rowCount: number;
  loadedAt: string;
  txId: string;
}

export interface Dataset extends Stamp {
  id: string;
  owner: string;
  name: string;
  description?: string;
  openAttribute: OpenAttribute;
  format: (typeof FORMATS)[number];
  items: DataItem[];
  updateFrequency: (typeof FREQUENCIES)[number];
  versions: DatasetVersion[];
  versionCount: number;
  registeredAt: string;
  /**
   * Z13 (报同级公共数据主管部门审查同意后列入公共数据开放目录): registered as a DRAFT, listed once the bureau's reviewer
   * approves, or rejected with a reason (an update sends it back for review). Datasets registered before this
   * field are listed.
   */
  listing?: { state: 'DRAFT' | 'LISTED' | 'REJECTED'; reviewedBy?: string; reason?: string; at?: string };
  /** Z12, Z15: a narrower open attribute the owner proposed, waiting for the bureau's approval. */
  pendingAttribute?: { to: OpenAttribute; reason: string; proposedAt: string; by: string };
  /** Every approved change of open attribute, with the owner's reason and who approved it. */
  attributeChanges?: {
    from: OpenAttribute;
    to: OpenAttribute;
    reason: string;
    approvedBy: string;
    at: string;
  }[];
}

/** Whether the dataset is in the catalogue (reviewed and listed by the bureau, Z13). */
export function isListed(d: Pick<Dataset, 'listing'>): boolean {
  return !d.listing || d.listing.state === 'LISTED';
}

/** How open an attribute is: a move to a lower rank narrows access (and needs the bureau's approval). */
export function openness(a: OpenAttribute): number {
  return OPEN_ATTRIBUTES.indexOf(a);
}

function item(value: unknown, field: string): DataItem {
  const i = obj(value, field);
  const parsed: DataItem = {
    name: str(i.name, `${field}.name`, {
      max: 64,
      pattern: /^[a-z][a-z0-9_]*$/,
      patternHint: 'must be snake_case (a-z, 0-9, _)',
    }),
    label: str(i.label, `${field}.label`, { max: 64 }),
    type: oneOf(i.type, `${field}.type`, ITEM_TYPES),
    personal: bool(i.personal ?? false, `${field}.personal`),
    ...(i.fingerprint === undefined ? {} : { fingerprint: bool(i.fingerprint, `${field}.fingerprint`) }),
  };
  // `personal` defaults to false: a misspelt one (`Personal: true`) would serve the item unmasked.
  onlyFields(i, field, ['name', 'label', 'type', 'personal', 'fingerprint']);
  return parsed;
}

/** The fields a body sets when it registers or updates a dataset. */
export function parseDatasetInput(
  input: Json,
): Pick<Dataset, 'id' | 'name' | 'description' | 'openAttribute' | 'format' | 'items' | 'updateFrequency'> {
  const items = arr(input.items, 'items', 1, 200, item);
  const names = items.map((i) => i.name);
  if (new Set(names).size !== names.length)
    throw new RdxError(ErrorCode.INVALID_ARGUMENT, 'items must have distinct names');
  return parsedExactly(input, 'dataset', {
    id: ident(input.id, 'id'),
    name: str(input.name, 'name', { max: 128 }),
    description: optionalStr(input.description, 'description', { max: 2000, freeText: true }),
    openAttribute: oneOf(input.openAttribute, 'openAttribute', OPEN_ATTRIBUTES),
    format: oneOf(input.format, 'format', FORMATS),
    items,
    updateFrequency: oneOf(input.updateFrequency, 'updateFrequency', FREQUENCIES),
  });
}

export function parseVersionInput(
  version: unknown,
  contentHash: unknown,
  rowCount: unknown,
): Pick<DatasetVersion, 'version' | 'contentHash' | 'rowCount'> {
  return {
    version: ident(version, 'version', 32),
    contentHash: sha256Hex(contentHash, 'contentHash'),
    rowCount: intArg(rowCount, 'rowCount', 0, 1_000_000_000),
  };
}

export function parseDataset(raw: unknown): Dataset {
  return stored<Dataset>(raw, 'dataset', ['id', 'owner', 'openAttribute', 'items']);
}

/** Requested items that the dataset does not have. */
export function unknownItems(dataset: Dataset, items: string[]): string[] {
  const known = new Set(dataset.items.map((i) => i.name));
  return items.filter((i) => !known.has(i));
}
