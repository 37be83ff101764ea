/**
 * Which notifications a chaincode event makes, and for whom. An event lists every change of one transaction
 * (type, id, state; for applications, agreements, grants and duties the enterprise; for grants and complaints
 * the dataset); who else is concerned — the bodies an application names, the body of an agreement, the owner
 * of a dataset — is read beyond the event.
 *
 * Each notification's id is derived from the transaction, the change and the recipient, so deriving the same
 * event twice (after a restart before its block was marked done) gives the same notifications, stored once.
 */
import crypto from 'node:crypto';
import { NOTIFICATION_KINDS, type GrantState, type Notification, type NotificationKind } from '@rdx/client';
import { BUREAU_MSP, type ApplicationState } from '@rdx/chaincode';
import type { LedgerEvent } from '../ledger/ledger.js';

/**
 * What derivation reads beyond the event: applications, agreements and duties from the ledger (as the gateway's
 * identity may), whose a dataset is from the gateway's view, and who filed a complaint — which the gateway may
 * not read on the ledger (the complainant is in the body's collection), so it is known only for the
 * complaints the gateway itself brought for an enterprise.
 */
export interface NotifyReader {
  application(id: string): Promise<{
    creditCode: string;
    bodies: string[];
    formalReview?: { reason?: string };
    reReview?: { reason?: string };
  }>;
  agreementBody(id: string): Promise<string>;
  duty(id: string): Promise<{ agreementId: string; body?: string }>;
  datasetOwner(datasetId: string): string | undefined;
  complainantOf(complaintId: string): string | undefined;
}

type Change = LedgerEvent['changes'][number];

export const enterpriseParty = (code: string): string => `enterprise:${code}`;
export const bodyParty = (mspId: string): string => `body:${mspId}`;

function notificationId(txId: string, index: number, kind: string, recipient: string): string {
  const digest = crypto.createHash('sha256').update(`${txId}|${index}|${kind}|${recipient}`).digest('hex');
  return `ntf_${digest.slice(0, 32)}`;
}

/** Typed by the grant's states, so a state renamed in the chaincode fails the build here. */
const GRANT_KINDS: Partial<Record<GrantState, NotificationKind>> = {
  SUSPENDED: 'grant.suspended',
  REVOKED: 'grant.withdrawn',
  TERMINATED: 'grant.terminated',
  EXPIRED: 'grant.expired',
};

/** The states in which an application waits for the bureau, and the step it owes there. */
const BUREAU_STEPS: Partial<Record<ApplicationState, string>> = {
  FORMAL_REVIEW: 'formal-review',
  COORDINATION: 'coordination',
  RE_REVIEW: 're-review',
};

/** One change's notifications: [kind, recipient, detail?]. */
type Made = [NotificationKind, string, Record<string, unknown>?][];

