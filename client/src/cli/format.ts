/**
 * How ledger objects read for people: a few labelled lines each, with the Chinese terms of SPEC §6.
 */
import type { LedgerWrite } from '../sdk/gateway-api.js';
import type { Committed } from '../sdk/ledger-api.js';
import type { CommandResult } from './command.js';
import type {
  Agreement,
  Application,
  Complaint,
  CreditFacts,
  Dataset,
  Enterprise,
  Grant,
  TransactionInfo,
} from '../sdk/types.js';
import { fields } from './output.js';
import { decisionLabel, stateLabel, TERMS } from './terms.js';

/** The JSON of a committed change: the transaction and the object under `name`. */
export function committedData<T>(name: string, c: Committed<T>): Record<string, unknown> {
  return { txId: c.txId, blockNumber: c.blockNumber, [name]: c.value };
}

/**
 * What a command answers for an action the gateway brought to the ledger: the transaction and the object under
 * `name` as data; `lines`, then the transaction, for people.
 */
export function relayedResult<T>(name: string, w: LedgerWrite<T>, lines: string[]): CommandResult {
  return {
    data: { txId: w.txId, blockNumber: w.blockNumber, [name]: w.data },
    lines: [...lines, txLine({ txId: w.txId, blockNumber: w.blockNumber })],
  };
}

/** `交易 transaction <id> · 区块 block <n>`. */
export function txLine(c: { txId: string; blockNumber?: number }): string {
  return `  ${TERMS.transaction} ${c.txId}${c.blockNumber !== undefined ? ` · 区块 block ${c.blockNumber}` : ''}`;
}

/** An enterprise and its rating. */
export function enterpriseLines(e: Enterprise): string[] {
  return fields([
    ...((e.nature === 'natural-person'
      ? [
          [TERMS.person, e.name],
          [TERMS.personCode, e.creditCode],
        ]
      : [
          [TERMS.enterprise, e.name],
          [TERMS.creditCode, e.creditCode],
        ]) as [string, string][]),
    [
      TERMS.rating,
      `${e.rating.level}${e.rating.expired ? ' (已过期 expired)' : ''}, valid until ${e.rating.validUntil}`,
    ],
    [TERMS.mlps, `level ${e.rating.mlpsLevel}, filing ${e.rating.mlpsFiling}`],
    ['信用 credit status', e.rating.creditStatus],
    ...(e.violations?.length
      ? ([
          [
            '违规终止 terminated for violations (Z39)',
            e.violations.map((v) => `${v.grantId} (${v.body}, ${v.at.slice(0, 10)})`).join('; '),
          ],
        ] as [string, string][])
      : []),
  ]).map((l) => `  ${l}`);
}

/** A dataset and its versions. */
export function datasetLines(d: Dataset): string[] {
  const last = d.versions[d.versions.length - 1];
  return fields([
    [TERMS.dataset, `${d.id} — ${d.name}`],
    ['开放属性 open attribute', d.openAttribute],
    [TERMS.body, d.owner],
    [TERMS.item, d.items.map((i) => `${i.name}${i.personal ? '*' : ''}`).join(', ')],
    [
      TERMS.version,
      last ? `${last.version} (${last.rowCount} rows, sha256 ${last.contentHash.slice(0, 16)}…)` : '—',
    ],
  ]).map((l) => `  ${l}`);
}

/** An application and where it stands. */
export function applicationLines(a: Application): string[] {
  const reviews = Object.values(a.ownerReviews)
    .map(
      (r) =>
        `${r.by} ${decisionLabel(r.decision)}${r.coordination ? ` → ${TERMS.coordination} ${decisionLabel(r.coordination.outcome)}` : ''}`,
    )
    .join('; ');
  return fields([
    [TERMS.application, `${a.id} (revision ${a.revision})`],
    [TERMS.enterprise, a.creditCode],
    ['状态 state', stateLabel(a.state)],
    [TERMS.demands, a.demands.map((d) => `${d.datasetId}[${d.items.join(',')}]@${d.body}`).join('; ')],
    [TERMS.ownerReview, reviews],
    [
      '期限 deadline',
      a.deadline ? `${a.deadline.step} by ${a.deadline.due} (${a.deadline.rule})` : undefined,
    ],
    [
      '审核期限 owner reviews due',
      a.ownerReviewDue
        ? Object.entries(a.ownerReviewDue)
            .map(([body, due]) => `${body} ${due}`)
            .join(', ')
        : undefined,
    ],
  ]).map((l) => `  ${l}`);
}

/**
 * An agreement, its terms' hash and signatures. Every term is shown (the duties too): a party signs the hash of
 * all of them, so what it reads before signing must be all of them.
 */
