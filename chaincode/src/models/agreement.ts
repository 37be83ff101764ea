/**
 * An open-use agreement (开放利用协议, annex 4, Z17) between one opening body and one enterprise, drafted
 * from the approved demand. In force once both have signed: the body with its Fabric identity, the enterprise
 * with an ES256 signature over the terms' hash. Then it yields one grant per dataset.
 *
 *   DRAFT ──both signed──▶ IN_FORCE ──terminate──▶ TERMINATED
 *                             └──renew (both)──▶ IN_FORCE (new validity)
 */
import crypto from 'node:crypto';
import { RdxError, ErrorCode } from '../lib/errors';
import type { EventName } from '../lib/events';
import type { Actor } from '../lib/access';
import { stamp, type Stamp } from '../lib/stamp';
import { canonicalJson } from '../lib/state';
import type { RdxContext } from '../lib/context';
import { getSecret, putSecret, requireSecret, transactionSalt } from '../lib/sealed';
import { load, save, stored, tryLoad } from '../lib/store';
import {
  arr,
  bool,
  date,
  ident,
  int,
  obj,
  onlyFields,
  parsedExactly,
  str,
  stringList,
  type Json,
} from '../lib/validate';
import type { Demand } from './application';
import { addCalendarDays, chinaDate } from './calendar';
import { reindexDue } from './due-index';

export const AGREEMENT_STATES = ['DRAFT', 'IN_FORCE', 'TERMINATED'] as const;
export type AgreementState = (typeof AGREEMENT_STATES)[number];
/** L21: the product must be launched and published within three months. */
export const PRODUCT_DEADLINE_MONTHS = 3;
/** L7: usage reports are due every quarter (in days between reports). */
export const USAGE_REPORT_INTERVAL_DAYS = 92;
/** Annex 4 三(三): notice of termination is given ahead; the agreement's own period, this one unless drafted otherwise. */
export const DEFAULT_NOTICE_DAYS = 30;
/** Annex 4 二(三): the service is offered within this many days of the application's completion, unless drafted otherwise. */
export const DEFAULT_LAUNCH_DAYS = 30;

export interface Terms {
  agreementId: string;
  applicationId: string;
  creditCode: string;
  body: string;
  datasets: { datasetId: string; items: string[] }[];
  /** Purpose: the service, and the platform or app it runs on. */
  purpose: string;
  serviceName: string;
  platform: string;
  validFrom: string;
  validUntil: string;
  /** Interface calls per day per dataset. */
  dailyQuota: number;
  mlpsLevel: number;
  productDeadlineMonths: number;
  usageReportIntervalDays: number;
  dataReturn: boolean;
  /**
   * Annex 4 (agreements drafted before these fields have none): days between notice of termination and its
   * effect; days after the application is completed within which the service is offered; the statistics
   * dimensions of the usage feedback (统计分析维度) and the list of data to return (回流数据清单).
   */
  noticeDays?: number;
  launchDays?: number;
  /** L22: with `dataReturn`, data is returned at least this often (days; default a quarter). */
  returnIntervalDays?: number;
  statisticsDimensions?: string[];
  returnList?: string[];
  /** Always true: the agreement forbids redistribution and requires citing the source (Z17). */
  noRedistribution: true;
  citationRequired: true;
}

export interface Agreement extends Stamp {
  id: string;
  terms: Terms;
  /** What both parties sign: see {@link termsHash}. */
  termsHash: string;
  /**
   * The secret salt `termsHash` covers (base64), kept with the terms in the owner's collection so that whoever
   * reads the terms can check the hash. Agreements drafted before the salt have none: their hash is of the terms alone.
   */
  termsSalt?: string;
  state: AgreementState;
  draftedAt: string;
  bodySignature?: { mspId: string; certificateId: string; at: string; txId: string };
  enterpriseSignature?: { request: string; signature: string; at: string };
  inForceAt?: string;
  productDeadline?: string;
  grants: string[];
  pendingRenewal?: { validUntil: string; proposedAt: string };
  /** Annex 4 三(三): the enterprise asked to renew, before expiry (its signed request); the body approves or declines. */
  renewalRequest?: { validUntil: string; requestedAt: string };
  renewals: { validUntil: string; at: string }[];
  /**
   * Notice of termination: the agreement ends on `effectiveOn` (the notice date plus the notice period). Until
   * then it stays IN_FORCE with the notice recorded; the clerk completes it when due.
   */
  termination?: { by: string; reason: string; noticeDate: string; effectiveOn?: string; at: string };
  product?: { name: string; address: string; publishedOn: string; at: string };
  lastUsageReportAt?: string;
  /** L22: the day the next data return is due (agreements with a return duty); after it, it is overdue. */
  dataReturnDue?: string;
  /** SHA-256 of the confidential part as last written (on the channel; the part is not). */
  sealedHash?: string;
}