async function madeBy(event: LedgerEvent, change: Change, read: NotifyReader): Promise<Made> {
  const enterprise = change.enterprise ? enterpriseParty(change.enterprise) : undefined;
  switch (change.type) {
    case 'application': {
      if (!enterprise) return [];
      if (change.state === 'RETURNED' || change.state === 'REJECTED' || change.state === 'APPROVED') {
        const app = await read.application(change.id);
        const reason = change.state === 'RETURNED' ? app.formalReview?.reason : app.reReview?.reason;
        const kind = `application.${change.state.toLowerCase()}` as NotificationKind;
        return [[kind, enterprise, reason ? { reason } : undefined]];
      }
      // Accepted at the formal review: each body named now owes its review.
      if (change.state === 'OWNER_REVIEW' && event.name === 'FormalReviewed')
        return (await read.application(change.id)).bodies.map((b) => ['demand.received', bodyParty(b)]);
      // The bureau's turn: a new or corrected application, a body's refusal or an enterprise's dispute to
      // coordinate (the escalation), the re-review once every body has answered.
      const step = BUREAU_STEPS[change.state as ApplicationState];
      if (step)
        return [
          [
            'review.awaiting',
            bodyParty(BUREAU_MSP),
            { step, ...(event.name === 'ReviewDisputed' ? { disputed: true } : {}) },
          ],
        ];
      return [];
    }
    case 'agreement': {
      if (!enterprise) return [];
      if (event.name === 'AgreementSigned' && change.state === 'DRAFT')
        return [['agreement.awaiting-signature', enterprise]];
      if (event.name === 'AgreementInForce' && change.state === 'IN_FORCE')
        return [
          ['agreement.in-force', enterprise],
          ['agreement.signed', bodyParty(await read.agreementBody(change.id))],
        ];
      if (event.name === 'AgreementRenewed' && change.state === 'IN_FORCE')
        return [['agreement.renewed', enterprise]];
      if (change.state === 'TERMINATED') return [['agreement.terminated', enterprise]];
      return [];
    }
    case 'grant': {
      if (!enterprise || !change.state) return [];
      // ACTIVE again after a suspension: by the suspender, or by a complaint's outcome (a grant that becomes
      // ACTIVE when its agreement enters into force is announced by the agreement).
      const restored =
        change.state === 'ACTIVE' && (event.name === 'GrantRestored' || event.name === 'ComplaintResolved');
      const kind = GRANT_KINDS[change.state as GrantState] ?? (restored ? 'grant.restored' : undefined);
      return kind ? [[kind, enterprise]] : [];
    }
    case 'enterprise': {
      if (event.name === 'EnterpriseRated') return [['rating.changed', enterpriseParty(change.id)]];
      if (event.name === 'RatingExpired') return [['rating.expired', enterpriseParty(change.id)]];
      return [];
    }
    case 'complaint': {
      // Opened by a filing, or by a security-incident report (one per grant of the agreement).
      const opened = event.name === 'ComplaintFiled' || event.name === 'SecurityIssueReported';
      const owner = change.dataset ? read.datasetOwner(change.dataset) : undefined;
      if (change.state === 'OPEN' && opened && owner) return [['complaint.filed', bodyParty(owner)]];
      const filer =
        change.state === 'RESOLVED' && event.name === 'ComplaintResolved'
          ? read.complainantOf(change.id)
          : undefined;
      return filer ? [['complaint.resolved', filer]] : [];
    }
    case 'duty': {
      const kind =
        change.state === 'security-issue'
          ? 'security-issue.reported'
          : change.state === 'usage-report'
            ? 'usage-report.received'
            : undefined;
      if (!kind) return [];
      const duty = await read.duty(change.id);
      return [[kind, bodyParty(duty.body ?? (await read.agreementBody(duty.agreementId)))]];
    }
    default:
      return [];
  }
}

/**
 * The notifications of one event, in the order of its changes. A change whose reads fail for good (`skip` says
 * which errors are so, and is told of them) makes none; any other failure is thrown, so the event is derived
 * again once the ledger answers.
 */
export async function notificationsOf(
  event: LedgerEvent,
  read: NotifyReader,
  skip: (change: Change, err: unknown) => boolean = () => false,
): Promise<Notification[]> {
  const out: Notification[] = [];
  const at = event.time ?? new Date().toISOString();
  for (const [index, change] of event.changes.entries()) {
    let made: Made;
    try {
      made = await madeBy(event, change, read);
    } catch (err) {
      if (skip(change, err)) continue;
      throw err;
    }
    for (const [kind, recipient, detail] of made)
      out.push({
        id: notificationId(event.txId, index, kind, recipient),
        kind,
        title: NOTIFICATION_KINDS[kind][1],
        recipient,
        subject: { type: change.type, id: change.id, ...(change.state ? { state: change.state } : {}) },
        txId: event.txId,
        block: event.blockNumber,
        at,
        ...(detail ? { detail } : {}),
      });
  }
  return out;
}
