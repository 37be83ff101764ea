/**
 * Each party's inbox and webhooks (routes/inbox.ts) as OpenAPI 3.1 paths, spread into the gateway's document
 * (openapi.ts). The same operations twice: for enterprises under /v1 with a Bearer token, for opening bodies
 * under /v1/admin signed with the Fabric identity of their admin or a reviewer.
 */
import { NOTIFICATION_KINDS } from '@rdx/client';

const problem = { $ref: '#/components/responses/Problem' };
const ok = (schema: Record<string, unknown>, description = 'OK'): Record<string, unknown> => ({
  description,
  content: { 'application/json': { schema } },
});
const str = { type: 'string' };
const int = { type: 'integer' };
const kind = { type: 'string', enum: Object.keys(NOTIFICATION_KINDS) };

const NOTIFICATION = {
  type: 'object',
  required: ['id', 'kind', 'title', 'recipient', 'subject', 'at'],
  properties: {
    id: { ...str, description: 'the same on every delivery of it: de-duplicate on it' },
    kind,
    title: { ...str, description: 'what it says, zh-CN then English' },
    recipient: { ...str, description: 'enterprise:<credit code> or body:<MSP id>' },
    subject: {
      type: 'object',
      required: ['type', 'id'],
      properties: { type: str, id: str, state: str },
    },
    txId: { ...str, description: 'the transaction that made the change (none for what time made due)' },
    block: int,
    at: str,
    detail: { type: 'object' },
    readAt: str,
  },
};
const WEBHOOK = {
  type: 'object',
  required: ['id', 'recipient', 'url', 'kinds', 'createdAt'],
  properties: { id: str, recipient: str, url: str, kinds: { type: 'array', items: kind }, createdAt: str },
};
const DELIVERY = {
  type: 'object',
  required: ['notificationId', 'webhookId', 'kind', 'state', 'attempts', 'updatedAt'],
  properties: {
    notificationId: str,
    webhookId: str,
    kind: str,
    state: { type: 'string', enum: ['pending', 'delivered', 'dead'] },
    attempts: int,
    nextAt: str,
    lastResult: str,
    updatedAt: str,
  },
};
const jsonBody = (schema: Record<string, unknown>): Record<string, unknown> => ({
  required: true,
  content: { 'application/json': { schema } },
});
const idParam = { name: 'id', in: 'path', required: true, schema: str };
const denied = { '401': problem, '403': problem };

/**
 * The operations of one party, under `prefix` (`/v1` or `/v1/admin`), with its security (`readSecurity` for the
 * inbox, which a body's console accounts read too).
 */
function partyPaths(
  prefix: string,
  security: Record<string, unknown>[],
  who: string,
  readSecurity = security,
): Record<string, unknown> {
  return {
    [`${prefix}/inbox`]: {
      get: {
        summary: `${who}: its notifications after a cursor, oldest first (issue 13)`,
        security: readSecurity,
        parameters: [
          {
            name: 'after',
            in: 'query',
            schema: int,
            description: 'the `next` of the previous page (0: from the first)',
          },
          { name: 'limit', in: 'query', schema: int },
          { name: 'unread', in: 'query', schema: { type: 'string', enum: ['true', 'false'] } },
        ],
        responses: {
          '200': ok({
            type: 'object',
            required: ['data', 'next', 'more', 'unread'],
            properties: {
              data: { type: 'array', items: NOTIFICATION },
              next: int,
              more: { type: 'boolean', description: 'another page follows now: ask again with `after=next`' },
              unread: int,
            },
          }),
          '400': problem,
          ...denied,
          '404': problem,
        },
      },
    },
    [`${prefix}/inbox/read`]: {
      post: {
        summary: `${who}: marks its notifications read`,
        security: readSecurity,
        requestBody: jsonBody({
          type: 'object',
          required: ['ids'],
          properties: { ids: { type: 'array', items: str } },
          additionalProperties: false,
        }),
        responses: {
          '200': ok({ type: 'object', required: ['marked'], properties: { marked: int } }),
          '400': problem,
          ...denied,
          '404': problem,
          '415': problem,
        },
      },
    },
    [`${prefix}/webhooks`]: {
      get: {
        summary: `${who}: its webhooks (without their secrets)`,
        security,
        responses: {
          '200': ok({
            type: 'object',
            required: ['data'],
            properties: { data: { type: 'array', items: WEBHOOK } },
          }),
          ...denied,
          '404': problem,
        },
      },
      post: {
        summary: `${who}: registers a webhook (HTTPS, or HTTP to loopback) for some kinds (none: all); the secret is in this answer only`,
        security,
        requestBody: jsonBody({
          type: 'object',
          required: ['url'],
          properties: { url: str, kinds: { type: 'array', items: kind } },
          additionalProperties: false,
        }),
        responses: {
          '201': ok(
            {
              ...WEBHOOK,
              required: [...WEBHOOK.required, 'secret'],
              properties: { ...WEBHOOK.properties, secret: str },
            },
            'Registered',
          ),
          '400': problem,
          ...denied,
          '404': problem,
          '415': problem,
        },
      },
    },
    [`${prefix}/webhooks/{id}`]: {
      delete: {
        summary: `${who}: removes one of its webhooks, and what it was still owed`,
        security,
        parameters: [idParam],
        responses: { '204': { description: 'Removed' }, ...denied, '404': problem },
      },
    },
    [`${prefix}/webhooks/{id}/test`]: {
      post: {
        summary: `${who}: sends a signed test notification (kind webhook.test) to one of its webhooks at once`,
        security,
        parameters: [idParam],
        responses: {
          '200': ok({
            type: 'object',
            required: ['delivered', 'result', 'id'],
            properties: { delivered: { type: 'boolean' }, result: str, id: str },
          }),
          '400': problem,
          ...denied,
          '404': problem,
        },
      },
    },
    [`${prefix}/webhooks/{id}/deliveries`]: {
      get: {
        summary: `${who}: the delivery log of one of its webhooks, newest first`,
        security,
        parameters: [idParam],
        responses: {
          '200': ok({
            type: 'object',
            required: ['data'],
            properties: { data: { type: 'array', items: DELIVERY } },
          }),
          ...denied,
          '404': problem,
        },
      },
    },
  };
}

export const NOTIFICATION_PATHS = {
  ...partyPaths('/v1', [{ bearerAuth: [] }], 'Enterprise'),
  ...partyPaths('/v1/admin', [{ fabricAdminSignature: [] }], 'Opening body', [
    { fabricAdminSignature: [] },
    { bearerAuth: [] },
  ]),
};
