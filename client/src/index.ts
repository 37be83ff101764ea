/** The RDX TypeScript SDK. */
export { GatewayClient, GatewayProblem, type Readiness } from './gateway-client.js';
export {
  EnterpriseSigner,
  personalDataHash,
  type EnterpriseRequest,
  type SignedRequest,
} from './enterprise-signer.js';
export { canonicalJson } from './canonical-json.js';
export { writeFileAtomic } from './atomic-file.js';
export * from './audit/merkle.js';
export { tlsNameOptions } from './tls-name.js';
export { fabricAttributes } from './fabric-attributes.js';
export {
  authorityKeyId,
  isRevoked,
  parseRevocationList,
  revocationListSignedBy,
  RevocationListError,
  serialKey,
  type RevocationList,
} from './revocation-list.js';
export {
  connectIdentity,
  decodeJson,
  readLedgerIdentity,
  loadWalletIdentity,
  writeWalletIdentity,
  listWallet,
  WalletError,
  type LedgerIdentity,
  type LedgerIdentityFiles,
  type LedgerConnection,
} from './ledger/fabric-connection.js';
export * from './sdk/errors.js';
export type * from './sdk/types.js';
export { COMPLAINT_CATEGORIES, ENTERPRISE_NATURES, HISTORY_TYPES } from './sdk/types.js';
export {
  creditCodeProblem,
  requireCreditCode,
  requireDate,
  requireInt,
  requireOneOf,
  requireReason,
  sha256Hex,
  sha256OfFile,
  readInputFile,
  readJsonFile,
  chinaToday,
} from './sdk/inputs.js';
export * from './sdk/notifications.js';
export * from './sdk/notifications-api.js';
export {
  identityCheckCharacter,
  identityNumberProblem,
  isPersonCode,
  maskPersonName,
  personCode,
  readPersonKey,
  requireUserCode,
  userCodeProblem,
  writePersonKey,
} from './sdk/person.js';
export {
  RdxLedger,
  PlatformApi,
  EnterpriseApi,
  CatalogApi,
  ApplicationApi,
  AgreementApi,
  GrantApi,
  ComplaintApi,
  DutyApi,
  AuditApi,
  QueryApi,
  TransactionsApi,
  decodeProcessedTransaction,
  type Committed,
  type PageOptions,
} from './sdk/ledger-api.js';
export {
  CONFLICT_ATTEMPTS,
  fabricTransport,
  isReadConflict,
  validationName,
  type LedgerCallOptions,
  type LedgerTransport,
  type SubmitResult,
} from './sdk/ledger-transport.js';
export * from './sdk/gateway-api.js';
export {
  ADMIN_SIGNATURE_HEADERS,
  adminSigningText,
  signAdminRequest,
  type AdminIdentity,
} from './sdk/admin-signature.js';
export * from './sdk/receipt-verify.js';
export { newComplaintReceipt, receiptHashOf, type ComplaintReceipt } from './sdk/complaint-receipt.js';
export {
  verifyAnchorBlock,
  consenterConfigIndex,
  type AnchorBlock,
  type AnchorOnLedger,
  type LedgerTrust,
} from './sdk/ledger-proof.js';
export { collectEvidence, RECEIPTS_LIMIT, type EvidenceOptions } from './sdk/evidence.js';
export {
  checkDatasetFile,
  digestDatasetFile,
  readDatasetFile,
  CsvRecordCounter,
  type DatasetFileDigest,
  type HeldDatasetFile,
} from './sdk/dataset-file.js';
export * from './dataset-format/index.js';
export { CompactMerkleTree } from './audit/compact-merkle-tree.js';
export {
  FINGERPRINT_SECRET_BYTES,
  MAX_TRACE_READINGS,
  binomialTail,
  carriesFingerprint,
  fingerprintCommitment,
  grantFingerprintKey,
  markDate,
  markValue,
  readMark,
  readMarks,
  readingsFor,
  scoreKey,
  type MarkReading,
  type MarkScore,
} from './fingerprint/fingerprint.js';
export {
  SUSPECT_FORMATS,
  suspectCells,
  guessFormat,
  type SuspectFormat,
} from './fingerprint/suspect-file.js';
export { verifyTraceEvidence, type TraceEvidence } from './fingerprint/trace-evidence.js';
