/**
 * An enterprise's session with the RDX gateway's HTTP API: an access token by client secret or by
 * `private_key_jwt` (RFC 7523, signed with the ES256 key the bureau registered), renewed before it expires;
 * the catalog, records by interface call (page by page), computed results, downloads of unconditional data;
 * the workflow actions, each signed with the enterprise's key (EnterpriseSigner) so the chaincode can check
 * it was the enterprise's will; grants, the access log and audit receipts. Every RFC 9457 problem becomes a
 * {@link GatewayProblemError} with the gateway's stable code.
 */
import crypto from 'node:crypto';
import { EnterpriseSigner, type SignedRequest } from '../enterprise-signer.js';
import {
  GatewayProblemError,
  GatewayUnavailableError,
  InputError,
  NoAnswerError,
  RdxSdkError,
  RecordedEarlierError,
} from './errors.js';
import { trustingOnly } from './gateway-trust.js';
import { newComplaintReceipt } from './complaint-receipt.js';
import { requireDate } from './inputs.js';
import { checkTermsToSign } from './agreement-terms.js';
import type { AuditReceipt, AuditRecordJson } from './receipt-verify.js';
import type { AnchorBlock } from './ledger-proof.js';
import type {
  Agreement,
  Application,
  ApplicationInput,
  Complaint,
  ComplaintStatus,
  DataItem,
  Duty,
  FiledComplaint,
  Grant,
  GrantState,
  OverdueItem,
  PlatformComplaint,
} from './types.js';
import { signAdminRequest, type AdminIdentity } from './admin-signature.js';
import { PartyNotifications } from './notifications-api.js';
import { guessFormat, type SuspectFormat } from '../fingerprint/suspect-file.js';
import type { TraceEvidence } from '../fingerprint/trace-evidence.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Renew a token this long before it expires, so a request never leaves with one about to lapse. */
const RENEW_BEFORE_MS = 30_000;
/** Longest Retry-After of a 429 at the token endpoint that the session waits out itself. */
const MAX_TOKEN_RETRY_WAIT_S = 10;

/** How the session authenticates at POST /oauth/token. */
export type Credentials =
  | { kind: 'secret'; clientId: string; clientSecret: string }
  | { kind: 'private-key'; creditCode: string; privateKeyPem: string }
  | { kind: 'token'; accessToken: string; expiresAt?: number };

/** How a client reaches the gateway. */
export interface ConnectionOptions {
  /** Deadline of each HTTP request (default 30 s). */
  timeoutMs?: number;
  /**
   * The gateway root (PEM, as the bureau hands it: its gateway CA's) that the gateway's HTTPS certificate must chain
   * to: trusted for the gateway's connections only, in place of this process's roots (gateway-trust.ts says why).
   * Without it the process's own trust applies: the system's roots and NODE_EXTRA_CA_CERTS.
   */
  gatewayCa?: string | Uint8Array;
  /**
   * How long a signed action whose outcome is unknown is sent again as the same request (default 30 s:
   * {@link RESEND_WITHIN_MS}).
   */
  resendWithinMs?: number;
  /** Told of each such resend before its wait (the CLI prints it), so a command waiting is not taken for hung. */
  onResend?: (note: string) => void;
}

/** Options of an {@link EnterpriseSession}. */
export interface SessionOptions extends ConnectionOptions {
  /** The gateway, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  credentials: Credentials;
  /** Signs workflow actions; needed for apply, sign, reports. */
  signer?: EnterpriseSigner;
}

/** An access token and when it lapses (ms since the epoch). */
export interface AccessToken {
  accessToken: string;
  expiresAt: number;
}

/** A dataset in the catalog the caller sees, with the caller's grant if any. */
export interface CatalogEntry {
  id: string;
  name: string;
  description?: string;
  owner: string;
  openAttribute: 'restricted' | 'unconditional';
  updateFrequency: string;
  items: DataItem[];
  version: string | null;
  rowCount: number | null;
  grant: { id: string; state: GrantState; items: string[]; validUntil: string } | null;
}

/** Query of the records endpoint. */
export interface RecordsQuery {
  /** Items to return (default: every granted item). */
  fields?: string[];
  /** `item:op:value[,…]`, op ∈ eq ne lt le gt ge in prefix. */
  filter?: string;
  /** Page size (capped by the gateway). */
  limit?: number;
  cursor?: string;
}

/** One page of records, tagged with the request and grant ids the audit log knows it by. */
export interface RecordsPage {
  data: Record<string, unknown>[];
  nextCursor: string | null;
  grantId: string | null;
  requestId: string;
  datasetVersion?: string;
}

/** A computed-results query (Z20(3)). */
export interface AggregateQuery {
  groupBy?: string[];
  measures?: { op: 'count' | 'sum' | 'avg'; item?: string }[];
  filter?: string;
}

/** Computed results: groups under `minGroupSize` rows are suppressed. */
export interface AggregateResult {
  data: Record<string, unknown>[];
  /** How many groups were suppressed; null on restricted data, where that number would be an exact count. */
  suppressedGroups: number | null;
  minGroupSize?: number;
  grantId?: string | null;
  requestId: string;
}

/** A workflow action as committed: its result and transaction. */
export interface LedgerWrite<T> {
  data: T;
  txId: string;
  blockNumber?: number;
}

/** One page of the caller's access log, newest first. */
export interface AccessLogPage {
  data: AuditRecordJson[];
  nextBefore: number | null;
}

/** A receipt not yet covered by an anchor. */
export interface PendingReceipt {
  status: 'pending';
  record: AuditRecordJson;
  detail?: string;
}

/** Which fields an enterprise fills for each duty report. */
export interface UsageReport {
  agreementId: string;
  period: string;
  callCount: number;
  reportHash: string;
}
/** A data return (数据回流). */
export interface DataReturn {
  agreementId: string;
  datasetId?: string;
  contentHash: string;
  rowCount: number;
}
/** A product publication (数据产品发布). */
export interface ProductPublication {
  agreementId: string;
  name: string;
  address: string;
  publishedOn: string;
}
/** A product or service an enterprise published (L21), as the public list shows it. */
export interface PublishedProduct {
  name: string;
  address: string;
  publishedOn: string;
  enterpriseName: string;
  creditCode: string;
  agreementId: string;
}
/** An application or agreement of the caller's as its home lists it: state, and who acts next, by when. */
export interface OwnItem {
  id: string;
  state: string;
  next: { by: 'you' | 'bureau' | 'bodies' | 'none'; what: string; due?: string };
  [field: string]: unknown;
}
/** A duty an enterprise owes under an agreement in force, with what to do and by when (GET /v1/duties). */
export interface OwnDuty {
  agreementId: string;
  type: 'product' | 'data-return' | 'usage-report';
  step: string;
  due: string;
  state: 'due' | 'overdue';
  next: OwnItem['next'];
}
/** A usage report (L7) beside the calls a gateway served on its agreement's grants in its period. */
export interface UsageReconciliation {
  reportId: string;
  agreementId: string;
  creditCode: string;
  enterpriseName: string;
  body: string;
  period: string;
  /** The period's first and last day (China time), when the period could be read. */
  from?: string;
  to?: string;
  reported: number;
  /** Calls the gateway allowed on the agreement's grants in the period; absent when the period is unreadable. */
  served?: number;
  /** reported − served. */
  difference?: number;
  note?: string;
}
/** A grant's interface calls per China day on one gateway, as its opening body reads them. */
export interface BodyGrantStats {
  grant: { id: string; enterprise: string; dataset: string; body: string; state: string; dailyQuota: number };
  gatewayId: string;
  days: { day: string; allow: number; deny: number }[];
  allow: number;
  deny: number;
  denyReasons: { reason: string; count: number }[];
  truncated: boolean;
}
/** A gateway's reconciliation of the usage reports one opening body may read. */
/**
 * A misuse signal (风险预警): a grant's traffic crossed a threshold; a strong one carries the command that
 * suspends the grant, for a person of the owning body to run if they agree.
 */
