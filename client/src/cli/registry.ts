/**
 * Every command of the CLI, one handler file each, by role: commands/bureau, body, enterprise, regulator,
 * and shared (used by several roles, the identity deciding how). Adding a command is adding a file and a line.
 */
import type { CommandSpec } from './command.js';
import bureauApplicationCoordinate from './commands/bureau/application-coordinate.js';
import bureauApplicationFormalReview from './commands/bureau/application-formal-review.js';
import bureauApplicationReReview from './commands/bureau/application-re-review.js';
import bureauCalendarSet from './commands/bureau/calendar-set.js';
import bureauCalendarShow from './commands/bureau/calendar-show.js';
import bureauCreditPropose from './commands/bureau/credit-propose.js';
import bureauCreditPublish from './commands/bureau/credit-publish.js';
import bureauEnterpriseExpireRating from './commands/bureau/enterprise-expire-rating.js';
import bureauEnterpriseOnboard from './commands/bureau/enterprise-onboard.js';
import { personCodeCommand, personKey } from './commands/bureau/person.js';
import bureauEnterpriseRate from './commands/bureau/enterprise-rate.js';
import bureauOverdue from './commands/bureau/overdue.js';
import { approveRenewal, declineRenewal } from './commands/body/agreement-answer-renewal.js';
import bodyAgreementDraft from './commands/body/agreement-draft.js';
import bodyAgreementProposeRenewal from './commands/body/agreement-propose-renewal.js';
import bodyAgreementSign from './commands/body/agreement-sign.js';
import bodyApplicationReview from './commands/body/application-review.js';
import bodyComplaintFile from './commands/body/complaint-file.js';
import bodyComplaintNotify from './commands/body/complaint-notify.js';
import bodyComplaintResolve from './commands/body/complaint-resolve.js';
import {
  decideAttribute,
  narrowAttribute,
  reviewCatalogue,
  reviewListing,
} from './commands/body/dataset-attribute.js';
import bodyDatasetLoad from './commands/body/dataset-load.js';
import bodyReconciliation from './commands/body/reconciliation.js';
import bodyGrantUsage from './commands/body/grant-usage.js';
import bodyHome from './commands/body/home.js';
import regulatorMisuseSignals from './commands/regulator/misuse-signals.js';
import sharedTrace from './commands/shared/trace.js';
import bodyDatasetFingerprint from './commands/body/dataset-fingerprint.js';
import {
  consoleAccountAdd,
  consoleAccountList,
  consoleAccountRemove,
} from './commands/body/console-accounts.js';
import bodyDatasetRegister from './commands/body/dataset-register.js';
import bodyGrantWithdraw from './commands/body/grant-withdraw.js';
import { setReviewBatches, showReviewBatches } from './commands/body/review-batches.js';
import enterpriseAccessLog from './commands/enterprise/access-log.js';
import enterpriseAggregate from './commands/enterprise/aggregate.js';
import enterpriseAgreementAcceptRenewal from './commands/enterprise/agreement-accept-renewal.js';
import enterpriseAgreementAccept from './commands/enterprise/agreement-accept.js';
import enterpriseAgreementRequestRenewal from './commands/enterprise/agreement-request-renewal.js';
import enterpriseApplicationDispute from './commands/enterprise/application-dispute.js';
import enterpriseApply from './commands/enterprise/apply.js';
import enterpriseCatalog from './commands/enterprise/catalog.js';
import enterpriseComplaintSubmit from './commands/enterprise/complaint-submit.js';
import sharedDownload from './commands/shared/download.js';
import enterpriseGrants from './commands/enterprise/grants.js';
import enterpriseLogin from './commands/enterprise/login.js';
import enterpriseLogout from './commands/enterprise/logout.js';
import enterpriseReceipt from './commands/enterprise/receipt.js';
import enterpriseRecords from './commands/enterprise/records.js';
import enterpriseReportProduct from './commands/enterprise/report-product.js';
import enterpriseReportReturn from './commands/enterprise/report-return.js';
import enterpriseReportSecurity from './commands/enterprise/report-security.js';
import enterpriseReportUsage from './commands/enterprise/report-usage.js';
import regulatorAnchors from './commands/regulator/anchors.js';
import regulatorEndorsers from './commands/regulator/endorsers.js';
import regulatorEvidence from './commands/regulator/evidence.js';
import regulatorHistory from './commands/regulator/history.js';
import sharedAgreementShow from './commands/shared/agreement-show.js';
import sharedComplaintStatus from './commands/shared/complaint-status.js';
import sharedComplaintSuspend from './commands/shared/complaint-suspend.js';
import sharedComplaints from './commands/shared/complaints.js';
import sharedAgreementTerminate from './commands/shared/agreement-terminate.js';
import sharedApplicationShow from './commands/shared/application-show.js';
import sharedDatasetShow from './commands/shared/dataset-show.js';
import sharedEnterpriseShow from './commands/shared/enterprise-show.js';
import sharedGrantShow from './commands/shared/grant-show.js';
import sharedGrantSuspend from './commands/shared/grant-suspend.js';
import sharedGrantRectify from './commands/shared/grant-rectify.js';
import sharedPerformance from './commands/shared/performance.js';
import sharedProducts from './commands/shared/products.js';
import sharedReports from './commands/shared/reports.js';
import sharedGrantRestore from './commands/shared/grant-restore.js';
import sharedGrantTerminate from './commands/shared/grant-terminate.js';
import sharedIdentities from './commands/shared/identities.js';
import sharedKeygen from './commands/shared/keygen.js';
import sharedInbox from './commands/shared/inbox.js';
import { ownAgreements, ownDuties, ownApplications } from './commands/enterprise/own-business.js';
import {
  webhooksAdd,
  webhooksDeliveries,
  webhooksList,
  webhooksRemove,
  webhooksTest,
} from './commands/shared/webhooks.js';
import { creditCodeCheck, creditCodeExample } from './commands/shared/credit-code.js';
import sharedVerify from './commands/shared/verify.js';

