/**
 * The words of SPEC §6: messages for people show the Chinese term followed by the English identifier, so a
 * reader who knows either finds their way (`授权 grant … 中止 suspended`). JSON output keeps the English only.
 */

/** Chinese term and English identifier of each concept the CLI talks about. */
export const TERMS = {
  bureau: '市大数据局 bureau',
  body: '开放主体 opening body',
  enterprise: '利用主体 enterprise',
  regulator: '监管 regulator',
  creditCode: '统一社会信用代码 credit code',
  person: '自然人 natural person',
  personCode: '个人编码 person code',
  rating: '评级 rating',
  mlps: '等保 MLPS',
  dataset: '数据集 dataset',
  item: '数据项 data item',
  version: '版本 version',
  application: '需求申请 application',
  demands: '需求清单 demand list',
  formalReview: '规范性审查 formal review',
  ownerReview: '需求审核 owner review',
  reReview: '需求复核 re-review',
  coordination: '协调会议 coordination',
  agreement: '开放利用协议 agreement',
  grant: '授权 grant',
  complaint: '投诉举报 complaint',
  opinion: '意见建议 opinion',
  usageReport: '利用情况报告 usage report',
  dataReturn: '数据回流 data return',
  product: '数据产品发布 product publication',
  securityIssue: '安全问题报告 security issue',
  creditEvaluation: '信用评价 credit evaluation',
  recipients: '名单信息 recipients list',
  calendar: '工作日历 working-day calendar',
  overdue: '逾期事项 overdue items',
  interfaceCall: '接口调用 interface call',
  computedResults: '算法模型获取结果数据 computed results',
  auditTrail: '审计追踪 audit trail',
  accessLog: '访问日志 access log',
  receipt: '审计回执 audit receipt',
  anchor: '上链锚定 anchor',
  evidence: '证据包 evidence package',
  traceEvidence: '溯源证据包 trace evidence package',
  history: '历史 history',
  endorsers: '背书 endorsers',
  transaction: '交易 transaction',
  signature: '签名 signature',
} as const;

const STATES: Record<string, string> = {
  // grants
  ACTIVE: '有效 active',
  SUSPENDED: '中止 suspended',
  REVOKED: '撤回 withdrawn',
  TERMINATED: '终止 terminated',
  EXPIRED: '过期 expired',
  // applications
  FORMAL_REVIEW: '规范性审查中 in formal review',
  RETURNED: '退回补正 returned for correction',
  OWNER_REVIEW: '需求审核中 in owner review',
  COORDINATION: '协调中 in coordination',
  RE_REVIEW: '需求复核中 in re-review',
  APPROVED: '已通过 approved',
  REJECTED: '未通过 rejected',
  // agreements
  DRAFT: '草案 draft',
  IN_FORCE: '生效 in force',
  // complaints
  OPEN: '处理中 open',
  RESOLVED: '已办结 resolved',
};

/** A state for people: `SUSPENDED` → `中止 suspended`. Unknown states are shown as they are. */
export function stateLabel(state: string | undefined): string {
  if (state === undefined) return '—';
  return STATES[state] ?? state;
}

const DECISIONS: Record<string, string> = {
  accept: '受理 accepted',
  return: '退回补正 returned',
  approve: '通过 approved',
  reject: '不予通过 rejected',
  escalate: '提请协调 escalated',
  approved: '通过 approved',
  rejected: '不予通过 rejected',
  withdraw: '撤回 withdraw',
  restore: '恢复开放 restore',
  reopen: '处理后再开放 reopen',
  dismiss: '不予支持 dismiss',
  upheld: '已处理 upheld',
};

/** A review decision or complaint outcome for people. */
export function decisionLabel(decision: string): string {
  return DECISIONS[decision] ?? decision;
}
