/**
 * A real gateway for tests: the real app over real stores (audit log, dataset store, client registry and
 * signing keys in a fresh temp folder), a real Anchorer over an in-memory FakeLedger, and a LedgerView the
 * test fills and changes directly. It listens on 127.0.0.1:0 and records every exchange the server answers
 * (method, path, status, content type, headers, body bytes), so a test can check all of them afterwards.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { EnterpriseSigner, RdxLedger, signAdminRequest, type AdminIdentity } from '@rdx/client';
import { createApp } from '../app.js';
import { ANONYMOUS_RATE_DEFAULT } from '../http/anonymous-rate.js';
import { TrustedProxies } from '../http/caller-address.js';
import { acceptRawUtf8RequestLines } from '../http/raw-utf8-urls.js';
import { Anchorer } from '../audit/anchorer.js';
import { AuditLog } from '../audit/audit-log.js';
import { ClientRegistry } from '../auth/client-registry.js';
import { SigningKeys } from '../auth/signing-keys.js';
import { TokenService } from '../auth/token-service.js';
import { AdminSignatureVerifier, MspRoots } from '../auth/admin-signature.js';
import { LoginGuard, type LoginGuardOptions } from '../auth/login-guard.js';
import { followRevokedTokens } from '../auth/revoked-tokens.js';
import { SqliteReplayStore } from '../auth/replay-store.js';
import { MemoryGrantUsage, type GrantUsage } from '../enforcement/grant-usage.js';
import { Limiter } from '../enforcement/limiter.js';
import { PRIVACY_DEFAULTS, PrivacyBudget, type PrivacyOptions } from '../enforcement/privacy.js';
import { registerGauges } from '../http/gauges.js';
import type { DatabaseAnswers } from '../store/database-watch.js';
import { Metrics } from '../http/metrics.js';
import { startMetricsServer, type MetricsServer } from '../http/metrics-server.js';
import type { AnchorStatus, AuditRecord, Services } from '../services.js';
import { parseFilter } from '../store/filter-syntax.js';
import { DatasetStore } from '../store/sqlite-dataset-store.js';
import { LedgerView, type EnterpriseView } from '../view/ledger-view.js';
import { FakeLedger } from './fake-ledger.js';
import { mspRootsDir, testOrg } from './test-ca.js';
import { NotificationStore } from '../notify/notification-store.js';
import { MisuseMonitor } from '../misuse/misuse-monitor.js';
import { Fingerprints } from '../fingerprint/fingerprints.js';
import { DEFAULT_THRESHOLDS, type MisuseThresholds } from '../misuse/grant-activity.js';
import {
  CODE,
  DS,
  OPEN_ITEMS,
  PEOPLE_ITEMS,
  datasetFiles,
  datasetViews,
  enterpriseViews,
  generateEnterpriseKeys,
  grantViews,
  sha256Hex,
  type DatasetFiles,
  type EnterpriseKeys,
  type Rating,
} from './fixtures.js';

export const ISSUER = 'http://rdx.test';
/** The organizations owning the fixture datasets: the harness's gateway trusts their test roots. */
export const DATASET_OWNERS = ['LS-CIVIL', 'LS-EPB', 'LS-PSB', 'LS-AMR'] as const;
export const AUDIENCE = 'rdx-api';
export const GATEWAY_ID = 'gw-test';

/** The token the harness's metrics listener asks of a scrape, and the headers that show it. */
export const METRICS_TOKEN = 'fe'.repeat(32);
export const METRICS_HEADERS = { authorization: `Bearer ${METRICS_TOKEN}` };

