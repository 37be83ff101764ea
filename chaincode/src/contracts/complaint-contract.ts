/**
 * Complaints (SPEC §3, L17, Z21): the owning body verifies at once and may suspend in the same
 * transaction; it resolves by withdrawal, restoration, reopening after processing, or dismissal, and must
 * record that the complainant was notified. Who complained and the note on the outcome are confidential:
 * the complaint comes as transient data `complaint`, the outcome's note as `note` (see models/complaint.ts).
 */
import { Info, Transaction, Returns } from 'fabric-contract-api';
import { requireOwner, requireOwnerOfPublic, requireRole } from '../lib/access';
import { RdxContext } from '../lib/context';
import { today, workingDaysFromToday } from '../lib/deadlines';
import { RdxError, ErrorCode } from '../lib/errors';
import { EVENTS } from '../lib/events';
import { putIndex, deleteIndex } from '../lib/keys';
import { RdxContract } from '../lib/rdx-contract';
import { stamp } from '../lib/stamp';
import { assertAbsent, load } from '../lib/store';
import { bool, date, ident, jsonArg, obj, oneOf, optionalStr, sha256Hex, str } from '../lib/validate';
import { reason } from '../models/application';
import {
  COMPLAINANT_KINDS,
  COMPLAINT_KINDS,
  COMPLAINT_WORKING_DAYS,
  loadComplaint,
  loadComplaintShell,
  OUTCOMES,
  saveComplaintObject,
  type Complaint,
  type ComplaintShell,
} from '../models/complaint';
import { parseDataset } from '../models/dataset';
import { mayUseRestricted, parseEnterprise } from '../models/enterprise';
import { joinGrant, loadGrantShell, transitionGrant } from '../models/grant';

/** Saves a complaint with its secret and keeps the state index in step; returns the shell (what the block may hold). */
async function saveComplaint(
  ctx: RdxContext,
  c: Complaint,
  previous: Complaint | undefined,
  event: Parameters<RdxContext['changed']>[0],
): Promise<ComplaintShell> {
  if (previous) await deleteIndex(ctx, 'complaint~state', [previous.state, c.id]);
  const shell = await saveComplaintObject(ctx, c, true);
  await putIndex(ctx, 'complaint~state', [c.state, c.id]);
  ctx.changed(event, { type: 'complaint', id: c.id, state: c.state });
  return shell;
}

@Info({ title: 'ComplaintContract', description: 'Complaints and opinions on opened data (Z21, L17)' })
export class ComplaintContract extends RdxContract {
  constructor() {
    super('complaint');
  }

  /**
   * Owning body or bureau: records a complaint about a dataset or a grant. With `suspendNow` the grant is
   * suspended (reason `complaint`) in the same transaction.
   */
  @Transaction()
  @Returns('string')
  public async FileComplaint(ctx: RdxContext): Promise<string> {
    const actor = await requireRole(ctx, ['body', 'bureau'], 'file complaints');
    const input = jsonArg(ctx.requireSecretInput('complaint'), 'complaint');
    const id = ident(input.id, 'id');
    await assertAbsent(ctx, 'complaint', id);
    const dataset = await load(ctx, 'dataset', ident(input.datasetId, 'datasetId'), parseDataset);
    requireOwnerOfPublic(actor, dataset.owner, `dataset ${dataset.id}`);
    const grantId = optionalStr(input.grantId, 'grantId', { max: 160 });
    const grant = grantId ? await loadGrantShell(ctx, grantId) : undefined;
    if (grant && grant.datasetId !== dataset.id)
      throw new RdxError(ErrorCode.INVALID_ARGUMENT, `grant ${grant.id} is not for dataset ${dataset.id}`);
    const who = obj(input.complainant, 'complainant');
    const kind = oneOf(who.kind, 'complainant.kind', COMPLAINANT_KINDS);
    const complainant =
      kind === 'person'
        ? { kind, nameHash: sha256Hex(who.nameHash, 'complainant.nameHash') }
        : { kind, name: str(who.name, 'complainant.name', { max: 128 }) };
    const suspendNow = bool(input.suspendNow ?? false, 'suspendNow');
    if (suspendNow && !grant) throw new RdxError(ErrorCode.INVALID_ARGUMENT, 'suspendNow needs a grantId');
    const complaint: Complaint = {
      id,
      kind: oneOf(input.kind ?? 'complaint', 'kind', COMPLAINT_KINDS),
      body: dataset.owner,
      datasetId: dataset.id,
      grantId,
      complainant,
      factsHash: sha256Hex(input.factsHash, 'factsHash'),
      state: 'OPEN',
      filedAt: ctx.now(),
      deadline: {
        step: 'complaint-handling',
        due: await workingDaysFromToday(ctx, COMPLAINT_WORKING_DAYS),
        rule: `Z21: ${COMPLAINT_WORKING_DAYS} working days`,
      },
      suspendedOnFiling: suspendNow,
      ...stamp(ctx, actor),
    };
    const shell = await saveComplaint(ctx, complaint, undefined, EVENTS.COMPLAINT_FILED);
    if (suspendNow && grant) {
      await transitionGrant(
        ctx,
        actor,
        grant,
        'SUSPENDED',
        { code: 'complaint', note: `complaint ${id}`, at: ctx.now(), by: actor.mspId },
        EVENTS.COMPLAINT_FILED,
      );
    }
    return JSON.stringify(shell);
  }

