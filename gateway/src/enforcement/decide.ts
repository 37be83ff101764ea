/**
 * The access decision for one interface call, from the ledger view alone (no I/O, so it is fast and the
 * same on every gateway): enterprise rating ≥ AA and valid → grant ACTIVE and within validity → requested
 * items ⊆ granted items. Quota and rate come after, in the limiter.
 */
import { isListedView, type DatasetView, type GrantView, type LedgerView } from '../view/ledger-view.js';
import type { ProblemCode } from '../problem.js';

export type Decision =
  | { allow: true; dataset: DatasetView; grant?: GrantView; items: string[] }
  | { allow: false; reason: ProblemCode; detail: string; dataset?: DatasetView; grant?: GrantView };

export interface AccessRequest {
  creditCode: string;
  datasetId: string;
  /** Requested items; empty means "every item I may see". */
  fields: string[];
  /** Today in China time, YYYY-MM-DD. */
  today: string;
}

/**
 * A dataset's item names and a grant's items as sets, made once per object rather than on every call: the view
 * replaces a dataset's or grant's object whenever the ledger changes it, so a set is never stale.
 */
const itemNames = new WeakMap<DatasetView, ReadonlySet<string>>();
const grantedItems = new WeakMap<GrantView, ReadonlySet<string>>();

function itemNamesOf(dataset: DatasetView): ReadonlySet<string> {
  let names = itemNames.get(dataset);
  if (!names) itemNames.set(dataset, (names = new Set(dataset.items.map((i) => i.name))));
  return names;
}

function grantedItemsOf(grant: GrantView): ReadonlySet<string> {
  let items = grantedItems.get(grant);
  if (!items) grantedItems.set(grant, (items = new Set(grant.items)));
  return items;
}

const NONE: readonly string[] = [];

/** The fields not in `allowed`, in the order asked; nothing is allocated when there are none (every call). */
function missingFrom(fields: readonly string[], allowed: ReadonlySet<string>): readonly string[] {
  for (const f of fields) if (!allowed.has(f)) return fields.filter((x) => !allowed.has(x));
  return NONE;
}

export function decide(view: LedgerView, req: AccessRequest): Decision {
  const dataset = view.datasets.get(req.datasetId);
  // Not open to anyone until the bureau lists it (Z13): a draft or a rejected dataset is, as in the catalogue and
  // its download, one that does not exist — even an unconditional one whose owner has loaded a version.
  if (!dataset || !isListedView(dataset))
    return { allow: false, reason: 'NOT_FOUND', detail: `There is no dataset ${req.datasetId}.` };
  if (dataset.openAttribute === 'prohibited')
    return {
      allow: false,
      reason: 'DATASET_NOT_OPEN',
      detail: `Dataset ${dataset.id} is not open (禁止开放).`,
      dataset,
    };
  const enterprise = view.enterprises.get(req.creditCode);
  if (!enterprise)
    return {
      allow: false,
      reason: 'ENTERPRISE_UNKNOWN',
      detail: `${req.creditCode} is not onboarded.`,
      dataset,
    };
  const unknown = missingFrom(req.fields, itemNamesOf(dataset));
  if (unknown.length)
    return {
      allow: false,
      reason: 'QUERY_INVALID',
      detail: `Dataset ${dataset.id} has no items ${unknown.join(', ')}.`,
      dataset,
    };

  if (dataset.openAttribute === 'unconditional') {
    return { allow: true, dataset, items: req.fields.length ? req.fields : dataset.items.map((i) => i.name) };
  }
  const r = enterprise.rating;
  if (r.level === 'A' || r.creditStatus !== 'good') {
    return {
      allow: false,
      reason: 'RATING_INSUFFICIENT',
      detail: `${req.creditCode} is rated ${r.level}: restricted data needs AA or above (L10).`,
      dataset,
    };
  }
  if (r.expired || r.validUntil < req.today) {
    return {
      allow: false,
      reason: 'RATING_INSUFFICIENT',
      detail: `The ${r.level} rating of ${req.creditCode} expired on ${r.validUntil}.`,
      dataset,
    };
  }
  const grant = view.grantFor(req.creditCode, req.datasetId);
  if (!grant)
    return {
      allow: false,
      reason: 'NO_GRANT',
      detail: `${req.creditCode} has no grant for dataset ${dataset.id}: apply for it first.`,
      dataset,
    };
  if (grant.state !== 'ACTIVE') {
    const why = grant.reason ? ` (${grant.reason.code})` : '';
    return {
      allow: false,
      reason: 'GRANT_NOT_ACTIVE',
      detail: `Grant ${grant.id} is ${grant.state}${why}.`,
      dataset,
      grant,
    };
  }
  if (view.removedBodies.has(grant.body)) {
    return {
      allow: false,
      reason: 'GRANT_NOT_ACTIVE',
      detail: `Grant ${grant.id} is of ${grant.body}, which has left the platform.`,
      dataset,
      grant,
    };
  }
  if (req.today < grant.validFrom || req.today > grant.validUntil) {
    return {
      allow: false,
      reason: 'GRANT_NOT_IN_VALIDITY',
      detail: `Grant ${grant.id} is valid from ${grant.validFrom} to ${grant.validUntil}.`,
      dataset,
      grant,
    };
  }
  const notGranted = missingFrom(req.fields, grantedItemsOf(grant));
  if (notGranted.length) {
    return {
      allow: false,
      reason: 'ITEMS_NOT_GRANTED',
      detail: `Grant ${grant.id} does not cover ${notGranted.join(', ')}.`,
      dataset,
      grant,
    };
  }
  return { allow: true, dataset, grant, items: req.fields.length ? req.fields : grant.items };
}

const CHINA_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
/** The last day asked for, as a day number and as text: every data call asks, and nearly always the same day. */
let lastDay = { n: NaN, text: '' };

/** Today's date in China time (UTC+8): quotas and validity count in local days. */
export function chinaToday(now: Date = new Date()): string {
  const n = Math.floor((now.getTime() + CHINA_OFFSET_MS) / DAY_MS);
  if (n !== lastDay.n) lastDay = { n, text: new Date(n * DAY_MS).toISOString().slice(0, 10) };
  return lastDay.text;
}
