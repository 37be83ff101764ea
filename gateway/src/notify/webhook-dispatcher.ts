/**
 * Delivers what the notification store owes to webhooks: at least once, signed (Standard Webhooks), with
 * retries at growing intervals, and a dead-letter state after the last attempt. Everything it needs is in the
 * store, so a gateway killed in the middle sends, after its restart, every delivery not yet acknowledged with a
 * 2xx — possibly one a receiver already got, under the same `webhook-id`.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { webhookSignature } from '@rdx/client';
import { addressProblem, guardedLookup, PUBLIC_ONLY, type WebhookReach } from './webhook-address.js';
import type { DueDelivery, NotificationStore } from './notification-store.js';

export interface DispatcherOptions {
  /** Attempts in all before a delivery is dead (RDX_WEBHOOK_MAX_ATTEMPTS, default 8). */
  maxAttempts: number;
  /** Wait after the first failure; each next one waits twice as long, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long one attempt may take before it counts as failed. */
  timeoutMs: number;
  /** How often the store is asked for what is due. */
  pollMs: number;
  /** Where besides public HTTPS addresses (none by default): the operator's settings (webhook-address.ts). */
  reach?: WebhookReach;
}

export const DISPATCHER_DEFAULTS: DispatcherOptions = {
  maxAttempts: 8,
  baseDelayMs: 2_000,
  maxDelayMs: 3_600_000,
  timeoutMs: 10_000,
  pollMs: 250,
};

/** The wait before attempt `attempts + 1`, after `attempts` failures (with jitter, so receivers are not hit in step). */
export function backoffMs(
  attempts: number,
  o: Pick<DispatcherOptions, 'baseDelayMs' | 'maxDelayMs'>,
  random = Math.random,
): number {
  const full = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(full * (0.5 + random() / 2));
}

/** The request a delivery makes: its headers sign the exact body. */
export function webhookRequest(
  d: Pick<DueDelivery, 'notificationId' | 'secret' | 'body'>,
  now = Date.now(),
): {
  headers: Record<string, string>;
  body: string;
} {
  const timestamp = Math.floor(now / 1000);
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'rdx-gateway-webhooks/1',
      'webhook-id': d.notificationId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': webhookSignature(d.secret, d.notificationId, timestamp, d.body),
    },
    body: d.body,
  };
}

/**
 * Sends one request; the answer as the delivery log keeps it. Only to an address `addressProblem` allows, checked
 * on the address connected to (webhook-address.ts); a redirect is an answer like any other, never followed: it
 * would send the signed body to an address nobody registered.
 */
export function post(
  url: string,
  request: { headers: Record<string, string>; body: string },
  timeoutMs: number,
  reach: WebhookReach,
  signal?: AbortSignal,
): Promise<{ ok: boolean; result: string }> {
  const target = new URL(url);
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  const refused = net.isIP(literal) ? addressProblem(literal, target.protocol, reach) : undefined;
  if (refused) return Promise.resolve({ ok: false, result: refused });
  const send = target.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve) => {
    // Settled once, by whichever comes first: the status line, an error, the connection's end, or the deadline.
    // A receiver may answer in ways that raise none of the others: a `101 Switching Protocols` makes Node drop the
    // socket without an event (no 'upgrade' listener), and a round of deliveries waited for that answer for good.
    let settled = false;
    const stopped = (): void => finish(false, 'stopped');
    const finish = (ok: boolean, result: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      signal?.removeEventListener('abort', stopped);
      // The body of the answer is never read: the status line is the whole answer. A receiver that trickles an
      // endless body held the connection (and the gateway's memory and CPU reading it) open for as long as it liked.
      req.destroy();
      resolve({ ok, result });
    };
    const req = send(
      target,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        lookup: guardedLookup(target.protocol, reach),
        // A fresh connection each time: a kept-alive socket would skip the address check of the lookup.
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        finish(status >= 200 && status < 300, `HTTP ${status}`);
      },
    );
    const deadline = setTimeout(() => finish(false, `no answer in ${timeoutMs} ms`), timeoutMs);
    // A gateway stopping ends the attempts on their way at once: the rest of a 10 s deadline held its stop past
    // the supervisor's grace, which then killed it.
    if (signal?.aborted) finish(false, 'stopped');
    else signal?.addEventListener('abort', stopped, { once: true });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      finish(false, 'HTTP 101');
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      finish(false, err.code === 'EADDRNOTALLOWED' ? err.message : (err.code ?? err.message)),
    );
    req.on('close', () => finish(false, 'closed without an answer'));
    req.end(request.body);
  });
}