export interface HarnessOptions {
  /** The fingerprint secret (default: none, so records are served exact and only fingerprint tests mark them). */
  fingerprintSecret?: Buffer;
  /** Misuse thresholds (default: the platform's defaults). */
  misuse?: Partial<MisuseThresholds>;
  /** Largest page (default 50). */
  pageMax?: number;
  /** Smallest group of a computed result (default 10). */
  kMin?: number;
  /** Calls per second per grant (default 10 000, so only rate tests meet the limit). */
  ratePerSecond?: number;
  /** Largest JSON body of the workflow routes (default 32kb). */
  bodyLimit?: string;
  /** How long a record may stay unanchored before restricted data stops (default 60 s). */
  anchorMaxLagMs?: number;
  /** Rows of the restricted people dataset (default 300). */
  peopleRows?: number;
  /**
   * The token endpoint's guard (default: limits high enough that only the guard's own tests meet them; the
   * harness's clock drives it).
   */
  loginGuard?: Partial<LoginGuardOptions>;
  /** ε of computed results (default: the platform's defaults). */
  privacy?: Partial<PrivacyOptions>;
  /** Unattributed denials logged per second (default: all of them, so tests can read each one's record). */
  unattributedLogPerSecond?: number;
  /** Where quotas and privacy budgets are counted (default: this gateway's memory). */
  usage?: GrantUsage;
  /** Browser origins allowed to call (default: none). */
  corsOrigins?: string[];
  /** The reverse proxies whose X-Forwarded-For is believed (default: none). */
  trustedProxies?: string[];
  /** Complaints per address and hour on the public route (default 10 000, so only its own test meets it). */
  publicComplaintsPerHour?: number;
  /** Calls per second per address on the routes that take no credentials (default: the platform's, 50). */
  anonymousRatePerSecond?: number;
  /** Calls per second per enterprise on the routes that are not data calls (default: too many to reach). */
  callerRatePerSecond?: number;
  /** How long a refusal of an anonymous caller's rate is held (default: the platform's, 1000 ms). */
  rateRefusalDelayMs?: number;
  /** The record of used assertions made anew as the gateway starts, as where its file was lost (replay-store.ts). */
  replaysLost?: boolean;
  /** Whether the stores' database answers (default: none watched, as on SQLite). */
  database?: DatabaseAnswers;
}

/** One answer of the server, as sent. */
export interface Exchange {
  method: string;
  /** Path and query as requested. */
  url: string;
  /** Path only. */
  path: string;
  status: number;
  contentType: string;
  headers: http.OutgoingHttpHeaders;
  body: Buffer;
}

/** An answer as the test client received it. */
export interface Reply {
  status: number;
  headers: Headers;
  contentType: string;
  /** The exact body bytes. */
  bytes: Buffer;
  text: string;
  /** The parsed body when it is JSON (any `+json` type too), else undefined. */
  body: unknown;
  /** X-Request-Id. */
  requestId: string;
}

export interface CallOptions {
  /** Bearer token, or the rating of a fixture enterprise to get a fresh token for. */
  token?: string;
  as?: Rating;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is. */
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

export class Harness {
  /** The switch for `services.anchors.behind()`: true forces it; false leaves it to the real Anchorer. */
  anchorsBehind = false;
  /** The clock the app sees (services.now); undefined is real time. */
  clock: Date | undefined;
  /** Client secrets of the fixture enterprises (client id = credit code). */
  readonly secrets = new Map<string, string>();

  constructor(
    readonly base: string,
    readonly services: Services,
    readonly view: LedgerView,
    readonly ledger: FakeLedger,
    readonly audit: AuditLog,
    readonly store: DatasetStore,
    readonly keys: SigningKeys,
    readonly clients: ClientRegistry,
    readonly tokens: TokenService,
    readonly limiter: Limiter,
    readonly metrics: Metrics,
    readonly anchorer: Anchorer,
    readonly enterpriseKeys: Record<Rating, EnterpriseKeys>,
    readonly files: DatasetFiles,
    /** Every answer the server sent, in order. */
    readonly exchanges: Exchange[],
    private readonly server: http.Server,
    private readonly dir: string,
    /** The metrics listener beside the API's, as main.ts starts it (127.0.0.1, here on a free port). */
    readonly metricsServer: MetricsServer,
    /** Stops reading the revoked tokens from the store, as main.ts does at shutdown. */
    private readonly stopFollowingRevokedTokens: () => void,
  ) {}

