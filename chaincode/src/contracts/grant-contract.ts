/**
 * Grants after issue (SPEC §3, L17, L19, Z35, Z39): the owning body or the bureau suspends and terminates;
 * only the owning body restores (after rectification) or withdraws (撤回). Reads: bureau, regulators,
 * the gateway, and the owning body. A person's note on a suspension or ending is confidential: it comes as
 * transient data `note` and is kept in the owning body's collection.
 */
import { Info, Transaction, Returns } from 'fabric-contract-api';
import { isBodyStaff, requireOwner, requireRole, type Actor } from '../lib/access';
import { RdxContext } from '../lib/context';
import { today } from '../lib/deadlines';
import { RdxError, ErrorCode } from '../lib/errors';
import { EVENTS } from '../lib/events';
import { listingRequest, pageOfIds } from '../lib/listing';
import { RdxContract } from '../lib/rdx-contract';
import { stamp } from '../lib/stamp';
import { load, save } from '../lib/store';
import { date, oneOf, optionalStr } from '../lib/validate';
import { endAgreement, joinAgreement, loadAgreementShell } from '../models/agreement';
import { addCalendarDays } from '../models/calendar';
import { reason } from '../models/application';
import { parseDataset } from '../models/dataset';
import { mayUseRestricted, parseEnterprise } from '../models/enterprise';
import {
  GRANT_STATES,
  grantChanged,
  joinGrant,
  liftedOnlyBy,
  loadGrantShell,
  saveGrant,
  SUSPEND_REASONS,
  transitionGrant,
  wholeGrantsPage,
  type Grant,
  type GrantShell,
} from '../models/grant';

/** Grant `id` as its shell, refused to an opening body that does not own it (as if it did not exist). */
async function ownGrantShell(ctx: RdxContext, actor: Actor, id: string): Promise<GrantShell> {
  const grant = await loadGrantShell(ctx, String(id));
  requireOwner(actor, grant.body, `grant ${grant.id}`);
  return grant;
}

/** The whole grant `id` (with its secret), on the same terms. */
async function ownGrant(ctx: RdxContext, actor: Actor, id: string): Promise<Grant> {
  return joinGrant(ctx, await ownGrantShell(ctx, actor, id));
}

/** A person's note on a grant: confidential (transient `note`), required, never personal data. */
function noteOf(ctx: RdxContext): string {
  return reason(ctx.requireSecretInput('note', 8192), 'note');
}

/**
 * What a submitted transaction returns is written into its block, which every channel member receives: the
 * shell only. The whole grant is read with GetGrant.
 */
function shellJson(g: Grant | GrantShell, privateNote = false): string {
  const { items: _i, purpose: _p, dailyQuota: _q, ...shell } = g as Grant;
  return JSON.stringify(
    privateNote && shell.reason ? { ...shell, reason: { ...shell.reason, note: '' } } : shell,
  );
}

/** The longest rectification period a suspension may set (Z39 names none; a year bounds a typing error). */
export const MAX_RECTIFICATION_DAYS = 365;

/** Z39: the termination goes into the enterprise's credit file. */
async function recordViolation(ctx: RdxContext, actor: Actor, grant: Grant): Promise<void> {
  const enterprise = await load(ctx, 'enterprise', grant.creditCode, parseEnterprise);
  const violation = { grantId: grant.id, agreementId: grant.agreementId, body: grant.body, at: ctx.now() };
  await save(ctx, 'enterprise', enterprise.creditCode, {
    ...enterprise,
    violations: [...(enterprise.violations ?? []), violation],
    ...stamp(ctx, actor),
  });
  ctx.changed(EVENTS.GRANT_TERMINATED, { type: 'enterprise', id: enterprise.creditCode });
}

/** An agreement whose every grant has ended by termination or otherwise no longer stays IN_FORCE. */
async function terminateAgreementWithoutGrants(
  ctx: RdxContext,
  actor: Actor,
  grant: Grant,
  note: string,
): Promise<void> {
  const shell = await loadAgreementShell(ctx, grant.agreementId);
  if (shell.state !== 'IN_FORCE') return;
  for (const other of shell.grants) {
    if (other === grant.id) continue;
    const state = (await loadGrantShell(ctx, other)).state;
    if (state === 'ACTIVE' || state === 'SUSPENDED') return;
  }
  const reason = `grant ${grant.id} terminated (Z39)${note ? `: ${note}` : ''}`;
  const termination = { by: actor.mspId, reason, noticeDate: today(ctx) };
  await endAgreement(ctx, actor, await joinAgreement(ctx, shell), termination, EVENTS.AGREEMENT_TERMINATED);
}

@Info({
  title: 'GrantContract',
  description: 'Suspension, restoration, withdrawal, termination and expiry of grants',
})
export class GrantContract extends RdxContract {
  constructor() {
    super('grant');
  }

