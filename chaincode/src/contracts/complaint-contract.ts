/**
 * Complaints and opinions (SPEC §3, L17, Z21, Z35). Anyone may file through the platform: staff of the owning
 * body or the bureau record what reached them; an enterprise signs its own through the gateway; a citizen files
 * through the gateway's public route. The owning body (or the bureau) verifies at once and may suspend the grant
 * complained about, or — for a complaint about the data itself — every active grant on the dataset, in one
 * transaction; it resolves by withdrawal, restoration, reopening after processing, upholding or dismissal, and
 * records how the complainant was told, all within the 10 working days (late ones are overdue items).
 *
 * Who complained, the facts written through the platform and the note on the outcome are confidential: they
 * stay in the owning body's collection (see models/complaint.ts); the channel holds the shell.
 */
import { Info, Transaction, Returns } from 'fabric-contract-api';
import { isBodyStaff, requireOwner, requireOwnerOfPublic, requireRole, type Actor } from '../lib/access';
import { RdxContext } from '../lib/context';
import { today } from '../lib/deadlines';
import { RdxError, ErrorCode } from '../lib/errors';
import { EVENTS, type EventName } from '../lib/events';
import { deleteIndex, idsByIndex } from '../lib/keys';
import { listingRequest, pageOfIds } from '../lib/listing';
import { RdxContract } from '../lib/rdx-contract';
import { stamp } from '../lib/stamp';
import { assertAbsent, load } from '../lib/store';
import {
  bool,
  date,
  ident,
  jsonArg,
  obj,
  oneOf,
  onlyFields,
  sha256Hex,
  str,
  type Json,
} from '../lib/validate';
import { createHash } from 'crypto';
import { reason } from '../models/application';
import { complaintFields } from '../models/complaint-fields';
import { COMPLAINT_FIELDS } from '../models/input-fields';
import {
  COMPLAINANT_KINDS,
  complaintDeadline,
  loadComplaint,
  loadComplaintShell,
  OUTCOMES,
  recordComplaint,
  saveComplaintObject,
  type Complaint,
  type ComplaintShell,
} from '../models/complaint';
import { parseDataset } from '../models/dataset';
import { mayUseRestricted, parseEnterprise } from '../models/enterprise';
import { joinGrant, liftedOnlyBy, loadGrantShell, transitionGrant, type GrantShell } from '../models/grant';
import { enterpriseAction } from './enterprise-action';

const STATES = ['OPEN', 'RESOLVED'] as const;

/** What every filing names: the complaint's id, dataset (and grant), kind and category, checked. */
async function newComplaint(
  ctx: RdxContext,
  actor: Actor,
  input: Json,
  filedThrough: NonNullable<Complaint['filedThrough']>,
  complainant: Complaint['complainant'],
): Promise<Complaint> {
  const id = ident(input.id, 'id');
  const { facts, ...fields } = complaintFields(input, filedThrough !== 'staff');
  await assertAbsent(ctx, 'complaint', id);
  const dataset = await load(ctx, 'dataset', fields.datasetId, parseDataset);
  if (filedThrough === 'staff') requireOwnerOfPublic(actor, dataset.owner, `dataset ${dataset.id}`);
  const { grantId } = fields;
  if (grantId) {
    // Whether a grant exists is not a complainant's business: a wrong one reads as "not on this dataset".
    const grant = await loadGrantShell(ctx, grantId).catch(() => undefined);
    if (grant?.datasetId !== dataset.id)
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        `grant ${grantId} is not a grant of dataset ${dataset.id}`,
      );
  }
  return {
    id,
    kind: fields.kind,
    category: fields.category,
    filedThrough,
    body: dataset.owner,
    datasetId: dataset.id,
    grantId,
    complainant,
    factsHash:
      facts === undefined
        ? sha256Hex(input.factsHash, 'factsHash')
        : createHash('sha256').update(facts).digest('hex'),
    ...(facts === undefined ? {} : { facts }),
    ...(filedThrough === 'staff' ? {} : { receiptHash: sha256Hex(input.receiptHash, 'receiptHash') }),
    state: 'OPEN',
    filedAt: ctx.now(),
    deadline: await complaintDeadline(ctx),
    suspendedOnFiling: false,
    ...stamp(ctx, actor),
  };
}