/** Deliveries on their way at once, at most: a slow receiver's wait is its own, up to this many. */
export const MAX_IN_FLIGHT = 64;
/** Deliveries to one webhook on their way at once, at most (a party has ten webhooks at most). */
export const IN_FLIGHT_PER_WEBHOOK = 2;

export class WebhookDispatcher {
  private timer?: NodeJS.Timeout;
  /** The deliveries on their way (by notification and webhook), which a stop ends and waits for. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Aborted by a stop: the attempts on their way end at once, unrecorded. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly store: NotificationStore,
    private readonly options: DispatcherOptions = DISPATCHER_DEFAULTS,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /**
   * Asks the store every `pollMs` for what is due. A round does not wait for the attempts it started: each ends
   * within `timeoutMs`, and one receiver that takes all of it no longer holds back the deliveries that fall due
   * meanwhile to everyone else.
   */
  start(): void {
    const tick = (): void => {
      this.deliverDue().catch((err: unknown) => this.log(`webhook deliveries: ${String(err)}`));
      if (this.timer !== undefined) this.timer = setTimeout(tick, this.options.pollMs);
    };
    this.timer = setTimeout(tick, 0);
  }

  /**
   * Stops asking for what is due and ends the attempts on their way. Those are not recorded: each stays due, and
   * the next start sends it again (at least once; a receiver that had it already sees the same `webhook-id`).
   */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    await Promise.allSettled(this.inFlight.values());
  }

  /**
   * Attempts the deliveries due now that are not already on their way, as many as {@link MAX_IN_FLIGHT} leaves
   * room for; resolves when those attempts have ended.
   */
  async deliverDue(now = Date.now()): Promise<void> {
    const room = MAX_IN_FLIGHT - this.inFlight.size;
    if (room <= 0) return;
    // The store lists each webhook's first two due, those on their way among them (still pending until their
    // answer): asked for as many more as are on their way, so that what is left is new.
    const due = this.store
      .due(now, Math.min(32, room) + this.inFlight.size, IN_FLIGHT_PER_WEBHOOK)
      .filter((d) => !this.inFlight.has(`${d.notificationId}|${d.webhookId}`))
      .slice(0, room);
    await Promise.all(due.map((d) => this.deliver(d)));
  }

  /** Attempts `d`, on its way until the attempt is recorded. */
  private deliver(d: DueDelivery): Promise<void> {
    const key = `${d.notificationId}|${d.webhookId}`;
    const attempt = this.attempt(d).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, attempt);
    return attempt;
  }

  private async attempt(d: DueDelivery): Promise<void> {
    const answer = await post(
      d.url,
      webhookRequest(d),
      this.options.timeoutMs,
      this.options.reach ?? PUBLIC_ONLY,
      this.stopping.signal,
    );
    if (this.stopping.signal.aborted && answer.result === 'stopped') return;
    const attempts = d.attempts + 1;
    if (answer.ok) {
      this.store.attempted(d, { delivered: true, lastResult: answer.result });
      return;
    }
    const dead = attempts >= this.options.maxAttempts;
    this.store.attempted(d, {
      delivered: false,
      lastResult: answer.result,
      ...(dead ? {} : { nextAt: Date.now() + backoffMs(attempts, this.options) }),
    });
    if (dead)
      this.log(
        `webhook ${d.webhookId}: ${d.notificationId} dead after ${attempts} attempts (${answer.result})`,
      );
  }
}