/**
 * Sealed (lib/sealed.ts): the terms — items, purpose, service, quota — the enterprise's signed request and a
 * termination's reason stay in the owning body's collection. The channel holds the shell: the parties, the
 * datasets, validity, the terms' hash, the signatures' times, state, product and duties' dates.
 */
export interface AgreementSecret {
  terms: Terms;
  termsSalt?: string;
  enterpriseSignature?: { request: string; signature: string; at: string };
  terminationReason?: string;
}

export interface AgreementShell extends Omit<
  Agreement,
  'terms' | 'termsSalt' | 'enterpriseSignature' | 'termination'
> {
  applicationId: string;
  creditCode: string;
  body: string;
  datasetIds: string[];
  validFrom: string;
  validUntil: string;
  dataReturn: boolean;
  /** Days between data returns (agreements drafted before the field: none, a quarter is assumed). */
  returnIntervalDays?: number;
  enterpriseSigned?: { at: string };
  termination?: { by: string; noticeDate: string; effectiveOn?: string; at: string };
  sealedHash: string;
}

export function parseAgreementShell(raw: unknown): AgreementShell {
  return stored<AgreementShell>(raw, 'agreement', [
    'id',
    'creditCode',
    'body',
    'termsHash',
    'state',
    'grants',
  ]);
}

export function loadAgreementShell(ctx: RdxContext, id: string): Promise<AgreementShell> {
  return load(ctx, 'agreement', id, parseAgreementShell);
}

/** The whole agreement: its shell, and its secret from the owning body's collection. */
export async function loadAgreement(ctx: RdxContext, id: string): Promise<Agreement> {
  return joinAgreement(ctx, await loadAgreementShell(ctx, id));
}

export async function joinAgreement(ctx: RdxContext, shell: AgreementShell): Promise<Agreement> {
  const secret = await requireSecret<AgreementSecret>(ctx, shell.body, 'agreement', shell.id);
  const {
    applicationId: _a,
    creditCode: _c,
    body: _b,
    datasetIds: _d,
    validFrom: _f,
    validUntil: _u,
    dataReturn: _r,
    returnIntervalDays: _ri,
    enterpriseSigned: _e,
    termination,
    ...rest
  } = shell;
  return {
    ...rest,
    terms: secret.terms,
    ...(secret.termsSalt ? { termsSalt: secret.termsSalt } : {}),
    ...(secret.enterpriseSignature ? { enterpriseSignature: secret.enterpriseSignature } : {}),
    ...(termination ? { termination: { ...termination, reason: secret.terminationReason ?? '' } } : {}),
  };
}

/** The shell of a whole agreement (what the channel may hold). */
export function agreementShell(a: Agreement, sealedHash: string): AgreementShell {
  const { terms, termsSalt: _s, enterpriseSignature, termination, ...rest } = a;
  return {
    ...rest,
    applicationId: terms.applicationId,
    creditCode: terms.creditCode,
    body: terms.body,
    datasetIds: terms.datasets.map((d) => d.datasetId),
    validFrom: terms.validFrom,
    validUntil: terms.validUntil,
    dataReturn: terms.dataReturn,
    ...(terms.returnIntervalDays === undefined ? {} : { returnIntervalDays: terms.returnIntervalDays }),
    ...(enterpriseSignature ? { enterpriseSigned: { at: enterpriseSignature.at } } : {}),
    ...(termination
      ? {
          termination: {
            by: termination.by,
            noticeDate: termination.noticeDate,
            ...(termination.effectiveOn ? { effectiveOn: termination.effectiveOn } : {}),
            at: termination.at,
          },
        }
      : {}),
    sealedHash,
  };
}

/**
 * Saves a whole agreement: its secret to the owner's collection when it changed (or is new), its shell on
 * the channel. Returns the shell, which is all a transaction's result may carry.
 */