/**
 * Suspends what complaint `c` is about (Z35 中止开放): its grant, or — when it names none, a complaint about the
 * data itself — every active grant on its dataset. Returns how many were suspended.
 */
async function suspendFor(ctx: RdxContext, actor: Actor, c: Complaint, event: EventName): Promise<number> {
  const suspend = (g: GrantShell): Promise<GrantShell> =>
    transitionGrant(
      ctx,
      actor,
      g,
      'SUSPENDED',
      { code: 'complaint', note: `complaint ${c.id}`, at: ctx.now(), by: actor.mspId, complaintId: c.id },
      event,
    );
  if (c.grantId) {
    await suspend(await loadGrantShell(ctx, c.grantId));
    return 1;
  }
  let suspended = 0;
  for (const id of await idsByIndex(ctx, 'grant~dataset', [c.datasetId])) {
    const grant = await loadGrantShell(ctx, id);
    if (grant.state !== 'ACTIVE') continue;
    await suspend(grant);
    suspended++;
  }
  if (suspended === 0)
    throw new RdxError(
      ErrorCode.INVALID_STATE,
      `no grant on dataset ${c.datasetId} is active: nothing to suspend`,
    );
  return suspended;
}

/** The grants complaint `c` suspended that are still suspended for it. */
async function grantsSuspendedFor(ctx: RdxContext, c: Complaint): Promise<GrantShell[]> {
  const ids = c.grantId ? [c.grantId] : await idsByIndex(ctx, 'grant~dataset', [c.datasetId]);
  const found: GrantShell[] = [];
  for (const id of ids) {
    const g = await loadGrantShell(ctx, id);
    // Suspensions before complaint ids were recorded name the complaint in their note.
    const forIt =
      g.reason?.complaintId === c.id || (!g.reason?.complaintId && g.reason?.note === `complaint ${c.id}`);
    if (g.state === 'SUSPENDED' && g.reason?.code === 'complaint' && forIt) found.push(g);
  }
  return found;
}

@Info({ title: 'ComplaintContract', description: 'Complaints and opinions on opened data (Z21, Z35, L17)' })
export class ComplaintContract extends RdxContract {
  constructor() {
    super('complaint');
  }

  /**
   * Owning body or bureau: records a complaint that reached it. With `suspendNow` the grant it names — or,
   * naming none, every active grant on the dataset — is suspended (reason `complaint`) in the same transaction.
   */
  @Transaction()
  @Returns('string')
  public async FileComplaint(ctx: RdxContext): Promise<string> {
    const actor = await requireRole(ctx, ['body', 'bureau'], 'file complaints');
    const input = jsonArg(ctx.requireSecretInput('complaint'), 'complaint');
    onlyFields(input, 'complaint', [...COMPLAINT_FIELDS, 'factsHash', 'complainant', 'suspendNow']);
    const who = obj(input.complainant, 'complainant');
    const kind = oneOf(who.kind, 'complainant.kind', COMPLAINANT_KINDS);
    onlyFields(who, 'complainant', ['kind', kind === 'person' ? 'nameHash' : 'name']);
    const complainant =
      kind === 'person'
        ? { kind, nameHash: sha256Hex(who.nameHash, 'complainant.nameHash') }
        : { kind, name: str(who.name, 'complainant.name', { max: 128 }) };
    const complaint = await newComplaint(ctx, actor, input, 'staff', complainant);
    if (bool(input.suspendNow ?? false, 'suspendNow')) {
      complaint.suspendedOnFiling = true;
      complaint.suspendedGrants = await suspendFor(ctx, actor, complaint, EVENTS.COMPLAINT_FILED);
    }
    return JSON.stringify(await recordComplaint(ctx, complaint, undefined, EVENTS.COMPLAINT_FILED));
  }

  /**
   * Signed `FileComplaint` `{ id, datasetId, grantId?, kind?, category, facts, receiptHash }` of an enterprise,
   * brought by the gateway (Z21: through the platform).
   */
  @Transaction()
  @Returns('string')
  public async FileComplaintAsEnterprise(ctx: RdxContext): Promise<string> {
    const { actor, request, enterprise } = await enterpriseAction(ctx, 'FileComplaint');
    const complaint = await newComplaint(ctx, actor, request.body, 'enterprise', {
      kind: 'enterprise',
      creditCode: enterprise.creditCode,
    });
    return JSON.stringify(await recordComplaint(ctx, complaint, undefined, EVENTS.COMPLAINT_FILED));
  }

