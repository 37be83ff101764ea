/**
 * Agreements (SPEC §2 step 5, Z17): drafted by the owning body from the approved demand, signed by both
 * sides, then in force with one grant per dataset; renewal by both sides; termination by either.
 *
 * Confidential (models/agreement.ts): the terms come as transient data `terms`, the enterprise's signed
 * requests as `request` and `signature`, a termination's reason as `reason`; results carry the shell only.
 */
import { Info, Transaction, Returns } from 'fabric-contract-api';
import { requireOwner, requireRole, type Actor } from '../lib/access';
import { RdxContext } from '../lib/context';
import { today } from '../lib/deadlines';
import { RdxError, ErrorCode } from '../lib/errors';
import { EVENTS } from '../lib/events';
import { deleteIndex, objectKey, putIndex } from '../lib/keys';
import { requireOwnerAndBureau } from '../lib/sbe';
import { pageOfIds } from '../lib/listing';
import { RdxContract } from '../lib/rdx-contract';
import { stamp } from '../lib/stamp';
import { assertAbsent, load, save, tryLoad } from '../lib/store';
import { date, intArg, jsonArg, sha256Hex, str } from '../lib/validate';
import {
  endAgreement,
  joinAgreement,
  loadAgreementShell,
  parseAgreementShell,
  parseTerms,
  requireAgreementState,
  saveAgreementChange,
  sealTerms,
  USAGE_REPORT_INTERVAL_DAYS,
  type Agreement,
  type AgreementShell,
} from '../models/agreement';
import { approvedDemands, loadApplicationAs, reason } from '../models/application';
import { dueIndexReady, indexDue, markDueIndexReady } from '../models/due-index';
import { addCalendarDays, addMonths, chinaDate } from '../models/calendar';
import { requireRestrictedAllowed } from '../models/enterprise';
import { createGrant, joinGrant, loadGrantShell, transitionGrant, type Grant } from '../models/grant';
import { enterpriseAction, type EnterpriseAction } from './enterprise-action';
import { parseEnterprise } from '../models/enterprise';

async function saveAgreement(
  ctx: RdxContext,
  a: Agreement,
  isNew: boolean,
  event: Parameters<RdxContext['changed']>[0],
): Promise<AgreementShell> {
  const shell = await saveAgreementChange(ctx, a, event);
  const key = objectKey(ctx, 'agreement', a.id);
  if (isNew) {
    // Every later change of the agreement — signatures, entry into force with its new grants, renewal,
    // termination — then needs the owning body's and the bureau's peers: new grant keys have no key-level
    // policy of their own yet, so this is what makes the owner endorse the grants issued for its data.
    await requireOwnerAndBureau(ctx, key, a.terms.body);
    await putIndex(ctx, 'agreement~enterprise', [a.terms.creditCode, a.id]);
    await putIndex(ctx, 'agreement~body', [a.terms.body, a.id]);
  }
  return shell;
}

/** Both signatures present: the agreement enters into force and its grants are issued, in this transaction. */
async function enterIntoForce(ctx: RdxContext, actor: Actor, a: Agreement): Promise<Agreement> {
  const enterprise = await load(ctx, 'enterprise', a.terms.creditCode, parseEnterprise);
  requireRestrictedAllowed(enterprise, today(ctx));
  if (a.terms.validUntil < today(ctx)) {
    throw new RdxError(
      ErrorCode.INVALID_STATE,
      `agreement ${a.id} was to run until ${a.terms.validUntil}, which has passed: draft a new one`,
    );
  }
  const grants: string[] = [];
  for (const d of a.terms.datasets) {
    const grant: Grant = {
      id: `${a.id}.${d.datasetId}`,
      agreementId: a.id,
      creditCode: a.terms.creditCode,
      datasetId: d.datasetId,
      body: a.terms.body,
      items: d.items,
      purpose: `${a.terms.serviceName} (${a.terms.platform}): ${a.terms.purpose}`,
      validFrom: a.terms.validFrom,
      validUntil: a.terms.validUntil,
      dailyQuota: a.terms.dailyQuota,
      state: 'ACTIVE',
      grantedAt: ctx.now(),
      ...stamp(ctx, actor),
    };
    await createGrant(ctx, grant, EVENTS.AGREEMENT_IN_FORCE);
    grants.push(grant.id);
  }
  return {
    ...a,
    state: 'IN_FORCE',
    inForceAt: ctx.now(),
    productDeadline: addMonths(today(ctx), a.terms.productDeadlineMonths),
    ...(a.terms.dataReturn
      ? {
          dataReturnDue: addCalendarDays(
            today(ctx),
            a.terms.returnIntervalDays ?? USAGE_REPORT_INTERVAL_DAYS,
          ),
        }
      : {}),
    grants,
  };
}