  /** What a scraper on the host reads: GET /metrics on the metrics listener, asserted 200. */
  async scrape(): Promise<string> {
    const reply = await fetch(`${this.metricsServer.url}/metrics`, { headers: METRICS_HEADERS });
    expect(reply.status, 'GET /metrics on the metrics listener').to.equal(200);
    return reply.text();
  }

  /**
   * POSTs `body` in two parts, running `meanwhile` between them once the first has reached the app: what a check
   * made before the body, and not again after it, misses. The answer's status, problem code and request id.
   */
  async postInTwoParts(
    urlPath: string,
    headers: Record<string, string>,
    body: string,
    meanwhile: () => void | Promise<void>,
  ): Promise<{ status: number; code: string | undefined; requestId: string }> {
    const sent = http.request(`${this.base}${urlPath}`, {
      method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    });
    const answered = new Promise<{ status: number; code: string | undefined; requestId: string }>(
      (resolve, reject) => {
        sent.on('error', reject);
        sent.on('response', (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              code: (JSON.parse(text) as { code?: string }).code,
              requestId: String(res.headers['x-request-id']),
            }),
          );
        });
      },
    );
    const half = Math.floor(body.length / 2);
    sent.write(body.slice(0, half));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await meanwhile();
    sent.end(body.slice(half));
    return answered;
  }

  /**
   * Withdraws the signing key in use as an operator does (a new key signs from now on, the old one's file is
   * taken out of the folder): every token it signed stops verifying. Returns the withdrawn key's id.
   */
  /** Deletes the audit log's file under the running gateway (a clean-up gone wrong, a hand in the data folder). */
  deleteAuditFile(): void {
    fs.rmSync(path.join(this.dir, 'audit.db'));
  }

  withdrawSigningKey(): string {
    const { kid } = this.keys.current();
    this.keys.rotate();
    fs.rmSync(path.join(this.dir, 'keys', `${kid}.pem`));
    this.keys.reload();
    return kid;
  }

  /** A fresh access token for an enterprise (by rating or credit code), issued by the gateway's TokenService. */
  tokenFor(who: string): string {
    const code = who in CODE ? CODE[who as Rating] : who;
    return this.tokens.issue(code).access_token;
  }

  /** The fixture enterprise's request signer (its registered key). */
  signer(rating: Rating, creditCode: string = CODE[rating]): EnterpriseSigner {
    return new EnterpriseSigner(creditCode, this.enterpriseKeys[rating].privateKeyPem);
  }

  /**
   * Sets the app's clock (quota days, grant and rating validity, audit record times). The Anchorer measures
   * lag against the machine's clock, so a clock set behind it makes new records look old and `behind()` true:
   * move it forward, not back, unless that is the point.
   */
  setNow(date: Date | string | undefined): void {
    this.clock = date === undefined ? undefined : new Date(date);
  }

  /** Changes an enterprise's rating level in the view, as a rating event would. */
  setRating(
    rating: Rating,
    level: EnterpriseView['rating']['level'],
    extra: Partial<EnterpriseView['rating']> = {},
  ): void {
    const e = this.view.enterprises.get(CODE[rating])!;
    expect(e, `enterprise ${rating} is in the view`).not.to.equal(undefined);
    this.view.putEnterprise({ ...e, rating: { ...e.rating, level, ...extra } });
  }

  /**
   * PUT of a dataset version, signed as an org's admin would sign it (by default: the dataset owner's admin,
   * over the SHA-256 of exactly these bytes). `signer: null` sends it unsigned.
   */
  load(
    datasetId: string,
    version: string,
    body: string | Uint8Array,
    opts: { signer?: AdminIdentity | null; contentSha256?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const urlPath = `/v1/admin/datasets/${datasetId}/versions/${version}`;
    const owner = this.view.datasets.get(datasetId)?.owner ?? DATASET_OWNERS[0];
    const signer = opts.signer === undefined ? testOrg(owner).identity('admin') : opts.signer;
    const signature = signer
      ? signAdminRequest(signer, {
          method: 'PUT',
          path: urlPath,
          contentSha256: opts.contentSha256 ?? sha256Hex(body),
        })
      : {};
    return this.call('PUT', urlPath, {
      body,
      headers: { 'content-type': 'text/csv', ...signature, ...opts.headers },
    });
  }

  /** A GET signed with an organization's Fabric identity (over the SHA-256 of no bytes), as admin routes take it. */
  signedGet(urlPath: string, signer: AdminIdentity): Promise<Reply> {
    return this.signedCall('GET', urlPath, signer);
  }

  /** The notifications every party has, as the notifier stores them. */
  get notifications(): NotificationStore {
    return this.services.notifications!;
  }

  /** A request signed with an organization's Fabric identity over exactly `body` (JSON), as admin routes take it. */
  signedCall(method: string, urlPath: string, signer: AdminIdentity, json?: unknown): Promise<Reply> {
    const body = json === undefined ? '' : JSON.stringify(json);
    const headers = signAdminRequest(signer, { method, path: urlPath, contentSha256: sha256Hex(body) });
    return this.call(method, urlPath, {
      ...(json === undefined ? {} : { body }),
      headers: { ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    });
  }

  /** Anchors everything logged so far through the real Anchorer and the fake ledger. */
  async anchorNow(): Promise<void> {
    await this.anchorer.anchorNow();
    expect(this.anchorer.lastError, `anchoring failed: ${this.anchorer.lastError}`).to.equal(undefined);
  }

  /** The audit record of a reply (by its X-Request-Id). */
  auditOf(reply: Reply): AuditRecord {
    const record = this.audit.get(reply.requestId)!;
    expect(record, `no audit record for request ${reply.requestId}`).not.to.equal(undefined);
    return record;
  }

  async call(method: string, urlPath: string, opts: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...opts.headers };
    const token = opts.token ?? (opts.as ? this.tokenFor(opts.as) : undefined);
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let body: string | Uint8Array | undefined = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.base}${urlPath}`, { method, headers, body, redirect: 'manual' });
    const bytes = Buffer.from(await res.arrayBuffer());
    const contentType = res.headers.get('content-type') ?? '';
    const text = bytes.toString('utf8');
    let parsed: unknown;
    if (/[/+]json\b/.test(contentType)) {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        parsed = undefined;
      }
    }
    return {
      status: res.status,
      headers: res.headers,
      contentType,
      bytes,
      text,
      body: parsed,
      requestId: res.headers.get('x-request-id') ?? '',
    };
  }

  get(urlPath: string, opts: CallOptions = {}): Promise<Reply> {
    return this.call('GET', urlPath, opts);
  }

  post(urlPath: string, opts: CallOptions = {}): Promise<Reply> {
    return this.call('POST', urlPath, opts);
  }

  async close(): Promise<void> {
    this.stopFollowingRevokedTokens();
    await this.anchorer.stop();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.metricsServer.close();
    await this.audit.close();
    this.store.close();
    this.clients.close();
    await this.services.replays.close();
    this.services.notifications?.close();
    this.services.misuse?.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Records what the server writes for each request, then hands the request to the app. */
function recordingServer(app: http.RequestListener, exchanges: Exchange[]): http.Server {
  return http.createServer((req, res) => {
    const url = req.url ?? '';
    const method = req.method ?? '';
    const chunks: Buffer[] = [];
    const grab = (chunk: unknown, encoding: unknown): void => {
      if (typeof chunk === 'string')
        chunks.push(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
      else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
    res.write = ((...args: unknown[]) => {
      grab(args[0], args[1]);
      return write(...args);
    }) as typeof res.write;
    res.end = ((...args: unknown[]) => {
      if (typeof args[0] !== 'function') grab(args[0], args[1]);
      return end(...args);
    }) as typeof res.end;
    res.on('finish', () => {
      exchanges.push({
        method,
        url,
        path: url.split('?')[0] ?? url,
        status: res.statusCode,
        contentType: String(res.getHeader('content-type') ?? ''),
        headers: res.getHeaders(),
        body: decoded(Buffer.concat(chunks), String(res.getHeader('content-encoding') ?? '')),
      });
    });
    app(req, res);
  });
}

/** An answer as it came over the wire: its status, headers and bytes, not decoded (fetch() would decode them). */
export interface SentAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Sends a request with Node's `http` (which asks for no encoding unless told) and reads the answer's bytes. */
export function sentAnswer(
  url: string,
  opts: { method?: string; headers?: Record<string, string> } = {},
): Promise<SentAnswer> {
  return new Promise((resolve, reject) =>
    http
      .request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject)
      .end(),
  );
}

/** The body as the app meant it, before compression: what the exchange checks and the compression tests look at. */
export function decoded(body: Buffer, encoding: string): Buffer {
  if (encoding === 'gzip') return zlib.gunzipSync(body);
  if (encoding === 'br') return zlib.brotliDecompressSync(body);
  if (encoding === 'deflate') return zlib.inflateSync(body);
  return body;
}

/** Builds and starts a gateway over fixture data. Close it with `close()`. */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-gw-test-'));
  const audit = AuditLog.open(path.join(dir, 'audit.db'), { groupCommitMs: 0 });
  const store = DatasetStore.open(path.join(dir, 'datasets.db'));
  const clients = ClientRegistry.open(path.join(dir, 'clients.db'));
  const keys = SigningKeys.open(path.join(dir, 'keys'));
  const tokens = new TokenService(keys, ISSUER, AUDIENCE, 900);
  const limiter = new Limiter(opts.ratePerSecond ?? 10_000);
  const usage = opts.usage ?? new MemoryGrantUsage();
  const metrics = new Metrics();
  const notifications = NotificationStore.open(path.join(dir, 'notifications.db'));

  const peopleCount = opts.peopleRows ?? 300;
  const enterpriseKeys = generateEnterpriseKeys();
  const files = datasetFiles(peopleCount);
  const view = new LedgerView();
  view.replaceAll(enterpriseViews(enterpriseKeys), datasetViews(files, peopleCount), grantViews());
  view.following = true;
  view.lastBlock = 99;
  view.lastEventAt = Date.now();

  store.loadVersion(DS.PEOPLE, 'v1', PEOPLE_ITEMS, 'csv', files.peopleV1);
  store.loadVersion(DS.OPEN, 'v1', OPEN_ITEMS, 'csv', files.openV1);

  const ledger = new FakeLedger((code) => view.enterprises.get(code)?.publicKey);
  ledger.recipients = grantViews()
    .filter((g) => g.state === 'ACTIVE' || g.state === 'SUSPENDED')
    .map((g) => ({
      enterpriseName: view.enterprises.get(g.creditCode)?.name,
      creditCode: g.creditCode,
      datasetId: g.datasetId,
      datasetName: view.datasets.get(g.datasetId)?.name,
      body: g.body,
      since: g.grantedAt,
      validUntil: g.validUntil,
      state: g.state,
    }));
  ledger.creditEvaluations = [{ creditCode: CODE.AA, level: 'AA', evaluatedAt: '2025-01-01T00:00:00.000Z' }];
  ledger.duties = [
    {
      id: 'AGR-AA-1.product.0001',
      kind: 'product',
      agreementId: 'AGR-AA-1',
      creditCode: CODE.AA,
      at: '2025-05-01T02:00:00.000Z',
      detail: { name: '企业信用画像', address: 'https://credit.example.cn', publishedOn: '2025-05-01' },
    },
    {
      id: 'AGR-AA-1.usage-report.0001',
      kind: 'usage-report',
      agreementId: 'AGR-AA-1',
      creditCode: CODE.AA,
      at: '2025-05-02T02:00:00.000Z',
      detail: { period: '2025-Q1', callCount: 10, reportHash: 'a'.repeat(64) },
    },
  ];

  const anchorer = new Anchorer(audit, ledger, {
    gatewayId: GATEWAY_ID,
    every: 100,
    intervalMs: 5000,
    maxLagMs: opts.anchorMaxLagMs ?? 60_000,
  });

  // The services read the switches of the harness, which is built after them.
  const ref: { harness?: Harness } = {};
  const anchors: AnchorStatus = {
    behind: () => ref.harness?.anchorsBehind === true || anchorer.behind(),
    lagRecords: () => anchorer.lagRecords(),
    lagSeconds: () => anchorer.lagSeconds(),
    broken: () => anchorer.broken(),
    lastFailure: () => anchorer.lastFailure(),
  };
  registerGauges(metrics, { anchors, view, audit, database: opts.database });
  // The gateway's clock, the harness's when a test sets one: signing times and the replay store's expiries follow it.
  const clock = (): number => ref.harness?.clock?.getTime() ?? Date.now();
  const replays = SqliteReplayStore.open(path.join(dir, 'assertions.db'), clock, opts.replaysLost ?? false);
  const stopFollowingRevokedTokens = await followRevokedTokens(tokens, replays, () => undefined);
  const services: Services = {
    config: {
      gatewayId: GATEWAY_ID,
      pageMax: opts.pageMax ?? 50,
      kMin: opts.kMin ?? 10,
      issuer: ISSUER,
      bodyLimit: opts.bodyLimit ?? '32kb',
      corsOrigins: opts.corsOrigins ?? [],
      trustedProxies: new TrustedProxies(opts.trustedProxies ?? []),
      publicComplaintsPerHour: opts.publicComplaintsPerHour ?? 10_000,
      publicComplaintsPerHourTotal: 1_000_000,
      anonymousRatePerSecond: opts.anonymousRatePerSecond,
      rateRefusalDelayMs: opts.rateRefusalDelayMs,
      // The tests' webhook receivers listen on loopback, as on a trial gateway.
      webhookReach: { private: false, loopback: true },
    },
    view,
    ledger,
    tokens,
    keys,
    clients,
    audit,
    anchors,
    store,
    database: opts.database,
    parseFilter,
    limiter,
    callerRate: new Limiter(opts.callerRatePerSecond ?? 1_000_000),
    addressRate: new Limiter(opts.anonymousRatePerSecond ?? ANONYMOUS_RATE_DEFAULT),
    metrics,
    now: () => (ref.harness?.clock ? new Date(ref.harness.clock) : new Date()),
    unattributedLogPerSecond: opts.unattributedLogPerSecond ?? 1_000_000,
    usage,
    privacy: new PrivacyBudget(usage, { ...PRIVACY_DEFAULTS, ...opts.privacy }),
    replays,
    adminSignatures: new AdminSignatureVerifier(
      new MspRoots(mspRootsDir(path.join(dir, 'msp'), DATASET_OWNERS)),
      replays,
      clock,
    ),
    uploadDir: path.join(dir, 'uploads'),
    notifications,
    fingerprints: opts.fingerprintSecret
      ? new Fingerprints(opts.fingerprintSecret, new RdxLedger(ledger).audit)
      : undefined,
    misuse: MisuseMonitor.open(path.join(dir, 'signals.db'), {
      view,
      thresholds: { ...DEFAULT_THRESHOLDS, ...opts.misuse },
      rowsOf: (id) => store.currentVersion(id)?.rowCount,
      metrics,
      notifications,
    }),
    loginGuard: new LoginGuard({
      perAddressPerMinute: 100_000,
      perClientPerMinute: 100_000,
      freeFailures: 100_000,
      now: () => ref.harness?.clock?.getTime() ?? Date.now(),
      ...opts.loginGuard,
    }),
  };
  fs.mkdirSync(services.uploadDir);
  const app = createApp(services);
  const exchanges: Exchange[] = [];
  const server = recordingServer(app, exchanges);
  acceptRawUtf8RequestLines(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const harness = new Harness(
    `http://127.0.0.1:${port}`,
    services,
    view,
    ledger,
    audit,
    store,
    keys,
    clients,
    tokens,
    limiter,
    metrics,
    anchorer,
    enterpriseKeys,
    files,
    exchanges,
    server,
    dir,
    await startMetricsServer(0, metrics, METRICS_TOKEN),
    stopFollowingRevokedTokens,
  );
  ref.harness = harness;
  for (const rating of Object.keys(CODE) as Rating[])
    harness.secrets.set(CODE[rating], clients.register(CODE[rating]));
  return harness;
}

