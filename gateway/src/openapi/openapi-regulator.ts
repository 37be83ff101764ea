/**
 * The regulator endpoints (routes/regulator.ts) as OpenAPI 3.1 paths, spread into the gateway's document
 * (openapi.ts). All of them take a regulator's Bearer token (role `regulator`, issued at POST /oauth/token to
 * a regulator client's secret): 401 without a valid token, 403 FORBIDDEN for an enterprise's.
 */
const problem = { $ref: '#/components/responses/Problem' };
const bearer = [{ bearerAuth: [] }];
const ok = (schema: Record<string, unknown>, description = 'OK'): Record<string, unknown> => ({
  description,
  content: { 'application/json': { schema } },
});
const str = { type: 'string' };
const int = { type: 'integer' };
const nullableStr = { type: ['string', 'null'] };
const counts = { type: 'object' };
const denied = { '401': problem, '403': problem };

/** One usage report beside the calls served in its period (regulator/usage-reconciliation.ts). */
export const RECONCILIATION_ROW = {
  type: 'object',
  required: ['reportId', 'agreementId', 'creditCode', 'period', 'reported'],
  properties: {
    reportId: str,
    agreementId: str,
    creditCode: str,
    enterpriseName: str,
    body: str,
    period: str,
    from: str,
    to: str,
    reported: int,
    served: int,
    difference: int,
    note: str,
  },
};

/** An anchor as the gateway stored it: in a receipt (components.ReceiptAnchor), and in the regulator's views. */
export const RECEIPT_ANCHOR = {
  type: 'object',
  description: 'The anchor as the gateway stored it (the SDK’s ReceiptAnchor)',
  required: [
    'sequence',
    'firstRecord',
    'recordCount',
    'treeSize',
    'merkleRoot',
    'anchorHash',
    'txId',
    'blockNumber',
  ],
  properties: {
    sequence: int,
    firstRecord: int,
    recordCount: int,
    treeSize: int,
    merkleRoot: str,
    anchorHash: str,
    txId: str,
    blockNumber: int,
  },
};

/** The same, with how the ledger's copy compares (the regulator's anchor list). */
const anchor = {
  type: 'object',
  required: RECEIPT_ANCHOR.required,
  properties: {
    ...RECEIPT_ANCHOR.properties,
    ledger: { type: 'string', enum: ['match', 'mismatch', 'missing', 'unavailable'] },
    anchoredAt: nullableStr,
  },
};

const timelineEvent = {
  type: 'object',
  required: ['time', 'txId', 'org', 'role', 'object', 'kind', 'state', 'detail'],
  properties: {
    time: str,
    txId: str,
    org: nullableStr,
    role: nullableStr,
    object: {
      type: 'object',
      required: ['type', 'id'],
      properties: {
        type: { type: 'string', enum: ['application', 'agreement', 'grant', 'enterprise', 'dataset'] },
        id: str,
      },
    },
    kind: {
      type: 'string',
      description:
        'application.submitted, application.formal_review, application.owner_review, application.re_review, agreement.drafted, agreement.signed_by_body, agreement.signed_by_enterprise, agreement.in_force, grant.granted, grant.suspended, grant.restored, grant.withdrawn, grant.terminated, …',
    },
    state: nullableStr,
    detail: { type: 'object' },
  },
};

/** A grant's calls per day from this gateway's audit log (regulator/grant-stats.ts). */
export const GRANT_STATS = {
  type: 'object',
  required: ['grant', 'gatewayId', 'days', 'allow', 'deny', 'rows', 'denyReasons', 'truncated'],
  properties: {
    grant: {
      type: 'object',
      required: ['id', 'state'],
      properties: {
        id: str,
        enterprise: str,
        enterpriseName: nullableStr,
        dataset: str,
        datasetName: nullableStr,
        body: str,
        state: str,
        validUntil: str,
        grantedAt: str,
        items: { type: 'array', items: str },
        dailyQuota: int,
      },
    },
    gatewayId: str,
    days: {
      type: 'array',
      items: {
        type: 'object',
        required: ['day', 'allow', 'deny'],
        properties: { day: str, allow: int, deny: int },
      },
    },
    allow: int,
    deny: int,
    rows: int,
    denyReasons: { type: 'array', items: { type: 'object' } },
    truncated: { type: 'boolean' },
  },
};

