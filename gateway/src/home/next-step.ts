/**
 * An enterprise's own business as it stands (issue 13): each application and agreement with its state and the
 * next step — who acts next, and by when where the ledger records the day. Words follow SPEC §6: Chinese term,
 * then English.
 */
import type { Agreement, Application, OwnItem } from '@rdx/client';

/** Who acts next (you, the bureau, the bodies, or no one), what, and by when: the SDK's type. */
export type NextStep = OwnItem['next'];

/**
 * Its agreements, for an approved application: those drafted, and the bodies that have not drafted theirs. Without
 * them an approved application said "each opening body drafts its agreement" for as long as it lived, its
 * agreements in force or ended long since (found by a review, 2026-12-07).
 */
export interface ItsAgreements {
  drafted: Parameters<typeof agreementNext>[0][];
  notDraftedBy: string[];
}

export function applicationNext(
  a: Pick<Application, 'state' | 'deadline' | 'ownerReviews' | 'bodies'>,
  agreements: ItsAgreements = { drafted: [], notDraftedBy: a.bodies },
): NextStep {
  const due = a.deadline?.due;
  switch (a.state) {
    case 'FORMAL_REVIEW':
      return { by: 'bureau', what: '规范性审查 the bureau reviews the form', ...(due ? { due } : {}) };
    case 'RETURNED':
      return { by: 'you', what: '补正后重新提交 correct and resubmit (rdx apply --resubmit)' };
    case 'OWNER_REVIEW': {
      const waiting = a.bodies.filter((b) => !a.ownerReviews[b]);
      return {
        by: 'bodies',
        what: `需求审核 the opening bodies review: ${waiting.join(', ') || '—'}`,
        ...(due ? { due } : {}),
      };
    }
    case 'COORDINATION':
      return {
        by: 'bureau',
        what: '协调会议 the bureau coordinates a disputed demand',
        ...(due ? { due } : {}),
      };
    case 'RE_REVIEW':
      return { by: 'bureau', what: '需求复核 the bureau re-reviews', ...(due ? { due } : {}) };
    case 'APPROVED': {
      if (agreements.notDraftedBy.length)
        return {
          by: 'bodies',
          what: `起草协议 the opening bodies draft their agreements: ${agreements.notDraftedBy.join(', ')}`,
        };
      // The first agreement still to be signed says whose turn it is; once all are, each goes its own way.
      const unsigned = agreements.drafted.find((g) => g.state === 'DRAFT');
      if (unsigned) return agreementNext(unsigned);
      return { by: 'none', what: '协议已签署 its agreements are signed: rdx agreements shows each' };
    }
    default:
      return { by: 'none', what: '已结束 closed' };
  }
}

export function agreementNext(
  a: Pick<
    Agreement,
    | 'state'
    | 'bodySignature'
    | 'productDeadline'
    | 'product'
    | 'dataReturnDue'
    | 'termination'
    | 'renewalRequest'
    | 'pendingRenewal'
  >,
): NextStep {
  if (a.state === 'TERMINATED') return { by: 'none', what: '已终止 terminated' };
  if (a.state === 'DRAFT')
    return a.bodySignature
      ? { by: 'you', what: '签署协议 sign it (rdx agreement accept)' }
      : { by: 'bodies', what: '开放主体签署 the opening body signs first' };
  if (a.termination?.effectiveOn)
    return { by: 'none', what: '终止通知 ends by notice', due: a.termination.effectiveOn };
  if (a.pendingRenewal)
    return { by: 'you', what: '接受续期 accept the proposed renewal (rdx agreement accept-renewal)' };
  if (a.renewalRequest) return { by: 'bodies', what: '续期申请 the body answers your renewal request' };
  if (!a.product && a.productDeadline)
    return {
      by: 'you',
      what: '发布数据产品 publish your product (rdx report product)',
      due: a.productDeadline,
    };
  if (a.dataReturnDue)
    return { by: 'you', what: '数据回流 return data (rdx report return)', due: a.dataReturnDue };
  return { by: 'you', what: '按季报告利用情况 report usage every quarter (rdx report usage)' };
}