/**
 * The whole agreement `id`, refused to an opening body that does not own it, as if it did not exist (other
 * roles are checked by the caller). The owner is known from the shell before any collection is read.
 */
async function ownAgreement(ctx: RdxContext, actor: Actor, id: string): Promise<Agreement> {
  const shell = await loadAgreementShell(ctx, String(id));
  requireOwner(actor, shell.body, `agreement ${shell.id}`);
  return joinAgreement(ctx, shell);
}

/**
 * An enterprise's signed `action` on one of its agreements: the verified request, and the agreement its
 * `agreementId` names, which must be that enterprise's.
 */
async function enterpriseAgreement(
  ctx: RdxContext,
  action: 'SignAgreement' | 'AcceptRenewal' | 'RequestRenewal' | 'TerminateAgreement',
): Promise<EnterpriseAction & { current: Agreement }> {
  const act = await enterpriseAction(ctx, action);
  const shell = await loadAgreementShell(ctx, str(act.request.body.agreementId, 'agreementId', { max: 160 }));
  if (shell.creditCode !== act.enterprise.creditCode)
    throw new RdxError(ErrorCode.FORBIDDEN, `agreement ${shell.id} is not ${act.enterprise.creditCode}'s`);
  return { ...act, current: await joinAgreement(ctx, shell) };
}

/** Saves a signed agreement; with both signatures on it, it enters into force first. */
async function saveSigned(ctx: RdxContext, actor: Actor, signed: Agreement): Promise<string> {
  const next =
    signed.bodySignature && signed.enterpriseSignature ? await enterIntoForce(ctx, actor, signed) : signed;
  const shell = await saveAgreement(
    ctx,
    next,
    false,
    next.state === 'IN_FORCE' ? EVENTS.AGREEMENT_IN_FORCE : EVENTS.AGREEMENT_SIGNED,
  );
  return JSON.stringify(shell);
}

/** A renewal is asked, proposed or approved while the agreement is in force, before it ends, with no notice given. */
function requireRenewable(ctx: RdxContext, current: Agreement): void {
  requireAgreementState(current, 'IN_FORCE');
  if (current.terms.validUntil < today(ctx))
    throw new RdxError(
      ErrorCode.INVALID_STATE,
      `agreement ${current.id} ended on ${current.terms.validUntil}; renewal must come before expiry`,
    );
  if (current.termination)
    throw new RdxError(
      ErrorCode.INVALID_STATE,
      `notice of termination of agreement ${current.id} was given; it ends on ${current.termination.effectiveOn}`,
    );
}

/** A new end date: after the current one, at most three years from today. @throws RdxError INVALID_ARGUMENT */
function renewalDate(ctx: RdxContext, current: Agreement, value: unknown): string {
  const until = date(value, 'validUntil');
  const now = today(ctx);
  if (until > `${Number(now.slice(0, 4)) + 3}${now.slice(4)}`)
    throw new RdxError(ErrorCode.INVALID_ARGUMENT, 'a renewal runs at most three years from today');
  if (until <= current.terms.validUntil)
    throw new RdxError(
      ErrorCode.INVALID_ARGUMENT,
      `validUntil must be after the current end ${current.terms.validUntil}`,
    );
  return until;
}

