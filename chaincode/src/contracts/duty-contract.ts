/**
 * Duties of the enterprise (SPEC §3): usage reports (L7), data returns (L22), product publication within
 * three months (L21), security issue reports (L18), all brought by the gateway as signed requests, and
 * the bureau's public credit evaluations (L24).
 */
import { Info, Transaction, Returns } from 'fabric-contract-api';
import { isBodyStaff, requireOwner, requireRole, type Actor } from '../lib/access';
import { RdxContext } from '../lib/context';
import { today } from '../lib/deadlines';
import { RdxError, ErrorCode } from '../lib/errors';
import { EVENTS, type EventName } from '../lib/events';
import { putIndex } from '../lib/keys';
import { listingRequest, pageOfIds } from '../lib/listing';
import { RdxContract } from '../lib/rdx-contract';
import { reindexDue } from '../models/due-index';
import { stamp, type Stamp } from '../lib/stamp';
import { load, save, stored } from '../lib/store';
import { date, ident, int, jsonArg, oneOf, onlyFields, sha256Hex, str } from '../lib/validate';
import {
  loadAgreementShell,
  requireAgreementState,
  USAGE_REPORT_INTERVAL_DAYS,
  type AgreementShell,
} from '../models/agreement';
import { addCalendarDays } from '../models/calendar';
import { reason } from '../models/application';
import { complaintDeadline, recordComplaint } from '../models/complaint';
import { creditFacts, GRADES, type CreditBasis, type Grade } from '../models/credit';
import { userCode, parseEnterprise } from '../models/enterprise';
import { loadGrantShell } from '../models/grant';
import { enterpriseAction } from './enterprise-action';

export const DUTY_KINDS = ['usage-report', 'data-return', 'product', 'security-issue'] as const;
export type DutyKind = (typeof DUTY_KINDS)[number];

export interface Duty extends Stamp {
  id: string;
  kind: DutyKind;
  agreementId: string;
  creditCode: string;
  /** The opening body the agreement is with: its reader (duties recorded before this field name none). */
  body?: string;
  at: string;
  detail: Record<string, unknown>;
}

const parseDuty = (raw: unknown): Duty =>
  stored<Duty>(raw, 'duty', ['id', 'kind', 'agreementId', 'creditCode']);

/** The body whose agreement a duty is under (read from the agreement for duties that do not name it). */
async function bodyOf(ctx: RdxContext, duty: Duty): Promise<string> {
  return duty.body ?? (await loadAgreementShell(ctx, duty.agreementId)).body;
}

/** The body that reads duty `id`. @throws RdxError NOT_FOUND */
export async function dutyBody(ctx: RdxContext, id: string): Promise<string> {
  return bodyOf(ctx, await load(ctx, 'duty', id, parseDuty));
}

export interface CreditEvaluation extends Stamp {
  id: string;
  creditCode: string;
  enterpriseName: string;
  period: string;
  grade: Grade;
  summary: string;
  publishedAt: string;
  /** The facts on the ledger the grade rests on, and the grade they support (evaluations before it have none). */
  basis?: CreditBasis;
  /** When the bureau's grade is not the one the facts support: why. */
  override?: { proposedGrade: Grade; reason: string };
}

export const parseCreditEvaluation = (raw: unknown): CreditEvaluation =>
  stored<CreditEvaluation>(raw, 'evaluation', ['id', 'creditCode', 'grade']);

@Info({ title: 'DutyContract', description: 'Duties of enterprises and credit evaluations' })
export class DutyContract extends RdxContract {
  constructor() {
    super('duty');
  }