  /** Owning body or bureau (中止): access stops at once on every gateway. */
  @Transaction()
  @Returns('string')
  public async SuspendGrant(ctx: RdxContext, id: string, suspendReason: string): Promise<string> {
    const actor = await requireRole(ctx, ['body', 'bureau'], 'suspend grants');
    const grant = await ownGrant(ctx, actor, id);
    const code = oneOf(suspendReason, 'reason', SUSPEND_REASONS);
    const next = await transitionGrant(
      ctx,
      actor,
      grant,
      'SUSPENDED',
      { code, note: noteOf(ctx), at: ctx.now(), by: actor.mspId },
      undefined,
      true,
    );
    return shellJson(next, true);
  }

  /**
   * Whoever suspended a grant for a violation or a rectification, or the bureau (Z39 整改意见): the day the
   * enterprise must have rectified by. Past it, the suspension shows in the overdue list until the grant is
   * restored (rectified) or terminated (not rectified).
   */
  @Transaction()
  @Returns('string')
  public async RequireRectification(ctx: RdxContext, id: string, rectifyBy: string): Promise<string> {
    const actor = await requireRole(ctx, ['body', 'bureau'], 'require rectification');
    const grant = await ownGrantShell(ctx, actor, id);
    const reason = grant.reason;
    if (grant.state !== 'SUSPENDED' || !reason || !['violation', 'rectification'].includes(reason.code))
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `grant ${grant.id} is ${grant.state}${reason ? ` (${reason.code})` : ''}: a rectification is required of a grant suspended for a violation or a rectification`,
      );
    const setter = liftedOnlyBy(actor, grant);
    if (setter)
      throw new RdxError(
        ErrorCode.FORBIDDEN,
        `grant ${grant.id} was suspended by ${setter}: only ${setter} sets its rectification`,
      );
    const due = date(rectifyBy, 'rectifyBy');
    const now = today(ctx);
    if (due <= now || due > addCalendarDays(now, MAX_RECTIFICATION_DAYS))
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        `rectifyBy must be after today (${now}) and within ${MAX_RECTIFICATION_DAYS} days`,
      );
    const next: GrantShell = { ...grant, reason: { ...reason, rectifyBy: due }, ...stamp(ctx, actor) };
    await saveGrant(ctx, next, false);
    grantChanged(ctx, EVENTS.GRANT_SUSPENDED, next);
    return shellJson(next);
  }

  /**
   * Owning body or bureau (恢复开放 / 处理后再开放): reopens a suspended grant. Only the party that suspended it
   * (or the bureau) restores it: a body may not lift what the bureau closed for a complaint, a violation or a
   * rectification (Z39); a suspension for the rating, the platform's, the owner may lift. Refused while the
   * enterprise's rating does not allow restricted data, and once the grant's validity has passed.
   */
  @Transaction()
  @Returns('string')
  public async RestoreGrant(ctx: RdxContext, id: string): Promise<string> {
    const actor = await requireRole(ctx, ['body', 'bureau'], 'restore grants');
    const grant = await ownGrantShell(ctx, actor, id);
    if (grant.state !== 'SUSPENDED')
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `grant ${grant.id} is ${grant.state}; only a SUSPENDED grant is restored`,
      );
    const dataset = await load(ctx, 'dataset', grant.datasetId, parseDataset);
    if (dataset.openAttribute === 'prohibited')
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `dataset ${dataset.id} is prohibited from opening: grant ${grant.id} stays suspended`,
      );
    const by = liftedOnlyBy(actor, grant);
    if (by)
      throw new RdxError(
        ErrorCode.FORBIDDEN,
        `grant ${grant.id} was suspended by ${by} (${grant.reason?.code}): only ${by} may restore it`,
      );
    const enterprise = await load(ctx, 'enterprise', grant.creditCode, parseEnterprise);
    if (!mayUseRestricted(enterprise, today(ctx))) {
      throw new RdxError(
        ErrorCode.RATING_INSUFFICIENT,
        `${grant.creditCode} is rated ${enterprise.rating.level} (valid until ${enterprise.rating.validUntil}): it may not use restricted data`,
      );
    }
    if (grant.validUntil < today(ctx))
      throw new RdxError(ErrorCode.INVALID_STATE, `grant ${grant.id} ended on ${grant.validUntil}`);
    // The note of a restoration is checked like any free text but not kept: the state change is the record.
    void optionalStr(ctx.secretInput('note', 8192), 'note', { max: 2000, freeText: true });
    return shellJson(await transitionGrant(ctx, actor, grant, 'ACTIVE', undefined));
  }

  /** Owning body only (撤回): access is withdrawn for good. */
  @Transaction()
  @Returns('string')
  public async WithdrawGrant(ctx: RdxContext, id: string): Promise<string> {
    const actor = await requireRole(ctx, ['body'], 'withdraw grants');
    const grant = await ownGrant(ctx, actor, id);
    const reasonOf = { code: 'withdrawn' as const, note: noteOf(ctx), at: ctx.now() };
    return shellJson(await transitionGrant(ctx, actor, grant, 'REVOKED', reasonOf, undefined, true), true);
  }

  /**
   * Owning body or bureau (终止): a violation not rectified (Z39). The termination is written to the enterprise's
   * credit file (`violations`), and an agreement left with no live grant is terminated with it.
   */
  @Transaction()
  @Returns('string')
  public async TerminateGrant(ctx: RdxContext, id: string): Promise<string> {
    const actor = await requireRole(ctx, ['body', 'bureau'], 'terminate grants');
    const grant = await ownGrant(ctx, actor, id);
    const reasonOf = { code: 'terminated' as const, note: noteOf(ctx), at: ctx.now() };
    const terminated = await transitionGrant(ctx, actor, grant, 'TERMINATED', reasonOf, undefined, true);
    await recordViolation(ctx, actor, terminated);
    await terminateAgreementWithoutGrants(ctx, actor, terminated, reasonOf.note);
    return shellJson(terminated, true);
  }

  /**
   * The clerk service (on the day after the last valid day), the bureau or the owning body: marks a grant whose
   * validity has passed as EXPIRED. Refused while the grant is still valid.
   */
  @Transaction()
  @Returns('string')
  public async ExpireGrant(ctx: RdxContext, id: string): Promise<string> {
    const actor = await requireRole(ctx, ['clerk', 'body', 'bureau'], 'expire grants');
    const grant = await ownGrantShell(ctx, actor, id);
    if (grant.validUntil >= today(ctx))
      throw new RdxError(ErrorCode.INVALID_STATE, `grant ${grant.id} is valid until ${grant.validUntil}`);
    return shellJson(
      await transitionGrant(ctx, actor, grant, 'EXPIRED', {
        code: 'expired',
        note: `validity ended ${grant.validUntil}`,
        at: ctx.now(),
      }),
    );
  }

  @Transaction(false)
  @Returns('string')
  public async GetGrant(ctx: RdxContext, id: string): Promise<string> {
    const actor = await requireRole(
      ctx,
      ['bureau', 'regulator', 'gateway', 'body', 'body-reviewer'],
      'read grants',
    );
    const grant = await ownGrant(ctx, actor, id);
    return JSON.stringify(grant);
  }

  /**
   * One page of grants by `{ "enterprise" | "dataset" | "state" | "body": value }`. A body sees only its
   * own grants (its filter is forced to `body`).
   */
  @Transaction(false)
  @Returns('string')
  public async ListGrants(
    ctx: RdxContext,
    filterJson: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const { actor, filter, size } = await listingRequest(ctx, filterJson, pageSize, 'list grants', [
      'state',
      'enterprise',
      'dataset',
      'body',
    ]);
    // Every grant, unfiltered (a gateway rebuilding its view): read by range, not grant by grant.
    if (!isBodyStaff(actor) && Object.keys(filter).length === 0)
      return JSON.stringify(await wholeGrantsPage(ctx, size, String(bookmark ?? '')));
    let index: string;
    let value: string;
    // A body pages through its own grants only, whatever else it asks for.
    if (isBodyStaff(actor)) [index, value] = ['grant~body', actor.mspId];
    else if (typeof filter.state === 'string')
      [index, value] = ['grant~state', oneOf(filter.state, 'state', GRANT_STATES)];
    else if (typeof filter.enterprise === 'string') [index, value] = ['grant~enterprise', filter.enterprise];
    else if (typeof filter.dataset === 'string') [index, value] = ['grant~dataset', filter.dataset];
    else if (typeof filter.body === 'string') [index, value] = ['grant~body', filter.body];
    else [index, value] = ['grant~body', ''];
    const page = await pageOfIds(ctx, index, value ? [value] : [], size, String(bookmark ?? ''));
    let grants = await Promise.all(page.items.map((gid) => loadGrantShell(ctx, gid)));
    if (isBodyStaff(actor)) {
      // Its other filters narrow its own grants (a page may then hold fewer than pageSize).
      grants = grants.filter(
        (g) =>
          g.body === actor.mspId &&
          (typeof filter.state !== 'string' || g.state === filter.state) &&
          (typeof filter.enterprise !== 'string' || g.creditCode === filter.enterprise) &&
          (typeof filter.dataset !== 'string' || g.datasetId === filter.dataset) &&
          (typeof filter.body !== 'string' || g.body === filter.body),
      );
    }
    // Whole grants: a body's peer holds its own collection, the bureau's every one.
    const items = await Promise.all(grants.map((g) => joinGrant(ctx, g)));
    return JSON.stringify({ items, bookmark: page.bookmark });
  }
}