/** The agreement and its live grants run to `validUntil`; a proposal or request for it is settled. */
async function renew(
  ctx: RdxContext,
  actor: Actor,
  current: Agreement,
  validUntil: string,
): Promise<AgreementShell> {
  for (const grantId of current.grants) {
    const grant = await loadGrantShell(ctx, grantId);
    if (grant.state !== 'ACTIVE' && grant.state !== 'SUSPENDED') continue;
    await save(ctx, 'grant', grant.id, { ...grant, validUntil, ...stamp(ctx, actor) });
    ctx.changed(EVENTS.AGREEMENT_RENEWED, {
      type: 'grant',
      id: grant.id,
      state: grant.state,
      enterprise: grant.creditCode,
      dataset: grant.datasetId,
    });
  }
  const renewed = { ...current.terms, validUntil };
  return saveAgreement(
    ctx,
    {
      ...current,
      terms: renewed,
      // The hash always covers the terms in force, so a signature check after renewal still compares like with like;
      // a fresh salt, so an agreement drafted before the salt has one from now on.
      ...sealTerms(ctx, renewed),
      pendingRenewal: undefined,
      renewalRequest: undefined,
      renewals: [...current.renewals, { validUntil, at: ctx.now() }],
      ...stamp(ctx, actor),
    },
    false,
    EVENTS.AGREEMENT_RENEWED,
  );
}

/** Ends the agreement and, before it, its live grants (the agreement's reason kept with each, in the collection). */
async function endWithGrants(
  ctx: RdxContext,
  actor: Actor,
  current: Agreement,
  termination: { by: string; reason: string; noticeDate: string },
): Promise<AgreementShell> {
  for (const grantId of current.grants) {
    const grant = await loadGrantShell(ctx, grantId);
    if (grant.state === 'ACTIVE' || grant.state === 'SUSPENDED') {
      await transitionGrant(
        ctx,
        actor,
        await joinGrant(ctx, grant),
        'TERMINATED',
        { code: 'agreement-terminated', note: termination.reason, at: ctx.now() },
        EVENTS.AGREEMENT_TERMINATED,
        true,
      );
    }
  }
  return endAgreement(ctx, actor, current, termination, EVENTS.AGREEMENT_TERMINATED);
}

/** How many days late a notice of termination may be recorded on the ledger. */
const LATE_NOTICE_DAYS = 7;

@Info({ title: 'AgreementContract', description: 'Open-use agreements (Z17, annex 4)' })
export class AgreementContract extends RdxContract {
  constructor() {
    super('agreement');
  }

  /** Opening body: drafts the agreement for its datasets of an approved application. */
  @Transaction()
  @Returns('string')
  public async DraftAgreement(ctx: RdxContext, applicationId: string): Promise<string> {
    const actor = await requireRole(ctx, ['body'], 'draft agreements');
    const app = await loadApplicationAs(ctx, actor, String(applicationId));
    if (app.state !== 'APPROVED')
      throw new RdxError(ErrorCode.INVALID_STATE, `application ${app.id} is ${app.state}, not APPROVED`);
    const approved = approvedDemands(app).filter((d) => d.body === actor.mspId);
    if (approved.length === 0)
      throw new RdxError(
        ErrorCode.FORBIDDEN,
        `${actor.mspId} has no approved demand in application ${app.id}`,
      );
    const id = `${app.id}.${actor.mspId}`;
    await assertAbsent(ctx, 'agreement', id);
    const terms = parseTerms(
      jsonArg(ctx.requireSecretInput('terms'), 'terms'),
      {
        agreementId: id,
        applicationId: app.id,
        creditCode: app.creditCode,
        body: actor.mspId,
        mlpsLevel: app.form.mlpsLevel,
      },
      approved,
      today(ctx),
    );
    const agreement: Agreement = {
      id,
      terms,
      ...sealTerms(ctx, terms),
      state: 'DRAFT',
      draftedAt: ctx.now(),
      grants: [],
      renewals: [],
      ...stamp(ctx, actor),
    };
    return JSON.stringify(await saveAgreement(ctx, agreement, true, EVENTS.AGREEMENT_DRAFTED));
  }

