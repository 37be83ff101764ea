/**
 * The body of `GET /v1/datasets/{id}/records`: a page of rows projected to the items asked for, personal items
 * masked, numbers marked with the grant's fingerprint. Built here once, for the route and for tracing, which
 * replays a logged request and must get the very bytes whose hash the audit log holds.
 */
import { projectAndMask } from './masking.js';
import { markedItems } from '../fingerprint/fingerprints.js';
import type { RowPage } from '../store/dataset-types.js';
import type { Services } from '../services.js';
import type { DatasetView } from '../view/ledger-view.js';

export function recordsBody(
  s: Pick<Services, 'fingerprints'>,
  dataset: DatasetView,
  grantId: string | undefined,
  items: string[],
  page: RowPage,
  requestId: string,
  datasetVersion: string,
): string {
  const personal = new Set(dataset.items.filter((i) => i.personal).map((i) => i.name));
  const data = projectAndMask(page.rows, items, personal);
  // Restricted records carry the grant's fingerprint (docs/TRACE.md); unconditional data is public anyway.
  if (s.fingerprints && grantId && dataset.openAttribute === 'restricted')
    s.fingerprints.mark(grantId, data, markedItems(dataset, items));
  return JSON.stringify({
    data,
    nextCursor: page.nextCursor ?? null,
    grantId: grantId ?? null,
    requestId,
    datasetVersion,
  });
}
