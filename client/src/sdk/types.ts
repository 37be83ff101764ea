/**
 * The ledger's objects as the chaincode returns them (chaincode/src/models), and the inputs its functions
 * take. The SDK restates them instead of importing the chaincode, so that SDK users depend on this package
 * only; the end-to-end tests check both sides agree.
 */

/** Who changed an object, when, in which transaction: on every ledger object. */
export interface Stamp {
  updatedAt: string;
  updatedBy: { mspId: string; role: string };
  txId: string;
}

/** An opening body (公共数据开放主体) registered by the bureau. */
export interface Body extends Stamp {
  mspId: string;
  name: string;
  registeredAt: string;
}

/** One year of the working-day calendar: holidays and adjusted working days (调休). */
export interface CalendarYear {
  year: number;
  holidays: string[];
  workdays: string[];
}

/** Enterprise ratings (评级, L10). */
export type Rating = 'A' | 'AA' | 'AAA';
/** Credit status recorded with a rating. */
export type CreditStatus = 'good' | 'dishonest' | 'abnormal';
/** Enterprise nature (企业性质). */
export type EnterpriseNature =
  'state-owned' | 'private' | 'foreign-invested' | 'collective' | 'public-institution' | 'other';

/** A rating as the bureau gives it. */
export interface RatingInput {
  level: Rating;
  /** MLPS (等保) level 1–5; AA and above need 2 or more. */
  mlpsLevel: number;
  mlpsFiling: string;
  creditStatus: CreditStatus;
  /** SHA-256 (hex) of each capability certificate. */
  certificateHashes?: string[];
  /** Last day the rating is valid, YYYY-MM-DD. */
  validUntil: string;
}

/** A rating as stored. */
export interface RatingRecord extends Required<RatingInput> {
  ratedAt: string;
  expired?: boolean;
}

/** What the bureau records when it onboards an enterprise. */
export interface OnboardInput {
  /** 18-character unified social credit code (统一社会信用代码). */
  creditCode: string;
  name: string;
  nature: EnterpriseNature;
  /** The enterprise's ES256 (P-256) public key, SPKI PEM. */
  publicKey: string;
  rating: RatingInput;
}

/** An enterprise (公共数据利用主体). */
export interface Enterprise extends Stamp {
  creditCode: string;
  name: string;
  nature: EnterpriseNature;
  publicKey: string;
  rating: RatingRecord;
  onboardedAt: string;
}

/** The result of a re-rating or an expiry: the enterprise and the grants suspended with it. */
export interface RatingChange {
  enterprise: Enterprise;
  suspendedGrants: string[];
}

/** Open attribute (开放属性). */
export type OpenAttribute = 'prohibited' | 'restricted' | 'unconditional';

/** A data item (数据项) of a dataset. */
export interface DataItem {
  name: string;
  label: string;
  type: 'string' | 'integer' | 'number' | 'date' | 'boolean';
  personal?: boolean;
}

/** What a body registers (or updates) for a dataset. */
export interface DatasetInput {
  id: string;
  name: string;
  description?: string;
  openAttribute: OpenAttribute;
  format: 'csv' | 'json';
  items: DataItem[];
  updateFrequency: 'realtime' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly' | 'irregular';
}

/** A loaded version of a dataset, as recorded on the ledger. */
export interface DatasetVersion {
  version: string;
  contentHash: string;
  rowCount: number;
  loadedAt: string;
  txId: string;
}

/** A catalog entry. */
export interface Dataset extends DatasetInput, Stamp {
  owner: string;
  versions: DatasetVersion[];
  versionCount: number;
  registeredAt: string;
}

/** The application form (annex 1). Contacts only as salted SHA-256 hashes. */
export interface ApplicationForm {
  serviceName: string;
  field: string;
  scenarios: string;
  serviceScope: string;
  serviceUsers: string;
  concurrency: number;
  expectedBenefit: string;
  systemName: string;
  machineRoom: string;
  mlpsLevel: number;
  mlpsFiling: string;
  contactNameHash: string;
  contactIdHash: string;
  contactPhoneHash: string;
}

/** One row of the demand list (annex 2). */
export interface DemandInput {
  scenario: string;
  datasetId: string;
  items: string[];
}

/** A demand with the opening body that owns its dataset. */
export interface Demand extends DemandInput {
  body: string;
}