export async function saveWholeAgreement(ctx: RdxContext, a: Agreement): Promise<AgreementShell> {
  const secret: AgreementSecret = {
    terms: a.terms,
    ...(a.termsSalt ? { termsSalt: a.termsSalt } : {}),
    ...(a.enterpriseSignature ? { enterpriseSignature: a.enterpriseSignature } : {}),
    ...(a.termination ? { terminationReason: a.termination.reason } : {}),
  };
  const before = a.sealedHash
    ? await getSecret<AgreementSecret>(ctx, a.terms.body, 'agreement', a.id)
    : undefined;
  const unchanged = before !== undefined && canonicalJson(before) === canonicalJson(secret);
  const sealedHash = unchanged
    ? a.sealedHash!
    : await putSecret(ctx, [a.terms.body], 'agreement', a.id, secret);
  const shell = agreementShell(a, sealedHash);
  const stored = await tryLoad(ctx, 'agreement', a.id, parseAgreementShell);
  await save(ctx, 'agreement', a.id, shell);
  await reindexDue(ctx, stored, shell);
  return shell;
}

/** Saves a whole agreement (as {@link saveWholeAgreement}) and lists its change in the transaction's event. */
export async function saveAgreementChange(
  ctx: RdxContext,
  a: Agreement,
  event: EventName,
): Promise<AgreementShell> {
  const shell = await saveWholeAgreement(ctx, a);
  ctx.changed(event, { type: 'agreement', id: a.id, state: a.state, enterprise: a.terms.creditCode });
  return shell;
}

/**
 * Ends an agreement: TERMINATED, by whom, why and on what notice, saved with its change. What happens to its
 * grants is the caller's (termination by notice ends them; a Z39 termination ends the agreement with its last).
 */
export function endAgreement(
  ctx: RdxContext,
  actor: Actor,
  a: Agreement,
  termination: { by: string; reason: string; noticeDate: string },
  event: EventName,
): Promise<AgreementShell> {
  const next: Agreement = {
    ...a,
    state: 'TERMINATED',
    termination: { ...termination, at: ctx.now() },
    ...stamp(ctx, actor),
  };
  return saveAgreementChange(ctx, next, event);
}

/**
 * L7: the day the next usage report of an agreement in force is due: a quarter after the last, or after entry into
 * force — counted from the China day of that moment, as every deadline is (an agreement in force at 07:00 China
 * time is still the previous day in UTC).
 */
export function nextUsageReportDue(inForceAt: string, lastUsageReportAt?: string): string {
  return addCalendarDays(chinaDate(lastUsageReportAt ?? inForceAt), USAGE_REPORT_INTERVAL_DAYS);
}

/** A duty an enterprise still owes under an agreement in force (L7, L21, L22), and the day it is due. */
export interface OpenDuty {
  type: 'product' | 'data-return' | 'usage-report';
  step: 'product-publication' | 'data-return' | 'usage-report';
  due: string;
}

/** The duties still open under an agreement: none unless it is in force. */
export function openDuties(
  a: Pick<
    AgreementShell,
    | 'state'
    | 'inForceAt'
    | 'product'
    | 'productDeadline'
    | 'dataReturn'
    | 'dataReturnDue'
    | 'lastUsageReportAt'
  >,
): OpenDuty[] {
  if (a.state !== 'IN_FORCE' || !a.inForceAt) return [];
  const out: OpenDuty[] = [];
  if (!a.product && a.productDeadline)
    out.push({ type: 'product', step: 'product-publication', due: a.productDeadline });
  if (a.dataReturn && a.dataReturnDue)
    out.push({ type: 'data-return', step: 'data-return', due: a.dataReturnDue });
  out.push({
    type: 'usage-report',
    step: 'usage-report',
    due: nextUsageReportDue(a.inForceAt, a.lastUsageReportAt),
  });
  return out;
}

/**
 * The hash of the terms with their salt, which both parties sign. Without the salt it could be reversed: nearly
 * every term is public or known to the other bodies of the application and the quota is a small number, so trying
 * the few candidates finds the terms from a hash on the channel. Agreements drafted before the salt have none
 * (`salt` undefined): their hash is of the terms alone.
 */
export function termsHash(terms: Terms, salt: string | undefined): string {
  const hashed = salt === undefined ? terms : { ...terms, salt };
  return crypto.createHash('sha256').update(canonicalJson(hashed)).digest('hex');
}

/** `terms` sealed for signing, as drafting and renewal record them: a fresh salt (the transaction's) and the hash. */
export function sealTerms(ctx: RdxContext, terms: Terms): { termsHash: string; termsSalt: string } {
  const termsSalt = transactionSalt(ctx);
  return { termsHash: termsHash(terms, termsSalt), termsSalt };
}

