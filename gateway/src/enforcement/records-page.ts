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

/** What a dataset's items say about every page of it: worked out once per version of the dataset's view. */
interface PagePlan {
  personal: ReadonlySet<string>;
  marked: ReadonlySet<string>;
}

// Keyed by the view's object, which the view replaces whenever the dataset changes on the ledger.
const plans = new WeakMap<DatasetView, PagePlan>();

function planOf(dataset: DatasetView): PagePlan {
  let plan = plans.get(dataset);
  if (!plan) {
    plan = {
      personal: new Set(dataset.items.filter((i) => i.personal).map((i) => i.name)),
      marked: new Set(dataset.items.filter(carriesFingerprint).map((i) => i.name)),
    };
    plans.set(dataset, plan);
  }
  return plan;
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
  const data = maskPersonal(
    page.rows,
    items.filter((i) => plan.personal.has(i)),
  );
  // Restricted records carry the grant's fingerprint (docs/TRACE.md); unconditional data is public anyway.
  if (s.fingerprints && grantId && dataset.openAttribute === 'restricted')
    s.fingerprints.mark(
      grantId,
      data,
      items.filter((i) => plan.marked.has(i)),
    );
  return JSON.stringify({
    data,
    nextCursor: page.nextCursor ?? null,
    grantId: grantId ?? null,
    requestId,
    datasetVersion: page.version,
  });
}