/** Hashes of the documents of annex 3. */
export interface ApplicationDocuments {
  mlpsCertificate: string;
  creditReport: string;
  securityCommitment: string;
}

/** The body of a signed `SubmitApplication` / `ResubmitApplication`. */
export interface ApplicationInput {
  id: string;
  form: ApplicationForm;
  demands: DemandInput[];
  documents: ApplicationDocuments;
}

/** Application states. */
export type ApplicationState =
  'FORMAL_REVIEW' | 'RETURNED' | 'OWNER_REVIEW' | 'COORDINATION' | 'RE_REVIEW' | 'APPROVED' | 'REJECTED';

/** A deadline stored with the step it belongs to. */
export interface Deadline {
  step: string;
  due: string;
  rule: string;
}

/** An opening body's owner review (需求审核). */
export interface OwnerReview {
  decision: 'approved' | 'rejected' | 'escalated';
  reason?: string;
  at: string;
  by: string;
  dispute?: { reason: string; at: string };
  coordination?: { outcome: 'approved' | 'rejected'; minutesHash: string; at: string };
}

/** A demand application (需求申请). */
export interface Application extends Stamp {
  id: string;
  creditCode: string;
  form: ApplicationForm;
  demands: Demand[];
  documents: ApplicationDocuments;
  state: ApplicationState;
  revision: number;
  submittedAt: string;
  formalReview?: { decision: 'accepted' | 'returned'; reason?: string; at: string };
  ownerReviews: Record<string, OwnerReview>;
  ownerReviewBatch?: string;
  reReview?: { decision: 'approved' | 'rejected'; reason?: string; at: string };
  deadline?: Deadline;
}

/** The terms a body drafts (the rest is filled in by the chaincode from the application). */
export interface TermsInput {
  datasets: { datasetId: string; items: string[] }[];
  purpose: string;
  serviceName: string;
  platform: string;
  validFrom: string;
  validUntil: string;
  dailyQuota: number;
  dataReturn?: boolean;
}

/** The agreement's terms as drafted. */
export interface Terms extends Required<TermsInput> {
  agreementId: string;
  applicationId: string;
  creditCode: string;
  body: string;
  mlpsLevel: number;
  productDeadlineMonths: number;
  usageReportIntervalDays: number;
  noRedistribution: true;
  citationRequired: true;
}

/** Agreement states. */
export type AgreementState = 'DRAFT' | 'IN_FORCE' | 'TERMINATED';

/** An open-use agreement (开放利用协议). */
export interface Agreement extends Stamp {
  id: string;
  terms: Terms;
  termsHash: string;
  state: AgreementState;
  draftedAt: string;
  bodySignature?: { mspId: string; certificateId: string; at: string; txId: string };
  enterpriseSignature?: { request: string; signature: string; at: string };
  inForceAt?: string;
  productDeadline?: string;
  grants: string[];
  pendingRenewal?: { validUntil: string; proposedAt: string };
  renewals: { validUntil: string; at: string }[];
  termination?: { by: string; reason: string; noticeDate: string; at: string };
  product?: { name: string; address: string; publishedOn: string; at: string };
  lastUsageReportAt?: string;
}

/** Grant states. */
export type GrantState = 'ACTIVE' | 'SUSPENDED' | 'REVOKED' | 'TERMINATED' | 'EXPIRED';
/** Why a grant is suspended (中止). */
export type SuspendReason = 'complaint' | 'violation' | 'rectification' | 'rating';