export const REGULATOR_PATHS = {
  '/v1/regulator/dashboard': {
    get: {
      summary: 'Regulator: grants by state, access decisions per hour (24 h), anchoring lag, overdue items',
      security: bearer,
      responses: {
        '200': ok({
          type: 'object',
          required: [
            'generatedAt',
            'gatewayId',
            'grants',
            'enterprises',
            'datasets',
            'access',
            'anchoring',
            'ledger',
            'overdue',
          ],
          properties: {
            generatedAt: str,
            gatewayId: str,
            grants: {
              type: 'object',
              required: ['total', 'byState', 'recent'],
              properties: {
                total: int,
                byState: counts,
                recent: { type: 'array', items: { type: 'object' } },
              },
            },
            enterprises: {
              type: 'object',
              required: ['total', 'byRating', 'list'],
              properties: {
                total: int,
                byRating: counts,
                list: { type: 'array', items: { type: 'object' } },
              },
            },
            datasets: {
              type: 'object',
              required: ['total', 'byOpenAttribute', 'list'],
              properties: {
                total: int,
                byOpenAttribute: counts,
                list: { type: 'array', items: { type: 'object' } },
              },
            },
            access: {
              type: 'object',
              required: ['hours', 'allow', 'deny', 'denyReasons', 'truncated'],
              properties: {
                hours: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['hour', 'allow', 'deny'],
                    properties: { hour: str, allow: int, deny: int },
                  },
                },
                allow: int,
                deny: int,
                denyReasons: { type: 'array', items: { type: 'object' } },
                truncated: { type: 'boolean' },
              },
            },
            anchoring: {
              type: 'object',
              required: [
                'logSize',
                'anchoredSize',
                'lagRecords',
                'lagSeconds',
                'behind',
                'integrity',
                'lastError',
                'lastAnchor',
              ],
              properties: {
                logSize: int,
                anchoredSize: int,
                lagRecords: int,
                lagSeconds: { type: 'number' },
                behind: { type: 'boolean' },
                integrity: {
                  type: 'string',
                  description:
                    '"ok", or why the audit log cannot be vouched for: altered, or its anchor chain forked by another holder of the gateway key. Restricted data is refused meanwhile.',
                },
                lastError: {
                  type: ['string', 'null'],
                  description: 'Why the last anchoring attempt failed, until one succeeds.',
                },
                lastAnchor: { type: ['object', 'null'] },
              },
            },
            ledger: {
              type: 'object',
              required: ['following', 'lastBlock'],
              properties: { following: { type: 'boolean' }, lastBlock: int },
            },
            overdue: {
              type: 'object',
              required: ['source', 'items'],
              properties: {
                source: { type: 'string', enum: ['ledger', 'applications'] },
                items: { type: 'array', items: { type: 'object' } },
                detail: str,
              },
            },
          },
        }),
        ...denied,
        '503': problem,
      },
    },
  },
  '/v1/regulator/timeline': {
    get: {
      summary:
        'Regulator: business-terms timeline (application → reviews → agreement → grant → suspensions) from the ledger history, with tx id, time and org',
      security: bearer,
      parameters: [
        { name: 'enterprise', in: 'query', schema: str, description: 'credit code' },
        { name: 'dataset', in: 'query', schema: str },
        { name: 'grant', in: 'query', schema: str },
      ],
      responses: {
        '200': ok({
          type: 'object',
          required: ['subject', 'objects', 'data'],
          properties: {
            subject: {
              type: 'object',
              required: ['type', 'id'],
              properties: {
                type: str,
                id: str,
                name: nullableStr,
                level: nullableStr,
                owner: nullableStr,
                state: nullableStr,
                enterprise: nullableStr,
                dataset: nullableStr,
              },
            },
            objects: {
              type: 'array',
              items: {
                type: 'object',
                required: ['type', 'id', 'versions'],
                properties: { type: str, id: str, versions: int },
              },
            },
            data: { type: 'array', items: timelineEvent },
          },
        }),
        '400': problem,
        ...denied,
        '404': problem,
        '503': problem,
      },
    },
  },
  '/v1/regulator/grants/{id}/stats': {
    get: {
      summary:
        "Regulator: a grant's interface calls allowed and denied per day (China time), from this gateway's audit log",
      security: bearer,
      parameters: [
        { name: 'id', in: 'path', required: true, schema: str },
        { name: 'days', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 366 } },
      ],
      responses: {
        '200': ok(GRANT_STATS),
        '400': problem,
        ...denied,
        '404': problem,
      },
    },
  },
  '/v1/regulator/body-performance': {
    get: {
      summary:
        'Regulator: how each opening body performed in a period (L23, Z38) — datasets and updates, demands, owner reviews against deadlines, grants, complaints, and the calls this gateway served — as JSON or CSV',
      security: bearer,
      parameters: [
        {
          name: 'period',
          in: 'query',
          required: true,
          schema: { type: 'string', pattern: '^\\d{4}(Q[1-4])?$' },
        },
        { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'csv'] } },
      ],
      responses: {
        '200': {
          description: 'OK',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['gatewayId', 'period', 'data', 'truncated'],
                properties: {
                  gatewayId: str,
                  period: str,
                  data: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['body', 'period', 'callsServed'],
                      properties: {
                        body: str,
                        period: str,
                        from: str,
                        to: str,
                        datasets: { type: 'object' },
                        demandsReceived: int,
                        ownerReviews: { type: 'object' },
                        grants: { type: 'object' },
                        complaints: { type: 'object' },
                        callsServed: int,
                      },
                    },
                  },
                  truncated: { type: 'boolean' },
                },
              },
            },
            'text/csv': { schema: { type: 'string' } },
          },
        },
        '400': problem,
        ...denied,
        '503': problem,
      },
    },
  },
  '/v1/regulator/complaints': {
    get: {
      summary:
        'Regulator: complaints and opinions (Z21, Z35) — every body’s or one’s, open ones soonest due first, then the newest resolved; never who complained or what they wrote',
      security: bearer,
      parameters: [
        { name: 'state', in: 'query', schema: { type: 'string', enum: ['OPEN', 'RESOLVED'] } },
        { name: 'body', in: 'query', schema: str, description: 'one opening body (MSP id)' },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
      ],
      responses: {
        '200': ok({
          type: 'object',
          required: ['data', 'more'],
          properties: {
            data: { type: 'array', items: { $ref: '#/components/schemas/ComplaintRow' } },
            more: { type: 'boolean', description: 'more complaints than limit match' },
          },
        }),
        '400': problem,
        ...denied,
      },
    },
  },
  '/v1/trace': {
    post: {
      summary:
        'Traces a suspect file (数据水印溯源): which grant received the restricted records in it, with the chance of a false attribution and, when one is named, an evidence package (docs/TRACE.md)',
      security: [{ bearerAuth: [] }, { fabricAdminSignature: [] }],
      parameters: [
        { name: 'dataset', in: 'query', schema: str, description: 'only grants on this dataset' },
        { name: 'format', in: 'query', schema: { type: 'string', enum: ['csv', 'json', 'xlsx'] } },
      ],
      requestBody: {
        required: true,
        content: {
          'text/csv': { schema: { type: 'string' } },
          'application/json': { schema: {} },
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
            schema: { type: 'string', format: 'binary' },
          },
        },
      },
      responses: {
        '200': ok({
          type: 'object',
          required: ['fileSha256', 'readings', 'candidates', 'attributed', 'note', 'evidence'],
          properties: {
            fileSha256: str,
            readings: { type: 'integer', description: 'distinct values that carry a mark' },
            candidates: {
              type: 'array',
              items: {
                type: 'object',
                required: [
                  'grantId',
                  'creditCode',
                  'datasetId',
                  'trials',
                  'matches',
                  'chance',
                  'falseAttribution',
                ],
                properties: {
                  grantId: str,
                  creditCode: str,
                  enterprise: nullableStr,
                  datasetId: str,
                  state: str,
                  trials: { type: 'integer' },
                  matches: { type: 'integer' },
                  chance: { type: 'number' },
                  falseAttribution: { type: 'number' },
                },
              },
            },
            attributed: nullableStr,
            note: str,
            evidence: { type: ['object', 'null'] },
            requests: {
              type: ['object', 'null'],
              description:
                "the named grant's logged requests that served the marks found (replayed to the bytes the audit log holds the hash of)",
              properties: {
                requests: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['requestId', 'time', 'covered'],
                    properties: { requestId: str, time: str, covered: { type: 'integer' } },
                  },
                },
                explained: { type: 'integer' },
                replayed: { type: 'integer' },
                notReproduced: { type: 'integer' },
              },
            },
          },
        }),
        '400': problem,
        '404': problem,
        '409': problem,
        '413': problem,
        '429': problem,
        ...denied,
      },
    },
  },
  '/v1/regulator/misuse-signals': {
    get: {
      summary:
        'Regulator: the misuse signals this gateway raised (风险预警: volume, walking a dataset, probing, refusals piling up, off-hours, new addresses), newest first',
      security: bearer,
      parameters: [
        { name: 'body', in: 'query', schema: str, description: 'one opening body (MSP id)' },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
      ],
      responses: {
        '200': ok({
          type: 'object',
          required: ['gatewayId', 'watching', 'data'],
          properties: {
            gatewayId: str,
            watching: { type: 'boolean' },
            data: { type: 'array', items: { $ref: '#/components/schemas/MisuseSignal' } },
          },
        }),
        '400': problem,
        ...denied,
      },
    },
  },
  '/v1/regulator/usage-reconciliation': {
    get: {
      summary:
        "Regulator: each usage report (L7) beside the calls this gateway served on its agreement's grants in its period, largest difference first",
      security: bearer,
      parameters: [{ name: 'agreement', in: 'query', schema: str }],
      responses: {
        '200': ok({
          type: 'object',
          required: ['gatewayId', 'data', 'scanned', 'truncated'],
          properties: {
            gatewayId: str,
            data: { type: 'array', items: RECONCILIATION_ROW },
            scanned: int,
            truncated: { type: 'boolean' },
          },
        }),
        '400': problem,
        ...denied,
        '503': problem,
      },
    },
  },
  '/v1/regulator/anchors': {
    get: {
      summary:
        "Regulator: this gateway's audit anchors, newest first, each checked against the ledger's copy",
      security: bearer,
      parameters: [
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
        {
          name: 'before',
          in: 'query',
          schema: { type: 'integer', minimum: 1 },
          description: 'only anchors with a lower sequence',
        },
      ],
      responses: {
        '200': ok({
          type: 'object',
          required: [
            'gatewayId',
            'ledgerHead',
            'logSize',
            'anchoredSize',
            'lagRecords',
            'lagSeconds',
            'data',
            'nextBefore',
          ],
          properties: {
            gatewayId: str,
            ledgerHead: { type: ['object', 'null'] },
            logSize: int,
            anchoredSize: int,
            lagRecords: int,
            lagSeconds: { type: 'number' },
            data: { type: 'array', items: anchor },
            nextBefore: { type: ['integer', 'null'] },
          },
        }),
        '400': problem,
        ...denied,
      },
    },
  },
  '/v1/regulator/receipts/{requestId}': {
    get: {
      summary: "Regulator: receipt for any request in this gateway's log (record, inclusion proof, anchor)",
      security: bearer,
      parameters: [{ name: 'requestId', in: 'path', required: true, schema: str }],
      responses: {
        '200': ok({
          type: 'object',
          required: ['status', 'gatewayId', 'record', 'proof', 'anchor'],
          properties: {
            status: { type: 'string', enum: ['anchored'] },
            gatewayId: str,
            record: { $ref: '#/components/schemas/AuditRecord' },
            proof: { $ref: '#/components/schemas/ReceiptProof' },
            anchor: { $ref: '#/components/schemas/ReceiptAnchor' },
          },
        }),
        '202': ok({ $ref: '#/components/schemas/PendingReceipt' }, 'Logged, not anchored yet'),
        ...denied,
        '404': problem,
      },
    },
  },
  '/v1/regulator/search': {
    get: {
      summary:
        'Regulator: what a credit code, dataset id, grant id, application/agreement id, transaction id or request id is, with a console link',
      security: bearer,
      parameters: [{ name: 'q', in: 'query', required: true, schema: str }],
      responses: {
        '200': ok({
          type: 'object',
          required: ['q', 'data'],
          properties: {
            q: str,
            data: {
              type: 'array',
              items: {
                type: 'object',
                required: ['kind', 'id', 'label', 'link'],
                properties: {
                  kind: {
                    type: 'string',
                    enum: [
                      'enterprise',
                      'dataset',
                      'grant',
                      'application',
                      'agreement',
                      'anchor',
                      'request',
                      'transaction',
                    ],
                  },
                  id: str,
                  label: str,
                  link: str,
                  level: nullableStr,
                  owner: nullableStr,
                  state: nullableStr,
                  enterprise: nullableStr,
                  time: str,
                  blockNumber: int,
                },
              },
            },
          },
        }),
        '400': problem,
        ...denied,
        '503': problem,
      },
    },
  },
} as const;