  /**
   * Gateway only: a complaint anyone sent through its public route, as transient `complaint`
   * `{ id, datasetId, grantId?, kind?, category, facts, contactHash, receiptHash }`. The citizen's contact is
   * only a salted hash; what they write is checked for personal data like every free text.
   */
  @Transaction()
  @Returns('string')
  public async FileComplaintFromPublic(ctx: RdxContext): Promise<string> {
    const actor = await requireRole(ctx, ['gateway'], "bring the public's complaints");
    // Room for the longest facts a complaint may hold: 8000 characters, in Chinese three bytes each in UTF-8.
    const input = jsonArg(ctx.requireSecretInput('complaint', 64 * 1024), 'complaint');
    onlyFields(input, 'complaint', [...COMPLAINT_FIELDS, 'facts', 'contactHash', 'receiptHash']);
    const complaint = await newComplaint(ctx, actor, input, 'public', {
      kind: 'person',
      contactHash: sha256Hex(input.contactHash, 'contactHash'),
    });
    return JSON.stringify(await recordComplaint(ctx, complaint, undefined, EVENTS.COMPLAINT_FILED));
  }

  /**
   * Owning body or bureau, on verifying an open complaint (Z35 立即中止): suspends the grant it names, or every
   * active grant on its dataset, in one transaction.
   */
  @Transaction()
  @Returns('string')
  public async SuspendForComplaint(ctx: RdxContext, id: string): Promise<string> {
    const actor = await requireRole(ctx, ['body', 'bureau'], 'suspend for complaints');
    requireOwner(actor, (await loadComplaintShell(ctx, String(id))).body, `complaint ${String(id)}`);
    const current = await loadComplaint(ctx, String(id));
    if (current.state !== 'OPEN')
      throw new RdxError(ErrorCode.INVALID_STATE, `complaint ${current.id} is already resolved`);
    const suspended = await suspendFor(ctx, actor, current, EVENTS.GRANT_SUSPENDED);
    const next: Complaint = {
      ...current,
      suspendedGrants: (current.suspendedGrants ?? 0) + suspended,
      ...stamp(ctx, actor),
    };
    return JSON.stringify(await recordComplaint(ctx, next, current, EVENTS.GRANT_SUSPENDED));
  }

