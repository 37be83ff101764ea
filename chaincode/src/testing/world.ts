/**
 * A scenario builder for contract tests: a FakeLedger with the working-day calendar, the two opening bodies
 * (MarketMSP, TransportMSP), three enterprises (AA, AAA, A) with their ES256 keys and three datasets, plus
 * small helpers that drive the demand workflow all the way to ACTIVE grants.
 *
 *   const w = await World.create();
 *   const { agreements, grants } = await w.activeGrants(w.aa, 'app-1');
 *   await w.refused(() => w.invoke(IDS.transport, C.grant, 'SuspendGrant', grants[0]!.id, …), 'FORBIDDEN');
 */
import crypto from 'node:crypto';
import { expect } from 'chai';
import type { Contract } from 'fabric-contract-api';
import { AgreementContract } from '../contracts/agreement-contract';
import { ApplicationContract } from '../contracts/application-contract';
import { AuditContract } from '../contracts/audit-contract';
import { CatalogContract } from '../contracts/catalog-contract';
import { ComplaintContract } from '../contracts/complaint-contract';
import { DutyContract } from '../contracts/duty-contract';
import { EnterpriseContract } from '../contracts/enterprise-contract';
import { GrantContract } from '../contracts/grant-contract';
import { PlatformContract } from '../contracts/platform-contract';
import { QueryContract } from '../contracts/query-contract';
import { CALENDAR_SEED } from '../data/calendar-seed';
import { errorCodeOf, type ErrorCode } from '../lib/errors';
import type { Agreement, Terms } from '../models/agreement';
import type { Application, ApplicationForm, Demand } from '../models/application';
import type { DataItem, Dataset, DatasetVersion } from '../models/dataset';
import type { Rating, RatingRecord } from '../models/enterprise';
import type { Grant } from '../models/grant';
import {
  EnterpriseKey,
  FakeLedger,
  IDS,
  certificateOf,
  secret,
  type Identity,
  type TxExtras,
} from './fake-ledger';

/** One instance of every contract (they keep no state of their own). */
export const C = {
  platform: new PlatformContract(),
  enterprise: new EnterpriseContract(),
  catalog: new CatalogContract(),
  application: new ApplicationContract(),
  agreement: new AgreementContract(),
  grant: new GrantContract(),
  complaint: new ComplaintContract(),
  duty: new DutyContract(),
  audit: new AuditContract(),
  query: new QueryContract(),
};

/** Real, valid unified social credit codes. */
export const CODES = {
  aa: '91440300708461136T',
  aaa: '914403001922038216',
  a: '91330100716105852F',
  spare: '91330100799655058B',
} as const;
/** 91440300708461136T with a wrong check character. */
export const INVALID_CODE = '91440300708461136X';

export const MARKET_ENTITIES = 'market-entities';
export const MARKET_NOTICES = 'market-notices';
export const TRANSPORT_VEHICLES = 'transport-vehicles';
/** Who owns each dataset World.create registers. */
const DATASET_OWNERS: Record<string, string> = {
  [MARKET_ENTITIES]: 'MarketMSP',
  [MARKET_NOTICES]: 'MarketMSP',
  [TRANSPORT_VEHICLES]: 'TransportMSP',
};

