/**
 * The business-terms timeline regulators read (L16, Z34): every version of an application, agreement,
 * grant, enterprise or dataset as the ledger's key history holds it (query:GetHistory), turned into named
 * steps (submitted → formal review → owner reviews → re-review → agreement drafted and signed → grant →
 * suspensions …), each with the transaction id, its time and the org that made it.
 *
 * The history is of what the channel holds: an object's shell (chaincode/src/lib/sealed.ts). Its confidential
 * part — terms, items, quotas, reasons — lives in the bodies' collections, which keep no history; the
 * regulator reads its current value with the object itself.
 */

import type { HistoryEntry } from '@rdx/chaincode';

/** One version of a ledger object, as query:GetHistory returns it. */
export type { HistoryEntry };

export type TimelineObject = 'application' | 'agreement' | 'grant' | 'enterprise' | 'dataset';

export interface TimelineEvent {
  time: string;
  txId: string;
  /** The org whose identity made the change (an enterprise's own actions arrive through the gateway's). */
  org: string | null;
  role: string | null;
  object: { type: TimelineObject; id: string };
  /** A stable name such as `grant.suspended`; the console translates it. */
  kind: string;
  /** The object's state after the change, where it has one. */
  state: string | null;
  detail: Record<string, unknown>;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function o(v: unknown): Obj {
  return isObj(v) ? v : {};
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function defined(detail: Obj): Obj {
  return Object.fromEntries(
    Object.entries(detail).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
}

type Step = [kind: string, detail: Obj];

function applicationSteps(prev: Obj | undefined, cur: Obj): Step[] {
  if (!prev)
    return [
      ['application.submitted', { enterprise: cur.creditCode, bodies: cur.bodies, revision: cur.revision }],
    ];
  const steps: Step[] = [];
  if (typeof cur.revision === 'number' && typeof prev.revision === 'number' && cur.revision > prev.revision)
    steps.push(['application.resubmitted', { enterprise: cur.creditCode, revision: cur.revision }]);
  if (cur.formalReview && !same(prev.formalReview, cur.formalReview)) {
    const f = o(cur.formalReview);
    steps.push(['application.formal_review', { decision: f.decision, reason: f.reason }]);
  }
  const before = o(prev.ownerReviews);
  for (const [body, raw] of Object.entries(o(cur.ownerReviews))) {
    const r = o(raw);
    const was = isObj(before[body]) ? before[body] : undefined;
    if (!was || was.decision !== r.decision || was.at !== r.at)
      steps.push(['application.owner_review', { body, decision: r.decision, reason: r.reason }]);
    if (r.dispute && !same(was?.dispute, r.dispute))
      steps.push(['application.disputed', { body, reason: o(r.dispute).reason }]);
    if (r.coordination && !same(was?.coordination, r.coordination))
      steps.push(['application.coordinated', { body, outcome: o(r.coordination).outcome }]);
  }
  if (cur.reReview && !same(prev.reReview, cur.reReview)) {
    const r = o(cur.reReview);
    steps.push(['application.re_review', { decision: r.decision, reason: r.reason }]);
  }
  return steps;
}

function agreementSteps(prev: Obj | undefined, cur: Obj): Step[] {
  if (!prev) {
    return [
      [
        'agreement.drafted',
        {
          application: cur.applicationId,
          enterprise: cur.creditCode,
          body: cur.body,
          datasets: cur.datasetIds,
          validUntil: cur.validUntil,
          termsHash: cur.termsHash,
        },
      ],
    ];
  }
  const steps: Step[] = [];
  if (cur.bodySignature && !prev.bodySignature)
    steps.push(['agreement.signed_by_body', { body: o(cur.bodySignature).mspId }]);
  if (cur.enterpriseSigned && !prev.enterpriseSigned)
    steps.push(['agreement.signed_by_enterprise', { enterprise: cur.creditCode }]);
  if (cur.state === 'IN_FORCE' && prev.state !== 'IN_FORCE')
    steps.push(['agreement.in_force', { grants: cur.grants, productDeadline: cur.productDeadline }]);
  if (cur.pendingRenewal && !same(prev.pendingRenewal, cur.pendingRenewal))
    steps.push(['agreement.renewal_proposed', { validUntil: o(cur.pendingRenewal).validUntil }]);
  const renewals = Array.isArray(cur.renewals) ? cur.renewals : [];
  if (renewals.length > (Array.isArray(prev.renewals) ? prev.renewals.length : 0))
    steps.push(['agreement.renewed', { validUntil: o(renewals[renewals.length - 1]).validUntil }]);
  if (cur.termination && !prev.termination) {
    const t = o(cur.termination);
    steps.push(['agreement.terminated', { by: t.by, noticeDate: t.noticeDate }]);
  }
  if (cur.product && !prev.product) {
    const p = o(cur.product);
    steps.push(['agreement.product_published', { name: p.name, address: p.address }]);
  }
  if (cur.lastUsageReportAt && cur.lastUsageReportAt !== prev.lastUsageReportAt)
    steps.push(['agreement.usage_reported', { at: cur.lastUsageReportAt }]);
  return steps;
}

const GRANT_KINDS: Record<string, string> = {
  SUSPENDED: 'grant.suspended',
  ACTIVE: 'grant.restored',
  REVOKED: 'grant.withdrawn',
  TERMINATED: 'grant.terminated',
  EXPIRED: 'grant.expired',
};

function grantSteps(prev: Obj | undefined, cur: Obj): Step[] {
  if (!prev)
    return [
      [
        'grant.granted',
        {
          enterprise: cur.creditCode,
          dataset: cur.datasetId,
          agreement: cur.agreementId,
          validFrom: cur.validFrom,
          validUntil: cur.validUntil,
        },
      ],
    ];
  const steps: Step[] = [];
  if (cur.state !== prev.state) {
    const reason = o(cur.reason);
    steps.push([
      GRANT_KINDS[String(cur.state)] ?? 'grant.state_changed',
      { from: prev.state, to: cur.state, reason: reason.code, note: reason.note },
    ]);
  }
  if (cur.validUntil !== prev.validUntil) steps.push(['grant.renewed', { validUntil: cur.validUntil }]);
  return steps;
}

function enterpriseSteps(prev: Obj | undefined, cur: Obj): Step[] {
  const rating = o(cur.rating);
  if (!prev)
    return [['enterprise.onboarded', { name: cur.name, level: rating.level, validUntil: rating.validUntil }]];
  const steps: Step[] = [];
  const was = o(prev.rating);
  if (rating.expired && !was.expired) steps.push(['enterprise.rating_expired', { level: rating.level }]);
  else if (!same(was, rating))
    steps.push([
      'enterprise.rated',
      { level: rating.level, validUntil: rating.validUntil, creditStatus: rating.creditStatus },
    ]);
  if (cur.publicKey !== prev.publicKey) steps.push(['enterprise.key_changed', {}]);
  return steps;
}

function datasetSteps(prev: Obj | undefined, cur: Obj): Step[] {
  if (!prev)
    return [['dataset.registered', { name: cur.name, owner: cur.owner, openAttribute: cur.openAttribute }]];
  const steps: Step[] = [];
  const versions = Array.isArray(cur.versions) ? cur.versions : [];
  if (versions.length > (Array.isArray(prev.versions) ? prev.versions.length : 0)) {
    const v = o(versions[versions.length - 1]);
    steps.push([
      'dataset.version_recorded',
      { version: v.version, contentHash: v.contentHash, rows: v.rowCount },
    ]);
  }
  if (cur.openAttribute !== prev.openAttribute)
    steps.push(['dataset.updated', { openAttribute: cur.openAttribute }]);
  return steps;
}

const STEPS: Record<TimelineObject, (prev: Obj | undefined, cur: Obj) => Step[]> = {
  application: applicationSteps,
  agreement: agreementSteps,
  grant: grantSteps,
  enterprise: enterpriseSteps,
  dataset: datasetSteps,
};

/** Oldest first; GetHistory answers newest first, and versions of one time keep their ledger order. */
export function chronological(history: readonly HistoryEntry[]): HistoryEntry[] {
  return [...history].reverse().sort((a, b) => a.time.localeCompare(b.time));
}

/** The steps one object went through, oldest first. */
export function eventsOf(
  type: TimelineObject,
  id: string,
  history: readonly HistoryEntry[],
): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  let prev: Obj | undefined;
  for (const h of chronological(history)) {
    const base = {
      time: h.time,
      txId: h.txId,
      org: h.by?.mspId ?? null,
      role: h.by?.role ?? null,
      object: { type, id },
    };
    if (h.isDelete || !isObj(h.value)) {
      events.push({ ...base, kind: `${type}.deleted`, state: null, detail: {} });
      prev = undefined;
      continue;
    }
    const cur = h.value;
    let steps = STEPS[type](prev, cur);
    if (steps.length === 0)
      steps = [
        prev && cur.state !== prev.state
          ? [`${type}.state_changed`, { from: prev.state, to: cur.state }]
          : [`${type}.updated`, {}],
      ];
    for (const [kind, detail] of steps)
      events.push({
        ...base,
        kind,
        state: typeof cur.state === 'string' ? cur.state : null,
        detail: defined(detail),
      });
    prev = cur;
  }
  return events;
}

const ORDER: Record<TimelineObject, number> = {
  enterprise: 0,
  dataset: 1,
  application: 2,
  agreement: 3,
  grant: 4,
};

/** Merges the steps of several objects into one timeline: by time, then in business order. */
export function mergeTimelines(lists: readonly TimelineEvent[][]): TimelineEvent[] {
  return lists
    .flat()
    .map((e, i) => ({ e, i }))
    .sort(
      (a, b) =>
        a.e.time.localeCompare(b.e.time) || ORDER[a.e.object.type] - ORDER[b.e.object.type] || a.i - b.i,
    )
    .map(({ e }) => e);
}

/** The latest value in a history (undefined when the object was deleted or has none). */
export function latestValue(history: readonly HistoryEntry[]): Obj | undefined {
  const last = chronological(history).at(-1);
  return last && !last.isDelete && isObj(last.value) ? last.value : undefined;
}
