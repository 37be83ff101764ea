/**
 * Every stable error code of the platform, in one table: where it comes from, the HTTP status the gateway
 * answers with, the problem's title, and the hint the `rdx` CLI prints. The chaincode throws the `ledger`
 * codes, the gateway answers `ledger` and `gateway` codes as RFC 9457 problems, and the SDK and CLI add their
 * own `client` codes (which never cross HTTP, so they have no status).
 */

/** Who raises a code. */
export type Origin = 'ledger' | 'gateway' | 'client';

export interface CodeSpec {
  readonly origin: Origin;
  /** HTTP status of the gateway's answer; absent for codes raised only by the SDK or the CLI. */
  readonly status?: number;
  /** Short title of the problem (RFC 9457 `title`). */
  readonly title: string;
  /** What the person at the CLI can do about it. */
  readonly hint: string;
}

const TABLE = {
  // ---- refusals by the chaincode (it throws RdxError with these; the message starts with `[CODE]`)
  INVALID_ARGUMENT: {
    origin: 'ledger',
    status: 400,
    title: 'Invalid argument',
    hint: 'correct the value named above (rdx <command> --help shows what each takes)',
  },
  NOT_FOUND: {
    origin: 'ledger',
    status: 404,
    title: 'Not found',
    hint: 'check the id; the object may not exist or may not be visible to this identity',
  },
  ALREADY_EXISTS: {
    origin: 'ledger',
    status: 409,
    title: 'Already exists',
    hint: 'choose a new id or version name; if an earlier run of the same command lost its answer, it is already there: show it (rdx <kind> show <id>)',
  },
  FORBIDDEN: {
    origin: 'ledger',
    status: 403,
    title: 'Forbidden',
    hint: 'act as an identity allowed to do this (--as <identity>; rdx identities lists the wallet)',
  },
  INVALID_STATE: {
    origin: 'ledger',
    status: 409,
    title: 'Not allowed in the current state',
    hint: 'show the object (rdx history <type> <id>) and take the step its current state awaits',
  },
  BAD_SIGNATURE: {
    origin: 'ledger',
    status: 403,
    title: 'Enterprise signature invalid',
    hint: 'sign with the private key whose public key the bureau registered (--key-file)',
  },
  REPLAYED: {
    origin: 'ledger',
    status: 409,
    title: 'Signed request already used',
    hint: 'a signed request is used once: run the command again to sign a new one',
  },
  RATING_INSUFFICIENT: {
    origin: 'ledger',
    status: 403,
    title: 'Rating does not allow restricted data',
    hint: 'restricted data needs a valid AA or AAA rating (MLPS ≥ 2, good credit): ask the bureau (rdx enterprise rate)',
  },
  CALENDAR_MISSING: {
    origin: 'ledger',
    status: 409,
    title: 'Working-day calendar missing',
    hint: 'the bureau records that year first: rdx calendar set --file <year>.json',
  },
  ANCHOR_CHAIN_BROKEN: {
    origin: 'ledger',
    status: 409,
    title: 'Audit anchor chain broken',
    hint: 'the anchor chain does not hold: keep the output as evidence and report it to the bureau',
  },

  // ---- answered by the gateway
  BAD_REQUEST: {
    origin: 'gateway',
    status: 400,
    title: 'Bad request',
    hint: 'the request could not be read: check its syntax against the API description (/openapi.json)',
  },
  QUERY_INVALID: {
    origin: 'gateway',
    status: 400,
    title: 'Invalid query',
    hint: 'check --fields, --filter (item:op:value) and --limit',
  },
  TOKEN_MISSING: {
    origin: 'gateway',
    status: 401,
    title: 'Access token required',
    hint: 'log in (rdx login) or give credentials',
  },
  TOKEN_INVALID: {
    origin: 'gateway',
    status: 401,
    title: 'Access token invalid',
    hint: 'log in again (rdx login) or give credentials',
  },
  INVALID_CLIENT: {
    origin: 'gateway',
    status: 401,
    title: 'Client authentication failed',
    hint: 'check --client-id and the secret or key; a newly onboarded enterprise is known to the gateway a moment after the ledger commits',
  },
  UNSUPPORTED_GRANT_TYPE: {
    origin: 'gateway',
    status: 400,
    title: 'Unsupported grant type',
    hint: 'the token endpoint takes grant_type=client_credentials',
  },
  ENTERPRISE_UNKNOWN: {
    origin: 'gateway',
    status: 403,
    title: 'Enterprise not onboarded',
    hint: 'the bureau onboards the enterprise first (rdx enterprise onboard)',
  },
  NO_GRANT: {
    origin: 'gateway',
    status: 403,
    title: 'No grant for this dataset',
    hint: 'apply for the dataset first (rdx apply), then sign the agreement (rdx agreement accept)',
  },
  GRANT_NOT_ACTIVE: {
    origin: 'gateway',
    status: 403,
    title: 'Grant not active',
    hint: 'the grant is suspended or ended: contact the opening body that owns the dataset',
  },
  GRANT_NOT_IN_VALIDITY: {
    origin: 'gateway',
    status: 403,
    title: 'Grant outside its validity',
    hint: 'the grant is outside its validity: ask the opening body for a renewal',
  },
  ITEMS_NOT_GRANTED: {
    origin: 'gateway',
    status: 403,
    title: 'Data items not granted',
    hint: 'ask only for granted items (rdx grants shows them)',
  },
  DOWNLOAD_FORBIDDEN: {
    origin: 'gateway',
    status: 403,
    title: 'Restricted data is never downloaded',
    hint: 'restricted data is only available by interface calls: rdx records',
  },
  DATASET_NOT_OPEN: {
    origin: 'gateway',
    status: 403,
    title: 'Dataset not open',
    hint: 'the dataset is not open for use: see its open attribute (rdx datasets)',
  },
  DATA_NOT_LOADED: {
    origin: 'gateway',
    status: 409,
    title: 'Dataset has no loaded version',
    hint: 'the opening body has not loaded a version of this dataset yet',
  },
  VERSION_CONFLICT: {
    origin: 'gateway',
    status: 409,
    title: 'Version already loaded with other content',
    hint: 'a loaded version never changes: record a new version on the ledger and load that',
  },
  CONTENT_HASH_MISMATCH: {
    origin: 'gateway',
    status: 409,
    title: 'Content does not match the ledger',
    hint: 'upload exactly the bytes whose hash was recorded, or record a new version',
  },
  PAYLOAD_TOO_LARGE: {
    origin: 'gateway',
    status: 413,
    title: 'Request body too large',
    hint: 'send a smaller body',
  },
  HEADERS_TOO_LARGE: {
    origin: 'gateway',
    status: 431,
    title: 'Request headers too large',
    hint: 'send smaller headers (16 KB in all, the request line included)',
  },
  REQUEST_TIMEOUT: {
    origin: 'gateway',
    status: 408,
    title: 'Request too slow',
    hint: 'send the request again, its headers within 10 s and all of it within 30 s',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    origin: 'gateway',
    status: 415,
    title: 'Unsupported media type',
    hint: 'send the body with the content type the API description names',
  },
  METHOD_NOT_ALLOWED: {
    origin: 'gateway',
    status: 405,
    title: 'Method not allowed',
    hint: 'the Allow header names the methods this path takes',
  },
  QUOTA_EXCEEDED: {
    origin: 'gateway',
    status: 429,
    title: 'Daily quota exceeded',
    hint: "the grant's daily quota is used up: try again tomorrow",
  },
  RATE_LIMITED: { origin: 'gateway', status: 429, title: 'Too many requests', hint: 'slow down and retry' },
  PRIVACY_BUDGET_EXHAUSTED: {
    origin: 'gateway',
    status: 429,
    title: 'Privacy budget of computed results spent',
    hint: "the grant's computed results for today are used up (each spends privacy budget ε): try again tomorrow",
  },
  RECEIPT_PENDING: {
    origin: 'gateway',
    status: 202,
    title: 'Record not anchored yet',
    hint: 'the request is not anchored yet: retry in a few seconds or use --wait',
  },
  LEDGER_UNAVAILABLE: {
    origin: 'gateway',
    status: 503,
    title: 'Ledger unavailable',
    hint: 'is the network running? npm run status',
  },
  LEDGER_NOT_FOLLOWED: {
    origin: 'gateway',
    status: 503,
    title: 'Gateway not following the ledger',
    hint: 'the gateway cannot follow the ledger right now: retry shortly',
  },
  AUDIT_BEHIND: {
    origin: 'gateway',
    status: 503,
    title: 'Audit anchoring behind',
    hint: 'the gateway is behind with anchoring: retry shortly',
  },
  STORE_UNAVAILABLE: {
    origin: 'gateway',
    status: 503,
    title: "Gateway's database unavailable",
    hint: "the gateway's database (PostgreSQL) did not answer: retry shortly; if it lasts, tell the bureau",
  },
  STORE_FULL: {
    origin: 'gateway',
    status: 503,
    title: "Gateway's disk full",
    hint: "the gateway's disk is full, so it did nothing of the request: retry later; if it lasts, tell the bureau",
  },
  AUDIT_UNWRITABLE: {
    origin: 'gateway',
    status: 503,
    title: 'Audit record not written',
    hint: 'the gateway could not write the audit record of the request, so it served nothing: retry shortly; if it lasts, tell the bureau',
  },
  AUDIT_LOG_BROKEN: {
    origin: 'gateway',
    status: 503,
    title: 'Audit log failed its integrity check',
    hint: "the gateway's audit log does not verify against its chain or the ledger: report it to the bureau",
  },
  INTERNAL: {
    origin: 'gateway',
    status: 500,
    title: 'Internal error',
    hint: 'this is a bug: rerun with RDX_DEBUG=1 and report the output',
  },

  // ---- raised by the SDK or the CLI, before or after talking to the platform
  USAGE: { origin: 'client', title: 'Wrong usage', hint: 'see rdx <command> --help' },
  FILE_UNREADABLE: {
    origin: 'client',
    title: 'File unreadable',
    hint: 'check the file path and its permissions',
  },
  FILE_UNWRITABLE: {
    origin: 'client',
    title: 'File unwritable',
    hint: 'give --out a file path in a folder you can write (not a folder itself)',
  },
  IDENTITY_REQUIRED: {
    origin: 'client',
    title: 'Identity required',
    hint: 'give --as <identity> (rdx identities lists the wallet)',
  },
  IDENTITY_UNKNOWN: {
    origin: 'client',
    title: 'Identity unknown',
    hint: 'rdx identities lists the wallet; --wallet or RDX_WALLET choose another folder',
  },
  CREDENTIALS_REQUIRED: {
    origin: 'client',
    title: 'Credentials required',
    hint: 'give --client-id with --client-secret or --key-file (or RDX_CLIENT_ID / RDX_CLIENT_SECRET / RDX_KEY_FILE), or run rdx login',
  },
  SIGNER_MISSING: {
    origin: 'client',
    title: "Enterprise's key required",
    hint: "this is signed with the enterprise's key: add --key-file <private key PEM>",
  },
  TOKEN_EXPIRED: { origin: 'client', title: 'Token expired', hint: 'log in again: rdx login' },
  NOT_LOGGED_IN: {
    origin: 'client',
    title: 'Not logged in',
    hint: 'run rdx login, or give credentials with the command',
  },
  TERMS_CHANGED: {
    origin: 'client',
    title: 'Agreement terms changed',
    hint: 'read the agreement again (rdx agreement show) before signing',
  },
  RECEIPT_INVALID: {
    origin: 'client',
    title: 'Receipt does not verify',
    hint: 'the receipt does not prove what it claims: keep it and report it to the bureau',
  },
  EVIDENCE_INVALID: {
    origin: 'client',
    title: 'Evidence package does not verify',
    hint: "if the check above asks for the collector's CA or its revocation list, give them (--ca-file, --crl-file); else the package was changed or is incomplete: obtain it again from the regulator who sealed it",
  },
  UNKNOWN_DOCUMENT: {
    origin: 'client',
    title: 'Unknown document',
    hint: 'rdx verify takes a receipt (rdx receipt --out) or an evidence package (rdx evidence --out)',
  },
  LEDGER_ERROR: {
    origin: 'client',
    title: 'Ledger failed',
    hint: 'the ledger failed without a stable code: see the logs under .rdx/logs/',
  },
  TX_INVALID: {
    origin: 'client',
    title: 'Transaction committed invalid',
    hint: 'nothing changed: run the command again',
  },
  OUTCOME_UNKNOWN: {
    origin: 'client',
    title: 'Outcome unknown',
    hint: 'it may have been recorded: look (rdx applications, agreements, duties, complaint status …) before running it again',
  },
  RECORDED_EARLIER: {
    origin: 'client',
    title: 'Recorded by an earlier attempt',
    hint: 'it is on the ledger once, from the attempt whose answer was lost: do not run it again',
  },
  GATEWAY_UNAVAILABLE: {
    origin: 'client',
    title: 'Gateway unreachable',
    hint: 'is the gateway running? npm run status, or --gateway / RDX_GATEWAY_URL',
  },
  GATEWAY_BAD_ANSWER: {
    origin: 'client',
    title: 'Not the RDX gateway',
    hint: 'check --gateway: it must be the RDX gateway',
  },
} as const satisfies Record<string, CodeSpec>;