  /**
   * Owning body: the outcome. `withdraw` revokes the grant; `restore` and `reopen` (after processing) make a
   * suspended grant active again; `dismiss` leaves it as it is.
   */
  @Transaction()
  @Returns('string')
  public async ResolveComplaint(ctx: RdxContext, id: string, decision: string): Promise<string> {
    const actor = await requireRole(ctx, ['body'], 'resolve complaints');
    requireOwner(actor, (await loadComplaintShell(ctx, String(id))).body, `complaint ${String(id)}`);
    const current = await loadComplaint(ctx, String(id));
    if (current.state !== 'OPEN')
      throw new RdxError(ErrorCode.INVALID_STATE, `complaint ${current.id} is already resolved`);
    const outcome = oneOf(decision, 'decision', OUTCOMES);
    const why = reason(ctx.requireSecretInput('note', 8192), 'note');
    if (outcome !== 'dismiss') {
      if (!current.grantId)
        throw new RdxError(
          ErrorCode.INVALID_ARGUMENT,
          `complaint ${current.id} names no grant; only dismiss applies`,
        );
      const grant = await loadGrantShell(ctx, current.grantId);
      if (outcome === 'withdraw') {
        await transitionGrant(
          ctx,
          actor,
          await joinGrant(ctx, grant),
          'REVOKED',
          { code: 'withdrawn', note: `complaint ${current.id}: ${why}`, at: ctx.now() },
          EVENTS.COMPLAINT_RESOLVED,
          true,
        );
      } else if (grant.state === 'SUSPENDED') {
        // Restoring undoes the complaint's suspension only, never one made for a violation or a rating.
        if (grant.reason?.code !== 'complaint') {
          throw new RdxError(
            ErrorCode.INVALID_STATE,
            `grant ${grant.id} is suspended for ${grant.reason?.code ?? 'another reason'}, not this complaint; it stays suspended`,
          );
        }
        if (grant.validUntil < today(ctx)) {
          throw new RdxError(ErrorCode.INVALID_STATE, `grant ${grant.id} ended on ${grant.validUntil}`);
        }
        const enterprise = await load(ctx, 'enterprise', grant.creditCode, parseEnterprise);
        if (!mayUseRestricted(enterprise, today(ctx))) {
          throw new RdxError(
            ErrorCode.RATING_INSUFFICIENT,
            `${grant.creditCode} may not use restricted data now; the grant stays suspended`,
          );
        }
        await transitionGrant(ctx, actor, grant, 'ACTIVE', undefined, EVENTS.COMPLAINT_RESOLVED);
      } else {
        throw new RdxError(
          ErrorCode.INVALID_STATE,
          `grant ${grant.id} is ${grant.state}, not SUSPENDED: nothing to ${outcome}`,
        );
      }
    }
    const next: Complaint = {
      ...current,
      state: 'RESOLVED',
      outcome: { decision: outcome, note: why, at: ctx.now() },
      ...stamp(ctx, actor),
    };
    return JSON.stringify(await saveComplaint(ctx, next, current, EVENTS.COMPLAINT_RESOLVED));
  }

  /** Owning body: records how and when the complainant was told the outcome (L17). */
  @Transaction()
  @Returns('string')
  public async RecordNotification(
    ctx: RdxContext,
    id: string,
    channel: string,
    notifiedOn: string,
    summaryHash: string,
  ): Promise<string> {
    const actor = await requireRole(ctx, ['body'], 'record notifications');
    const current = await loadComplaintShell(ctx, String(id));
    requireOwner(actor, current.body, `complaint ${current.id}`);
    if (current.state !== 'RESOLVED')
      throw new RdxError(ErrorCode.INVALID_STATE, `complaint ${current.id} is not resolved yet`);
    if (current.notification)
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `the notification of complaint ${current.id} is already recorded`,
      );
    const on = date(notifiedOn, 'notifiedOn');
    if (on > today(ctx)) throw new RdxError(ErrorCode.INVALID_ARGUMENT, 'notifiedOn cannot be in the future');
    const next: ComplaintShell = {
      ...current,
      notification: {
        channel: oneOf(channel, 'channel', [
          'phone',
          'letter',
          'email',
          'sms',
          'in-person',
          'platform',
        ] as const),
        notifiedOn: on,
        summaryHash: sha256Hex(summaryHash, 'summaryHash'),
        at: ctx.now(),
      },
      ...stamp(ctx, actor),
    };
    const shell = await saveComplaintObject(ctx, next, false);
    ctx.changed(EVENTS.COMPLAINANT_NOTIFIED, { type: 'complaint', id: next.id, state: next.state });
    return JSON.stringify(shell);
  }

  @Transaction(false)
  @Returns('string')
  public async GetComplaint(ctx: RdxContext, id: string): Promise<string> {
    const actor = await requireRole(ctx, ['bureau', 'regulator', 'body', 'body-reviewer'], 'read complaints');
    requireOwner(actor, (await loadComplaintShell(ctx, String(id))).body, `complaint ${String(id)}`);
    return JSON.stringify(await loadComplaint(ctx, String(id)));
  }
}