  /** Records the enterprise's signed `action` on one of its agreements as a duty of `kind`. */
  private async record(
    ctx: RdxContext,
    action: 'ReportUsage' | 'ReturnData' | 'PublishProduct' | 'ReportSecurityIssue',
    kind: DutyKind,
    event: EventName,
    detailOf: (body: Record<string, unknown>, a: AgreementShell) => Record<string, unknown>,
    update?: (a: AgreementShell, detail: Record<string, unknown>) => AgreementShell,
  ): Promise<{ duty: Duty; agreement: AgreementShell; actor: Actor }> {
    const { actor, request, enterprise } = await enterpriseAction(ctx, action);
    // Duties need only the agreement's shell: no collection is read or written.
    const agreement = await loadAgreementShell(
      ctx,
      str(request.body.agreementId, 'agreementId', { max: 160 }),
    );
    if (agreement.creditCode !== enterprise.creditCode)
      throw new RdxError(ErrorCode.FORBIDDEN, `agreement ${agreement.id} is not ${enterprise.creditCode}'s`);
    requireAgreementState(agreement, 'IN_FORCE', 'TERMINATED');
    const detail = detailOf(request.body, agreement);
    const id = `${agreement.id}.${kind}.${ctx.stub.getTxID().slice(0, 16)}`;
    const duty: Duty = {
      id,
      kind,
      agreementId: agreement.id,
      creditCode: enterprise.creditCode,
      body: agreement.body,
      at: ctx.now(),
      detail,
      ...stamp(ctx, actor),
    };
    await save(ctx, 'duty', id, duty);
    await putIndex(ctx, 'duty~agreement', [agreement.id, id]);
    await putIndex(ctx, 'duty~body', [agreement.body, id]);
    await putIndex(ctx, 'duty~kind', [kind, id]);
    ctx.changed(event, { type: 'duty', id, state: kind, enterprise: enterprise.creditCode });
    if (update) {
      const next = { ...update(agreement, detail), ...stamp(ctx, actor) };
      await save(ctx, 'agreement', next.id, next);
      await reindexDue(ctx, agreement, next);
      ctx.changed(event, {
        type: 'agreement',
        id: next.id,
        state: next.state,
        enterprise: enterprise.creditCode,
      });
    }
    return { duty, agreement, actor };
  }

  /** Signed `ReportUsage` `{ agreementId, period, callCount, reportHash }` (L7). */
  @Transaction()
  @Returns('string')
  public async ReportUsage(ctx: RdxContext): Promise<string> {
    return this.recorded(
      ctx,
      'ReportUsage',
      'usage-report',
      EVENTS.USAGE_REPORTED,
      (b) => ({
        period: str(b.period, 'period', { max: 32 }),
        callCount: int(b.callCount, 'callCount', 0, 1_000_000_000),
        reportHash: sha256Hex(b.reportHash, 'reportHash'),
      }),
      (a) => ({ ...a, lastUsageReportAt: ctx.now() }),
    );
  }

  /**
   * Signed `ReturnData` `{ agreementId, datasetId?, contentHash, rowCount }` (数据回流, L22); `datasetId`, when
   * named, one of the agreement's.
   */
  @Transaction()
  @Returns('string')
  public async ReturnData(ctx: RdxContext): Promise<string> {
    return this.recorded(
      ctx,
      'ReturnData',
      'data-return',
      EVENTS.DATA_RETURNED,
      (b, a) => {
        if (!a.dataReturn)
          throw new RdxError(ErrorCode.INVALID_STATE, `agreement ${a.id} has no data-return duty`);
        const datasetId = b.datasetId === undefined ? undefined : ident(b.datasetId, 'datasetId');
        if (datasetId !== undefined && !a.datasetIds.includes(datasetId))
          throw new RdxError(
            ErrorCode.INVALID_ARGUMENT,
            `datasetId ${datasetId} is not a dataset of agreement ${a.id} (${a.datasetIds.join(', ')})`,
          );
        return {
          ...(datasetId === undefined ? {} : { datasetId }),
          contentHash: sha256Hex(b.contentHash, 'contentHash'),
          rowCount: int(b.rowCount, 'rowCount', 0, 1_000_000_000),
        };
      },
      // The next return is due one interval on (L22); an overdue one is settled.
      (a) => ({
        ...a,
        dataReturnDue: addCalendarDays(today(ctx), a.returnIntervalDays ?? USAGE_REPORT_INTERVAL_DAYS),
      }),
    );
  }

