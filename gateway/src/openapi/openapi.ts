/**
 * The API as OpenAPI 3.1. Tests request every operation listed here and check each answer's status and
 * body against it, so this document and the server cannot drift apart.
 */
import { COMPLAINT_CATEGORIES } from '@rdx/client';
import { GRANT_STATS, RECEIPT_ANCHOR, RECONCILIATION_ROW, REGULATOR_PATHS } from './openapi-regulator.js';
import { NOTIFICATION_PATHS } from './openapi-notifications.js';
import { TAGS, indexed } from './operation-index.js';

const problem = { $ref: '#/components/responses/Problem' };
const json = (schema: Record<string, unknown>, description = 'OK'): Record<string, unknown> => ({
  description,
  content: { 'application/json': { schema } },
});
const bearer = [{ bearerAuth: [] }];
const tooFast = { '429': problem };
const oauthError = {
  description: 'RFC 6749 §5.2 error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/OAuthError' } } },
};
const signed = {
  required: true,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/SignedRequest' } } },
};
const dataOf = (schema: Record<string, unknown>): Record<string, unknown> => ({
  type: 'object',
  required: ['data'],
  properties: { data: schema },
});
const ledgerWrite = (summary: string, status: '200' | '201'): Record<string, unknown> => ({
  summary,
  security: bearer,
  requestBody: signed,
  responses: {
    [status]: json({
      type: 'object',
      required: ['data', 'txId'],
      properties: { data: {}, txId: { type: 'string' }, blockNumber: { type: 'integer' } },
    }),
    '400': problem,
    '401': problem,
    '403': problem,
    '404': problem,
    '409': problem,
    '413': problem,
    '415': problem,
    '503': problem,
  },
});
/** An application or agreement of the caller's, with who acts next (home/next-step.ts). */
const OWN_ITEM = {
  type: 'object',
  required: ['id', 'state', 'next'],
  properties: {
    id: { type: 'string' },
    state: { type: 'string' },
    next: {
      type: 'object',
      required: ['by', 'what'],
      properties: {
        by: { type: 'string', enum: ['you', 'bureau', 'bodies', 'none'] },
        what: { type: 'string' },
        due: { type: 'string' },
      },
    },
  },
};
/** A list of the caller's applications or agreements, each with who acts next (home/next-step.ts). */
const ownList = (summary: string): Record<string, unknown> => ({
  summary,
  security: bearer,
  responses: {
    '200': json(dataOf({ type: 'array', items: OWN_ITEM })),
    '401': problem,
    '403': problem,
    '503': problem,
  },
});
const idParam = (name: string): Record<string, unknown> => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
});

/** A complaint as the consoles list it: the ledger's shell, never who complained or what they wrote. */
const COMPLAINT_ROW = {
  type: 'object',
  required: ['id', 'body', 'datasetId', 'state', 'filedAt', 'due', 'overdue', 'suspendedGrants'],
  properties: {
    id: { type: 'string' },
    body: { type: 'string' },
    datasetId: { type: 'string' },
    grantId: { type: ['string', 'null'] },
    enterprise: { type: ['string', 'null'], description: 'the holder of the grant complained about' },
    category: { type: ['string', 'null'], description: 'Z21 (1)–(4), Z35 rights, or security' },
    filedThrough: { type: ['string', 'null'] },
    state: { type: 'string', enum: ['OPEN', 'RESOLVED'] },
    filedAt: { type: 'string', format: 'date-time' },
    due: { type: 'string', format: 'date', description: 'the 10 working days to verify, handle and answer' },
    overdue: { type: 'boolean', description: 'open past its due day' },
    suspendedGrants: { type: 'integer' },
    outcome: { type: ['string', 'null'] },
    complainantTold: { type: ['string', 'null'], format: 'date' },
  },
};

/** A misuse signal (issue 17), as the regulator and the owning body read it. */
const MISUSE_SIGNAL = {
  type: 'object',
  required: ['id', 'kind', 'strength', 'at', 'measure', 'threshold', 'detail'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['volume', 'walk', 'probing', 'denied', 'off-hours', 'new-address'] },
    strength: { type: 'string', enum: ['notice', 'warning', 'strong'] },
    at: { type: 'string', format: 'date-time' },
    measure: { type: 'number' },
    threshold: { type: 'number' },
    detail: { type: 'object' },
    grantId: { type: 'string' },
    enterprise: { type: 'string' },
    datasetId: { type: 'string' },
    body: { type: 'string' },
    proposal: {
      type: 'object',
      description: 'a strong signal: the owning body suspends the grant on the ledger if it agrees',
      required: ['action', 'grantId', 'command'],
      properties: {
        action: { type: 'string', enum: ['suspend'] },
        grantId: { type: 'string' },
        command: { type: 'string' },
      },
    },
  },
};

