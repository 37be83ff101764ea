/**
 * The ledger's objects as the chaincode returns them, and the inputs its functions take. The objects are the
 * chaincode's own types (chaincode/src/models and the contracts), imported type-only: the import is erased at
 * run time, so the SDK loads no chaincode code. The inputs, which the chaincode parses from JSON rather than
 * declaring as types, are stated here, from the objects' fields where they are the same.
 */
import type { Anchor, FingerprintCommitment, GatewayRegistration } from '@rdx/chaincode';
import type { CreditEvaluation } from '@rdx/chaincode';
import type { ObjectType } from '@rdx/chaincode';
import type { Demand } from '@rdx/chaincode';
import type { Enterprise, Rating, RatingRecord } from '@rdx/chaincode';
import type { DataItem as StoredDataItem, Dataset, OpenAttribute } from '@rdx/chaincode';
import type { Terms } from '@rdx/chaincode';
import type { Deadline } from '@rdx/chaincode';
import type { Complaint as StoredComplaint, Outcome as ComplaintOutcome } from '@rdx/chaincode';
import type { DueExpiry, GrantState, RecipientRow } from '@rdx/chaincode';
import type { Stamp } from '@rdx/chaincode';

/** Who changed an object, when, in which transaction: on every ledger object. */
export type { Stamp };
/** An opening body (公共数据开放主体) registered by the bureau. */
export type { Body } from '@rdx/chaincode';
/** One year of the working-day calendar: holidays and adjusted working days (调休). */
export type { CalendarYear } from '@rdx/chaincode';
/** Enterprise ratings (评级, L10). */
export type { Rating };
/** Credit status recorded with a rating. */
export type CreditStatus = RatingRecord['creditStatus'];
/** Enterprise nature (企业性质). */
export type EnterpriseNature = Enterprise['nature'];
/** Every nature of a user, as the chaincode accepts them (`natural-person`: onboarded by ID-card number). */
export const ENTERPRISE_NATURES: readonly EnterpriseNature[] = [
  'state-owned',
  'private',
  'foreign-invested',
  'collective',
  'public-institution',
  'other',
  'natural-person',
];

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
export type { RatingRecord };

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
export type { Enterprise };

/** The result of a re-rating or an expiry: the enterprise and the grants suspended with it. */
export interface RatingChange {
  enterprise: Enterprise;
  suspendedGrants: string[];
}

/** Open attribute (开放属性). */
export type { OpenAttribute };

/** A data item (数据项) of a dataset; `personal` may be left out (not personal). */
export interface DataItem extends Omit<StoredDataItem, 'personal'> {
  personal?: boolean;
}

/** What a body registers (or updates) for a dataset. */
export interface DatasetInput extends Pick<
  Dataset,
  'id' | 'name' | 'description' | 'openAttribute' | 'format' | 'updateFrequency'
> {
  items: DataItem[];
}

/** A catalog entry, and a loaded version of it as recorded on the ledger. */
export type { Dataset };
export type { DatasetVersion } from '@rdx/chaincode';

/** The application form (annex 1). Contacts only as salted SHA-256 hashes. */
export type { ApplicationForm } from '@rdx/chaincode';

/** One row of the demand list (annex 2). */
export type DemandInput = Omit<Demand, 'body'>;

/** A demand with the opening body that owns its dataset. */
export type { Demand };

/** Hashes of the documents of annex 3. */
export type { Documents as ApplicationDocuments } from '@rdx/chaincode';

/** The body of a signed `SubmitApplication` / `ResubmitApplication`. */
export type { ApplicationInput } from '@rdx/chaincode';

/** Application states. */
export type { ApplicationState } from '@rdx/chaincode';

/** A deadline stored with the step it belongs to. */
export type { Deadline };

/** An opening body's owner review (需求审核), and a demand application (需求申请). */
export type { Application, OwnerReview } from '@rdx/chaincode';

/** The terms a body drafts (the rest is filled in by the chaincode from the application). */
export interface TermsInput extends Pick<
  Terms,
  'datasets' | 'purpose' | 'serviceName' | 'platform' | 'validFrom' | 'validUntil' | 'dailyQuota'
> {
  dataReturn?: boolean;
  /** Annex 4: days from notice of termination to its effect (default 30). */
  noticeDays?: number;
  /** Annex 4: days after the application is completed within which the service is offered (default 30). */
  launchDays?: number;
  /** Annex 4: 统计分析维度, the dimensions of the usage feedback. */
  statisticsDimensions?: string[];
  /** Annex 4: 回流数据清单, the data to return. */
  returnList?: string[];
}

/** The agreement's terms as drafted, agreement states, and an open-use agreement (开放利用协议). */
export type { Terms };
export type { Agreement, AgreementState } from '@rdx/chaincode';

/** Grant states. */
export type { GrantState };
/** Why a grant is suspended (中止), and a grant (授权): one enterprise's access to one dataset. */
export type { Grant, SuspendReason } from '@rdx/chaincode';

/** Filters of `grant:ListGrants` (one applies; a body always sees only its own). */
export interface GrantFilter {
  enterprise?: string;
  dataset?: string;
  state?: GrantState;
  body?: string;
}

/** One page of a listing and the bookmark of the next ('' at the end). */
export type { Page } from '@rdx/chaincode';

/** Complaint outcomes. */
export type { ComplaintOutcome };