/** Asserts an RFC 9457 problem answer with this status and stable code; returns its body. */
export function assertProblem(reply: Reply, status: number, code: string): Record<string, unknown> {
  const body = reply.body as Record<string, unknown>;
  expect(
    reply.status,
    `expected ${status} ${code}, got ${reply.status}: ${reply.text.slice(0, 300)}`,
  ).to.equal(status);
  expect(reply.contentType).to.match(/^application\/problem\+json/);
  expect(body, 'a problem body').to.be.an('object');
  expect(body.code, `expected code ${code}, got ${String(body.code)}: ${String(body.detail)}`).to.equal(code);
  expect(body.status).to.equal(status);
  expect(typeof body.type).to.equal('string');
  expect(typeof body.title).to.equal('string');
  return body;
}

/** The RFC 6749 §5.2 `error` of each refusal of the token endpoint (routes/oauth.ts). */
const OAUTH_ERROR_OF: Record<string, string> = {
  INVALID_CLIENT: 'invalid_client',
  UNSUPPORTED_GRANT_TYPE: 'unsupported_grant_type',
  RATE_LIMITED: 'temporarily_unavailable',
};

/**
 * Asserts a refusal of the token endpoint as OAuth clients read it: `application/json` with `error` and
 * `error_description` (RFC 6749 §5.2), and the platform's `code` beside them. Returns the body.
 */