  /** Signed `PublishProduct` `{ agreementId, name, address, publishedOn }` (L21). */
  @Transaction()
  @Returns('string')
  public async PublishProduct(ctx: RdxContext): Promise<string> {
    return this.recorded(
      ctx,
      'PublishProduct',
      'product',
      EVENTS.PRODUCT_PUBLISHED,
      (b) => {
        const publishedOn = date(b.publishedOn, 'publishedOn');
        if (publishedOn > today(ctx))
          throw new RdxError(ErrorCode.INVALID_ARGUMENT, 'publishedOn cannot be in the future');
        return {
          name: str(b.name, 'name', { max: 128 }),
          address: str(b.address, 'address', {
            max: 512,
            pattern: /^https?:\/\/\S+$/,
            patternHint: 'must be an http(s) address',
          }),
          publishedOn,
        };
      },
      (a, d) => ({
        ...a,
        product: {
          name: String(d.name),
          address: String(d.address),
          publishedOn: String(d.publishedOn),
          at: ctx.now(),
        },
      }),
    );
  }

  /** `record`, answering the duty record. */
  private async recorded(...args: Parameters<DutyContract['record']>): Promise<string> {
    return JSON.stringify((await this.record(...args)).duty);
  }

  /**
   * Signed `ReportSecurityIssue` `{ agreementId, severity, descriptionHash }` (L18, Z36). The incident puts each
   * grant of the agreement on the complaint path (L17, Z35): a complaint per grant, category `security`, opened in
   * the same transaction for the owning body to verify — suspending at once if it must — and answer within the
   * 10 working days. Their ids are in the record's `complaints`.
   */
  @Transaction()
  @Returns('string')
  public async ReportSecurityIssue(ctx: RdxContext): Promise<string> {
    const complaintId = (i: number): string => `sec-${ctx.stub.getTxID().slice(0, 16)}-${i + 1}`;
    const { duty, agreement, actor } = await this.record(
      ctx,
      'ReportSecurityIssue',
      'security-issue',
      EVENTS.SECURITY_ISSUE_REPORTED,
      (b, a) => ({
        severity: oneOf(b.severity, 'severity', ['low', 'medium', 'high', 'critical'] as const),
        descriptionHash: sha256Hex(b.descriptionHash, 'descriptionHash'),
        complaints: a.grants.map((_, i) => complaintId(i)),
      }),
    );
    const deadline = await complaintDeadline(ctx);
    for (const [i, grantId] of agreement.grants.entries()) {
      const grant = await loadGrantShell(ctx, grantId);
      await recordComplaint(
        ctx,
        {
          id: complaintId(i),
          kind: 'complaint',
          category: 'security',
          filedThrough: 'enterprise',
          body: agreement.body,
          datasetId: grant.datasetId,
          grantId,
          complainant: { kind: 'enterprise', creditCode: duty.creditCode },
          factsHash: String(duty.detail.descriptionHash),
          reportId: duty.id,
          state: 'OPEN',
          filedAt: ctx.now(),
          deadline,
          suspendedOnFiling: false,
          ...stamp(ctx, actor),
        },
        undefined,
        EVENTS.SECURITY_ISSUE_REPORTED,
      );
    }
    return JSON.stringify(duty);
  }

  /**
   * One report or duty record (L7, L18, L21, L22): the bureau, regulators, the gateway, and the opening body
   * whose agreement it is under (another body is told it does not exist).
   */
  @Transaction(false)
  @Returns('string')
  public async GetDuty(ctx: RdxContext, id: string): Promise<string> {
    const actor = await requireRole(
      ctx,
      ['bureau', 'regulator', 'gateway', 'body', 'body-reviewer'],
      'read reports and duties',
    );
    const duty = await load(ctx, 'duty', str(id, 'id', { max: 240 }), parseDuty);
    requireOwner(actor, await bodyOf(ctx, duty), `duty ${duty.id}`);
    return JSON.stringify(duty);
  }

