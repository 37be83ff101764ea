/**
 * A complaint's own fields, checked as the complaint contract files them but without reading the ledger (whether
 * its dataset and grant exist is the contract's to find out). The gateway runs the same check on a citizen's
 * complaint before it spends any of the hour's filing budget on it (gateway/src/routes/public-complaints.ts): a
 * complaint the contract would refuse on its face costs no one's budget and no transaction.
 */
import { ident, oneOf, optionalStr, str, type Json } from '../lib/validate';
import { COMPLAINT_CATEGORIES } from '../data/complaint-categories';

export const COMPLAINT_KINDS = ['complaint', 'opinion'] as const;

export interface ComplaintFields {
  datasetId: string;
  grantId?: string | undefined;
  kind: (typeof COMPLAINT_KINDS)[number];
  category: (typeof COMPLAINT_CATEGORIES)[number];
  /** What happened, as a complainant writes it through the platform (staff record only its hash). */
  facts?: string;
}

/** `input`'s complaint fields, each refused with INVALID_ARGUMENT naming it; `facts` only `withFacts`. */
export function complaintFields(input: Json, withFacts: boolean): ComplaintFields {
  return {
    datasetId: ident(input.datasetId, 'datasetId'),
    grantId: optionalStr(input.grantId, 'grantId', { max: 160 }),
    kind: oneOf(input.kind ?? 'complaint', 'kind', COMPLAINT_KINDS),
    category: oneOf(input.category, 'category', COMPLAINT_CATEGORIES),
    ...(withFacts ? { facts: str(input.facts, 'facts', { min: 10, max: 8000, freeText: true }) } : {}),
  };
}
