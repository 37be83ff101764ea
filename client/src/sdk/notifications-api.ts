/**
 * A party's notifications through the gateway (issue 13): its inbox and its webhooks. The same calls for an
 * enterprise (its session's Bearer token, under /v1) and an opening body (requests signed with the Fabric
 * identity of its admin or a reviewer, under /v1/admin): only how a request is authenticated differs.
 */
import type { Notification, NotificationKind } from './notifications.js';

/** Sends one authenticated request to the party's routes; `path` is relative to the party's prefix. */
export type PartyRequest = <T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options?: { query?: Record<string, string | number | undefined>; body?: unknown },
) => Promise<{ status: number; body: T }>;

export interface InboxPage {
  data: Notification[];
  /** Pass as `after` for the next page (and to follow new ones). */
  next: number;
  /** Whether another page follows already (ask again with `after: next`). */
  more: boolean;
  /** The party's notifications not marked read, in all. */
  unread: number;
}

export interface Webhook {
  id: string;
  recipient: string;
  url: string;
  kinds: NotificationKind[];
  createdAt: string;
}

export interface WebhookDelivery {
  notificationId: string;
  webhookId: string;
  kind: string;
  state: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAt?: string;
  lastResult?: string;
  updatedAt: string;
}

export class PartyNotifications {
  constructor(private readonly request: PartyRequest) {}

  /** Notifications after the cursor `after` (0: from the first), oldest first. @throws RdxSdkError */
  async inbox(options: { after?: number; limit?: number; unread?: boolean } = {}): Promise<InboxPage> {
    const query = { after: options.after, limit: options.limit, unread: options.unread ? 'true' : undefined };
    return (await this.request<InboxPage>('GET', '/inbox', { query })).body;
  }

  /** Marks notifications read; returns how many were not read before. @throws RdxSdkError */
  async markRead(ids: string[]): Promise<number> {
    return (await this.request<{ marked: number }>('POST', '/inbox/read', { body: { ids } })).body.marked;
  }

  async webhooks(): Promise<Webhook[]> {
    return (await this.request<{ data: Webhook[] }>('GET', '/webhooks')).body.data;
  }

  /**
   * Registers a webhook for `kinds` (none: every kind of the party). The answer holds its secret, shown this
   * once: keep it to verify deliveries (verifyWebhook).
   * @throws GatewayProblemError BAD_REQUEST for an address that is not HTTPS (or HTTP to loopback), or a kind
   *   that is not the party's
   */
  async addWebhook(input: {
    url: string;
    kinds?: NotificationKind[];
  }): Promise<Webhook & { secret: string }> {
    return (await this.request<Webhook & { secret: string }>('POST', '/webhooks', { body: input })).body;
  }

  /** @throws GatewayProblemError NOT_FOUND for a webhook that is not the party's */
  async removeWebhook(id: string): Promise<void> {
    await this.request('DELETE', `/webhooks/${encodeURIComponent(id)}`);
  }

  /** Sends a signed test notification at once; whether the receiver answered 2xx, and what it answered. */
  async testWebhook(id: string): Promise<{ delivered: boolean; result: string; id: string }> {
    return (
      await this.request<{ delivered: boolean; result: string; id: string }>(
        'POST',
        `/webhooks/${encodeURIComponent(id)}/test`,
      )
    ).body;
  }

  async deliveries(id: string): Promise<WebhookDelivery[]> {
    return (
      await this.request<{ data: WebhookDelivery[] }>('GET', `/webhooks/${encodeURIComponent(id)}/deliveries`)
    ).body.data;
  }
}
