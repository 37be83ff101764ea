/**
 * Each party's notifications (issue 13): its inbox, and the webhooks it registers for them. An enterprise comes
 * with its Bearer token (`/v1/inbox`, `/v1/webhooks`); an opening body signs with the Fabric identity of its
 * admin or a reviewer (`/v1/admin/inbox`, `/v1/admin/webhooks`: the same answers), and reads and marks its inbox
 * with a console account's token too. A party only ever sees its
 * own: another party's notification, webhook or delivery log is answered as not there.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import express, { type Request, type RequestHandler, type Router } from 'express';
import { kindsFor, type NotificationKind, type NotificationParty } from '@rdx/client';
import { authenticateWithinRate, tokenAroundBody } from '../http/authenticate.js';
import { apiRouter, booleanParam, intParam, jsonBody, onlyFields } from '../http/routing.js';
import { onlyDocumentedParams } from '../http/documented-query.js';
import { bodyReader, staffBeforeBody, staffSigner } from '../http/staff-signature.js';
import { bodyParty, enterpriseParty } from '../notify/derive.js';
import type { NotificationStore } from '../notify/notification-store.js';
import { addressProblem, LOOPBACK_OFF, PUBLIC_ONLY, type WebhookReach } from '../notify/webhook-address.js';
import { post, webhookRequest } from '../notify/webhook-dispatcher.js';
import { isWellFormedText } from '../lib/well-formed-text.js';
import { Problem } from '../problem.js';
import type { Services } from '../services.js';

/** Largest inbox page. */
const MAX_PAGE = 200;
/** Tests of its webhooks one party may have on their way at once. */
export const TESTS_AT_ONCE = 2;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A webhook address: HTTPS, or plain HTTP to this machine where the operator allows it (for trials and tests); an
 * address written as a private IP is refused here already (a name is checked on every delivery,
 * notify/webhook-address.ts).
 */
export function webhookUrlProblem(raw: unknown, reach: WebhookReach): string | undefined {
  if (typeof raw !== 'string' || raw.length > 2048) return 'url must be a URL of at most 2048 characters';
  // URL parsing would keep it as %EF%BF%BD and the store as U+FFFD: the webhook registered would not be the one given.
  if (!isWellFormedText(raw)) return 'url must be well-formed Unicode text: it holds a lone surrogate';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url is not a URL';
  }
  if (url.username || url.password) return 'url must not carry a user or password';
  if (url.protocol === 'https:') {
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    return net.isIP(literal) ? addressProblem(literal, 'https:', reach) : undefined;
  }
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname))
    return reach.loopback ? undefined : LOOPBACK_OFF;
  return 'url must be https:// (plain http:// only to 127.0.0.1, localhost or [::1])';
}

interface Party {
  recipient: string;
  kind: NotificationParty;
}