/** Descriptions of the command groups (the first words of multi-word commands). */
export const GROUPS: Record<string, string> = {
  enterprise: '利用主体 enterprises',
  application: '需求申请 applications',
  calendar: '工作日历 working-day calendar',
  'review-batches': '审核批次 quarterly owner-review batches of a body (L11(3))',
  credit: '信用评价 credit evaluations',
  dataset: '数据集 datasets',
  catalogue: '开放目录 the catalogue (yearly review, Z10)',
  agreement: '开放利用协议 agreements',
  grant: '授权 grants',
  complaint: '投诉举报 complaints',
  report: '义务 duties of the enterprise',
  'console-account': "控制台账号 a body's console logins, one per person",
  'credit-code': '统一社会信用代码 credit codes',
  person: '自然人 natural persons who apply',
  webhooks: '回调地址 webhooks (notifications delivered, signed, to an address of yours)',
};

/** All commands, in the order the help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  bureauApplicationCoordinate,
  bureauApplicationFormalReview,
  bureauApplicationReReview,
  bureauCalendarSet,
  bureauCalendarShow,
  bureauCreditPropose,
  bureauCreditPublish,
  bureauEnterpriseExpireRating,
  bureauEnterpriseOnboard,
  personKey,
  personCodeCommand,
  bureauEnterpriseRate,
  bureauOverdue,
  approveRenewal,
  declineRenewal,
  bodyAgreementDraft,
  bodyAgreementProposeRenewal,
  bodyAgreementSign,
  bodyApplicationReview,
  bodyComplaintFile,
  bodyComplaintNotify,
  bodyComplaintResolve,
  reviewListing,
  narrowAttribute,
  decideAttribute,
  reviewCatalogue,
  bodyDatasetLoad,
  bodyReconciliation,
  bodyGrantUsage,
  bodyHome,
  consoleAccountAdd,
  consoleAccountList,
  consoleAccountRemove,
  bodyDatasetRegister,
  bodyGrantWithdraw,
  setReviewBatches,
  showReviewBatches,
  enterpriseAccessLog,
  enterpriseAggregate,
  enterpriseAgreementAcceptRenewal,
  enterpriseAgreementAccept,
  enterpriseAgreementRequestRenewal,
  enterpriseApplicationDispute,
  enterpriseApply,
  enterpriseCatalog,
  enterpriseComplaintSubmit,
  sharedDownload,
  enterpriseGrants,
  enterpriseLogin,
  enterpriseLogout,
  enterpriseReceipt,
  enterpriseRecords,
  enterpriseReportProduct,
  enterpriseReportReturn,
  enterpriseReportSecurity,
  enterpriseReportUsage,
  regulatorAnchors,
  regulatorEndorsers,
  regulatorEvidence,
  regulatorHistory,
  regulatorMisuseSignals,
  sharedTrace,
  bodyDatasetFingerprint,
  sharedAgreementShow,
  sharedComplaintStatus,
  sharedComplaintSuspend,
  sharedComplaints,
  sharedAgreementTerminate,
  sharedApplicationShow,
  sharedDatasetShow,
  sharedEnterpriseShow,
  sharedGrantShow,
  sharedGrantSuspend,
  sharedGrantRectify,
  sharedPerformance,
  sharedProducts,
  sharedReports,
  sharedGrantRestore,
  sharedGrantTerminate,
  sharedIdentities,
  sharedKeygen,
  sharedInbox,
  ownApplications,
  ownAgreements,
  ownDuties,
  webhooksAdd,
  webhooksList,
  webhooksRemove,
  webhooksTest,
  webhooksDeliveries,
  sharedVerify,
  creditCodeCheck,
  creditCodeExample,
];