/** What a body drafts; the rest of the terms are the agreement's own (ids, body) or the rules' (fixed). */
const TERMS_FIELDS = [
  'datasets',
  'purpose',
  'serviceName',
  'platform',
  'validFrom',
  'validUntil',
  'dailyQuota',
  'dataReturn',
  'noticeDays',
  'launchDays',
  'statisticsDimensions',
  'returnList',
  'returnIntervalDays',
] as const;

/** The terms a body proposes, checked against the demands approved for it. */
export function parseTerms(
  input: Json,
  base: { agreementId: string; applicationId: string; creditCode: string; body: string; mlpsLevel: number },
  approved: Demand[],
  today: string,
): Terms {
  // Most terms have defaults: a misspelt one (`dataRetrun: false`) would draft the default for the enterprise
  // to sign.
  onlyFields(input, 'terms', TERMS_FIELDS);
  const datasets = arr(input.datasets, 'datasets', 1, 50, (v, field) => {
    const d = obj(v, field);
    return parsedExactly(d, field, {
      datasetId: ident(d.datasetId, `${field}.datasetId`),
      items: stringList(d.items, `${field}.items`, 1, 200),
    });
  });
  // One grant per dataset, named after it: a dataset twice would write its grant twice in one transaction, the
  // second over the first (a transaction does not read its own writes, so the grant's absence holds for both).
  const twice = datasets.find((d, i) => datasets.findIndex((o) => o.datasetId === d.datasetId) !== i);
  if (twice)
    throw new RdxError(
      ErrorCode.INVALID_ARGUMENT,
      `dataset ${twice.datasetId} is named twice: give each dataset once, with all its items`,
    );
  for (const d of datasets) {
    const demand = approved.find((a) => a.datasetId === d.datasetId && a.body === base.body);
    if (!demand)
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        `dataset ${d.datasetId} is not an approved demand of ${base.body}`,
      );
    const extra = d.items.filter((i) => !demand.items.includes(i));
    if (extra.length)
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        `items ${extra.join(', ')} of ${d.datasetId} were not demanded`,
      );
  }
  const validFrom = date(input.validFrom, 'validFrom');
  const validUntil = date(input.validUntil, 'validUntil');
  if (validFrom < today)
    throw new RdxError(ErrorCode.INVALID_ARGUMENT, `validFrom ${validFrom} is in the past`);
  if (validUntil <= validFrom)
    throw new RdxError(ErrorCode.INVALID_ARGUMENT, 'validUntil must be after validFrom');
  const maxUntil = `${Number(validFrom.slice(0, 4)) + 3}${validFrom.slice(4)}`;
  if (validUntil > maxUntil)
    throw new RdxError(
      ErrorCode.INVALID_ARGUMENT,
      'an agreement runs at most three years; renew it before it ends',
    );
  return {
    ...base,
    datasets,
    purpose: str(input.purpose, 'purpose', { max: 1000, freeText: true }),
    serviceName: str(input.serviceName, 'serviceName', { max: 128 }),
    platform: str(input.platform, 'platform', { max: 128 }),
    validFrom,
    validUntil,
    dailyQuota: int(input.dailyQuota, 'dailyQuota', 1, 10_000_000),
    productDeadlineMonths: PRODUCT_DEADLINE_MONTHS,
    usageReportIntervalDays: USAGE_REPORT_INTERVAL_DAYS,
    dataReturn: bool(input.dataReturn ?? true, 'dataReturn'),
    noticeDays: int(input.noticeDays ?? DEFAULT_NOTICE_DAYS, 'noticeDays', 0, 365),
    launchDays: int(input.launchDays ?? DEFAULT_LAUNCH_DAYS, 'launchDays', 1, 365),
    statisticsDimensions: stringList(input.statisticsDimensions ?? [], 'statisticsDimensions', 0, 20, 64),
    returnList: stringList(input.returnList ?? [], 'returnList', 0, 50, 128),
    returnIntervalDays: int(
      input.returnIntervalDays ?? USAGE_REPORT_INTERVAL_DAYS,
      'returnIntervalDays',
      1,
      366,
    ),
    noRedistribution: true,
    citationRequired: true,
  };
}

export function requireAgreementState(a: Pick<Agreement, 'id' | 'state'>, ...states: AgreementState[]): void {
  if (!states.includes(a.state)) {
    throw new RdxError(
      ErrorCode.INVALID_STATE,
      `agreement ${a.id} is ${a.state}; this needs ${states.join(' or ')}`,
    );
  }
}