/** Lower-case hex SHA-256 of a string: how documents and personal data appear in requests. */
export function sha(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** `date` (YYYY-MM-DD) plus `days` calendar days. */
export function plusDays(date: string, days: number): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

/** The instant at which it is `time` (default 10:00) on `date` in China (UTC+8). */
export function chinaTime(date: string, time = '10:00'): Date {
  return new Date(`${date}T${time}:00+08:00`);
}

/**
 * Runs `call` and checks it is refused with `code` (and a message matching `message`, when given) and that the
 * ledger, events and policies did not change.
 */
export async function refused(
  ledger: FakeLedger,
  call: () => Promise<unknown>,
  code: ErrorCode,
  message?: RegExp,
): Promise<void> {
  const before = ledger.snapshot();
  const events = ledger.events.length;
  const policies = ledger.policies.size;
  const err = (await expect(call()).to.be.rejectedWith(Error)) as Error;
  expect(errorCodeOf(err.message), err.message).to.equal(code);
  if (message) expect(err.message).to.match(message);
  expect(ledger.snapshot(), 'a refused call wrote nothing').to.equal(before);
  expect(ledger.events.length, 'a refused call emitted no event').to.equal(events);
  expect(ledger.policies.size, 'a refused call set no key-level policy').to.equal(policies);
}

// ---- inputs -------------------------------------------------------------------------------------------

/** A rating as the bureau gives it: the stored rating but for what the chaincode adds. */
export type RatingInput = Omit<RatingRecord, 'ratedAt' | 'expired'>;

export function ratingInput(level: Rating, overrides: Partial<RatingInput> = {}): RatingInput {
  return {
    level,
    mlpsLevel: level === 'A' ? 1 : 3,
    mlpsFiling: '33110043001-25001',
    creditStatus: 'good',
    certificateHashes: [sha(`capability certificate ${level}`)],
    validUntil: '2026-12-31',
    ...overrides,
  };
}

export interface EnterpriseInput {
  creditCode: string;
  name: string;
  nature: string;
  publicKey: string;
  rating: RatingInput;
}

export function enterpriseInput(
  creditCode: string,
  name: string,
  publicKey: string,
  rating: RatingInput,
): EnterpriseInput {
  return { creditCode, name, nature: 'private', publicKey, rating };
}

/** A data item as a body registers it: `personal` may be left out. */
export interface ItemInput extends Omit<DataItem, 'personal'> {
  personal?: boolean;
}

/** A dataset as a body registers it (any update frequency, so tests can send a wrong one). */
export interface DatasetInput extends Pick<
  Dataset,
  'id' | 'name' | 'description' | 'openAttribute' | 'format'
> {
  items: ItemInput[];
  updateFrequency: string;
}

export const MARKET_ENTITY_ITEMS = [
  'uscc',
  'name',
  'legal_rep_id',
  'legal_rep_phone',
  'address',
  'registered_on',
];
export const TRANSPORT_VEHICLE_ITEMS = ['plate_no', 'vehicle_type', 'owner_uscc', 'inspection_due'];

export function marketEntitiesInput(): DatasetInput {
  return {
    id: MARKET_ENTITIES,
    name: '市场主体登记信息',
    description: 'Registered market entities of Lishui',
    openAttribute: 'restricted',
    format: 'csv',
    items: [
      { name: 'uscc', label: '统一社会信用代码', type: 'string' },
      { name: 'name', label: '企业名称', type: 'string' },
      { name: 'legal_rep_id', label: '法定代表人身份证号', type: 'string', personal: true },
      { name: 'legal_rep_phone', label: '法定代表人电话', type: 'string', personal: true },
      { name: 'address', label: '住所', type: 'string' },
      { name: 'registered_on', label: '成立日期', type: 'date' },
    ],
    updateFrequency: 'daily',
  };
}

export function marketNoticesInput(): DatasetInput {
  return {
    id: MARKET_NOTICES,
    name: '市场监管公告',
    openAttribute: 'unconditional',
    format: 'json',
    items: [
      { name: 'title', label: '标题', type: 'string' },
      { name: 'published_on', label: '发布日期', type: 'date' },
    ],
    updateFrequency: 'weekly',
  };
}

export function transportVehiclesInput(): DatasetInput {
  return {
    id: TRANSPORT_VEHICLES,
    name: '道路运输车辆信息',
    openAttribute: 'restricted',
    format: 'json',
    items: [
      { name: 'plate_no', label: '车牌号', type: 'string' },
      { name: 'vehicle_type', label: '车辆类型', type: 'string' },
      { name: 'owner_uscc', label: '业户统一社会信用代码', type: 'string' },
      { name: 'inspection_due', label: '年审到期日', type: 'date' },
    ],
    updateFrequency: 'monthly',
  };
}

/** A further dataset of the market bureau, registered by tests that need one beyond the world's. */
export function licencesInput(): DatasetInput {
  return {
    id: 'market-licences',
    name: '许可证信息',
    openAttribute: 'restricted',
    format: 'csv',
    items: [
      { name: 'licence_no', label: '许可证号', type: 'string' },
      { name: 'valid_until', label: '有效期至', type: 'date' },
    ],
    updateFrequency: 'monthly',
  };
}

/** Complaint `c-1` of an organisation about market entities, on `grantId` when given. */
export function complaintInput(grantId?: string): Record<string, unknown> {
  return {
    id: 'c-1',
    datasetId: MARKET_ENTITIES,
    ...(grantId === undefined ? {} : { grantId }),
    category: 'unlawful-opening',
    complainant: { kind: 'organisation', name: '丽水市消费者协会' },
    factsHash: sha('facts'),
  };
}

/** A row of the demand list as the enterprise submits it: the chaincode fills in the body. */
export type DemandInput = Omit<Demand, 'body'>;

export function demand(datasetId: string, items?: string[]): DemandInput {
  const all = datasetId === TRANSPORT_VEHICLES ? TRANSPORT_VEHICLE_ITEMS : MARKET_ENTITY_ITEMS;
  return { scenario: '供应链金融授信前的企业核验', datasetId, items: items ?? all };
}

/** A valid application form: contacts as SHA-256 hex, no ID-like or phone-like digits in free text. */
export function validForm(overrides: Partial<ApplicationForm> = {}): ApplicationForm {
  return {
    serviceName: '企业信用画像服务',
    field: '金融',
    scenarios: '为本地银行提供小微企业授信前的主体核验',
    serviceScope: '丽水市',
    serviceUsers: '本地商业银行',
    concurrency: 50,
    expectedBenefit: '缩短授信审批时间',
    systemName: '信用画像系统 V2',
    machineRoom: '丽水市政务云机房',
    mlpsLevel: 3,
    mlpsFiling: '33110043001-25001',
    contactNameHash: sha('contact name'),
    contactIdHash: sha('contact id number'),
    contactPhoneHash: sha('contact phone'),
    ...overrides,
  };
}

export function documentsInput(): Record<string, string> {
  return {
    mlpsCertificate: sha('mlps certificate'),
    creditReport: sha('credit report'),
    securityCommitment: sha('security commitment'),
  };
}

export function applicationBody(
  id: string,
  demands: DemandInput[] = [demand(MARKET_ENTITIES)],
  form: Record<string, unknown> = { ...validForm() },
): Record<string, unknown> {
  return { id, form, demands, documents: documentsInput() };
}

/** The terms a body drafts: the rest is filled in by the chaincode. */
export type TermsInput = Pick<
  Terms,
  | 'datasets'
  | 'purpose'
  | 'serviceName'
  | 'platform'
  | 'validFrom'
  | 'validUntil'
  | 'dailyQuota'
  | 'dataReturn'
  | 'noticeDays'
  | 'launchDays'
  | 'statisticsDimensions'
  | 'returnList'
>;

// ---- the world ----------------------------------------------------------------------------------------

export interface EnterpriseHandle {
  code: string;
  name: string;
  key: EnterpriseKey;
}

export interface ActiveGrants {
  application: Application;
  /** One per opening body named in the demands, in the order of `bodies`. */
  agreements: Agreement[];
  /** Every grant of those agreements, as stored. */
  grants: Grant[];
}

/** The body that owns each dataset of the world. */
export function ownerOf(datasetId: string): Identity {
  return datasetId === TRANSPORT_VEHICLES ? IDS.transport : IDS.market;
}

export class World {
  readonly ledger = new FakeLedger();
  readonly aa: EnterpriseHandle = {
    code: CODES.aa,
    name: '深圳某信用科技有限公司',
    key: new EnterpriseKey(),
  };
  readonly aaa: EnterpriseHandle = {
    code: CODES.aaa,
    name: '深圳某数据服务有限公司',
    key: new EnterpriseKey(),
  };
  readonly a: EnterpriseHandle = { code: CODES.a, name: '杭州某网络科技有限公司', key: new EnterpriseKey() };

  private constructor() {}

  /** Calendar, bodies, the AA, AAA and A enterprises and the three datasets, at the ledger's default time. */
  static async create(): Promise<World> {
    const w = new World();
    for (const year of CALENDAR_SEED) {
      await w.invoke(IDS.bureau, C.platform, 'SetCalendarYear', JSON.stringify(year));
    }
    await w.invoke(IDS.bureau, C.platform, 'RegisterBody', 'MarketMSP', '丽水市市场监督管理局');
    await w.invoke(IDS.bureau, C.platform, 'RegisterBody', 'TransportMSP', '丽水市交通运输局');
    await w.onboard(w.aa, 'AA');
    await w.onboard(w.aaa, 'AAA');
    await w.onboard(w.a, 'A');
    await w.listDataset(IDS.market, marketEntitiesInput());
    await w.listDataset(IDS.market, marketNoticesInput());
    await w.listDataset(IDS.transport, transportVehiclesInput());
    return w;
  }

  /**
   * The owner of `dataset` (market-entities unless named) records its version `version` of content `contentHash`
   * and `rowCount` rows (as the argument is written: a test of its reading may write it any way).
   */
  async recordVersion(
    version: string,
    contentHash: string,
    rowCount: string,
    dataset = MARKET_ENTITIES,
  ): Promise<DatasetVersion> {
    return this.call<DatasetVersion>(
      ownerOf(dataset),
      C.catalog,
      'RecordDatasetVersion',
      dataset,
      version,
      contentHash,
      rowCount,
    );
  }

  /** The bureau registers `gatewayId` to the certificate `gateway` presents, so it may anchor under that id. */
  async registerGateway(gatewayId = 'gw-1', gateway: Identity = IDS.gateway): Promise<void> {
    await this.invoke(IDS.bureau, C.audit, 'RegisterGateway', gatewayId, certificateOf(gateway));
  }

  /** Today's date in China time (UTC+8) at the ledger's transaction time. */
  today(): string {
    return new Date(this.ledger.now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  }

  /** Moves the transaction time to `time` on `date`, China time. */
  setChinaTime(date: string, time = '10:00'): void {
    this.ledger.now = chinaTime(date, time);
  }

  invoke(
    identity: Identity,
    contract: Contract,
    fn: string,
    ...args: (string | TxExtras)[]
  ): Promise<string> {
    return this.ledger.invoke(identity, contract, fn, ...args);
  }

  /** Invokes and parses the JSON result. */
  async call<T>(
    identity: Identity,
    contract: Contract,
    fn: string,
    ...args: (string | TxExtras)[]
  ): Promise<T> {
    return JSON.parse(await this.ledger.invoke(identity, contract, fn, ...args)) as T;
  }

  /** Registers a dataset for `body` and lists it, as the bureau does after its review (Z13). */
  async listDataset(body: Identity, input: { id: string }): Promise<void> {
    await this.invoke(body, C.catalog, 'RegisterDataset', JSON.stringify(input));
    await this.invoke(IDS.bureau, C.catalog, 'ReviewListing', input.id, 'approve');
  }

  /** Files a complaint as the SDK does (the whole complaint as transient data); the contract's shell back. */
  fileComplaint(identity: Identity, complaint: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.call(
      identity,
      C.complaint,
      'FileComplaint',
      secret({ complaint: JSON.stringify(complaint) }),
    );
  }

  /**
   * A decision on a grant by a body or the bureau — suspend (with its reason), restore, withdraw or terminate —
   * with its note as transient data, as the SDK sends it; the grant as the contract returns it.
   */
  grantDecision(
    identity: Identity,
    fn: 'SuspendGrant' | 'RestoreGrant' | 'WithdrawGrant' | 'TerminateGrant',
    grantId: string,
    note: string,
    suspendReason?: string,
  ): Promise<Grant> {
    const args = suspendReason === undefined ? [grantId] : [grantId, suspendReason];
    return this.call<Grant>(identity, C.grant, fn, ...args, secret({ note }));
  }

  /** `refused(this.ledger, call, code, message)`. */
  refused(call: () => Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<void> {
    return refused(this.ledger, call, code, message);
  }

  /** `[requestJson, signature]` signed by the enterprise's key at the current transaction time. */
  signRaw(e: EnterpriseHandle, action: string, body: Record<string, unknown>): [string, string] {
    return e.key.sign(e.code, action, body, this.ledger.now);
  }

  /**
   * The request signed by the enterprise's key at the current transaction time, as transient `request` and
   * `signature` (with the endorsing organisations, when the caller names them).
   */
  sign(
    e: EnterpriseHandle,
    action: string,
    body: Record<string, unknown>,
    endorsingOrgs?: string[],
  ): TxExtras {
    return signedRequest(this.signRaw(e, action, body), endorsingOrgs);
  }

  /** Signs `action` for the enterprise and brings it to `contract.fn` as the gateway; the result is a shell. */
  async asEnterprise<T>(
    e: EnterpriseHandle,
    contract: Contract,
    fn: string,
    action: string,
    body: Record<string, unknown>,
    endorsingOrgs?: string[],
  ): Promise<T> {
    return this.call<T>(IDS.gateway, contract, fn, this.sign(e, action, body, endorsingOrgs));
  }

  async onboard(e: EnterpriseHandle, level: Rating, rating: Partial<RatingInput> = {}): Promise<void> {
    const input = enterpriseInput(e.code, e.name, e.key.publicKeyPem, ratingInput(level, rating));
    await this.invoke(IDS.bureau, C.enterprise, 'OnboardEnterprise', JSON.stringify(input));
  }

  async rate(
    e: EnterpriseHandle,
    level: Rating,
    rating: Partial<RatingInput> = {},
  ): Promise<{ suspendedGrants: string[] }> {
    return this.call(
      IDS.bureau,
      C.enterprise,
      'RateEnterprise',
      e.code,
      JSON.stringify(ratingInput(level, rating)),
    );
  }

  // ---- the demand workflow ----

  /**
   * Files an application as the SDK does: the bureau and every body its demands name endorse (the filing goes
   * to each of their collections), and the whole application is read back. Unknown datasets name no body.
   */
  async submit(
    e: EnterpriseHandle,
    id: string,
    demands?: DemandInput[],
    form?: Record<string, unknown>,
  ): Promise<Application> {
    const body = applicationBody(id, demands, form);
    await this.asEnterprise(e, C.application, 'SubmitApplication', 'SubmitApplication', body, [
      'BureauMSP',
      ...endorsersOf(body.demands),
    ]);
    return this.getApplication(id);
  }

  /**
   * Resubmits as the SDK does: the bureau, the bodies named before (a dropped one's filing is deleted from its
   * collection) and those named now endorse; the whole application is read back.
   */
  async resubmit(
    e: EnterpriseHandle,
    id: string,
    demands?: DemandInput[],
    form?: Record<string, unknown>,
  ): Promise<Application> {
    const body = applicationBody(id, demands, form);
    const orgs = [...new Set([...(await this.applicationEndorsers(id)), ...endorsersOf(body.demands)])];
    await this.asEnterprise(e, C.application, 'ResubmitApplication', 'ResubmitApplication', body, orgs);
    return this.getApplication(id);
  }

  /** The endorsing organisations of a bureau step on application `id`: the bureau and the bodies it names. */
  async applicationEndorsers(id: string): Promise<string[]> {
    return ['BureauMSP', ...(await this.getApplication(id)).bodies];
  }

  async formalReview(id: string, decision: 'accept' | 'return', reason = ''): Promise<Application> {
    const orgs = await this.applicationEndorsers(id);
    await this.call(IDS.bureau, C.application, 'FormalReview', id, decision, secret({ reason }, orgs));
    return this.getApplication(id);
  }

  async ownerReview(
    body: Identity,
    id: string,
    decision: 'approve' | 'reject' | 'escalate',
    reason = '',
  ): Promise<Application> {
    await this.call(body, C.application, 'OwnerReview', id, decision, secret({ reason }));
    return this.getApplication(id);
  }

  async reReview(id: string, decision: 'approve' | 'reject', reason = ''): Promise<Application> {
    const orgs = await this.applicationEndorsers(id);
    await this.call(IDS.bureau, C.application, 'ReReview', id, decision, secret({ reason }, orgs));
    return this.getApplication(id);
  }

  getApplication(id: string): Promise<Application> {
    return this.call(IDS.bureau, C.application, 'GetApplication', id);
  }

  /** Submitted, accepted, approved by every body named in the demands, and re-reviewed: APPROVED. */
  async approvedApplication(
    e: EnterpriseHandle,
    id: string,
    demands: DemandInput[] = [demand(MARKET_ENTITIES)],
  ): Promise<Application> {
    await this.submit(e, id, demands);
    await this.formalReview(id, 'accept');
    for (const body of bodiesOf(demands)) await this.ownerReview(body, id, 'approve');
    return this.reReview(id, 'approve');
  }

  /** Terms for every dataset the body owns among `demands`, valid from today for a year. */
  termsFor(body: Identity, demands: DemandInput[], overrides: Partial<TermsInput> = {}): TermsInput {
    const today = this.today();
    return {
      datasets: demands
        .filter((d) => ownerOf(d.datasetId).mspId === body.mspId)
        .map((d) => ({ datasetId: d.datasetId, items: d.items })),
      purpose: '小微企业授信前的主体核验',
      serviceName: '企业信用画像服务',
      platform: '信用画像系统 V2',
      validFrom: today,
      validUntil: plusDays(today, 364),
      dailyQuota: 1000,
      dataReturn: true,
      // Termination by notice takes effect at once unless a test drafts a notice period.
      noticeDays: 0,
      ...overrides,
    };
  }

  /** Drafts (terms as transient data) and reads the whole agreement back. */
  async draft(body: Identity, applicationId: string, terms: TermsInput): Promise<Agreement> {
    const shell = await this.call<{ id: string }>(
      body,
      C.agreement,
      'DraftAgreement',
      applicationId,
      secret({ terms: JSON.stringify(terms) }),
    );
    return this.getAgreement(shell.id);
  }

  async signAsBody(body: Identity, agreement: Agreement): Promise<Agreement> {
    await this.call(body, C.agreement, 'SignAgreementAsBody', agreement.id, agreement.termsHash);
    return this.getAgreement(agreement.id);
  }

  async signAsEnterprise(e: EnterpriseHandle, agreement: Agreement): Promise<Agreement> {
    await this.asEnterprise(e, C.agreement, 'SignAgreementAsEnterprise', 'SignAgreement', {
      agreementId: agreement.id,
      termsHash: agreement.termsHash,
    });
    return this.getAgreement(agreement.id);
  }

  getAgreement(id: string): Promise<Agreement> {
    return this.call(IDS.bureau, C.agreement, 'GetAgreement', id);
  }

  getGrant(id: string): Promise<Grant> {
    return this.call(IDS.bureau, C.grant, 'GetGrant', id);
  }

  /** The whole workflow to agreements in force: one ACTIVE grant per demanded dataset. */
  async activeGrants(
    e: EnterpriseHandle,
    applicationId: string,
    demands: DemandInput[] = [demand(MARKET_ENTITIES)],
    terms: Partial<TermsInput> = {},
  ): Promise<ActiveGrants> {
    const application = await this.approvedApplication(e, applicationId, demands);
    const agreements: Agreement[] = [];
    const grants: Grant[] = [];
    for (const body of bodiesOf(demands)) {
      const drafted = await this.draft(body, applicationId, this.termsFor(body, demands, terms));
      await this.signAsBody(body, drafted);
      const inForce = await this.signAsEnterprise(e, drafted);
      agreements.push(inForce);
      for (const id of inForce.grants) grants.push(await this.getGrant(id));
    }
    return { application, agreements, grants };
  }
}

/** A signed request `[requestJson, signature]` as the transient data the gateway sends. */
export function signedRequest([request, signature]: [string, string], endorsingOrgs?: string[]): TxExtras {
  return secret({ request, signature }, endorsingOrgs);
}

/** The MSP ids of the bodies owning the datasets of a request's demands (unknown datasets name none). */
function endorsersOf(demands: unknown): string[] {
  const ids = Array.isArray(demands)
    ? demands.map((d) => String((d as { datasetId?: unknown }).datasetId))
    : [];
  return [...new Set(ids.flatMap((id) => DATASET_OWNERS[id] ?? []))].sort();
}

/** The bodies named in a demand list, in a fixed order (MarketMSP before TransportMSP). */
export function bodiesOf(demands: DemandInput[]): Identity[] {
  const ids = [...new Set(demands.map((d) => ownerOf(d.datasetId)))];
  return ids.sort((x, y) => x.mspId.localeCompare(y.mspId));
}

/** The state key of a ledger object, as FakeLedger's composite keys write it. */
export function stateKey(type: string, id: string): string {
  return `\u0000${type}\u0000${id}\u0000`;
}

/**
 * How a refused caller is answered about a MarketMSP object: another opening body (TransportMSP) is told nothing
 * of it (NOT_FOUND, as for a missing one); everyone else FORBIDDEN.
 */
export function refusalFor(who: Identity): 'FORBIDDEN' | 'NOT_FOUND' {
  return who.mspId === 'TransportMSP' ? 'NOT_FOUND' : 'FORBIDDEN';
}