  /**
   * Owning body: the outcome, on every grant suspended for the complaint. `withdraw` revokes them; `restore`
   * and `reopen` (after processing) make them active again — a grant that has ended, or whose enterprise may no
   * longer use restricted data, stays suspended; `dismiss` (not upheld) and `upheld` (handled without a
   * suspension) change no grant.
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
    let grants = await grantsSuspendedFor(ctx, current);
    if (outcome === 'withdraw' && grants.length === 0 && current.grantId) {
      // Verified without a suspension first: the named grant is withdrawn from wherever it stands.
      const named = await loadGrantShell(ctx, current.grantId);
      if (named.state === 'ACTIVE' || named.state === 'SUSPENDED') grants = [named];
    }
    if (outcome === 'upheld' && grants.length > 0)
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `complaint ${current.id} has ${grants.length} grant(s) suspended for it: withdraw, restore or reopen them`,
      );
    // Restoring is lifting the suspension: held to grant:RestoreGrant's rule of who may.
    for (const g of outcome === 'restore' || outcome === 'reopen' ? grants : []) {
      const by = liftedOnlyBy(actor, g);
      if (by)
        throw new RdxError(
          ErrorCode.FORBIDDEN,
          `grant ${g.id} was suspended by ${by} for complaint ${current.id}: only ${by} may restore it (grant:RestoreGrant), then resolve the complaint`,
        );
    }
    if (outcome !== 'dismiss' && outcome !== 'upheld' && grants.length === 0)
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `no grant is ${outcome === 'withdraw' ? 'live' : 'suspended'} for complaint ${current.id}: nothing to ${outcome} (dismiss or uphold it)`,
      );
    let leftSuspended = 0;
    for (const grant of outcome === 'withdraw' || outcome === 'restore' || outcome === 'reopen'
      ? grants
      : []) {
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
        continue;
      }
      const enterprise = await load(ctx, 'enterprise', grant.creditCode, parseEnterprise);
      if (grant.validUntil < today(ctx) || !mayUseRestricted(enterprise, today(ctx))) {
        // A grant of one enterprise does not hold the others back; the named one is refused outright.
        if (current.grantId)
          throw new RdxError(
            grant.validUntil < today(ctx) ? ErrorCode.INVALID_STATE : ErrorCode.RATING_INSUFFICIENT,
            grant.validUntil < today(ctx)
              ? `grant ${grant.id} ended on ${grant.validUntil}`
              : `${grant.creditCode} may not use restricted data now; the grant stays suspended`,
          );
        leftSuspended++;
        continue;
      }
      await transitionGrant(ctx, actor, grant, 'ACTIVE', undefined, EVENTS.COMPLAINT_RESOLVED);
    }
    const next: Complaint = {
      ...current,
      state: 'RESOLVED',
      outcome: {
        decision: outcome,
        note: why,
        at: ctx.now(),
        grants: grants.length,
        ...(leftSuspended ? { leftSuspended } : {}),
      },
      ...stamp(ctx, actor),
    };
    return JSON.stringify(await recordComplaint(ctx, next, current, EVENTS.COMPLAINT_RESOLVED));
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
    await deleteIndex(ctx, 'complaint~unanswered', [next.id]);
    ctx.changed(EVENTS.COMPLAINANT_NOTIFIED, {
      type: 'complaint',
      id: next.id,
      state: next.state,
      dataset: next.datasetId,
    });
    return JSON.stringify(shell);
  }

  @Transaction(false)
  @Returns('string')
  public async GetComplaint(ctx: RdxContext, id: string): Promise<string> {
    const actor = await requireRole(ctx, ['bureau', 'regulator', 'body', 'body-reviewer'], 'read complaints');
    requireOwner(actor, (await loadComplaintShell(ctx, String(id))).body, `complaint ${String(id)}`);
    return JSON.stringify(await loadComplaint(ctx, String(id)));
  }

  /**
   * One page of complaints (shells: no complainant, no facts) by `{ "state"?: "OPEN" | "RESOLVED", "body"?: mspId }`:
   * the bureau, regulators and the gateway (for the regulators' and the bodies' consoles) all of them or one
   * body's, an opening body those about its own data whatever body it names.
   */
  @Transaction(false)
  @Returns('string')
  public async ListComplaints(
    ctx: RdxContext,
    filterJson: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const { actor, filter, size } = await listingRequest(ctx, filterJson, pageSize, 'list complaints', [
      'state',
      'body',
    ]);
    const state = filter.state === undefined ? undefined : oneOf(filter.state, 'state', STATES);
    const body = isBodyStaff(actor)
      ? actor.mspId
      : filter.body === undefined
        ? undefined
        : str(filter.body, 'body', { max: 64 });
    const [index, prefix]: [string, string[]] = body
      ? ['complaint~body~state', state ? [body, state] : [body]]
      : ['complaint~state', state ? [state] : []];
    const page = await pageOfIds(ctx, index, prefix, size, String(bookmark ?? ''));
    const items: ComplaintShell[] = [];
    for (const cid of page.items) items.push(await loadComplaintShell(ctx, cid));
    return JSON.stringify({ items, bookmark: page.bookmark });
  }

  /**
   * The gateway, for a complainant who filed through the platform: where complaint `id` stands (no
   * complainant, no notes), if `receiptHash` is the SHA-256 of the receipt they were given; otherwise it
   * answers as for a complaint that does not exist.
   */
  @Transaction(false)
  @Returns('string')
  public async GetComplaintStatus(ctx: RdxContext, id: string, receiptHash: string): Promise<string> {
    await requireRole(ctx, ['gateway'], 'show complainants their complaints');
    const hash = sha256Hex(receiptHash, 'receiptHash');
    const c = await loadComplaintShell(ctx, String(id));
    if (!c.receiptHash || c.receiptHash !== hash)
      throw new RdxError(ErrorCode.NOT_FOUND, `complaint ${String(id).slice(0, 64)} does not exist`);
    return JSON.stringify({
      id: c.id,
      kind: c.kind,
      category: c.category,
      datasetId: c.datasetId,
      state: c.state,
      filedAt: c.filedAt,
      due: c.deadline.due,
      ...(c.outcome ? { outcome: { decision: c.outcome.decision, at: c.outcome.at } } : {}),
      ...(c.notification ? { notifiedOn: c.notification.notifiedOn } : {}),
    });
  }
}