export function agreementLines(a: Agreement): string[] {
  const t = a.terms;
  return fields([
    [TERMS.agreement, a.id],
    ['状态 state', stateLabel(a.state)],
    ['申请 application', t.applicationId],
    [TERMS.enterprise, t.creditCode],
    [TERMS.body, t.body],
    [TERMS.dataset, t.datasets.map((d) => `${d.datasetId}[${d.items.join(',')}]`).join('; ')],
    ['用途 purpose', `${t.serviceName} (${t.platform}): ${t.purpose}`],
    ['有效期 validity', `${t.validFrom} – ${t.validUntil}`],
    ['日配额 daily quota', t.dailyQuota],
    ['等保级别 MLPS level', t.mlpsLevel],
    ['产品期限 product within', `${t.productDeadlineMonths} 个月 months of entry into force`],
    ['使用报告 usage report', `every ${t.usageReportIntervalDays} 天 days`],
    [
      '数据回流 data return',
      t.dataReturn
        ? t.returnIntervalDays === undefined
          ? 'yes, at least every quarter (default)'
          : `yes, every ${t.returnIntervalDays} 天 days`
        : 'no',
    ],
    [
      '约束 obligations',
      [
        t.noRedistribution ? '不得转让 no redistribution' : '',
        t.citationRequired ? '注明来源 cite the source' : '',
      ]
        .filter(Boolean)
        .join(' · '),
    ],
    ['条款哈希 termsHash', a.termsHash],
    [
      TERMS.signature,
      `${TERMS.body} ${a.bodySignature ? '✓' : '—'} · ${TERMS.enterprise} ${a.enterpriseSignature ? '✓' : '—'}`,
    ],
    [TERMS.grant, a.grants.join(', ')],
    ['续期 pending renewal', a.pendingRenewal ? `to ${a.pendingRenewal.validUntil}` : undefined],
    ['续签申请 renewal asked', a.renewalRequest ? `to ${a.renewalRequest.validUntil}` : undefined],
    ['通知期 notice period', t.noticeDays === undefined ? undefined : `${t.noticeDays} 天 days`],
    ['上线期 launch period', t.launchDays === undefined ? undefined : `${t.launchDays} 天 days`],
    ['统计维度 statistics', t.statisticsDimensions?.join('、') || undefined],
    ['回流清单 data to return', t.returnList?.join('、') || undefined],
    [
      '终止 termination',
      a.termination
        ? `${a.termination.by}, notice ${a.termination.noticeDate}${a.termination.effectiveOn ? `, effective ${a.termination.effectiveOn}` : ''}`
        : undefined,
    ],
  ]).map((l) => `  ${l}`);
}

/** A grant and its state. */
export function grantLines(g: Grant): string[] {
  return fields([
    [TERMS.grant, g.id],
    ['状态 state', `${stateLabel(g.state)}${g.reason ? ` (${g.reason.code}: ${g.reason.note})` : ''}`],
    [TERMS.enterprise, g.creditCode],
    [TERMS.dataset, `${g.datasetId} [${g.items.join(', ')}]`],
    ['有效期 validity', `${g.validFrom} – ${g.validUntil}`],
    ['日配额 daily quota', g.dailyQuota],
  ]).map((l) => `  ${l}`);
}

/** What a command that moved a grant answers: the grant's new state, the grant, and the transaction. */
export function grantChanged(c: Committed<Grant>): CommandResult {
  return {
    data: committedData('grant', c),
    lines: [`${TERMS.grant} ${c.value.id} → ${stateLabel(c.value.state)}`, ...grantLines(c.value), txLine(c)],
  };
}

/** A complaint. */
export function complaintLines(c: Complaint): string[] {
  return fields([
    [c.kind === 'opinion' ? TERMS.opinion : TERMS.complaint, c.id],
    ['状态 state', stateLabel(c.state)],
    ['类别 category', c.category],
    ['来源 filed through', c.filedThrough],
    [TERMS.dataset, c.datasetId],
    [TERMS.grant, c.grantId ?? (c.suspendedGrants ? '整个数据集 the whole dataset' : undefined)],
    ['已中止 suspended', c.suspendedGrants ? String(c.suspendedGrants) : undefined],
    ['事实 facts', c.facts],
    ['期限 deadline', `${c.deadline.due} (${c.deadline.rule})`],
    ['结果 outcome', c.outcome ? `${decisionLabel(c.outcome.decision)}: ${c.outcome.note}` : undefined],
    [
      '告知 notified',
      c.notification ? `${c.notification.channel} on ${c.notification.notifiedOn}` : undefined,
    ],
  ]).map((l) => `  ${l}`);
}

/** The facts a credit grade rests on (L24). */
export function creditBasisLines(b: Omit<CreditFacts, 'ids' | 'creditCode' | 'period'>): string[] {
  return fields([
    ['期间 period', `${b.from} – ${b.to}`],
    ['违规终止 violations', b.violations],
    ['投诉成立 upheld complaints', b.upheldComplaints],
    ['未履行义务 missed duties', b.missedDuties],
    ['按期报告 timely reports', b.timelyReports],
    ['依据事实 grade the facts support', `${b.proposedGrade} (${b.rule})`],
  ]).map((l) => `  ${l}`);
}

/** A committed transaction as qscc tells it. */
export function transactionLines(t: TransactionInfo): string[] {
  return fields([
    [TERMS.transaction, t.txId],
    ['时间 time', t.time],
    ['调用 function', t.function],
    ['提交者 creator', `${t.creator.mspId} (${t.creator.subject})`],
    [TERMS.endorsers, t.endorsers.join(', ')],
    ['校验 validation', `${t.validation} (${t.validationCode})`],
  ]).map((l) => `  ${l}`);
}
