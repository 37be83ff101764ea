/**
 * What other packages may use of the chaincode (the package's `exports`): its error codes, event names, the
 * bureau's MSP, the calendar seed, the complaint categories and the
 * check of a complaint's own fields, canonical JSON, the fields each signed enterprise
 * action takes (and the check that refuses any other), the checks of text (the characters it may hold, how many
 * a reader sees), how an integer written as text is read, how deep a JSON argument may nest, and the types of the ledger's objects. Loading it loads
 * no contract (and so none of fabric-contract-api's decorator machinery).
 */
export { RdxError, ErrorCode, errorCodeOf } from './lib/errors';
export { EVENTS, type EventPayload, type Change, type ObjectType } from './lib/events';
export { CALENDAR_SEED } from './data/calendar-seed';
export { COMPLAINT_CATEGORIES } from './data/complaint-categories';
export { complaintFields, type ComplaintFields } from './models/complaint-fields';
export { NATURES } from './data/natures';
export { isPersonCode } from './lib/person-code';
export { BUREAU_MSP } from './lib/access';
export { openDuties, termsHash, type OpenDuty } from './models/agreement';
export { compareRecipients, type RecipientRow } from './models/recipient';
export { canonicalJson } from './lib/state';
export { anchorHashOf } from './lib/anchor-hash';
export { onlyFields, visibleLength, whyNotPlainText } from './lib/validate';
export { decimalWholeNumber } from './lib/decimal';
export { jsonDepth, MAX_JSON_DEPTH } from './lib/json-depth';
export {
  ENTERPRISE_ACTION_FIELDS,
  ENTERPRISE_ACTION_FUNCTIONS,
  type EnterpriseActionName,
} from './models/input-fields';

// The ledger's objects: types only.
export type { Stamp } from './lib/stamp';
export type { Page } from './lib/listing';
export type { Deadline } from './lib/deadlines';
export type { Agreement, AgreementShell, AgreementState, Terms } from './models/agreement';
export type {
  Application,
  ApplicationForm,
  ApplicationInput,
  ApplicationState,
  Demand,
  Documents,
  OwnerReview,
} from './models/application';
export type { CalendarYear } from './models/calendar';
export type { Complaint, ComplaintCategory, Outcome } from './models/complaint';
export type { DataItem, Dataset, DatasetVersion, OpenAttribute } from './models/dataset';
export type { Enterprise, Rating, RatingRecord } from './models/enterprise';
export type { Grant, GrantShell, GrantState, SuspendReason } from './models/grant';
export type { Anchor, FingerprintCommitment, GatewayRegistration } from './contracts/audit-contract';
export type { CreditEvaluation, Duty } from './contracts/duty-contract';
export type { CreditBasis, CreditFacts, Grade } from './models/credit';
export type { BodyPerformance } from './models/performance';
export type { ReviewBatches } from './models/review-batches';
export type { CatalogueReview } from './contracts/catalog-contract';
export type { Body } from './contracts/platform-contract';
export type {
  DueExpiry,
  DueSoonItem,
  DutyDueSoonItem,
  HistoryEntry,
  OverdueItem,
} from './contracts/query-contract';