type Table = typeof TABLE;

/** Every stable code. */
export type Code = keyof Table;
/** The codes the chaincode throws. */
export type LedgerCode = { [K in Code]: Table[K]['origin'] extends 'ledger' ? K : never }[Code];
/** The codes the gateway answers with (the chaincode's among them): each has an HTTP status. */
export type ProblemCode = {
  [K in Code]: Table[K]['origin'] extends 'ledger' | 'gateway' ? K : never;
}[Code];

/** The table, read-only. */
export const CODES: Readonly<Record<Code, CodeSpec>> = TABLE;

export const LEDGER_CODES = codesFrom('ledger') as readonly LedgerCode[];
export const PROBLEM_CODES = [...LEDGER_CODES, ...codesFrom('gateway')] as readonly ProblemCode[];

function codesFrom(origin: Origin): Code[] {
  return (Object.keys(TABLE) as Code[]).filter((c) => TABLE[c].origin === origin);
}

export function isCode(code: unknown): code is Code {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(TABLE, code);
}

export function isLedgerCode(code: unknown): code is LedgerCode {
  return isCode(code) && TABLE[code].origin === 'ledger';
}

export function isProblemCode(code: unknown): code is ProblemCode {
  return isCode(code) && CODES[code].status !== undefined;
}

/** The HTTP status of a code the gateway answers with. */
export function statusOf(code: ProblemCode): number {
  return TABLE[code].status;
}

/** The CLI's hint for a code, if the code is known. */
export function hintFor(code: string): string | undefined {
  return isCode(code) ? TABLE[code].hint : undefined;
}
