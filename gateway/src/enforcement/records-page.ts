/**
 * The body of `GET /v1/datasets/{id}/records`: a page of rows projected to the items asked for, personal items
 * masked, numbers marked with the grant's fingerprint. Built here once, for the route and for tracing, which
 * replays a logged request and must get the very bytes whose hash the audit log holds.
 */
import { carriesFingerprint } from '@rdx/client';
import { maskPersonal } from './masking.js';
import type { RowPage } from '../store/dataset-types.js';
import type { Services } from '../services.js';
import type { DatasetView } from '../view/ledger-view.js';

/**
 * What a dataset's items say about every page of it: worked out once per version of the dataset's view. Each map
 * takes an item's name to the view's own copy of that name ({@link ownNames}).
 */
interface PagePlan {
  personal: ReadonlyMap<string, string>;
  marked: ReadonlyMap<string, string>;
}

// Keyed by the view's object, which the view replaces whenever the dataset changes on the ledger.
const plans = new WeakMap<DatasetView, PagePlan>();

function planOf(dataset: DatasetView): PagePlan {
  let plan = plans.get(dataset);
  if (!plan) {
    plan = {
      personal: new Map(dataset.items.filter((i) => i.personal).map((i) => [i.name, i.name])),
      marked: new Map(dataset.items.filter(carriesFingerprint).map((i) => [i.name, i.name])),
    };
    plans.set(dataset, plan);
  }
  return plan;
}

/**
 * The view's own copies of those of `items` that `names` holds. Masking and marking write the rows' properties
 * by these names, and the names a caller asked for are new strings on every call: V8's code for a property whose
 * name is another string each time is thrown away and rebuilt, over and over (masking a 20-row page cost the
 * data call 4–7 % of its throughput that way). The view's strings are the same on every call.
 */
function ownNames(items: readonly string[], names: ReadonlyMap<string, string>): string[] {
  const own: string[] = [];
  for (const item of items) {
    const name = names.get(item);
    if (name !== undefined) own.push(name);
  }
  return own;
}

export function recordsBody(
  s: Pick<Services, 'fingerprints'>,
  dataset: DatasetView,
  grantId: string | undefined,
  items: string[],
  page: RowPage,
  requestId: string,
): string {
  const plan = planOf(dataset);
  // The page's rows hold exactly `items` (the store reads only the items asked): masking them is all that is left.
  const data = maskPersonal(page.rows, ownNames(items, plan.personal));
  // Restricted records carry the grant's fingerprint (docs/TRACE.md); unconditional data is public anyway.
  if (s.fingerprints && grantId && dataset.openAttribute === 'restricted')
    s.fingerprints.mark(grantId, data, ownNames(items, plan.marked));
  return JSON.stringify({
    data,
    nextCursor: page.nextCursor ?? null,
    grantId: grantId ?? null,
    requestId,
    datasetVersion: page.version,
  });
}