export function inboxRoutes(s: Services): Router {
  const r = apiRouter();
  const reach = s.config.webhookReach ?? PUBLIC_ONLY;
  const store = (): NotificationStore => {
    if (!s.notifications)
      throw new Problem(
        'NOT_FOUND',
        'This gateway keeps no notifications (RDX_NOTIFICATIONS=off): ask the bureau which one does.',
      );
    return s.notifications;
  };

  const enterprise = (req: Request): Party => ({
    recipient: enterpriseParty(authenticateWithinRate(req, s)),
    kind: 'enterprise',
  });
  /** A body's staff, from its signed request over exactly the body received (what express.raw read, if any). */
  const body = async (req: Request, received?: unknown): Promise<Party> => {
    const signer = await staffSigner(s, req, Buffer.isBuffer(received) ? received : undefined);
    return { recipient: bodyParty(signer.mspId), kind: 'body' };
  };
  /** A body's staff or console account, for its inbox. */
  const bodyInbox = async (req: Request, received?: unknown): Promise<Party> => {
    const reader = await bodyReader(s, req, Buffer.isBuffer(received) ? received : undefined);
    return { recipient: bodyParty(reader.mspId), kind: 'body' };
  };
  /** A body's JSON request: read raw (its hash is what was signed), then parsed. */
  const rawJson = express.raw({ type: () => true, limit: '16kb' });
  const parsed = (req: Request): Record<string, unknown> => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (raw.length === 0) return {};
    try {
      const value = JSON.parse(raw.toString('utf8')) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value))
        return value as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new Problem('BAD_REQUEST', 'The body must be a JSON object.');
  };

  const listInbox = (p: Party, req: Request) => {
    onlyDocumentedParams(req);
    const after = intParam(req.query.after, 'after', 0, 0, Number.MAX_SAFE_INTEGER, 'BAD_REQUEST');
    const limit = intParam(req.query.limit, 'limit', 50, 1, MAX_PAGE, 'BAD_REQUEST');
    const unread = booleanParam(req.query.unread, 'unread', false, 'BAD_REQUEST');
    const page = store().inbox(p.recipient, { after, limit, unread });
    return { data: page.items, next: page.next, more: page.more, unread: page.unread };
  };
  const markRead = (p: Party, input: Record<string, unknown>) => {
    onlyFields(input, ['ids'], 'marking notifications read');
    const ids = input.ids;
    if (
      !Array.isArray(ids) ||
      ids.length === 0 ||
      ids.length > MAX_PAGE ||
      !ids.every((i) => typeof i === 'string')
    )
      throw new Problem('BAD_REQUEST', `ids must be a list of 1 to ${MAX_PAGE} notification ids.`);
    return { marked: store().markRead(p.recipient, ids) };
  };
  const addWebhook = (p: Party, input: Record<string, unknown>) => {
    // A misspelt "kinds" would otherwise subscribe the webhook to every kind.
    onlyFields(input, ['url', 'kinds'], 'a webhook');
    const problem = webhookUrlProblem(input.url, reach);
    if (problem) throw new Problem('BAD_REQUEST', problem);
    const allowed = kindsFor(p.kind);
    const kinds = input.kinds ?? [];
    if (
      !Array.isArray(kinds) ||
      !kinds.every((k) => typeof k === 'string' && (allowed as string[]).includes(k))
    )
      throw new Problem('BAD_REQUEST', `kinds must be a list of: ${allowed.join(', ')} (none: all of them).`);
    try {
      return store().addWebhook(p.recipient, input.url as string, kinds as NotificationKind[]);
    } catch (err) {
      if (err instanceof RangeError) throw new Problem('BAD_REQUEST', err.message);
      throw err;
    }
  };
  const own = (p: Party, id: string) => {
    const hook = store().webhook(p.recipient, id);
    if (!hook) throw new Problem('NOT_FOUND', `You have no webhook ${id.slice(0, 64)}.`);
    return hook;
  };
  /** Tests on their way, by party: a receiver that never answers holds each for the attempt's 10 s. */
  const testing = new Map<string, number>();
  const testWebhook = async (p: Party, id: string) => {
    const hook = own(p, id);
    const under = testing.get(p.recipient) ?? 0;
    if (under >= TESTS_AT_ONCE)
      throw new Problem(
        'RATE_LIMITED',
        `${TESTS_AT_ONCE} tests of your webhooks are on their way already: wait for their answers.`,
        {},
        { 'Retry-After': '10' },
      );
    testing.set(p.recipient, under + 1);
    try {
      return await sendTest(p.recipient, hook);
    } finally {
      const left = (testing.get(p.recipient) ?? 1) - 1;
      if (left > 0) testing.set(p.recipient, left);
      else testing.delete(p.recipient);
    }
  };
  const sendTest = async (recipient: string, hook: { url: string; secret: string }) => {
    const note = {
      id: `test_${crypto.randomBytes(8).toString('hex')}`,
      kind: 'webhook.test',
      recipient,
      at: new Date().toISOString(),
    };
    const answer = await post(
      hook.url,
      webhookRequest({ notificationId: note.id, secret: hook.secret, body: JSON.stringify(note) }),
      10_000,
      reach,
    );
    return { delivered: answer.ok, result: answer.result, id: note.id };
  };

  /**
   * The same routes through two doors: an enterprise's with its Bearer token and JSON body, a body's signed
   * over the exact bytes it sends (read raw, then parsed).
   */
  const enterpriseReads = tokenAroundBody(s.tokens, jsonBody('16kb'));
  const doors: {
    prefix: string;
    /** What reads the body of a route of the reader's (`inbox`) or of the party's (`webhooks`). */
    reads: (route: 'inbox' | 'webhooks') => RequestHandler[];
    /** Who may configure webhooks. */
    party: (req: Request) => Party | Promise<Party>;
    /** Who may read and mark the inbox. */
    reader: (req: Request) => Party | Promise<Party>;
    input: (req: Request) => Record<string, unknown>;
  }[] = [
    {
      prefix: '/v1',
      reads: () => enterpriseReads,
      party: enterprise,
      reader: enterprise,
      input: (req) => (req.body ?? {}) as Record<string, unknown>,
    },
    {
      prefix: '/v1/admin',
      // The inbox takes a console account's token too; webhooks only its staff's signature.
      reads: (route) => [staffBeforeBody(s, route === 'inbox'), rawJson],
      party: (req) => body(req, req.body),
      reader: (req) => bodyInbox(req, req.body),
      input: parsed,
    },
  ];
  for (const { prefix, reads, party, reader, input } of doors) {
    r.get(`${prefix}/inbox`, async (req, res) => void res.json(listInbox(await reader(req), req)));
    r.post(
      `${prefix}/inbox/read`,
      ...reads('inbox'),
      async (req, res) => void res.json(markRead(await reader(req), input(req))),
    );
    r.get(`${prefix}/webhooks`, async (req, res) => {
      const p = await party(req);
      onlyDocumentedParams(req);
      res.json({ data: store().webhooks(p.recipient) });
    });
    r.post(
      `${prefix}/webhooks`,
      ...reads('webhooks'),
      async (req, res) => void res.status(201).json(addWebhook(await party(req), input(req))),
    );
    r.delete(`${prefix}/webhooks/:id`, async (req, res) => {
      const p = await party(req);
      own(p, String(req.params.id));
      store().removeWebhook(p.recipient, String(req.params.id));
      res.status(204).end();
    });
    r.post(
      `${prefix}/webhooks/:id/test`,
      ...reads('webhooks'),
      async (req, res) => void res.json(await testWebhook(await party(req), String(req.params.id))),
    );
    r.get(`${prefix}/webhooks/:id/deliveries`, async (req, res) => {
      const p = await party(req);
      onlyDocumentedParams(req);
      own(p, String(req.params.id));
      res.json({ data: store().deliveries(p.recipient, String(req.params.id)) });
    });
  }
  return r;
}