/** A grant (授权): one enterprise's access to one dataset. */
export interface Grant extends Stamp {
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

/** Filters of `grant:ListGrants` (one applies; a body always sees only its own). */
export interface GrantFilter {
  enterprise?: string;
  dataset?: string;
  state?: GrantState;
  body?: string;
}

/** One page of a listing and the bookmark of the next ('' at the end). */
export interface Page<T> {
  items: T[];
  bookmark: string;
}

/** Complaint outcomes. */
export type ComplaintOutcome = 'withdraw' | 'restore' | 'reopen' | 'dismiss';

/** A complaint or opinion as a body records it. */
export interface ComplaintInput {
  id: string;
  kind?: 'complaint' | 'opinion';
  datasetId: string;
  grantId?: string;
  /** A person only as a salted hash of the name; an organisation by name. */
  complainant: { kind: 'person'; nameHash: string } | { kind: 'organisation'; name: string };
  /** SHA-256 of the facts as received (kept off-chain). */
  factsHash: string;
  /** Suspend the grant in the same transaction. */
  suspendNow?: boolean;
}

/** A complaint (投诉举报) or opinion (意见建议). */
export interface Complaint extends Stamp {
  id: string;
  kind: 'complaint' | 'opinion';
  body: string;
  datasetId: string;
  grantId?: string;
  complainant: { kind: 'person' | 'organisation'; nameHash?: string; name?: string };
  factsHash: string;
  state: 'OPEN' | 'RESOLVED';
  filedAt: string;
  deadline: Deadline;
  suspendedOnFiling: boolean;
  outcome?: { decision: ComplaintOutcome; note: string; at: string };
  notification?: { channel: NotificationChannel; notifiedOn: string; summaryHash: string; at: string };
}

/** How a complainant was told the outcome. */
export type NotificationChannel = 'phone' | 'letter' | 'email' | 'sms' | 'in-person' | 'platform';

/** A duty the enterprise fulfilled (usage report, data return, product, security issue). */
export interface Duty extends Stamp {
  id: string;
  kind: 'usage-report' | 'data-return' | 'product' | 'security-issue';
  agreementId: string;
  creditCode: string;
  at: string;
  detail: Record<string, unknown>;
}

/** A credit evaluation (信用评价) as the bureau publishes it. */
export interface CreditEvaluationInput {
  creditCode: string;
  period: string;
  grade: 'excellent' | 'good' | 'fair' | 'poor';
  summary: string;
}

/** A published credit evaluation. */
export interface CreditEvaluation extends CreditEvaluationInput, Stamp {
  id: string;
  enterpriseName: string;
  publishedAt: string;
}

/** The fields a gateway submits for an anchor of its audit log. */
export interface AnchorInput {
  gatewayId: string;
  sequence: number;
  merkleRoot: string;
  recordCount: number;
  firstRecord: number;
  firstRecordAt: string;
  lastRecordAt: string;
  previousAnchorHash: string;
}

/** An anchor of a gateway's audit log on the ledger. */
export interface LedgerAnchor extends AnchorInput {
  anchorHash: string;
  submitter: string;
  txId: string;
  anchoredAt: string;
}

/** The last anchor of a gateway's chain (sequence 0 when none). */
export interface AnchorHead {
  gatewayId: string;
  sequence: number;
  anchorHash: string;
  nextRecord: number;
  submitter?: string;
}

/** Object types whose history `query:GetHistory` reads. */
export type HistoryType =
  | 'calendar'
  | 'body'
  | 'enterprise'
  | 'dataset'
  | 'application'
  | 'agreement'
  | 'grant'
  | 'complaint'
  | 'duty'
  | 'evaluation'
  | 'anchor';

/** The history types, for validating input. */
export const HISTORY_TYPES: readonly HistoryType[] = [
  'calendar',
  'body',
  'enterprise',
  'dataset',
  'application',
  'agreement',
  'grant',
  'complaint',
  'duty',
  'evaluation',
  'anchor',
];

/** One version of an object: the transaction that wrote it, its time and the org and role. */
export interface HistoryEntry {
  txId: string;
  time: string;
  isDelete: boolean;
  by?: { mspId: string; role: string };
  value?: unknown;
}

/** An item past its deadline. */
export interface OverdueItem {
  type: 'application' | 'complaint' | 'product' | 'usage-report';
  id: string;
  step: string;
  due: string;
  workingDaysOverdue?: number;
  party: string;
}

/** A row of the public recipients list (名单信息). */
export interface Recipient {
  enterpriseName: string;
  creditCode: string;
  datasetId: string;
  datasetName: string;
  body: string;
  since: string;
  validUntil: string;
  state: GrantState;
}

/** A committed transaction as the peer's ledger (qscc) tells it: who proposed it, who endorsed it. */
export interface TransactionInfo {
  txId: string;
  channel: string;
  /** Proposal time, ISO 8601. */
  time: string;
  /** `<contract>:<Function>` invoked (arguments are not repeated here: they may hold signed requests). */
  function: string;
  chaincode: string;
  /** MSP of the submitting identity, and its certificate subject. */
  creator: { mspId: string; subject: string };
  /** MSP IDs of the peers whose endorsements the transaction carries, sorted. */
  endorsers: string[];
  /** Fabric's validation code; `VALID` (0) when the transaction took effect. */
  validationCode: number;
  validation: string;
}
