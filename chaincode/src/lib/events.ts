/**
 * Chaincode event names, in one table. Fabric keeps one event per transaction, so each transaction emits
 * exactly one event, named after what it did, whose payload lists every change it made (see RdxContext).
 */
export const EVENTS = {
  PROBE_RECORDED: 'ProbeRecorded',
  CALENDAR_SET: 'CalendarSet',
  BODY_REGISTERED: 'BodyRegistered',
  BODY_REMOVED: 'BodyRemoved',
  ENTERPRISE_ONBOARDED: 'EnterpriseOnboarded',
  ENTERPRISE_RATED: 'EnterpriseRated',
  ENTERPRISE_KEY_CHANGED: 'EnterpriseKeyChanged',
  RATING_EXPIRED: 'RatingExpired',
  DATASET_REGISTERED: 'DatasetRegistered',
  DATASET_UPDATED: 'DatasetUpdated',
  DATASET_VERSION_LOADED: 'DatasetVersionLoaded',
  APPLICATION_SUBMITTED: 'ApplicationSubmitted',
  APPLICATION_RESUBMITTED: 'ApplicationResubmitted',
  FORMAL_REVIEWED: 'FormalReviewed',
  OWNER_REVIEWED: 'OwnerReviewed',
  REVIEW_DISPUTED: 'ReviewDisputed',
  COORDINATED: 'Coordinated',
  RE_REVIEWED: 'ReReviewed',
  AGREEMENT_DRAFTED: 'AgreementDrafted',
  AGREEMENT_SIGNED: 'AgreementSigned',
  AGREEMENT_IN_FORCE: 'AgreementInForce',
  RENEWAL_PROPOSED: 'RenewalProposed',
  RENEWAL_REQUESTED: 'RenewalRequested',
  RENEWAL_DECLINED: 'RenewalDeclined',
  TERMINATION_NOTICE_GIVEN: 'TerminationNoticeGiven',
  AGREEMENT_RENEWED: 'AgreementRenewed',
  AGREEMENT_TERMINATED: 'AgreementTerminated',
  GRANT_SUSPENDED: 'GrantSuspended',
  GRANT_RESTORED: 'GrantRestored',
  GRANT_WITHDRAWN: 'GrantWithdrawn',
  GRANT_TERMINATED: 'GrantTerminated',
  GRANT_EXPIRED: 'GrantExpired',
  COMPLAINT_FILED: 'ComplaintFiled',
  COMPLAINT_RESOLVED: 'ComplaintResolved',
  COMPLAINANT_NOTIFIED: 'ComplainantNotified',
  USAGE_REPORTED: 'UsageReported',
  DATA_RETURNED: 'DataReturned',
  PRODUCT_PUBLISHED: 'ProductPublished',
  SECURITY_ISSUE_REPORTED: 'SecurityIssueReported',
  CREDIT_EVALUATION_PUBLISHED: 'CreditEvaluationPublished',
  ANCHOR_RECORDED: 'AnchorRecorded',
  FINGERPRINT_COMMITTED: 'FingerprintCommitted',
  GATEWAY_REGISTERED: 'GatewayRegistered',
  REVIEW_BATCHES_PUBLISHED: 'ReviewBatchesPublished',
  CATALOGUE_REVIEWED: 'CatalogueReviewed',
} as const;
export type EventName = (typeof EVENTS)[keyof typeof EVENTS];

/** Kinds of ledger objects, as they appear in keys, events and history. */
export type ObjectType =
  | 'probe'
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
  | 'review-batches'
  | 'catalogue-review'
  | 'anchor'
  | 'gateway'
  | 'fingerprint';

/** One state change made by a transaction, as listed in its event. */
export interface Change {
  type: ObjectType;
  id: string;
  /** The object's state after the change, where it has one: a gateway stops a grant leaving ACTIVE at once. */
  state?: string;
  /** For grants: whose grant and which dataset; for complaints: the dataset complained about. */
  enterprise?: string;
  dataset?: string;
}

export interface EventPayload {
  txId: string;
  time: string;
  mspId: string;
  changes: Change[];
}