  /** Owning body: signs with its Fabric identity. In force at once if the enterprise signed already. */
  @Transaction()
  @Returns('string')
  public async SignAgreementAsBody(ctx: RdxContext, id: string, expectedTermsHash: string): Promise<string> {
    const actor = await requireRole(ctx, ['body'], 'sign agreements for an opening body');
    const current = await ownAgreement(ctx, actor, id);
    requireAgreementState(current, 'DRAFT');
    if (current.bodySignature)
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `${actor.mspId} has already signed agreement ${current.id}`,
      );
    if (sha256Hex(expectedTermsHash, 'termsHash') !== current.termsHash) {
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        'termsHash does not match the drafted terms: read the agreement again before signing',
      );
    }
    return saveSigned(ctx, actor, {
      ...current,
      bodySignature: { mspId: actor.mspId, certificateId: actor.id, at: ctx.now(), txId: ctx.stub.getTxID() },
      ...stamp(ctx, actor),
    });
  }

  /** Gateway, for the enterprise (signed `SignAgreement` over `{ agreementId, termsHash }`). */
  @Transaction()
  @Returns('string')
  public async SignAgreementAsEnterprise(ctx: RdxContext): Promise<string> {
    const { actor, request, enterprise, current, raw } = await enterpriseAgreement(ctx, 'SignAgreement');
    requireAgreementState(current, 'DRAFT');
    if (current.enterpriseSignature)
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `${enterprise.creditCode} has already signed agreement ${current.id}`,
      );
    if (sha256Hex(request.body.termsHash, 'termsHash') !== current.termsHash) {
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        'the signed termsHash does not match the agreement: fetch it again and sign the current terms',
      );
    }
    return saveSigned(ctx, actor, {
      ...current,
      enterpriseSignature: { request: raw.request, signature: raw.signature, at: ctx.now() },
      ...stamp(ctx, actor),
    });
  }

  /** Owning body: proposes a renewal (a new end date) before the agreement ends. */
  @Transaction()
  @Returns('string')
  public async ProposeRenewal(ctx: RdxContext, id: string, validUntil: string): Promise<string> {
    const actor = await requireRole(ctx, ['body'], 'propose renewals');
    const current = await ownAgreement(ctx, actor, id);
    requireRenewable(ctx, current);
    const next: Agreement = {
      ...current,
      pendingRenewal: { validUntil: renewalDate(ctx, current, validUntil), proposedAt: ctx.now() },
      ...stamp(ctx, actor),
    };
    return JSON.stringify(await saveAgreement(ctx, next, false, EVENTS.RENEWAL_PROPOSED));
  }

  /** Gateway, for the enterprise (signed `AcceptRenewal` over `{ agreementId, validUntil }`): renews the grants. */
  @Transaction()
  @Returns('string')
  public async AcceptRenewal(ctx: RdxContext): Promise<string> {
    const { actor, request, enterprise, current } = await enterpriseAgreement(ctx, 'AcceptRenewal');
    requireRenewable(ctx, current);
    const pending = current.pendingRenewal;
    if (!pending || date(request.body.validUntil, 'validUntil') !== pending.validUntil) {
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `agreement ${current.id} has no pending renewal to ${String(request.body.validUntil)}`,
      );
    }
    requireRestrictedAllowed(enterprise, today(ctx));
    return JSON.stringify(await renew(ctx, actor, current, pending.validUntil));
  }

  /**
   * Gateway, for the enterprise (signed `RequestRenewal` over `{ agreementId, validUntil }`; annex 4 三(三): the
   * user applies to renew before the agreement ends). The owning body approves (renewed at once: the enterprise
   * has signed for that date) or declines with a reason.
   */
  @Transaction()
  @Returns('string')
  public async RequestRenewal(ctx: RdxContext): Promise<string> {
    const { actor, request, enterprise, current } = await enterpriseAgreement(ctx, 'RequestRenewal');
    requireRenewable(ctx, current);
    requireRestrictedAllowed(enterprise, today(ctx));
    const until = renewalDate(ctx, current, request.body.validUntil);
    const next: Agreement = {
      ...current,
      renewalRequest: { validUntil: until, requestedAt: ctx.now() },
      ...stamp(ctx, actor),
    };
    return JSON.stringify(await saveAgreement(ctx, next, false, EVENTS.RENEWAL_REQUESTED));
  }

  /** Owning body: approves the enterprise's renewal request; the agreement and its live grants run to the new date. */
  @Transaction()
  @Returns('string')
  public async ApproveRenewalRequest(ctx: RdxContext, id: string): Promise<string> {
    const actor = await requireRole(ctx, ['body'], 'approve renewals');
    const current = await ownAgreement(ctx, actor, id);
    const asked = current.renewalRequest;
    if (!asked) throw new RdxError(ErrorCode.INVALID_STATE, `agreement ${current.id} has no renewal request`);
    requireRenewable(ctx, current);
    requireRestrictedAllowed(
      await load(ctx, 'enterprise', current.terms.creditCode, parseEnterprise),
      today(ctx),
    );
    return JSON.stringify(await renew(ctx, actor, current, asked.validUntil));
  }

  /** Owning body: declines the enterprise's renewal request, with a reason (kept with the body). */
  @Transaction()
  @Returns('string')
  public async DeclineRenewalRequest(ctx: RdxContext, id: string): Promise<string> {
    const actor = await requireRole(ctx, ['body'], 'decline renewals');
    const current = await ownAgreement(ctx, actor, id);
    if (!current.renewalRequest)
      throw new RdxError(ErrorCode.INVALID_STATE, `agreement ${current.id} has no renewal request`);
    // The reason is checked like any reason but not kept on the channel: the request's end is the record.
    reason(ctx.requireSecretInput('reason', 8192));
    const next: Agreement = { ...current, renewalRequest: undefined, ...stamp(ctx, actor) };
    return JSON.stringify(await saveAgreement(ctx, next, false, EVENTS.RENEWAL_DECLINED));
  }

  /** Owning body or bureau: terminates with a reason and the date notice was given; its grants end. */
  @Transaction()
  @Returns('string')
  public async TerminateAgreement(ctx: RdxContext, id: string, noticeDate: string): Promise<string> {
    const actor = await requireRole(ctx, ['body', 'bureau'], 'terminate agreements');
    const current = await ownAgreement(ctx, actor, id);
    const why = reason(ctx.requireSecretInput('reason', 8192));
    return JSON.stringify(
      await this.terminate(ctx, actor, current, actor.mspId, why, date(noticeDate, 'noticeDate')),
    );
  }

  /** Gateway, for the enterprise (signed `TerminateAgreement` over `{ agreementId, reason, noticeDate }`). */
  @Transaction()
  @Returns('string')
  public async TerminateAgreementAsEnterprise(ctx: RdxContext): Promise<string> {
    const { actor, request, enterprise, current } = await enterpriseAgreement(ctx, 'TerminateAgreement');
    const terminated = await this.terminate(
      ctx,
      actor,
      current,
      enterprise.creditCode,
      reason(request.body.reason),
      date(request.body.noticeDate, 'noticeDate'),
    );
    return JSON.stringify(terminated);
  }

  private async terminate(
    ctx: RdxContext,
    actor: Actor,
    current: Agreement,
    by: string,
    why: string,
    noticeDate: string,
  ): Promise<AgreementShell> {
    requireAgreementState(current, 'DRAFT', 'IN_FORCE');
    if (current.termination)
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `notice of termination of agreement ${current.id} was given on ${current.termination.noticeDate}; it ends on ${current.termination.effectiveOn}`,
      );
    if (noticeDate > today(ctx))
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        'noticeDate is the day notice was given: it cannot be in the future',
      );
    // Notice given in writing may reach the ledger a few days late; one dated further back (or before the
    // agreement was in force) would shorten the notice period the other party is owed, or skip it.
    const lateBy = addCalendarDays(today(ctx), -LATE_NOTICE_DAYS);
    const inForce = current.inForceAt ? chinaDate(current.inForceAt) : undefined;
    const earliest = inForce !== undefined && inForce > lateBy ? inForce : lateBy;
    if (noticeDate < earliest)
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        `noticeDate ${noticeDate} is too far back: notice is recorded at most ${LATE_NOTICE_DAYS} days after it was given, and not before the agreement was in force (${earliest} at the earliest)`,
      );
    // Annex 4 三(三): notice is given ahead. A draft has nothing to wind down; agreements drafted before the
    // notice period was a term end at once, as they did.
    const noticeDays = current.state === 'DRAFT' ? 0 : (current.terms.noticeDays ?? 0);
    const effectiveOn = addCalendarDays(noticeDate, noticeDays);
    if (effectiveOn <= today(ctx)) return endWithGrants(ctx, actor, current, { by, reason: why, noticeDate });
    const next: Agreement = {
      ...current,
      termination: { by, reason: why, noticeDate, effectiveOn, at: ctx.now() },
      ...stamp(ctx, actor),
    };
    await putIndex(ctx, 'agreement~termination', [effectiveOn, current.id]);
    return saveAgreementChange(ctx, next, EVENTS.TERMINATION_NOTICE_GIVEN);
  }

  /**
   * The clerk service, the bureau or the owning body: once the notice period of a termination has run, the
   * agreement and its live grants end (idempotent: an agreement already ended, or not yet due, is refused).
   */
  @Transaction()
  @Returns('string')
  public async CompleteTermination(ctx: RdxContext, id: string): Promise<string> {
    const actor = await requireRole(ctx, ['clerk', 'bureau', 'body'], 'complete terminations');
    const current = await ownAgreement(ctx, actor, id);
    requireAgreementState(current, 'IN_FORCE');
    const t = current.termination;
    if (!t?.effectiveOn || t.effectiveOn > today(ctx))
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        t?.effectiveOn
          ? `agreement ${current.id} ends on ${t.effectiveOn}, not before`
          : `no notice of termination was given for agreement ${current.id}`,
      );
    await deleteIndex(ctx, 'agreement~termination', [t.effectiveOn, current.id]);
    return JSON.stringify(
      await endWithGrants(ctx, actor, current, { by: t.by, reason: t.reason, noticeDate: t.noticeDate }),
    );
  }

  /** Bureau, regulators, the gateway, and the owning body may read an agreement. */
  @Transaction(false)
  @Returns('string')
  public async GetAgreement(ctx: RdxContext, id: string): Promise<string> {
    const actor = await requireRole(
      ctx,
      ['bureau', 'regulator', 'gateway', 'body', 'body-reviewer'],
      'read agreements',
    );
    return JSON.stringify(await ownAgreement(ctx, actor, id));
  }

  /**
   * The ids of every agreement, a page at a time: what the bureau's tooling passes to {@link IndexDueDates} on a
   * ledger from before the due-date index (models/due-index.ts).
   */
  @Transaction(false)
  @Returns('string')
  public async ListAgreementIds(ctx: RdxContext, pageSize: string, bookmark: string): Promise<string> {
    await requireRole(ctx, ['bureau'], 'list every agreement id');
    const size = intArg(pageSize, 'pageSize', 1, 1000, 500);
    return JSON.stringify(await pageOfIds(ctx, 'agreement', [], size, bookmark ?? ''));
  }

  /**
   * The bureau writes the due-date entries of the agreements named (`{ ids }`, at most 500, idempotent); with `last` set,
   * after the last page listed once the new chaincode was in use, it marks the index complete, and the overdue
   * lists read through it from then on. Agreements written since the upgrade keep their entries themselves.
   */
  @Transaction()
  @Returns('string')
  public async IndexDueDates(ctx: RdxContext, requestJson: string, last: string): Promise<string> {
    await requireRole(ctx, ['bureau'], 'index agreements by due date');
    const { ids } = jsonArg(requestJson, 'request') as { ids?: unknown };
    if (!Array.isArray(ids) || ids.length > 500 || !ids.every((id) => typeof id === 'string'))
      throw new RdxError(ErrorCode.INVALID_ARGUMENT, 'ids must be a list of at most 500 agreement ids');
    let indexed = 0;
    for (const id of ids) {
      const a = await tryLoad(ctx, 'agreement', id, parseAgreementShell);
      if (!a) throw new RdxError(ErrorCode.NOT_FOUND, `agreement ${id} does not exist`);
      await indexDue(ctx, a);
      indexed++;
    }
    if (last === 'true') await markDueIndexReady(ctx);
    return JSON.stringify({ indexed, ready: last === 'true' || (await dueIndexReady(ctx)) });
  }

  /** Whether the due-date index is complete (the tooling asks before it backfills). */
  @Transaction(false)
  @Returns('string')
  public async DueIndexReady(ctx: RdxContext): Promise<string> {
    await requireRole(
      ctx,
      ['bureau', 'regulator', 'gateway', 'clerk'],
      'read the state of the due-date index',
    );
    return JSON.stringify(await dueIndexReady(ctx));
  }
}