export interface MisuseSignal {
  /** The same for the same grant, kind, window and strength: stored and told once. */
  id: string;
  kind: 'volume' | 'walk' | 'probing' | 'denied' | 'off-hours' | 'new-address';
  strength: 'notice' | 'warning' | 'strong';
  at: string;
  /** What was measured, and the threshold it crossed. */
  measure: number;
  threshold: number;
  detail: Record<string, unknown>;
  grantId?: string;
  enterprise?: string;
  datasetId?: string;
  body?: string;
  proposal?: { action: 'suspend'; grantId: string; command: string };
}

/** An opening body's own business (GET /v1/admin/home). */
/** A complaint as the consoles list it (Z21, Z35): never who complained or what they wrote. */
export interface ComplaintRow {
  id: string;
  body: string;
  datasetId: string;
  grantId: string | null;
  /** The holder of the grant complained about. */
  enterprise: string | null;
  category: string | null;
  filedThrough: string | null;
  state: 'OPEN' | 'RESOLVED';
  filedAt: string;
  /** The 10 working days to verify, handle and answer. */
  due: string;
  /** Open past its due day. */
  overdue: boolean;
  suspendedGrants: number;
  outcome: string | null;
  complainantTold: string | null;
}

/** Which grants a trace tries, and how the file is read (default: from its content). */
export interface TraceOptions {
  dataset?: string;
  format?: SuspectFormat;
}

/** One grant a suspect file was compared with. */
export interface TraceCandidate {
  grantId: string;
  creditCode: string;
  enterprise: string | null;
  datasetId: string;
  state: string;
  trials: number;
  matches: number;
  chance: number;
  falseAttribution: number;
}

/** What a trace answers (POST /v1/trace). */
export interface TraceResult {
  fileSha256: string;
  readings: number;
  candidates: TraceCandidate[];
  attributed: string | null;
  note: string;
  evidence: TraceEvidence | null;
  /** For the grant named: which of its requests served the marks found. */
  requests: TraceRequests | null;
}

/**
 * The named grant's logged record requests that served a file's marks, fewest that explain most first, of those
 * whose replay reproduced the bytes the audit log holds the hash of.
 */
export interface TraceRequests {
  /** `covered`: of the file's marks, served by this request and by none named before it. */
  requests: { requestId: string; time: string; covered: number }[];
  /** Of the file's marks, served by the requests named. */
  explained: number;
  /** The grant's logged record requests replayed to the bytes they served. */
  replayed: number;
  /** Those whose replay did not give the logged bytes (served from an earlier version of the dataset). */
  notReproduced: number;
}

const TRACE_TYPES: Record<SuspectFormat, string> = {
  csv: 'text/csv',
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

function traceContentType(file: Uint8Array | string, format?: SuspectFormat): string {
  return TRACE_TYPES[format ?? guessFormat(file)];
}

export interface BodyHome {
  body: string;
  /** How the request came: signed with a Fabric identity, or with a console account's token. */
  via: 'signature' | 'console';
  unread: number;
  /** Reviews the body owes, soonest due first: overdue ones with `workingDaysOverdue`. */
  reviews: {
    applicationId: string;
    step: string;
    due: string;
    workingDaysLeft?: number;
    workingDaysOverdue?: number;
  }[];
  /** Its other duties past their deadline (catalogue review, complaints …). */
  overdue: OverdueItem[];
  datasets: {
    id: string;
    name: string;
    openAttribute: string;
    listing: string;
    version: string | null;
    liveGrants: number;
  }[];
  /** Open complaints about its data, soonest due first. */
  complaints: ComplaintRow[];
  /** The latest misuse signals this gateway raised on its grants, newest first (docs/TRACE.md). */
  signals: MisuseSignal[];
  /** The latest security-incident reports and data returns under its agreements, newest first. */
  reports: {
    id: string;
    kind: 'security-issue' | 'data-return';
    agreementId: string;
    creditCode: string;
    enterprise: string | null;
    at: string;
    severity?: 'low' | 'medium' | 'high' | 'critical';
  }[];
  grants: {
    id: string;
    creditCode: string;
    enterprise: string | null;
    datasetId: string;
    state: 'ACTIVE' | 'SUSPENDED';
    validUntil: string;
    dailyQuota: number;
  }[];
}

/** A console account of an opening body, as its admin lists them. */
export interface ConsoleAccount {
  clientId: string;
  org: string;
  name: string;
  createdAt: string;
}

export interface BodyUsageReconciliation {
  gatewayId: string;
  body: string;
  /** Largest difference first. */
  data: UsageReconciliation[];
  /** Access-log records read, and whether the scan stopped at its limit. */
  scanned: number;
  truncated: boolean;
}
/** A security issue report. */
export interface SecurityIssue {
  agreementId: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  descriptionHash: string;
}

/** An RFC 9457 problem, or an RFC 6749 error from the token endpoint (`error`, `error_description`, `code`). */
interface ProblemBody {
  type?: string;
  code?: string;
  detail?: string;
  title?: string;
  error?: string;
  error_description?: string;
}

/** The header that carries a complaint's receipt (not the URL: addresses end up in logs). */
export const COMPLAINT_RECEIPT_HEADER = 'complaint-receipt';

/** Plain HTTP plumbing shared by the authenticated session, the public endpoints and the operational client. */
export class Http {
  /** The connections that trust only the gateway's root, when one was given. */
  private readonly dispatcher: ReturnType<typeof trustingOnly> | undefined;

  /** How it connects: the deadline and the gateway's root, nothing else of the options it was given. */
  readonly options: ConnectionOptions & { timeoutMs: number };

  /**
   * @throws InputError when `baseUrl` is not a URL, `options.gatewayCa` holds no certificate, or a root is given
   * for a plain `http:` address (whoever answers there is trusted, and sent secrets, whatever the root).
   */
  constructor(
    readonly baseUrl: string,
    { timeoutMs, gatewayCa }: ConnectionOptions,
  ) {
    let protocol: string;
    try {
      ({ protocol } = new URL(baseUrl));
    } catch {
      throw new InputError('INVALID_ARGUMENT', `the gateway address "${baseUrl}" is not a URL`);
    }
    if (gatewayCa !== undefined && protocol !== 'https:')
      throw new InputError(
        'INVALID_ARGUMENT',
        `a gateway root is given (gatewayCa, RDX_GATEWAY_CA) for ${baseUrl}, which is not https: a plain address checks no certificate, so the root would guard nothing; use the gateway's https:// address`,
      );
    this.options = { timeoutMs: timeoutMs ?? 30_000, ...(gatewayCa === undefined ? {} : { gatewayCa }) };
    this.dispatcher = gatewayCa === undefined ? undefined : trustingOnly(gatewayCa);
  }

  url(path: string, query: Record<string, string | number | undefined> = {}): URL {
    const url = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(query))
      if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    return url;
  }

  async send(url: URL, init: RequestInit & { duplex?: 'half' } = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(url, {
        ...init,
        // Never followed: a redirect would carry a fresh login, a signed request or a complaint's receipt to
        // another origin, over plain HTTP too, past the pinned gateway root; and its answer would pass for the
        // gateway's. The gateway itself never redirects.
        redirect: 'manual',
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
        signal: init.signal ?? AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      const why =
        (err as Error).name === 'TimeoutError'
          ? `no answer within ${this.options.timeoutMs} ms`
          : cause
            ? `${cause}${connectionHint(cause, url, this.dispatcher !== undefined)}`
            : (err as Error).message;
      // Sent and unanswered, or never sent (refused, not resolved, a certificate refused): a write tells them apart.
      const Unavailable =
        (err as Error).name === 'TimeoutError' || MAYBE_SENT.has(cause ?? '')
          ? NoAnswerError
          : GatewayUnavailableError;
      // A request sent and unanswered reached a gateway that may well be up, waiting on the ledger.
      const what = Unavailable === NoAnswerError ? 'did not answer' : 'cannot be reached';
      throw new Unavailable('GATEWAY_UNAVAILABLE', `the gateway at ${this.baseUrl} ${what} (${why})`, {
        cause: err,
      });
    }
    if (res.status >= 300 && res.status < 400) {
      void res.body?.cancel().catch(() => undefined);
      throw new GatewayUnavailableError(
        'GATEWAY_BAD_ANSWER',
        `the gateway at ${this.baseUrl} answered ${res.status}, sending the request elsewhere` +
          ` (${JSON.stringify(res.headers.get('location')?.slice(0, 200) ?? '')}); it was not followed:` +
          ' the RDX gateway never redirects. Use the address it is served at.',
        { status: res.status },
      );
    }
    return res;
  }

  /**
   * The answer's body as text, read as it arrives (decompressed) and refused past `maxBytes`: a gateway, or what
   * answers in its place, could otherwise send without end, or a small gzip body that inflates to gigabytes.
   */
  async text(res: Response, maxBytes: number): Promise<string> {
    if (!res.body) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      // Leaving the loop (the throw below) cancels the stream: the rest is neither read nor inflated.
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > maxBytes)
          throw new GatewayUnavailableError(
            'GATEWAY_BAD_ANSWER',
            `the gateway at ${this.baseUrl} sent more than ${maxBytes >= MB ? `${maxBytes / MB} MB` : `${maxBytes / 1024} KB`} in one answer, more than the` +
              ' RDX gateway sends: the rest was not read.',
            { status: res.status },
          );
        chunks.push(chunk);
      }
    } catch (err) {
      if (err instanceof GatewayUnavailableError) throw err;
      const why =
        (err as Error).name === 'TimeoutError'
          ? `not complete within ${this.options.timeoutMs} ms`
          : (err as Error).message;
      throw new NoAnswerError(
        'GATEWAY_UNAVAILABLE',
        `the gateway at ${this.baseUrl} broke off its answer (${why})`,
        { cause: err, status: res.status },
      );
    }
    // Decoded as fetch's own text() does (UTF-8, a leading BOM dropped).
    return new TextDecoder().decode(Buffer.concat(chunks));
  }

  /** Parses a JSON answer, which must be an object; a problem becomes a GatewayProblemError. */
  async json<T>(res: Response): Promise<{ status: number; body: T }> {
    // Every answer of the gateway with a body is a JSON object (its data, or a problem): `null`, a list or a
    // string in its place would be read as one and fail on its first field, as if this client were wrong.
    const { value: body, not } = jsonObjectOf(await this.text(res, MAX_JSON_ANSWER_BYTES));
    if (not)
      throw new GatewayUnavailableError(
        'GATEWAY_BAD_ANSWER',
        not === 'JSON'
          ? `the gateway answered ${res.status} with something that is not JSON: is ${this.baseUrl} the RDX gateway?`
          : `the gateway answered ${res.status} with JSON that is not an object: is ${this.baseUrl} the RDX gateway?`,
        { status: res.status },
      );
    if (!res.ok) throw problemError(res.status, body ?? {});
    return { status: res.status, body: body as T };
  }
}