  /**
   * One page of reports and duty records by `{ "agreement" | "body" | "kind": value }` (bureau, regulators,
   * gateway; `body` with an optional `kind`).
   * An opening body lists those under its own agreements, whatever filter it passes (optionally one `kind`).
   */
  @Transaction(false)
  @Returns('string')
  public async ListDuties(
    ctx: RdxContext,
    filterJson: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const { actor, filter, size } = await listingRequest(
      ctx,
      filterJson,
      pageSize,
      'list reports and duties',
      ['kind', 'agreement', 'body'],
    );
    const kind = filter.kind === undefined ? undefined : oneOf(filter.kind, 'kind', DUTY_KINDS);
    const [index, prefix]: [string, string[]] = isBodyStaff(actor)
      ? ['duty~body', [actor.mspId]]
      : typeof filter.agreement === 'string'
        ? ['duty~agreement', [str(filter.agreement, 'agreement', { max: 160 })]]
        : typeof filter.body === 'string'
          ? ['duty~body', [str(filter.body, 'body', { max: 64 })]]
          : kind
            ? ['duty~kind', [kind]]
            : ['duty', []]; // every duty, by its own key
    const page = await pageOfIds(ctx, index, prefix, size, String(bookmark ?? ''));
    const items: Duty[] = [];
    for (const id of page.items) {
      const duty = await load(ctx, 'duty', id, parseDuty);
      if (!kind || duty.kind === kind) items.push(duty);
    }
    return JSON.stringify({ items, bookmark: page.bookmark });
  }

  /** Bureau: publishes a credit evaluation of an enterprise (信用评价, L24); it is public. */
  @Transaction()
  @Returns('string')
  public async PublishCreditEvaluation(ctx: RdxContext, evaluationJson: string): Promise<string> {
    const actor = await requireRole(ctx, ['bureau'], 'publish credit evaluations');
    const input = jsonArg(evaluationJson, 'evaluation');
    // `grade` defaults to what the facts support: a misspelt one would publish that instead.
    onlyFields(input, 'evaluation', ['creditCode', 'period', 'grade', 'overrideReason', 'summary']);
    const code = userCode(input.creditCode);
    const enterprise = await load(ctx, 'enterprise', code, parseEnterprise);
    const { ids: _ids, creditCode: _c, period, ...basis } = await creditFacts(ctx, enterprise, input.period);
    const grade = input.grade === undefined ? basis.proposedGrade : oneOf(input.grade, 'grade', GRADES);
    const override =
      grade === basis.proposedGrade
        ? undefined
        : { proposedGrade: basis.proposedGrade, reason: reason(input.overrideReason, 'overrideReason') };
    const evaluation: CreditEvaluation = {
      id: `${code}.${period}`,
      creditCode: code,
      enterpriseName: enterprise.name,
      period,
      grade,
      summary: str(input.summary, 'summary', { max: 2000, freeText: true }),
      publishedAt: ctx.now(),
      basis,
      ...(override ? { override } : {}),
      ...stamp(ctx, actor),
    };
    await save(ctx, 'evaluation', evaluation.id, evaluation);
    ctx.changed(EVENTS.CREDIT_EVALUATION_PUBLISHED, {
      type: 'evaluation',
      id: evaluation.id,
      state: evaluation.grade,
      enterprise: code,
    });
    return JSON.stringify(evaluation);
  }

  /**
   * The bureau and regulators: the facts on the ledger about an enterprise in a period (`2026` or `2026Q4`), with
   * the ledger ids behind each count, and the grade they support (L24). Nothing is written.
   */
  @Transaction(false)
  @Returns('string')
  public async ProposeCreditEvaluation(ctx: RdxContext, code: string, period: string): Promise<string> {
    await requireRole(ctx, ['bureau', 'regulator'], 'read credit facts');
    const enterprise = await load(ctx, 'enterprise', userCode(code), parseEnterprise);
    return JSON.stringify(await creditFacts(ctx, enterprise, period));
  }
}
