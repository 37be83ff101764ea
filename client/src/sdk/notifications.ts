/**
 * Notifications (issue 13): what the gateway tells each party about the ledger's changes that concern it — in
 * its inbox (`GET /v1/inbox`, `rdx inbox`) and by webhooks it registers. This module has no imports but
 * node:crypto, so integrators' receivers and the gateway share the kinds and the signature check.
 *
 * Webhook requests are signed as Standard Webhooks does: headers `webhook-id` (the notification id, the same on
 * every retry: de-duplicate on it), `webhook-timestamp` (Unix seconds) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` under the endpoint's secret `whsec_<base64>`).
 */
import crypto from 'node:crypto';

/** Each kind, who receives it, and what it says (zh-CN first). */
export const NOTIFICATION_KINDS = {
  'application.returned': ['enterprise', '需求申请被退回补正 application returned for correction'],
  'application.rejected': ['enterprise', '需求申请未通过 application rejected'],
  'application.approved': ['enterprise', '需求申请已通过 application approved'],
  'agreement.awaiting-signature': [
    'enterprise',
    '协议待签署 agreement signed by the body, waiting for yours',
  ],
  'agreement.in-force': ['enterprise', '协议生效 agreement in force'],
  'agreement.renewed': ['enterprise', '协议已续期 agreement renewed'],
  'agreement.terminated': ['enterprise', '协议已终止 agreement terminated'],
  'grant.suspended': ['enterprise', '授权已中止 grant suspended'],
  'grant.restored': ['enterprise', '授权已恢复 grant restored'],
  'grant.withdrawn': ['enterprise', '授权已撤回 grant withdrawn'],
  'grant.terminated': ['enterprise', '授权已终止 grant terminated'],
  'grant.expired': ['enterprise', '授权已到期 grant expired'],
  'rating.changed': ['enterprise', '评级已变更 rating changed'],
  'rating.expired': ['enterprise', '评级已过期 rating expired'],
  'complaint.resolved': ['enterprise', '投诉已处理 your complaint was resolved'],
  'grant.expiring': ['enterprise', '授权即将到期 a grant ends within 30 (then 7) days'],
  'rating.expiring': ['enterprise', '评级即将到期 your rating ends within 30 (then 7) days'],
  'duty.due-soon': [
    'enterprise',
    '义务即将到期 a duty under your agreement (product, data return, usage report) falls due soon',
  ],
  'review.due-soon': ['body', '审核即将到期 a review you owe falls due within a few working days'],
  'review.awaiting': [
    'body',
    '待大数据局审核 an application awaits the bureau: formal review, coordination or re-review',
  ],
  overdue: ['any', '事项逾期 something you owe is overdue'],
  'demand.received': ['body', '收到数据需求 a demand for your data awaits your review'],
  'complaint.filed': ['body', '收到投诉举报 a complaint about your data'],
  'security-issue.reported': ['body', '收到安全问题报告 a security issue reported on your agreement'],
  'usage-report.received': ['body', '收到利用情况报告 a usage report on your agreement'],
  'agreement.signed': ['body', '企业已签署协议 the enterprise signed; the agreement is in force'],
  'misuse.signal': [
    'body',
    '风险预警 a grant on your data is used unusually; a strong signal proposes a suspension for you to decide',
  ],
} as const;

export type NotificationKind = keyof typeof NOTIFICATION_KINDS;
/** Who receives a kind: enterprises (and natural persons), opening bodies (and the bureau's staff), or either. */
export type NotificationParty = 'enterprise' | 'body';

/** One notification, as the inbox lists it and a webhook receives it. */
export interface Notification {
  /** Stable across retries and restarts: a receiver de-duplicates on it. */
  id: string;
  kind: NotificationKind;
  /** What it says, zh-CN then English (the kind's text in NOTIFICATION_KINDS). */
  title: string;
  /** Whose it is: `enterprise:<credit code>` or `body:<MSP id>`. */
  recipient: string;
  /** The ledger object the change is about, and its state after it. */
  subject: { type: string; id: string; state?: string };
  /** The transaction and block that made the change (none for what time alone made due), and the time. */
  txId?: string;
  block?: number;
  at: string;
  /** What the party needs to act, e.g. the reason of a return. */
  detail?: Record<string, unknown>;
  /** When the party marked it read (inbox only). */
  readAt?: string;
}

/** The kinds a party receives. */
export function kindsFor(party: NotificationParty): NotificationKind[] {
  return (Object.keys(NOTIFICATION_KINDS) as NotificationKind[]).filter((k) =>
    [party, 'any'].includes(NOTIFICATION_KINDS[k][0]),
  );
}

function secretKey(secret: string): Buffer {
  if (!secret.startsWith('whsec_')) throw new Error('a webhook secret starts with whsec_');
  return Buffer.from(secret.slice('whsec_'.length), 'base64');
}

/** The `webhook-signature` header of `body` (Standard Webhooks, v1). */
export function webhookSignature(secret: string, id: string, timestamp: number, body: string): string {
  const mac = crypto
    .createHmac('sha256', secretKey(secret))
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/**
 * Checks a webhook request as a receiver must: the signature under the endpoint's secret, and a timestamp
 * within `toleranceSeconds` of now (a replayed old request is refused). Returns the notification.
 * @throws Error saying what is wrong
 */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  toleranceSeconds = 300,
  now: number = Date.now(),
): Notification {
  const one = (name: string): string => {
    const v = headers[name];
    const s = Array.isArray(v) ? v[0] : v;
    if (!s) throw new Error(`the webhook has no ${name} header`);
    return s;
  };
  const id = one('webhook-id');
  const timestamp = Number(one('webhook-timestamp'));
  if (!Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > toleranceSeconds)
    throw new Error('the webhook timestamp is not within the tolerance');
  const expected = Buffer.from(webhookSignature(secret, id, timestamp, body));
  // The header may carry several space-separated signatures (during a secret rotation): one must match.
  const matches = one('webhook-signature')
    .split(' ')
    .some((sig) => {
      const got = Buffer.from(sig);
      return got.length === expected.length && crypto.timingSafeEqual(got, expected);
    });
  if (!matches) throw new Error('the webhook signature does not verify');
  const notification = JSON.parse(body) as Notification;
  if (notification.id !== id) throw new Error('the webhook-id header is not the notification id');
  return notification;
}