const MB = 1024 * 1024;
/** The longest cursor followed: the gateway's own are a few dozen characters, and it takes none over 512. */
const MAX_CURSOR_LENGTH = 512;
/** How many of the last cursors followed are remembered to catch a loop. */
const RECENT_CURSORS = 10_000;
/** Why `next`, the cursor `page` names, would not move on (the gateway's own always do); undefined if it would. */
function cursorNotMovingOn(
  next: unknown,
  page: RecordsPage,
  followed: ReadonlySet<string>,
): string | undefined {
  if (typeof next !== 'string' || next.length > MAX_CURSOR_LENGTH)
    return `a cursor that is not one of its own (${String(next).length} characters)`;
  if (page.data.length === 0) return 'an empty page with a next cursor';
  if (followed.has(next)) return 'a cursor followed before';
  return undefined;
}

/**
 * `text` parsed when it is a JSON object (what the gateway answers with a body); else what it is not. An empty
 * text is no body.
 */
export function jsonObjectOf(text: string): { value?: Record<string, unknown>; not?: 'JSON' | 'an object' } {
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { not: 'JSON' };
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? { value: value as Record<string, unknown> }
    : { not: 'an object' };
}

/** The largest JSON answer read: a page of records at the gateway's largest is a few megabytes. */
export const MAX_JSON_ANSWER_BYTES = 64 * MB;
/** The largest unconditional dataset downloaded (CSV, held in memory whole). */
export const MAX_DOWNLOAD_BYTES = 256 * MB;

/** A problem's code as the gateway gives them (RFC 9457 with a stable code): anything else is not shown as one. */
const PROBLEM_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

function problemError(status: number, raw: unknown): GatewayProblemError {
  const p = raw as ProblemBody;
  return new GatewayProblemError(
    typeof p.code === 'string' && PROBLEM_CODE.test(p.code) ? p.code : `HTTP_${status}`,
    p.detail ?? p.error_description ?? p.title ?? `HTTP ${status}`,
    p.type ?? 'about:blank',
    {
      status,
    },
  );
}

/**
 * A client assertion (RFC 7523) signed ES256 with the enterprise's key, valid two minutes, for the token
 * endpoint at `audience`.
 * @throws TypeError when the key is not an EC key.
 */
export function clientAssertion(creditCode: string, privateKeyPem: string, audience: string): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (v: string | Buffer): string => Buffer.from(v).toString('base64url');
  const header = b64(JSON.stringify({ alg: 'ES256', typ: 'JWT' }));
  const payload = b64(
    JSON.stringify({
      iss: creditCode,
      sub: creditCode,
      aud: audience,
      iat: now,
      exp: now + 120,
      jti: crypto.randomUUID(),
    }),
  );
  const signature = crypto.sign('sha256', Buffer.from(`${header}.${payload}`), {
    key: privateKeyPem,
    dsaEncoding: 'ieee-p1363',
  });
  return `${header}.${payload}.${b64(signature)}`;
}

/** Certificate failures of an HTTPS gateway, as Node names them: its chain ends at no root this machine trusts. */
/** Failures of a connection on which the request may have gone out: it was dropped or reset. */
const MAYBE_SENT = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE', 'UND_ERR_CLOSED']);