/** What a body's staff read: signed with a Fabric identity, or with one of the body's console accounts' tokens. */
const STAFF_OR_CONSOLE = [{ fabricAdminSignature: [] }, { bearerAuth: [] }];

const CONSOLE_ACCOUNT = {
  type: 'object',
  required: ['clientId', 'org', 'name', 'createdAt'],
  properties: {
    clientId: { type: 'string' },
    org: { type: 'string' },
    name: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
};

const BODY_HOME = {
  type: 'object',
  required: [
    'body',
    'via',
    'unread',
    'reviews',
    'overdue',
    'datasets',
    'complaints',
    'complaintsMore',
    'signals',
    'reports',
    'grants',
  ],
  properties: {
    body: { type: 'string' },
    via: { type: 'string', enum: ['signature', 'console'] },
    unread: { type: 'integer' },
    reviews: {
      type: 'array',
      items: {
        type: 'object',
        required: ['applicationId', 'step', 'due'],
        properties: {
          applicationId: { type: 'string' },
          step: { type: 'string' },
          due: { type: 'string', format: 'date' },
          workingDaysLeft: { type: 'integer' },
          workingDaysOverdue: { type: 'integer' },
        },
      },
    },
    overdue: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'id', 'step', 'due', 'party'],
        properties: {
          type: { type: 'string' },
          id: { type: 'string' },
          step: { type: 'string' },
          due: { type: 'string' },
          workingDaysOverdue: { type: 'integer' },
          party: { type: 'string' },
        },
      },
    },
    complaints: {
      type: 'array',
      description: 'open complaints about its data, soonest due first (Z21, Z35): the 200 due soonest',
      items: { $ref: '#/components/schemas/ComplaintRow' },
    },
    complaintsMore: { type: 'boolean', description: 'more are open than `complaints` lists' },
    datasets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'openAttribute', 'listing', 'version', 'liveGrants'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          openAttribute: { type: 'string' },
          listing: { type: 'string' },
          version: { type: ['string', 'null'] },
          liveGrants: { type: 'integer' },
        },
      },
    },
    signals: {
      type: 'array',
      description: 'the latest 20 misuse signals this gateway raised on its grants, newest first',
      items: { $ref: '#/components/schemas/MisuseSignal' },
    },
    reports: {
      type: 'array',
      description:
        'the latest 20 security-incident reports and data returns under its agreements, newest first',
      items: {
        type: 'object',
        required: ['id', 'kind', 'agreementId', 'creditCode', 'enterprise', 'at'],
        properties: {
          id: { type: 'string' },
          kind: { type: 'string', enum: ['security-issue', 'data-return'] },
          agreementId: { type: 'string' },
          creditCode: { type: 'string' },
          enterprise: { type: ['string', 'null'] },
          at: { type: 'string', format: 'date-time' },
          severity: { type: 'string', enum: ['low', 'medium', 'high', 'critical'] },
        },
      },
    },
    grants: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'creditCode', 'enterprise', 'datasetId', 'state', 'validUntil', 'dailyQuota'],
        properties: {
          id: { type: 'string' },
          creditCode: { type: 'string' },
          enterprise: { type: ['string', 'null'] },
          datasetId: { type: 'string' },
          state: { type: 'string', enum: ['ACTIVE', 'SUSPENDED'] },
          validUntil: { type: 'string', format: 'date' },
          dailyQuota: { type: 'integer' },
        },
      },
    },
  },
};

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'RDX gateway — 丽水市区块链数据开放平台 受限数据交换',
    version: '0.1.0',
    description:
      'Restricted public data by interface calls only, under grants recorded on the ledger. Every data request is audited and anchored.',
    contact: { name: '丽水市大数据发展管理局 (the bureau running the gateways)' },
    license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
  },
  // The gateway npm start runs; a served copy names the gateway that serves it (routes/ops.ts).
  servers: [{ url: 'http://127.0.0.1:3000', description: 'this gateway' }],
  tags: TAGS,
  components: {
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (ES256)' },
      fabricAdminSignature: {
        type: 'apiKey',
        in: 'header',
        name: 'x-rdx-signature',
        description:
          "The organization admin's Fabric identity signs the request: x-rdx-certificate (base64 PEM, issued by a channel organization's CA, with the role the operation names), x-rdx-signed-at (ISO time, within 5 minutes), x-rdx-nonce (hex, once), x-rdx-content-sha256 (the body's SHA-256) and x-rdx-signature (base64 ECDSA-SHA256 over `RDX-ADMIN-1`, the method, the path with its query as sent, the SHA-256, the time and the nonce, one per line). The SDK's signAdminRequest makes them.",
      },
    },
    responses: {
      Problem: {
        description: 'RFC 9457 problem details',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    },
    schemas: {
      MisuseSignal: MISUSE_SIGNAL,
      ComplaintRow: COMPLAINT_ROW,
      OAuthError: {
        type: 'object',
        required: ['error', 'error_description', 'code'],
        properties: {
          error: {
            type: 'string',
            enum: ['invalid_request', 'invalid_client', 'unsupported_grant_type', 'temporarily_unavailable'],
          },
          error_description: { type: 'string' },
          code: { type: 'string', description: 'the platform’s error code (errors/src/codes.ts)' },
        },
      },
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status', 'code', 'detail'],
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          code: { type: 'string' },
          detail: { type: 'string' },
          requestId: { type: 'string', description: 'on data routes: the audit record of this refusal' },
        },
        // RFC 9457 extension members: what a refusal has to say beyond these (e.g. the readiness parts).
        additionalProperties: true,
      },
      SignedRequest: {
        type: 'object',
        required: ['request', 'signature'],
        additionalProperties: false,
        properties: {
          request: {
            type: 'string',
            description:
              "JSON { action, creditCode, nonce, signedAt, body }: no other field, and the body only the action's own (else 400 INVALID_ARGUMENT naming it)",
          },
          signature: {
            type: 'string',
            description: 'ES256 (r‖s) base64url over the canonical JSON of request',
          },
        },
      },
      Grant: {
        type: 'object',
        required: [
          'id',
          'creditCode',
          'datasetId',
          'items',
          'state',
          'validFrom',
          'validUntil',
          'dailyQuota',
        ],
        properties: {
          id: { type: 'string' },
          agreementId: { type: 'string' },
          creditCode: { type: 'string' },
          datasetId: { type: 'string' },
          body: { type: 'string', description: 'the owning body (its MSP id)' },
          purpose: { type: 'string' },
          grantedAt: { type: 'string' },
          reason: {
            type: 'object',
            description: 'why the grant is not active, when it is not',
            properties: { code: { type: 'string' }, note: { type: 'string' }, at: { type: 'string' } },
          },
          items: { type: 'array', items: { type: 'string' } },
          state: { type: 'string', enum: ['ACTIVE', 'SUSPENDED', 'REVOKED', 'TERMINATED', 'EXPIRED'] },
          validFrom: { type: 'string' },
          validUntil: { type: 'string' },
          dailyQuota: { type: 'integer' },
        },
      },
      CatalogEntry: {
        type: 'object',
        required: ['id', 'name', 'owner', 'openAttribute', 'items', 'version', 'rowCount', 'grant'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          description: { type: 'string' },
          owner: { type: 'string' },
          openAttribute: { type: 'string', enum: ['restricted', 'unconditional'] },
          updateFrequency: { type: 'string' },
          items: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'label', 'type'],
              properties: {
                name: { type: 'string' },
                label: { type: 'string' },
                type: { type: 'string' },
                personal: { type: 'boolean' },
              },
            },
          },
          version: { type: ['string', 'null'] },
          rowCount: { type: ['integer', 'null'] },
          grant: {
            type: ['object', 'null'],
            properties: {
              id: { type: 'string' },
              state: { type: 'string' },
              items: { type: 'array', items: { type: 'string' } },
              validUntil: { type: 'string' },
            },
          },
        },
      },
      ReceiptProof: {
        type: 'object',
        required: ['leafIndex', 'treeSize', 'hashes'],
        properties: {
          leafIndex: { type: 'integer' },
          treeSize: { type: 'integer' },
          hashes: { type: 'array', items: { type: 'string' } },
        },
      },
      ReceiptAnchor: RECEIPT_ANCHOR,
      PendingReceipt: {
        type: 'object',
        required: ['status', 'record'],
        properties: {
          status: { type: 'string', enum: ['pending'] },
          record: { $ref: '#/components/schemas/AuditRecord' },
          detail: { type: 'string' },
        },
      },
      AuditRecord: {
        type: 'object',
        required: [
          'seq',
          'time',
          'requestId',
          'gatewayId',
          'method',
          'path',
          'decision',
          'reason',
          'items',
          'rowCount',
          'status',
          'hash',
          'prevHash',
        ],
        properties: {
          seq: { type: 'integer' },
          time: { type: 'string' },
          requestId: { type: 'string' },
          gatewayId: { type: 'string' },
          clientId: { type: 'string' },
          enterprise: { type: 'string' },
          method: { type: 'string' },
          path: { type: 'string' },
          datasetId: { type: 'string' },
          grantId: { type: 'string' },
          decision: { type: 'string', enum: ['allow', 'deny'] },
          reason: { type: 'string' },
          items: { type: 'array', items: { type: 'string' } },
          rowCount: { type: 'integer', description: 'rows served (0 for a HEAD or a denial)' },
          responseHash: { type: 'string', description: 'SHA-256 of the body served' },
          status: { type: 'integer' },
          hash: { type: 'string' },
          prevHash: { type: 'string' },
          query: {
            type: 'string',
            description:
              'The request’s query in canonical JSON (fields, filters, cursor, limit; or the computed result and its ε)',
          },
        },
      },
    },
  },
  paths: indexed({
    '/healthz': {
      get: {
        summary: 'Liveness',
        responses: {
          '200': json({ type: 'object', required: ['status'], properties: { status: { type: 'string' } } }),
          ...tooFast,
        },
      },
    },
    '/readyz': {
      get: {
        summary: 'Readiness: ledger reachable, events followed, anchoring within bound',
        responses: {
          '200': json({
            type: 'object',
            required: ['status', 'ledger'],
            properties: {
              status: { type: 'string' },
              ledger: {
                type: 'object',
                required: ['blockHeight'],
                properties: {
                  channel: { type: 'string' },
                  blockHeight: { type: 'integer' },
                  chaincode: {
                    type: 'object',
                    properties: { name: { type: 'string' }, version: { type: 'string' } },
                  },
                },
              },
              view: {
                type: 'object',
                description:
                  'the event follower: following, last block, and madeFrom — how the view was last made whole (source ledger or snapshot, the block, blocks replayed, ms)',
              },
              audit: {
                type: 'object',
                description:
                  'writing (ok, or failing: commits fail or one is stalled), unanchored records, anchoring behind, integrity',
              },
              database: {
                type: 'object',
                description: 'only where the stores are on PostgreSQL: whether it answered within 5 s',
                properties: { answering: { type: 'boolean' } },
              },
            },
          }),
          ...tooFast,
          '503': problem,
        },
      },
    },
    '/openapi.json': {
      get: {
        summary: 'This document',
        responses: {
          '200': json({
            type: 'object',
            required: ['openapi', 'paths'],
            properties: {
              openapi: { type: 'string' },
              info: { type: 'object' },
              servers: { type: 'array', items: { type: 'object' } },
              tags: { type: 'array', items: { type: 'object' } },
              components: { type: 'object' },
              paths: { type: 'object' },
            },
          }),
          ...tooFast,
        },
      },
    },
    '/oauth/token': {
      post: {
        summary: 'OAuth2 client credentials: client secret (Basic or body) or private_key_jwt',
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                required: ['grant_type'],
                properties: {
                  grant_type: { type: 'string', enum: ['client_credentials'] },
                  client_id: { type: 'string' },
                  client_secret: { type: 'string' },
                  client_assertion_type: { type: 'string' },
                  client_assertion: { type: 'string' },
                },
              },
            },
          },
        },
        responses: {
          '200': json({
            type: 'object',
            required: ['access_token', 'token_type', 'expires_in'],
            properties: {
              access_token: { type: 'string' },
              token_type: { type: 'string' },
              expires_in: { type: 'integer', maximum: 900 },
            },
          }),
          '400': oauthError,
          '401': oauthError,
          '413': oauthError,
          '429': oauthError,
        },
      },
    },
    '/oauth/revoke': {
      post: {
        summary:
          'Token revocation (RFC 7009): the holder of an access token ends it, at every gateway of the platform (the console’s logout); an invalid or expired token is answered alike',
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                required: ['token'],
                properties: { token: { type: 'string' }, token_type_hint: { type: 'string' } },
              },
            },
          },
        },
        responses: {
          '200': json({ type: 'object' }),
          '400': oauthError,
          '413': oauthError,
          '429': oauthError,
        },
      },
    },
    '/.well-known/jwks.json': {
      get: {
        summary: 'Token verification keys',
        responses: {
          '200': json({
            type: 'object',
            required: ['keys'],
            properties: { keys: { type: 'array', items: { type: 'object' } } },
          }),
          ...tooFast,
        },
      },
    },
    '/.well-known/oauth-authorization-server': {
      get: {
        summary:
          'Authorization server metadata (RFC 8414): token endpoint, JWKS, grant types, client authentication',
        responses: {
          '200': json({
            type: 'object',
            required: [
              'issuer',
              'token_endpoint',
              'jwks_uri',
              'grant_types_supported',
              'token_endpoint_auth_methods_supported',
            ],
            properties: {
              issuer: { type: 'string' },
              token_endpoint: { type: 'string' },
              revocation_endpoint: { type: 'string' },
              jwks_uri: { type: 'string' },
              grant_types_supported: { type: 'array', items: { type: 'string' } },
              response_types_supported: { type: 'array', items: { type: 'string' } },
              token_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
              token_endpoint_auth_signing_alg_values_supported: { type: 'array', items: { type: 'string' } },
              service_documentation: { type: 'string' },
            },
          }),
          ...tooFast,
        },
      },
    },
    '/v1/datasets': {
      get: {
        summary: 'The catalog the caller may see, with its grants',
        security: bearer,
        responses: {
          '200': json(dataOf({ type: 'array', items: { $ref: '#/components/schemas/CatalogEntry' } })),
          '401': problem,
          '403': problem,
        },
      },
    },
    '/v1/datasets/{id}/records': {
      get: {
        summary: 'Records by interface call: granted items only, personal items masked, page capped',
        security: bearer,
        parameters: [
          idParam('id'),
          {
            name: 'fields',
            in: 'query',
            schema: { type: 'string', maxLength: 2000 },
            description: 'comma-separated item names (default: every granted item)',
          },
          {
            name: 'filter',
            in: 'query',
            schema: { type: 'string', maxLength: 2000 },
            description: 'item:op:value[,…]; op ∈ eq ne lt le gt ge in prefix',
          },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 } },
          { name: 'cursor', in: 'query', schema: { type: 'string', maxLength: 512 } },
        ],
        responses: {
          '200': json({
            type: 'object',
            required: ['data', 'nextCursor', 'grantId', 'requestId'],
            properties: {
              data: { type: 'array', items: { type: 'object' } },
              nextCursor: { type: ['string', 'null'] },
              grantId: { type: ['string', 'null'] },
              requestId: { type: 'string' },
              datasetVersion: { type: 'string' },
            },
          }),
          '400': problem,
          '401': problem,
          '403': problem,
          '404': problem,
          '409': problem,
          '429': problem,
          '503': problem,
        },
      },
    },
    '/v1/datasets/{id}/aggregate': {
      post: {
        summary:
          'Computed results (Z20(3)): count/sum/avg grouped by granted items; groups under k rows suppressed',
        security: bearer,
        parameters: [idParam('id')],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  groupBy: { type: 'array', items: { type: 'string' } },
                  measures: { type: 'array', items: { type: 'object' } },
                  filter: { type: 'string' },
                },
                additionalProperties: false,
              },
            },
          },
        },
        responses: {
          '200': json({
            type: 'object',
            required: ['data', 'suppressedGroups', 'requestId'],
            properties: {
              data: { type: 'array', items: { type: 'object' } },
              suppressedGroups: {
                type: ['integer', 'null'],
                description: 'groups under k (unconditional data); null on restricted data',
              },
              minGroupSize: { type: 'integer' },
              epsilon: { type: ['number', 'null'], description: 'ε spent (restricted data), null otherwise' },
              privacyBudgetLeft: { type: ['number', 'null'] },
              grantId: { type: ['string', 'null'] },
              requestId: { type: 'string' },
            },
          }),
          '400': problem,
          '401': problem,
          '403': problem,
          '404': problem,
          '409': problem,
          '413': problem,
          '415': problem,
          '429': problem,
          '503': problem,
        },
      },
    },
    '/v1/open/datasets/{id}/download': {
      get: {
        summary: 'Download of an unconditional dataset (CSV); restricted datasets answer 403 (Z20)',
        parameters: [idParam('id')],
        responses: {
          '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } },
          '403': problem,
          '404': problem,
          '409': problem,
          ...tooFast,
        },
      },
    },
    '/v1/admin/home': {
      get: {
        summary:
          "The body's own business in one place: the reviews it owes (due within 30 working days, or overdue), its other overdue duties, the open complaints about its data, its datasets and live grants, its unread notifications (issue 13)",
        security: STAFF_OR_CONSOLE,
        responses: { '200': json(BODY_HOME), '401': problem, '403': problem, '503': problem },
      },
    },
    '/v1/admin/console-accounts': {
      post: {
        summary:
          "Makes a console account for a person of the body's staff: it reads the body's home, inbox, usage and reconciliation; its secret is answered only now",
        security: [{ fabricAdminSignature: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['name'],
                additionalProperties: false,
                properties: {
                  name: {
                    type: 'string',
                    maxLength: 64,
                    description:
                      'whose account it is: some visible characters, no control characters nor direction overrides (U+202A–E)',
                  },
                },
              },
            },
          },
        },
        responses: {
          '201': json({
            type: 'object',
            required: ['clientId', 'secret', 'org', 'name', 'note'],
            properties: {
              clientId: { type: 'string' },
              secret: { type: 'string' },
              org: { type: 'string' },
              name: { type: 'string' },
              note: { type: 'string' },
            },
          }),
          '400': problem,
          '401': problem,
          '403': problem,
        },
      },
      get: {
        summary: "The body's console accounts (never their secrets)",
        security: [{ fabricAdminSignature: [] }],
        responses: {
          '200': json({
            type: 'object',
            required: ['data', 'max'],
            properties: { data: { type: 'array', items: CONSOLE_ACCOUNT }, max: { type: 'integer' } },
          }),
          '401': problem,
          '403': problem,
        },
      },
    },
    '/v1/admin/console-accounts/{id}': {
      delete: {
        summary: 'Removes one of the body’s console accounts; its tokens stop working at once',
        security: [{ fabricAdminSignature: [] }],
        parameters: [idParam('id')],
        responses: { '204': { description: 'Removed' }, '401': problem, '403': problem, '404': problem },
      },
    },
    '/v1/admin/grants/{id}/stats': {
      get: {
        summary:
          "One of the signer's organization's grants: its interface calls allowed and denied per day on this gateway",
        description:
          "Signed by an opening body's admin or reviewer with its Fabric identity, over the SHA-256 of no bytes, or read with a console account's token; another organization's grant answers 404.",
        security: STAFF_OR_CONSOLE,
        parameters: [
          idParam('id'),
          { name: 'days', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 366 } },
        ],
        responses: {
          '200': json(GRANT_STATS),
          '400': problem,
          '401': problem,
          '403': problem,
          '404': problem,
        },
      },
    },
    '/v1/admin/usage-reconciliation': {
      get: {
        summary:
          "The usage reports under the signer's organization's agreements, each beside the calls this gateway served in its period (L7, L21)",
        description:
          "Signed by an opening body's admin or reviewer with its Fabric identity, over the SHA-256 of no bytes, or read with a console account's token; the body sees its own agreements only. The bureau and regulators read every report at GET /v1/regulator/usage-reconciliation.",
        security: STAFF_OR_CONSOLE,
        responses: {
          '200': json({
            type: 'object',
            required: ['gatewayId', 'body', 'data', 'scanned', 'truncated'],
            properties: {
              gatewayId: { type: 'string' },
              body: { type: 'string' },
              data: { type: 'array', items: RECONCILIATION_ROW },
              scanned: { type: 'integer' },
              truncated: { type: 'boolean' },
            },
          }),
          '400': problem,
          '401': problem,
          '403': problem,
          '503': problem,
        },
      },
    },
    '/v1/admin/datasets/{id}/versions/{version}': {
      put: {
        summary: 'Load a dataset version whose SHA-256 the owning body recorded on the ledger',
        description:
          "Signed by the owning body's admin with its Fabric identity; everything is checked from the headers before the body is read.",
        security: [{ fabricAdminSignature: [] }],
        parameters: [idParam('id'), idParam('version')],
        requestBody: {
          required: true,
          content: {
            'text/csv': { schema: { type: 'string' } },
            'application/json': { schema: { type: 'array', items: { type: 'object' } } },
          },
        },
        responses: {
          '200': json({
            type: 'object',
            required: ['dataset', 'version', 'contentHash', 'rowCount'],
            properties: {
              dataset: { type: 'string' },
              version: { type: 'string' },
              contentHash: { type: 'string' },
              rowCount: { type: 'integer' },
            },
          }),
          '400': problem,
          '401': problem,
          '403': problem,
          '404': problem,
          '409': problem,
          '413': problem,
          '429': problem,
        },
      },
    },
    '/v1/applications': {
      get: ownList('The caller’s applications, each with its state and next step (who acts, by when)'),
      post: ledgerWrite('Submit an application (signed SubmitApplication)', '201'),
    },
    '/v1/agreements': {
      get: ownList(
        'The agreements of the caller’s approved applications (NOT_DRAFTED while the body has not drafted one), each with its next step',
      ),
    },
    '/v1/duties': {
      get: {
        summary:
          'What the caller owes under its agreements in force — a product to publish (L21), data to return (L22), the quarterly usage report (L7) — by when, soonest first, late ones `overdue`',
        security: bearer,
        responses: {
          '200': json(
            dataOf({
              type: 'array',
              items: {
                type: 'object',
                required: ['agreementId', 'type', 'step', 'due', 'state', 'next'],
                properties: {
                  agreementId: { type: 'string' },
                  type: { type: 'string', enum: ['product', 'data-return', 'usage-report'] },
                  step: { type: 'string' },
                  due: { type: 'string', format: 'date' },
                  state: { type: 'string', enum: ['due', 'overdue'] },
                  next: OWN_ITEM.properties.next,
                },
              },
            }),
          ),
          '401': problem,
          '403': problem,
          '503': problem,
        },
      },
    },
    '/v1/applications/{id}': {
      get: {
        summary: 'One of the caller’s applications',
        security: bearer,
        parameters: [idParam('id')],
        responses: {
          '200': json(dataOf({ type: 'object' })),
          '401': problem,
          '403': problem,
          '404': problem,
          '503': problem,
        },
      },
      put: {
        ...ledgerWrite('Resubmit after a return for correction (signed ResubmitApplication)', '200'),
        parameters: [idParam('id')],
      },
    },
    '/v1/applications/{id}/disputes': {
      post: {
        ...ledgerWrite('Dispute a rejection (signed DisputeReview)', '201'),
        parameters: [idParam('id')],
      },
    },
    '/v1/agreements/{id}': {
      get: {
        summary: 'An agreement to sign: terms, termsSalt and termsHash (SHA-256 of the terms with the salt)',
        security: bearer,
        parameters: [idParam('id')],
        responses: {
          '200': json(dataOf({ type: 'object' })),
          '401': problem,
          '403': problem,
          '404': problem,
          '503': problem,
        },
      },
    },
    '/v1/agreements/{id}/signature': {
      post: {
        ...ledgerWrite('Sign the agreement (signed SignAgreement over termsHash)', '200'),
        parameters: [idParam('id')],
      },
    },
    '/v1/agreements/{id}/renewal': {
      post: {
        ...ledgerWrite('Accept a proposed renewal (signed AcceptRenewal)', '200'),
        parameters: [idParam('id')],
      },
    },
    '/v1/agreements/{id}/renewal-request': {
      post: {
        ...ledgerWrite(
          'Ask the owning body to renew before expiry (signed RequestRenewal: agreementId, validUntil)',
          '200',
        ),
        parameters: [idParam('id')],
      },
    },
    '/v1/agreements/{id}/termination': {
      post: {
        ...ledgerWrite(
          'Notice of termination with reason and notice date (signed TerminateAgreement); effective after the notice period',
          '200',
        ),
        parameters: [idParam('id')],
      },
    },
    '/v1/usage-reports': { post: ledgerWrite('Usage report (signed ReportUsage)', '201') },
    '/v1/data-returns': { post: ledgerWrite('Data return (signed ReturnData)', '201') },
    '/v1/products': { post: ledgerWrite('Product publication (signed PublishProduct)', '201') },
    '/v1/security-issues': { post: ledgerWrite('Security issue report (signed ReportSecurityIssue)', '201') },
    '/v1/complaints': {
      post: ledgerWrite(
        'A complaint or opinion of the enterprise (signed FileComplaint: id, datasetId, grantId?, kind?, category, facts, receiptHash; Z21)',
        '201',
      ),
    },
    '/v1/grants': {
      get: {
        summary: 'The caller’s grants',
        security: bearer,
        responses: {
          '200': json(dataOf({ type: 'array', items: { $ref: '#/components/schemas/Grant' } })),
          '401': problem,
          '403': problem,
        },
      },
    },
    '/v1/access-log': {
      get: {
        summary: 'The caller’s own access log, newest first',
        security: bearer,
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer' } },
          { name: 'before', in: 'query', schema: { type: 'integer' } },
        ],
        responses: {
          '200': json({
            type: 'object',
            required: ['data', 'nextBefore'],
            properties: {
              data: { type: 'array', items: { $ref: '#/components/schemas/AuditRecord' } },
              nextBefore: { type: ['integer', 'null'] },
            },
          }),
          '400': problem,
          '401': problem,
          '403': problem,
        },
      },
    },
    '/v1/audit/receipts/{requestId}': {
      get: {
        summary: 'Receipt for one of the caller’s requests: record, inclusion proof, anchor',
        security: bearer,
        parameters: [idParam('requestId')],
        responses: {
          '200': json({
            type: 'object',
            required: ['status', 'gatewayId', 'record', 'proof', 'anchor'],
            properties: {
              status: { type: 'string', enum: ['anchored'] },
              gatewayId: { type: 'string' },
              record: { $ref: '#/components/schemas/AuditRecord' },
              proof: { $ref: '#/components/schemas/ReceiptProof' },
              anchor: { $ref: '#/components/schemas/ReceiptAnchor' },
            },
          }),
          '202': json(
            { $ref: '#/components/schemas/PendingReceipt' },
            'Logged, not anchored yet: ask again after the next anchor (seconds)',
          ),
          '401': problem,
          '403': problem,
          '404': problem,
        },
      },
    },
    '/v1/audit/receipts/{requestId}/block': {
      get: {
        summary:
          'The ledger block holding the anchor of one of the caller’s requests (for offline verification without a Fabric identity)',
        security: bearer,
        parameters: [idParam('requestId')],
        responses: {
          '200': json({
            type: 'object',
            required: ['block', 'blockNumber', 'txId'],
            properties: {
              block: { type: 'string', description: 'the block as the peer stores it, base64' },
              blockNumber: { type: 'integer' },
              txId: { type: 'string' },
              configBlock: {
                type: 'string',
                description:
                  'under BFT ordering: the channel config block naming the consenters that signed, base64',
              },
            },
          }),
          '202': problem,
          '401': problem,
          '403': problem,
          '404': problem,
          '503': problem,
        },
      },
    },
    '/v1/audit/consistency': {
      get: {
        summary: 'Consistency proof between two anchored log sizes',
        parameters: [
          { name: 'from', in: 'query', required: true, schema: { type: 'integer' } },
          { name: 'to', in: 'query', required: true, schema: { type: 'integer' } },
        ],
        responses: {
          '200': json({
            type: 'object',
            required: ['from', 'to', 'hashes'],
            properties: {
              from: { type: 'integer' },
              to: { type: 'integer' },
              hashes: { type: 'array', items: { type: 'string' } },
            },
          }),
          '400': problem,
          ...tooFast,
        },
      },
    },
    '/v1/public/recipients': {
      get: {
        summary: 'Recipients list (名单信息, Z16, L21)',
        responses: {
          '200': json(dataOf({ type: 'array', items: { type: 'object' } })),
          ...tooFast,
          '503': problem,
        },
      },
    },
    '/v1/public/products': {
      get: {
        summary: 'Data products and services enterprises published (L21), newest first',
        responses: {
          '200': json(
            dataOf({
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'address', 'publishedOn', 'creditCode', 'agreementId'],
                properties: {
                  name: { type: 'string' },
                  address: { type: 'string' },
                  publishedOn: { type: 'string' },
                  enterpriseName: { type: 'string' },
                  creditCode: { type: 'string' },
                  agreementId: { type: 'string' },
                },
              },
            }),
          ),
          ...tooFast,
          '503': problem,
        },
      },
    },
    '/v1/public/credit': {
      get: {
        summary: 'Credit evaluations (信用评价, L24)',
        responses: {
          '200': json(dataOf({ type: 'array', items: { type: 'object' } })),
          ...tooFast,
          '503': problem,
        },
      },
    },
    '/v1/public/complaints': {
      post: {
        summary:
          'A complaint or opinion from anyone (Z21, Z35): the contact reaches the ledger only hashed with the receipt returned',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['datasetId', 'category', 'facts', 'contact'],
                additionalProperties: false,
                properties: {
                  datasetId: { type: 'string' },
                  grantId: { type: 'string' },
                  kind: { type: 'string', enum: ['complaint', 'opinion'] },
                  category: {
                    type: 'string',
                    enum: [...COMPLAINT_CATEGORIES],
                  },
                  facts: { type: 'string', minLength: 10, maxLength: 8000 },
                  contact: { type: 'string', minLength: 5, maxLength: 128 },
                },
              },
            },
          },
        },
        responses: {
          '201': json(
            {
              type: 'object',
              required: ['data', 'txId'],
              properties: {
                data: {
                  type: 'object',
                  required: ['id', 'due', 'receipt'],
                  properties: {
                    id: { type: 'string' },
                    due: { type: 'string' },
                    receipt: { type: 'string' },
                  },
                },
                txId: { type: 'string' },
              },
            },
            'Filed: keep the receipt',
          ),
          '400': problem,
          '404': problem,
          '413': problem,
          '415': problem,
          ...tooFast,
          '503': problem,
        },
      },
    },
    '/v1/public/complaints/{id}': {
      get: {
        summary: 'Where a complaint filed through the platform stands, shown only with its receipt',
        parameters: [
          idParam('id'),
          { name: 'complaint-receipt', in: 'header', required: true, schema: { type: 'string' } },
        ],
        responses: {
          '200': json(
            dataOf({
              type: 'object',
              required: ['id', 'state', 'due'],
              properties: {
                id: { type: 'string' },
                state: { type: 'string', enum: ['OPEN', 'RESOLVED'] },
                due: { type: 'string' },
                category: { type: 'string' },
                datasetId: { type: 'string' },
                outcome: { type: 'object' },
                notifiedOn: { type: 'string' },
              },
            }),
          ),
          '400': problem,
          '404': problem,
          ...tooFast,
          '503': problem,
        },
      },
    },
    ...REGULATOR_PATHS,
    ...NOTIFICATION_PATHS,
  }),
} as const;