export function assertOAuthError(reply: Reply, status: number, code: string): Record<string, unknown> {
  const body = reply.body as Record<string, unknown>;
  expect(
    reply.status,
    `expected ${status} ${code}, got ${reply.status}: ${reply.text.slice(0, 300)}`,
  ).to.equal(status);
  expect(reply.contentType).to.match(/^application\/json/);
  expect(body.code, `expected code ${code}, got ${String(body.code)}`).to.equal(code);
  expect(body.error).to.equal(OAUTH_ERROR_OF[code] ?? 'invalid_request');
  expect(body.error_description).to.be.a('string').and.not.equal('');
  expect(reply.headers.get('cache-control')).to.equal('no-store');
  return body;
}

/** A client-credentials request at the token endpoint with `params` besides the grant type (form-encoded). */
function tokenForm(h: Harness, params: Record<string, string>): Promise<Reply> {
  return h.post('/oauth/token', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...params }).toString(),
  });
}

/** A client-credentials request at the token endpoint with a signed client assertion alone. */
export function assertionLogin(h: Harness, assertion: string): Promise<Reply> {
  return tokenForm(h, {
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  });
}

/** A client-credentials request at the token endpoint with a client id and secret (form-encoded). */
export function secretLogin(h: Harness, clientId: string, secret: string): Promise<Reply> {
  return tokenForm(h, { client_id: clientId, client_secret: secret });
}

/** Registers a regulator client on the harness and logs it in (client secret); its access token. */
export async function regulatorLogin(h: Harness, clientId: string): Promise<string> {
  const secret = h.clients.register(clientId, undefined, 'regulator');
  return assertOk<{ access_token: string }>(await secretLogin(h, clientId, secret)).access_token;
}

/** Asserts a 200 JSON answer; returns its body. */
export function assertOk<T = Record<string, unknown>>(reply: Reply, status = 200): T {
  expect(reply.status, `expected ${status}, got ${reply.status}: ${reply.text.slice(0, 300)}`).to.equal(
    status,
  );
  return reply.body as T;
}
