/**
 * The fields of the inputs the chaincode takes from outside that other packages need to know as well. Any other
 * field is refused, named: ignored, a misspelt field would be signed and stored as if it had been left out. Kept
 * apart from the models, importing nothing, so that reading them (api.ts: the gateway's test ledger refuses what
 * the chaincode refuses) loads no contract.
 */

/** An application's body, as submitted and resubmitted. */
export const APPLICATION_FIELDS = ['id', 'form', 'demands', 'documents'] as const;

/** The fields every way of filing a complaint takes; each way adds its own. */
export const COMPLAINT_FIELDS = ['id', 'datasetId', 'grantId', 'kind', 'category'] as const;

/** The actions an enterprise signs for the gateway to bring (contracts/enterprise-action.ts), with their bodies' fields. */
export const ENTERPRISE_ACTION_FIELDS = {
  SubmitApplication: APPLICATION_FIELDS,
  ResubmitApplication: APPLICATION_FIELDS,
  DisputeReview: ['applicationId', 'body', 'reason'],
  // On one of the enterprise's agreements, named by agreementId.
  SignAgreement: ['agreementId', 'termsHash'],
  AcceptRenewal: ['agreementId', 'validUntil'],
  RequestRenewal: ['agreementId', 'validUntil'],
  TerminateAgreement: ['agreementId', 'reason', 'noticeDate'],
  // Duties under an agreement.
  ReportUsage: ['agreementId', 'period', 'callCount', 'reportHash'],
  ReturnData: ['agreementId', 'datasetId', 'contentHash', 'rowCount'],
  PublishProduct: ['agreementId', 'name', 'address', 'publishedOn'],
  ReportSecurityIssue: ['agreementId', 'severity', 'descriptionHash'],
  FileComplaint: [...COMPLAINT_FIELDS, 'facts', 'receiptHash'],
} as const satisfies Record<string, readonly string[]>;

/** An action an enterprise may sign. */
export type EnterpriseActionName = keyof typeof ENTERPRISE_ACTION_FIELDS;

/**
 * The contract function (`contract:Function`) each signed action is brought to, and the action its request must
 * be signed for. The contracts name their action themselves; a test holds them to this table.
 */
export const ENTERPRISE_ACTION_FUNCTIONS = {
  'application:SubmitApplication': 'SubmitApplication',
  'application:ResubmitApplication': 'ResubmitApplication',
  'application:DisputeReview': 'DisputeReview',
  'agreement:SignAgreementAsEnterprise': 'SignAgreement',
  'agreement:AcceptRenewal': 'AcceptRenewal',
  'agreement:RequestRenewal': 'RequestRenewal',
  'agreement:TerminateAgreementAsEnterprise': 'TerminateAgreement',
  'duty:ReportUsage': 'ReportUsage',
  'duty:ReturnData': 'ReturnData',
  'duty:PublishProduct': 'PublishProduct',
  'duty:ReportSecurityIssue': 'ReportSecurityIssue',
  'complaint:FileComplaintAsEnterprise': 'FileComplaint',
} as const satisfies Record<string, EnterpriseActionName>;