const UNTRUSTED_CERTIFICATE = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/** What a person can do about a failed connection, when its cause says; `pinned`: a gateway root was given. */
function connectionHint(code: string, url: URL, pinned: boolean): string {
  if (UNTRUSTED_CERTIFICATE.has(code))
    return pinned
      ? ": its certificate does not chain to the root given for it (gatewayCa, RDX_GATEWAY_CA); is it the gateway root the bureau handed out (its gateway CA's, orgs/bureau/ca/gateway/ca-cert.pem, not the bureau's org root), and this the platform's gateway?"
      : ": its certificate does not chain to a root this machine trusts; give the gateway root (from the bureau: its gateway CA's, orgs/bureau/ca/gateway/ca-cert.pem): RDX_GATEWAY_CA=<file> for the rdx CLI, the gatewayCa option of the SDK";
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return ': its certificate is for another host name or address; use the address the certificate names';
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return ": its certificate is outside its validity (or this machine's clock is wrong); the bureau renews it";
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER')
    return `: it answered in plain HTTP; a gateway on this machine serves HTTP, so try http://${url.host}`;
  // A gateway serving HTTPS (every one beyond loopback) closes plain HTTP unanswered; so does one that stopped or
  // restarted while it answered.
  if (url.protocol === 'http:' && (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET'))
    return `: it closed the connection unanswered: it stopped or restarted meanwhile, or it serves HTTPS only (a gateway on another machine does), so try https://${url.host}`;
  return '';
}

/**
 * The public endpoints: no login.
 * Its methods throw {@link GatewayProblemError} for a problem answer and {@link GatewayUnavailableError} when the gateway cannot be reached.
 */
export class PublicGatewayApi {
  private readonly http: Http;

  /**
   * @param baseUrl the gateway, e.g. http://127.0.0.1:3000.
   * @throws InputError when it is not a URL, or `options.gatewayCa` holds no certificate.
   */
  constructor(baseUrl: string, options: ConnectionOptions = {}) {
    this.http = new Http(baseUrl, options);
  }

  /**
   * Ends `accessToken` at the gateway (RFC 7009; a logout): refused from then on, at every gateway of the
   * platform. A token that is invalid or expired already is answered alike.
   * @throws RdxSdkError when the gateway cannot be reached or refuses the request
   */
  async revokeToken(accessToken: string): Promise<void> {
    const res = await this.http.send(this.http.url('/oauth/revoke'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: accessToken }).toString(),
    });
    await this.http.json<Record<string, never>>(res);
  }

  /** The recipients list (名单信息). @throws RdxSdkError */
  async recipients(): Promise<unknown[]> {
    return (
      await this.http.json<{ data: unknown[] }>(await this.http.send(this.http.url('/v1/public/recipients')))
    ).body.data;
  }

  /** The data products and services enterprises published (L21), newest first. @throws RdxSdkError */
  async products(): Promise<PublishedProduct[]> {
    return (
      await this.http.json<{ data: PublishedProduct[] }>(
        await this.http.send(this.http.url('/v1/public/products')),
      )
    ).body.data;
  }

  /** The credit evaluations (信用评价). @throws RdxSdkError */
  async creditEvaluations(): Promise<unknown[]> {
    return (
      await this.http.json<{ data: unknown[] }>(await this.http.send(this.http.url('/v1/public/credit')))
    ).body.data;
  }

  /**
   * A complaint or opinion from anyone (Z21, Z35): `contact` (a phone number or e-mail) reaches the ledger only
   * hashed with the receipt, so who holds both can show the owning body they are the complainant.
   * @throws GatewayProblemError INVALID_ARGUMENT (e.g. an ID-card or phone number in the facts), RATE_LIMITED
   */
  async fileComplaint(complaint: PlatformComplaint & { contact: string }): Promise<FiledComplaint> {
    const res = await this.http.send(this.http.url('/v1/public/complaints'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(complaint),
    });
    return (await this.http.json<{ data: FiledComplaint }>(res)).body.data;
  }

  /**
   * Where a complaint filed through the platform stands, shown only with its receipt.
   * @throws GatewayProblemError NOT_FOUND for an unknown id or a wrong receipt
   */
  async complaintStatus(id: string, receipt: string): Promise<ComplaintStatus> {
    const res = await this.http.send(this.http.url(`/v1/public/complaints/${encodeURIComponent(id)}`), {
      headers: { [COMPLAINT_RECEIPT_HEADER]: receipt },
    });
    return (await this.http.json<{ data: ComplaintStatus }>(res)).body.data;
  }

  /**
   * An unconditional dataset as CSV; restricted data answers DOWNLOAD_FORBIDDEN (Z20).
   * @throws GatewayProblemError DOWNLOAD_FORBIDDEN, NOT_FOUND, DATA_NOT_LOADED
   */
  async download(datasetId: string): Promise<string> {
    const res = await this.http.send(
      this.http.url(`/v1/open/datasets/${encodeURIComponent(datasetId)}/download`),
    );
    if (!res.ok) await this.http.json(res);
    return this.http.text(res, MAX_DOWNLOAD_BYTES);
  }

  /**
   * One of the signer's organization's grants: its calls allowed and denied per day on this gateway over the
   * last `days` days; signed with the Fabric identity of the body's admin or a reviewer.
   * @throws GatewayProblemError NOT_FOUND for a grant that is not the organization's
   */
  async bodyGrantStats(signer: AdminIdentity, grantId: string, days = 30): Promise<BodyGrantStats> {
    const path = `/v1/admin/grants/${encodeURIComponent(grantId)}/stats`;
    return (await this.signed<BodyGrantStats>(signer, 'GET', path, { query: { days } })).body;
  }

  /**
   * An opening body's inbox and webhooks (issue 13), each request signed with `signer`, the Fabric identity of
   * the body's admin or a reviewer.
   */
  bodyNotifications(signer: AdminIdentity): PartyNotifications {
    return new PartyNotifications((method, path, options) =>
      this.signed(signer, method, `/v1/admin${path}`, options),
    );
  }

  /**
   * The signer's body's own business in one place: the reviews it owes, its overdue duties, its datasets and live
   * grants, its unread notifications; signed with the Fabric identity of its admin or a reviewer.
   */
  async bodyHome(signer: AdminIdentity): Promise<BodyHome> {
    return (await this.signed<BodyHome>(signer, 'GET', '/v1/admin/home')).body;
  }

  /**
   * A console account for a person of the signer's body (signed by its admin): the client id and secret they log
   * in to the console with; the secret is answered only now.
   * @throws GatewayProblemError FORBIDDEN for an identity that is not the body's admin
   */
  async addConsoleAccount(
    signer: AdminIdentity,
    name: string,
  ): Promise<ConsoleAccount & { secret: string; note: string }> {
    return (
      await this.signed<ConsoleAccount & { secret: string; note: string }>(
        signer,
        'POST',
        '/v1/admin/console-accounts',
        { body: { name } },
      )
    ).body;
  }

  /**
   * Traces a suspect file among the grants on the signer's body's datasets, signed over the file with the
   * Fabric identity of its admin or a reviewer (docs/TRACE.md).
   */
  async traceAsBody(
    signer: AdminIdentity,
    file: Uint8Array | string,
    opts: TraceOptions = {},
  ): Promise<TraceResult> {
    return (
      await this.signed<TraceResult>(signer, 'POST', '/v1/trace', {
        query: { dataset: opts.dataset, format: opts.format },
        raw: { type: traceContentType(file, opts.format), bytes: file },
      })
    ).body;
  }

  /** The console accounts of the signer's body (never their secrets). */
  async consoleAccounts(signer: AdminIdentity): Promise<ConsoleAccount[]> {
    return (await this.signed<{ data: ConsoleAccount[] }>(signer, 'GET', '/v1/admin/console-accounts')).body
      .data;
  }

  /**
   * Removes a console account of the signer's body (signed by its admin); its tokens stop working at once.
   * @throws GatewayProblemError NOT_FOUND for an account the body does not have
   */
  async removeConsoleAccount(signer: AdminIdentity, clientId: string): Promise<void> {
    await this.signed(signer, 'DELETE', `/v1/admin/console-accounts/${encodeURIComponent(clientId)}`);
  }

  /**
   * A request of an organization's staff, signed with their Fabric identity over the exact JSON body sent
   * (nothing for a GET) and the path with its query.
   */
  private async signed<T>(
    signer: AdminIdentity,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: {
      query?: Record<string, string | number | undefined>;
      body?: unknown;
      raw?: { type: string; bytes: Uint8Array | string };
    } = {},
  ): Promise<{ status: number; body: T }> {
    const url = this.http.url(path, options.query);
    const body = options.raw
      ? options.raw.bytes
      : options.body === undefined
        ? ''
        : JSON.stringify(options.body);
    const contentSha256 = crypto.createHash('sha256').update(body).digest('hex');
    const headers = {
      ...(body ? { 'content-type': options.raw?.type ?? 'application/json' } : {}),
      ...signAdminRequest(signer, { method, path: url.pathname + url.search, contentSha256 }),
    };
    return this.http.json<T>(await this.http.send(url, { method, headers, ...(body ? { body } : {}) }));
  }

  /**
   * The usage reports under the agreements of the signer's organization, each beside the calls this gateway
   * served in its period (L7, L21), largest difference first; signed with the Fabric identity of the body's admin
   * or a reviewer (a request, used once).
   * @throws GatewayProblemError TOKEN_INVALID for a certificate no channel organization issued, FORBIDDEN for an
   *   identity that is not an admin or reviewer
   */
  async usageReconciliation(signer: AdminIdentity): Promise<BodyUsageReconciliation> {
    return (await this.signed<BodyUsageReconciliation>(signer, 'GET', '/v1/admin/usage-reconciliation')).body;
  }

  /**
   * Uploads a dataset version whose SHA-256 the owning body recorded on the ledger (catalog:RecordDatasetVersion),
   * signed with the identity of the body's admin. `body` may be a stream so large files are not held in memory;
   * `contentSha256` is the hash of exactly those bytes (the recorded one).
   * @throws GatewayProblemError NOT_FOUND while the gateway has not seen the version yet, CONTENT_HASH_MISMATCH,
   *   TOKEN_INVALID / FORBIDDEN when the signature or the identity is not the owning body's admin
   */
  async uploadVersion(
    datasetId: string,
    version: string,
    upload: {
      body: Uint8Array | ReadableStream<Uint8Array>;
      contentType: string;
      contentSha256: string;
      signer: AdminIdentity;
    },
    timeoutMs = 600_000,
  ): Promise<{ dataset: string; version: string; contentHash: string; rowCount: number }> {
    const url = this.http.url(
      `/v1/admin/datasets/${encodeURIComponent(datasetId)}/versions/${encodeURIComponent(version)}`,
    );
    const { body, contentType } = upload;
    const signature = signAdminRequest(upload.signer, {
      method: 'PUT',
      path: url.pathname,
      contentSha256: upload.contentSha256,
    });
    const res = await this.http.send(url, {
      method: 'PUT',
      headers: { 'content-type': contentType, ...signature },
      body: body as RequestInit['body'],
      duplex: 'half',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return (
      await this.http.json<{ dataset: string; version: string; contentHash: string; rowCount: number }>(res)
    ).body;
  }
}

/**
 * What every authenticated session shares: the token (fetched, cached, renewed before it lapses) and
 * authenticated calls. Its methods throw {@link GatewayProblemError} and {@link GatewayUnavailableError}.
 */
export abstract class GatewaySession {
  protected readonly http: Http;
  private token: AccessToken | undefined;
  protected readonly credentials: Credentials;

  /** @throws InputError when the gateway address is not a URL. */
  constructor(options: Omit<SessionOptions, 'signer'>) {
    this.http = new Http(options.baseUrl, options);
    this.credentials = options.credentials;
    if (options.credentials.kind === 'token')
      this.token = {
        accessToken: options.credentials.accessToken,
        expiresAt: options.credentials.expiresAt ?? Number.MAX_SAFE_INTEGER,
      };
  }

  /**
   * The gateway this session talks to.
   * Never throws.
   */
  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /**
   * A valid access token, fetched or renewed when needed.
   * @throws GatewayProblemError INVALID_CLIENT for wrong credentials or an enterprise the gateway does not know yet.
   */
  async accessToken(): Promise<AccessToken> {
    if (this.token && this.token.expiresAt - RENEW_BEFORE_MS > Date.now()) return this.token;
    const c = this.credentials;
    if (c.kind === 'token')
      throw new InputError('TOKEN_EXPIRED', 'the stored access token has expired: log in again (rdx login)');
    // A 429 says when to come back: wait that long (a few seconds at most) and ask again, a couple of times.
    let res = await this.requestToken(c);
    for (let retry = 0; retry < 2 && res.status === 429; retry++) {
      const wait = Number(res.headers.get('retry-after'));
      if (!Number.isFinite(wait) || wait > MAX_TOKEN_RETRY_WAIT_S) break;
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, Math.max(wait, 0.1) * 1000));
      res = await this.requestToken(c);
    }
    const { body } = await this.http.json<{ access_token: string; expires_in: number }>(res);
    this.token = { accessToken: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
    return this.token;
  }

  /** One POST /oauth/token with the session's credentials (a fresh client assertion each time). */
  private requestToken(c: Exclude<Credentials, { kind: 'token' }>): Promise<Response> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (c.kind === 'secret') {
      const basic = `${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
    } else {
      form.set('client_assertion_type', ASSERTION_TYPE);
      form.set(
        'client_assertion',
        clientAssertion(c.creditCode, c.privateKeyPem, this.http.url('/oauth/token').toString()),
      );
    }
    return this.http.send(this.http.url('/oauth/token'), { method: 'POST', headers, body: form });
  }

  /** An authenticated call; a problem answer throws. */
  protected async call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: {
      query?: Record<string, string | number | undefined>;
      body?: unknown;
      /** A body sent as it is (a file), instead of `body` as JSON. */
      raw?: { type: string; bytes: Uint8Array | string };
      /**
       * Whether a GET refused for its rate waits out a short Retry-After and asks again (default yes). Not a data
       * call: each of its refusals counts as a denial of the grant, toward a misuse signal.
       */
      waitOutRate?: boolean;
    } = {},
  ): Promise<{ status: number; body: T }> {
    const { accessToken } = await this.accessToken();
    const headers: Record<string, string> = { authorization: `Bearer ${accessToken}` };
    if (options.raw) headers['content-type'] = options.raw.type;
    else if (options.body !== undefined) headers['content-type'] = 'application/json';
    for (let attempt = 1; ; attempt++) {
      const res = await this.http.send(this.http.url(path, options.query), {
        method,
        headers,
        body: options.raw
          ? options.raw.bytes
          : options.body === undefined
            ? undefined
            : JSON.stringify(options.body),
      });
      // A read refused for the caller's rate is asked again once its Retry-After (a second or so) has passed: a
      // loop of reads (an inbox's pages) slows to the rate rather than failing. A write is the caller's to send.
      const after = Number(res.headers.get('retry-after'));
      if (
        method === 'GET' &&
        options.waitOutRate !== false &&
        res.status === 429 &&
        after > 0 &&
        after <= MAX_READ_RETRY_AFTER_S &&
        attempt < 4
      ) {
        void res.body?.cancel().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, after * 1000));
        continue;
      }
      return this.http.json<T>(res);
    }
  }
}

/** The longest Retry-After a read refused for its rate waits out before it is asked again. */
const MAX_READ_RETRY_AFTER_S = 5;

/**
 * A regulator's session (监管): the gateway's regulator API, with a regulator client's secret (role
 * `regulator` in the gateway's client registry, e.g. `regulator` of `.rdx/demo/regulators.json`).
 * Its methods throw {@link GatewayProblemError} (FORBIDDEN for an enterprise's credentials) and
 * {@link GatewayUnavailableError}.
 */
export class RegulatorSession extends GatewaySession {
  /** @throws InputError when the gateway address is not a URL. */
  constructor(baseUrl: string, clientId: string, clientSecret: string, options: ConnectionOptions = {}) {
    super({ ...options, baseUrl, credentials: { kind: 'secret', clientId, clientSecret } });
  }

  /**
   * The receipt of any request in this gateway's log, or `pending` while no anchor covers it.
   * @throws GatewayProblemError NOT_FOUND for a request the gateway did not log.
   */
  async receipt(requestId: string): Promise<AuditReceipt | PendingReceipt> {
    const path = `/v1/regulator/receipts/${encodeURIComponent(requestId)}`;
    return (await this.call<AuditReceipt | PendingReceipt>('GET', path)).body;
  }

  /**
   * The receipt once anchored, polling while pending until `timeoutMs`.
   * @throws RdxSdkError RECEIPT_PENDING when no anchor covers the request in time.
   */
  anchoredReceipt(requestId: string, timeoutMs: number, pollMs = 1000): Promise<AuditReceipt> {
    return pollAnchored(() => this.receipt(requestId), requestId, timeoutMs, pollMs);
  }

  /**
   * A grant's calls per day over `days` days, from this gateway's audit log.
   * @throws GatewayProblemError NOT_FOUND for a grant the gateway does not know.
   */
  async grantStats(grantId: string, days = 30): Promise<Record<string, unknown>> {
    const path = `/v1/regulator/grants/${encodeURIComponent(grantId)}/stats`;
    return (await this.call<Record<string, unknown>>('GET', path, { query: { days } })).body;
  }

  /**
   * Traces a suspect file (CSV or JSON text): the grant that received it, if the marks in it say so beyond chance,
   * with an evidence package (docs/TRACE.md). @throws GatewayProblemError BAD_REQUEST for a file it cannot read
   */
  async trace(file: Uint8Array | string, opts: TraceOptions = {}): Promise<TraceResult> {
    return (
      await this.call<TraceResult>('POST', '/v1/trace', {
        query: { dataset: opts.dataset, format: opts.format },
        raw: { type: traceContentType(file, opts.format), bytes: file },
      })
    ).body;
  }

  /** Complaints, open ones soonest due first, then the newest resolved: every body's or one's (Z21, Z35). */
  async complaints(
    opts: { state?: 'OPEN' | 'RESOLVED'; body?: string; limit?: number } = {},
  ): Promise<{ data: ComplaintRow[]; more: boolean }> {
    return (
      await this.call<{ data: ComplaintRow[]; more: boolean }>('GET', '/v1/regulator/complaints', {
        query: { state: opts.state, body: opts.body, limit: opts.limit },
      })
    ).body;
  }

  /** The misuse signals this gateway raised, newest first: every body's, or one's (风险预警, docs/TRACE.md). */
  async misuseSignals(opts: { body?: string; limit?: number } = {}): Promise<MisuseSignal[]> {
    return (
      await this.call<{ data: MisuseSignal[] }>('GET', '/v1/regulator/misuse-signals', {
        query: { body: opts.body, limit: opts.limit },
      })
    ).body.data;
  }
}

async function pollAnchored(
  fetchReceipt: () => Promise<AuditReceipt | PendingReceipt>,
  requestId: string,
  timeoutMs: number,
  pollMs: number,
): Promise<AuditReceipt> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await fetchReceipt();
    if (r.status === 'anchored') {
      // A receipt proves only its own record: one of another request must not pass for this one's.
      if (r.record?.requestId !== requestId)
        throw new GatewayUnavailableError(
          'GATEWAY_BAD_ANSWER',
          `the gateway answered the receipt of request ${JSON.stringify(String(r.record?.requestId))} when asked for ${requestId}`,
        );
      return r;
    }
    if (Date.now() >= deadline)
      throw new RdxSdkError(
        'RECEIPT_PENDING',
        `request ${requestId} is logged but not anchored yet; ask again in a few seconds`,
      );
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** How long a signed action whose outcome is unknown is sent again, by default; the first wait, the longest. */
export const RESEND_WITHIN_MS = 30_000;
const RESEND_AFTER_MS = 1000;
const MAX_RESEND_WAIT_MS = 8000;

/** The statuses of a gateway, or of a proxy before it, that did not complete a request. */
const NOT_COMPLETED = new Set([502, 503, 504]);

/**
 * Whether a signed action may have been recorded though no answer said so: it went out and no answer came, or the
 * gateway or a proxy before it (whose page is not the gateway's JSON) answered 502/503/504: the ledger did not
 * complete it, a restart.
 */
function outcomeUnknown(err: unknown): err is GatewayUnavailableError | GatewayProblemError {
  if (err instanceof NoAnswerError) return true;
  if (!(err instanceof GatewayUnavailableError || err instanceof GatewayProblemError)) return false;
  return err.status !== undefined && NOT_COMPLETED.has(err.status);
}

/**
 * What this client made for a signed action and its caller must keep (a complaint's id and receipt, which only
 * its holder has): where the answer is lost, the error carries it, or it would be lost with the answer.
 */
interface Made {
  /** As {@link RecordedEarlierError.made}, where the ledger says the action was recorded. */
  kept: Record<string, unknown>;
  /** As said in the message where the outcome stays unknown. */
  said: string;
}

/**
 * The failure of a signed action an earlier sending of which got no answer: whatever it says, the action may have
 * been recorded (OUTCOME_UNKNOWN, the platform's failure: exit 2).
 */
function stillUnknown(err: RdxSdkError, action: string, attempts: number, made?: Made): RdxSdkError {
  return new GatewayUnavailableError(
    'OUTCOME_UNKNOWN',
    `${err.message}; ${action} was sent ${attempts} times as the same signed request, and a sending got no answer: it may have been recorded${made ? `; ${made.said}` : ''}`,
    { status: err.status, txId: err.txId, cause: err },
  );
}

/**
 * An enterprise's authenticated session.
 * Its methods throw {@link GatewayProblemError} with the gateway's code, {@link GatewayUnavailableError}, or
 * {@link InputError} (SIGNER_MISSING) for a signed action without a key.
 */
export class EnterpriseSession extends GatewaySession {
  /** The signer of workflow actions, if the session has the enterprise's key. */
  readonly signer: EnterpriseSigner | undefined;
  private readonly resendWithinMs: number;
  private readonly onResend: ((note: string) => void) | undefined;

  /** @throws InputError when the gateway address is not a URL. */
  constructor(options: SessionOptions) {
    super(options);
    this.signer = options.signer;
    this.resendWithinMs = options.resendWithinMs ?? RESEND_WITHIN_MS;
    this.onResend = options.onResend;
  }

  /** The enterprise's credit code as its credentials name it; undefined for a session from a bare token. */
  get creditCode(): string | undefined {
    const c = this.credentials;
    return c.kind === 'private-key' ? c.creditCode : c.kind === 'secret' ? c.clientId : undefined;
  }

  /** The enterprise's inbox and webhooks (issue 13). */
  get notifications(): PartyNotifications {
    return new PartyNotifications((method, path, options) => this.call(method, `/v1${path}`, options));
  }

  /**
   * A session authenticating with the enterprise's ES256 key (private_key_jwt), which also signs actions.
   * @throws Error when the key is not a P-256 key.
   */
  static withPrivateKey(
    baseUrl: string,
    creditCode: string,
    privateKeyPem: string,
    options: ConnectionOptions = {},
  ): EnterpriseSession {
    return new EnterpriseSession({
      ...options,
      baseUrl,
      credentials: { kind: 'private-key', creditCode, privateKeyPem },
      signer: new EnterpriseSigner(creditCode, privateKeyPem),
    });
  }

  /**
   * A session authenticating with a client secret; add a signer for workflow actions.
   * @throws InputError when the gateway address is not a URL.
   */
  static withClientSecret(
    baseUrl: string,
    clientId: string,
    clientSecret: string,
    signer?: EnterpriseSigner,
    options: ConnectionOptions = {},
  ): EnterpriseSession {
    return new EnterpriseSession({
      ...options,
      baseUrl,
      credentials: { kind: 'secret', clientId, clientSecret },
      signer,
    });
  }

  private sign(action: string, body: Record<string, unknown>): SignedRequest {
    if (!this.signer)
      throw new InputError(
        'SIGNER_MISSING',
        `${action} must be signed with the enterprise's key: give its private key (--key-file)`,
      );
    return this.signer.sign(action, body);
  }

  /**
   * Sends a signed action; where its outcome is unknown (no answer came, or the gateway, or a proxy before it, said
   * 502/503/504), sends the same signed request again, for up to `resendWithinMs` (a gateway restarting takes a few
   * seconds): its nonce is used once on the ledger, so a resend records nothing twice, and a refusal as already
   * used says the lost attempt was recorded.
   * @throws RecordedEarlierError when that is so, naming the transaction where the ledger did, with `made`.
   * @throws RdxSdkError OUTCOME_UNKNOWN when nothing settles it, saying `made`.
   */
  private async write<T>(
    method: 'POST' | 'PUT',
    path: string,
    action: string,
    body: Record<string, unknown>,
    made?: Made,
  ): Promise<LedgerWrite<T>> {
    const signed = this.sign(action, body);
    /** Set once a sending got no answer: from then on, only the ledger can say whether it was recorded. */
    let until: number | undefined;
    for (let attempt = 1; ; attempt++) {
      // Outside the resends: a token not had was no sending of the action.
      await this.accessToken();
      try {
        return (await this.call<LedgerWrite<T>>(method, path, { body: signed })).body;
      } catch (err) {
        // Only this request's own earlier sending can have used its nonce.
        if (attempt > 1 && err instanceof GatewayProblemError && err.code === 'REPLAYED') {
          const txId = /used by transaction ([0-9a-f]{64})/.exec(err.message)?.[1];
          throw new RecordedEarlierError(
            'RECORDED_EARLIER',
            `${action} was recorded by an earlier attempt whose answer was lost${txId ? `, in transaction ${txId}` : ''}; sent again as the same signed request, nothing was recorded twice`,
            { txId, cause: err },
            made?.kept,
          );
        }
        const unanswered = outcomeUnknown(err);
        if (unanswered) until ??= Date.now() + this.resendWithinMs;
        if (until === undefined || !(err instanceof RdxSdkError)) throw err;
        // After a sending lost, a gateway restarting refuses connections for a moment: sent again too.
        const refused = err instanceof GatewayUnavailableError && err.code === 'GATEWAY_UNAVAILABLE';
        const wait = Math.min(RESEND_AFTER_MS * 2 ** (attempt - 1), MAX_RESEND_WAIT_MS);
        if (!(unanswered || refused) || Date.now() + wait > until)
          throw stillUnknown(err, action, attempt, made);
        this.onResend?.(
          `# ${action}: no answer (${(err as Error).message}); sending the same signed request again in ${wait / 1000} s`,
        );
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** The catalog as the caller sees it, with its grants. @throws RdxSdkError */
  async catalog(): Promise<CatalogEntry[]> {
    return (await this.call<{ data: CatalogEntry[] }>('GET', '/v1/datasets')).body.data;
  }

  /**
   * One page of records by interface call.
   * @throws GatewayProblemError NO_GRANT, GRANT_NOT_ACTIVE, ITEMS_NOT_GRANTED, QUOTA_EXCEEDED, QUERY_INVALID, …
   */
  async records(datasetId: string, query: RecordsQuery = {}): Promise<RecordsPage> {
    const page = (
      await this.call<RecordsPage>('GET', `/v1/datasets/${encodeURIComponent(datasetId)}/records`, {
        query: {
          fields: query.fields?.join(','),
          filter: query.filter,
          limit: query.limit,
          cursor: query.cursor,
        },
        waitOutRate: false,
      })
    ).body;
    // Rows are written out as they come: anything but a list of objects would be written as rows.
    const rows: unknown = page.data;
    if (!Array.isArray(rows) || !rows.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r)))
      throw new GatewayUnavailableError(
        'GATEWAY_BAD_ANSWER',
        `the gateway at ${this.baseUrl} answered a page of ${datasetId} whose data is not a list of records`,
      );
    return page;
  }

  /**
   * Every page of records, following the cursor; stops after `maxPages` when given.
   * @throws GatewayProblemError as {@link records}, on whichever page is refused.
   * @throws GatewayUnavailableError GATEWAY_BAD_ANSWER when a cursor comes back that was followed already, or
   *   with an empty page: the gateway's cursors only move forward, so such an answer would be followed forever.
   */
  async *pages(
    datasetId: string,
    query: RecordsQuery = {},
    maxPages = Infinity,
  ): AsyncGenerator<RecordsPage> {
    // From `query.cursor` when given: a pull cut short goes on from the page after the last it received.
    let cursor = query.cursor;
    // The last cursors followed, to catch a loop: no more of them than RECENT_CURSORS however many pages there are.
    const followed = new Set<string>();
    for (let n = 0; n < maxPages; n++) {
      const page = await this.records(datasetId, { ...query, cursor });
      yield page;
      const next = page.nextCursor;
      if (!next) return;
      const why = cursorNotMovingOn(next, page, followed);
      if (why)
        throw new GatewayUnavailableError(
          'GATEWAY_BAD_ANSWER',
          `the gateway at ${this.baseUrl} gave page ${n + 1} of ${datasetId} ${why}: a cursor that does not move on; stopped.`,
        );
      followed.add(next);
      if (followed.size > RECENT_CURSORS) followed.delete(followed.values().next().value!);
      cursor = next;
    }
  }

  /** Computed results over groups of at least k rows. @throws GatewayProblemError */
  async aggregate(datasetId: string, query: AggregateQuery): Promise<AggregateResult> {
    return (
      await this.call<AggregateResult>('POST', `/v1/datasets/${encodeURIComponent(datasetId)}/aggregate`, {
        body: query,
      })
    ).body;
  }

  /** Downloads an unconditional dataset (CSV). @throws GatewayProblemError DOWNLOAD_FORBIDDEN for restricted data */
  download(datasetId: string): Promise<string> {
    return new PublicGatewayApi(this.baseUrl, this.http.options).download(datasetId);
  }

  /** Files an application (signed `SubmitApplication`). @throws RdxSdkError */
  apply(application: ApplicationInput): Promise<LedgerWrite<Application>> {
    return this.write(
      'POST',
      '/v1/applications',
      'SubmitApplication',
      application as unknown as Record<string, unknown>,
    );
  }

  /** Resubmits after a return for correction (signed `ResubmitApplication`). @throws RdxSdkError */
  resubmit(application: ApplicationInput): Promise<LedgerWrite<Application>> {
    return this.write(
      'PUT',
      `/v1/applications/${encodeURIComponent(application.id)}`,
      'ResubmitApplication',
      application as unknown as Record<string, unknown>,
    );
  }

  /** Disputes a body's rejection before re-review (signed `DisputeReview`). @throws RdxSdkError */
  dispute(args: { applicationId: string; body: string; reason: string }): Promise<LedgerWrite<Application>> {
    return this.write(
      'POST',
      `/v1/applications/${encodeURIComponent(args.applicationId)}/disputes`,
      'DisputeReview',
      { ...args },
    );
  }

  /** One of the caller's applications. @throws GatewayProblemError NOT_FOUND */
  async application(id: string): Promise<Application> {
    return (await this.call<{ data: Application }>('GET', `/v1/applications/${encodeURIComponent(id)}`)).body
      .data;
  }

  /** One of the caller's agreements, with its terms and termsHash. @throws GatewayProblemError NOT_FOUND */
  async agreement(id: string): Promise<Agreement> {
    return (await this.call<{ data: Agreement }>('GET', `/v1/agreements/${encodeURIComponent(id)}`)).body
      .data;
  }

  /**
   * Signs an agreement: reads it, checks that its termsHash is of the terms read (agreement-terms.ts), and signs
   * `SignAgreement` over it. With `expectedTermsHash`, refuses to sign terms other than those the caller read.
   * @throws InputError TERMS_CHANGED; RdxSdkError from the ledger.
   */
  async signAgreement(id: string, expectedTermsHash?: string): Promise<LedgerWrite<Agreement>> {
    const agreement = await this.agreement(id);
    checkTermsToSign(agreement, expectedTermsHash);
    return this.write('POST', `/v1/agreements/${encodeURIComponent(id)}/signature`, 'SignAgreement', {
      agreementId: id,
      termsHash: agreement.termsHash,
    });
  }

  /** Accepts a proposed renewal (signed `AcceptRenewal`). @throws RdxSdkError */
  acceptRenewal(args: { agreementId: string; validUntil: string }): Promise<LedgerWrite<Agreement>> {
    requireDate(args.validUntil, 'validUntil');
    return this.write(
      'POST',
      `/v1/agreements/${encodeURIComponent(args.agreementId)}/renewal`,
      'AcceptRenewal',
      { ...args },
    );
  }

  /**
   * Asks the owning body to renew an agreement before it ends (signed `RequestRenewal`, annex 4); the body
   * approves — renewed at once — or declines. @throws RdxSdkError
   */
  requestRenewal(args: { agreementId: string; validUntil: string }): Promise<LedgerWrite<Agreement>> {
    requireDate(args.validUntil, 'validUntil');
    return this.write(
      'POST',
      `/v1/agreements/${encodeURIComponent(args.agreementId)}/renewal-request`,
      'RequestRenewal',
      { ...args },
    );
  }

  /**
   * Gives notice of termination (signed `TerminateAgreement`): it takes effect after the agreement's notice
   * period (`termination.effectiveOn`). @throws RdxSdkError
   */
  terminateAgreement(args: {
    agreementId: string;
    reason: string;
    noticeDate: string;
  }): Promise<LedgerWrite<Agreement>> {
    requireDate(args.noticeDate, 'noticeDate');
    return this.write(
      'POST',
      `/v1/agreements/${encodeURIComponent(args.agreementId)}/termination`,
      'TerminateAgreement',
      { ...args },
    );
  }

  /** A usage report (利用情况报告, signed `ReportUsage`). @throws RdxSdkError */
  reportUsage(report: UsageReport): Promise<LedgerWrite<Duty>> {
    return this.write('POST', '/v1/usage-reports', 'ReportUsage', { ...report });
  }

  /** A data return (数据回流, signed `ReturnData`). @throws RdxSdkError INVALID_STATE without a return duty */
  returnData(data: DataReturn): Promise<LedgerWrite<Duty>> {
    return this.write('POST', '/v1/data-returns', 'ReturnData', { ...data });
  }

  /** A product publication (数据产品发布, signed `PublishProduct`). @throws RdxSdkError */
  publishProduct(product: ProductPublication): Promise<LedgerWrite<Duty>> {
    requireDate(product.publishedOn, 'publishedOn');
    return this.write('POST', '/v1/products', 'PublishProduct', { ...product });
  }

  /** A security issue report (signed `ReportSecurityIssue`). @throws RdxSdkError */
  reportSecurityIssue(issue: SecurityIssue): Promise<LedgerWrite<Duty>> {
    return this.write('POST', '/v1/security-issues', 'ReportSecurityIssue', { ...issue });
  }

  /**
   * A complaint or opinion of the enterprise (signed `FileComplaint`, Z21): its id and a receipt are made here;
   * keep the receipt to see where it stands (PublicGatewayApi.complaintStatus).
   * @throws RdxSdkError
   */
  async fileComplaint(
    complaint: PlatformComplaint,
  ): Promise<LedgerWrite<Complaint> & { complaint: FiledComplaint }> {
    const { id, receipt, receiptHash } = newComplaintReceipt();
    // Filed, or perhaps filed, its answer lost: the receipt exists only here, and without it nobody sees where
    // the complaint stands.
    const w = await this.write<Complaint>(
      'POST',
      '/v1/complaints',
      'FileComplaint',
      { ...complaint, id, receiptHash },
      {
        kept: { complaint: { id, receipt } },
        said: `if it was filed, it is complaint ${id}, and its receipt (keep it) is ${receipt}`,
      },
    );
    return { ...w, complaint: { id, due: w.data.deadline.due, receipt } };
  }

  /** The caller's applications, each with its state and next step (who acts, by when). @throws RdxSdkError */
  async applications(): Promise<OwnItem[]> {
    return (await this.call<{ data: OwnItem[] }>('GET', '/v1/applications')).body.data;
  }

  /**
   * The agreements of the caller's approved applications (`NOT_DRAFTED` while a body has not drafted its one),
   * each with its next step. @throws RdxSdkError
   */
  async agreements(): Promise<OwnItem[]> {
    return (await this.call<{ data: OwnItem[] }>('GET', '/v1/agreements')).body.data;
  }

  /**
   * What the caller owes under its agreements in force (product, data return, usage report), by when, soonest
   * first; late ones are `overdue`. @throws RdxSdkError
   */
  async duties(): Promise<OwnDuty[]> {
    return (await this.call<{ data: OwnDuty[] }>('GET', '/v1/duties')).body.data;
  }

  /** The caller's grants as the gateway enforces them. @throws RdxSdkError */
  async grants(): Promise<Grant[]> {
    return (await this.call<{ data: Grant[] }>('GET', '/v1/grants')).body.data;
  }

  /** The caller's own access log, newest first. @throws RdxSdkError */
  async accessLog(query: { limit?: number; before?: number } = {}): Promise<AccessLogPage> {
    return (await this.call<AccessLogPage>('GET', '/v1/access-log', { query })).body;
  }

  /**
   * The receipt of one of the caller's requests, or `pending` while no anchor covers it yet.
   * @throws GatewayProblemError NOT_FOUND for a request that is not the caller's.
   */
  async receipt(requestId: string): Promise<AuditReceipt | PendingReceipt> {
    return (
      await this.call<AuditReceipt | PendingReceipt>(
        'GET',
        `/v1/audit/receipts/${encodeURIComponent(requestId)}`,
      )
    ).body;
  }

  /**
   * The ledger block holding the anchor of one of the caller's requests, for {@link verifyAnchorBlock}.
   * @throws GatewayProblemError NOT_FOUND, RECEIPT_PENDING while no anchor covers it.
   */
  async receiptBlock(requestId: string): Promise<AnchorBlock> {
    return (await this.call<AnchorBlock>('GET', `/v1/audit/receipts/${encodeURIComponent(requestId)}/block`))
      .body;
  }

  /**
   * The receipt once anchored, polling while pending until `timeoutMs`.
   * @throws RdxSdkError RECEIPT_PENDING when no anchor covers the request in time.
   */
  anchoredReceipt(requestId: string, timeoutMs: number, pollMs = 1000): Promise<AuditReceipt> {
    return pollAnchored(() => this.receipt(requestId), requestId, timeoutMs, pollMs);
  }
}