/**
 * What a complaint is about: Z21's grounds (1)–(4), an infringement of rights (Z35), or a security risk or
 * incident (L17, L18; an enterprise's security report opens one per grant of its agreement).
 */
export const COMPLAINT_CATEGORIES = [
  'open-attribute',
  'quality',
  'error',
  'unlawful-opening',
  'rights',
  'security',
] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

/** A complaint or opinion as a body (or the bureau) records it. */
export interface ComplaintInput {
  id: string;
  kind?: 'complaint' | 'opinion';
  category: ComplaintCategory;
  datasetId: string;
  grantId?: string;
  /** A person only as a salted hash of the name; an organisation by name. */
  complainant: { kind: 'person'; nameHash: string } | { kind: 'organisation'; name: string };
  /** SHA-256 of the facts as received (kept off-chain). */
  factsHash: string;
  /** Suspend the grant — or, naming none, every active grant on the dataset — in the same transaction. */
  suspendNow?: boolean;
}

/** A complaint as its complainant writes it through the platform (an enterprise, or anyone on the public route). */
export interface PlatformComplaint {
  datasetId: string;
  grantId?: string;
  kind?: 'complaint' | 'opinion';
  category: ComplaintCategory;
  /** What happened, 10–8000 characters, without ID-card or phone numbers (they are refused). */
  facts: string;
}

/** A complaint filed through the platform: its id, when it is due, and the receipt that shows where it stands. */
export interface FiledComplaint {
  id: string;
  due: string;
  /** Keep it: with it, and only with it, the gateway shows the complaint's state and outcome. */
  receipt: string;
}

/** Where a complaint filed through the platform stands, as its complainant sees it (no notes, no names). */
export interface ComplaintStatus {
  id: string;
  kind: 'complaint' | 'opinion';
  category: ComplaintCategory;
  datasetId: string;
  state: 'OPEN' | 'RESOLVED';
  filedAt: string;
  due: string;
  outcome?: { decision: ComplaintOutcome; at: string };
  notifiedOn?: string;
}

/** A complaint (投诉举报) or opinion (意见建议); the SDK names the notification channels the chaincode accepts. */
export interface Complaint extends Omit<StoredComplaint, 'notification'> {
  notification?: Omit<NonNullable<StoredComplaint['notification']>, 'channel'> & {
    channel: NotificationChannel;
  };
}

/** How a complainant was told the outcome. */
export type NotificationChannel = 'phone' | 'letter' | 'email' | 'sms' | 'in-person' | 'platform';

/** A duty the enterprise fulfilled (usage report, data return, product, security issue). */
export type { Duty } from '@rdx/chaincode';

/** A credit evaluation (信用评价) as the bureau publishes it. */
/**
 * A credit evaluation as the bureau publishes it: `period` is a year (`2026`) or a quarter (`2026Q4`); without a
 * grade the one the ledger's facts support is published; another grade needs `overrideReason`.
 */
export interface CreditEvaluationInput {
  creditCode: string;
  period: string;
  grade?: CreditEvaluation['grade'];
  overrideReason?: string;
  summary: string;
}

/** The facts on the ledger about an enterprise in a period, with their ids, and the grade they support (L24). */
export type { CreditFacts } from '@rdx/chaincode';

/** A published credit evaluation. */
export type { CreditEvaluation };

/** The fields a gateway submits for an anchor of its audit log. */
export type AnchorInput = Omit<Anchor, 'anchorHash' | 'submitter' | 'certificate' | 'txId' | 'anchoredAt'>;

/** An anchor of a gateway's audit log on the ledger. */
export type { Anchor as LedgerAnchor, FingerprintCommitment, GatewayRegistration };

/** The last anchor of a gateway's chain (sequence 0 when none). */
export interface AnchorHead {
  gatewayId: string;
  sequence: number;
  anchorHash: string;
  nextRecord: number;
}

/** Object types whose history `query:GetHistory` reads. */
export type HistoryType = Exclude<ObjectType, 'probe'>;

/** The history types, for validating input (a value, so restated: the SDK loads no chaincode code). */
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
  'gateway',
];

/** One version of an object: the transaction that wrote it, its time and the org and role. */
export type { HistoryEntry } from '@rdx/chaincode';

/** An item past its deadline. */
export type { DueSoonItem, DutyDueSoonItem, OverdueItem } from '@rdx/chaincode';

/** How an opening body performed in a period, from the ledger (L23, Z38). */
export type { BodyPerformance } from '@rdx/chaincode';

/** An opening body's quarterly review batch days of a year (L11(3)). */
export type { ReviewBatches } from '@rdx/chaincode';

/** An opening body's yearly review of its catalogue (Z10). */
export type { CatalogueReview } from '@rdx/chaincode';

/** A grant as blocks hold it (no items, purpose or quota), what callers that may not read grants get back. */
export type { GrantShell } from '@rdx/chaincode';

/** An agreement as blocks hold it (no terms but its parties, datasets and validity), for the clerk service. */
export type { AgreementShell } from '@rdx/chaincode';

/** One page of a list of what is due to expire, as of the ledger's `today` (China time). */
export interface DuePage {
  today: string;
  /** Grant ids or credit codes, each with its last valid day. A page may hold none and have a next one. */
  items: DueExpiry[];
  /** Empty on the last page. */
  bookmark: string;
}

/** A row of the public recipients list (名单信息), as the chaincode gives it. */
export type Recipient = RecipientRow;

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
