/**
 * The demand workflow (SPEC §2 steps 1–4, L11): application by an AA+ enterprise, formal review by the
 * bureau, owner review by each body named in the demand list, coordination of disputes, re-review.
 *
 * Confidential (models/application.ts): the enterprise's signed request comes as transient `request` and
 * `signature`, every reason as transient `reason`. The workflow itself runs on the shell, so the bureau's
 * steps read no collection; results carry the shell only.
 */
import { Info, Transaction, Returns } from 'fabric-contract-api';
import { requireRole, type Actor } from '../lib/access';
import { RdxContext } from '../lib/context';
import { today, workingDaysFromToday } from '../lib/deadlines';
import { RdxError, ErrorCode } from '../lib/errors';
import { EVENTS, type EventName } from '../lib/events';
import { putIndex, deleteIndex } from '../lib/keys';
import { RdxContract } from '../lib/rdx-contract';
import { stamp } from '../lib/stamp';
import { assertAbsent, load } from '../lib/store';
import { oneOf, sha256Hex, str } from '../lib/validate';
import {
  bodiesOfDemands,
  bodyApproved,
  fileApplication,
  loadApplicationShell,
  optionalReason,
  parseApplicationInput,
  putNote,
  readApplication,
  reason,
  requireState,
  saveApplicationShell,
  unfileApplication,
  type ApplicationInput,
  type ApplicationShell,
  type Demand,
} from '../models/application';
import { nextQuarterlyDue } from '../models/calendar';
import { nextBatchDay } from '../models/review-batches';
import { isListed, parseDataset, unknownItems } from '../models/dataset';
import { parseBody } from './platform-contract';
import { requireRestrictedAllowed } from '../models/enterprise';
import { enterpriseAction } from './enterprise-action';

/** Working days each review step has (L11). */
export const REVIEW_WORKING_DAYS = 15;

async function resolveDemands(ctx: RdxContext, input: ApplicationInput): Promise<Demand[]> {
  const demands: Demand[] = [];
  for (const d of input.demands) {
    const dataset = await load(ctx, 'dataset', d.datasetId, parseDataset);
    if (!isListed(dataset))
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        `dataset ${dataset.id} is not in the catalogue yet: the bureau reviews it before it is listed (Z13)`,
      );
    const owner = await load(ctx, 'body', dataset.owner, parseBody);
    if (owner.removedAt)
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `dataset ${dataset.id} is ${owner.mspId}'s, which left the platform on ${owner.removedAt.slice(0, 10)}`,
      );
    if (dataset.openAttribute !== 'restricted') {
      const why =
        dataset.openAttribute === 'prohibited'
          ? 'is not open (禁止开放)'
          : 'is unconditional: it needs no application';
      throw new RdxError(ErrorCode.INVALID_ARGUMENT, `dataset ${dataset.id} ${why}`);
    }
    const unknown = unknownItems(dataset, d.items);
    if (unknown.length)
      throw new RdxError(
        ErrorCode.INVALID_ARGUMENT,
        `dataset ${dataset.id} has no items ${unknown.join(', ')}`,
      );
    demands.push({ ...d, body: dataset.owner });
  }
  return demands;
}

/** Saves the shell with its indexes and event; returns it (what a transaction's result may carry). */
async function saveApplication(
  ctx: RdxContext,
  app: ApplicationShell,
  previous: ApplicationShell | undefined,
  event: EventName,
): Promise<string> {
  if (previous) await deleteIndex(ctx, 'application~state', [previous.state, app.id]);
  const shell = await saveApplicationShell(ctx, app);
  await putIndex(ctx, 'application~state', [app.state, app.id]);
  if (!previous) {
    await putIndex(ctx, 'application~enterprise', [app.creditCode, app.id]);
    for (const body of app.bodies) await putIndex(ctx, 'application~body', [body, app.id]);
  }
  ctx.changed(event, { type: 'application', id: app.id, state: app.state, enterprise: app.creditCode });
  return JSON.stringify(shell);
}

/** The reason a step must give, sent as transient data `reason` (refused when missing, short or personal). */
function requiredReason(ctx: RdxContext): string {
  return reason(ctx.requireSecretInput('reason', 8192));
}

/** The remark a step may give (transient `reason`). */
function optionalRemark(ctx: RdxContext): string | undefined {
  return optionalReason(ctx.secretInput('reason', 8192));
}

/**
 * The rule each step's deadline comes from. L11(3) gives reviews 15 working days and sends doubtful demands to a
 * coordination meeting without a time limit: the platform gives coordination the same 15 days and says so.
 */
const DEADLINE_RULES: Record<string, string> = {
  coordination: `platform: ${REVIEW_WORKING_DAYS} working days (L11(3) sets none for coordination)`,
};

async function deadline(ctx: RdxContext, step: string): Promise<ApplicationShell['deadline']> {
  return {
    step,
    due: await workingDaysFromToday(ctx, REVIEW_WORKING_DAYS),
    rule: DEADLINE_RULES[step] ?? `L11: ${REVIEW_WORKING_DAYS} working days`,
  };
}

/**
 * Into owner review: each named body's review is due at the earlier of its next quarterly batch day and 15 working
 * days from today (L11(3)); the application's deadline is the earliest of them.
 */
async function ownerReviewDeadlines(
  ctx: RdxContext,
  app: ApplicationShell,
): Promise<Pick<ApplicationShell, 'state' | 'ownerReviewBatch' | 'ownerReviewDue' | 'deadline'>> {
  const within15 = await deadline(ctx, 'owner-review');
  const now = today(ctx);
  const due: Record<string, string> = {};
  for (const body of app.bodies) {
    const batch = await nextBatchDay(ctx, body, now);
    due[body] = batch < within15!.due ? batch : within15!.due;
  }
  const earliest = Object.values(due).sort()[0] ?? within15!.due;
  return {
    state: 'OWNER_REVIEW',
    ownerReviewBatch: nextQuarterlyDue(now),
    ownerReviewDue: due,
    deadline: {
      step: 'owner-review',
      due: earliest,
      rule: `L11(3): ${REVIEW_WORKING_DAYS} working days, and each body's quarterly review batch`,
    },
  };
}

/** A body not named in the application's demand list is told nothing of it: as if it did not exist. */
function bodyActor(actor: Actor, app: ApplicationShell): void {
  if (!app.bodies.includes(actor.mspId)) {
    throw new RdxError(ErrorCode.NOT_FOUND, `application ${app.id} does not exist`);
  }
}

/** After the last owner review: coordination if any is escalated or disputed, otherwise re-review. */
async function afterOwnerReviews(ctx: RdxContext, app: ApplicationShell): Promise<ApplicationShell> {
  const reviews = app.bodies.map((b) => app.ownerReviews[b]);
  if (reviews.some((r) => r === undefined)) return app;
  const open = reviews.some((r) => (r!.decision === 'escalated' || r!.dispute) && !r!.coordination);
  if (open) return { ...app, state: 'COORDINATION', deadline: await deadline(ctx, 'coordination') };
  return { ...app, state: 'RE_REVIEW', deadline: await deadline(ctx, 're-review') };
}

@Info({ title: 'ApplicationContract', description: 'Demand applications and their reviews (L11)' })
export class ApplicationContract extends RdxContract {
  constructor() {
    super('application');
  }

  /** Gateway, for an AA+ enterprise (signed request `SubmitApplication`): files a new application. */
  @Transaction()
  @Returns('string')
  public async SubmitApplication(ctx: RdxContext): Promise<string> {
    const { actor, request, enterprise } = await enterpriseAction(ctx, 'SubmitApplication');
    requireRestrictedAllowed(enterprise, today(ctx));
    const input = parseApplicationInput(request.body);
    await assertAbsent(ctx, 'application', input.id);
    const demands = await resolveDemands(ctx, input);
    const bodies = bodiesOfDemands(demands);
    const filing = { form: input.form, demands, documents: input.documents };
    const app: ApplicationShell = {
      id: input.id,
      creditCode: enterprise.creditCode,
      bodies,
      sealedHash: await fileApplication(ctx, input.id, bodies, filing),
      state: 'FORMAL_REVIEW',
      revision: 1,
      submittedAt: ctx.now(),
      ownerReviews: {},
      deadline: await deadline(ctx, 'formal-review'),
      ...stamp(ctx, actor),
    };
    return saveApplication(ctx, app, undefined, EVENTS.APPLICATION_SUBMITTED);
  }

  /** Gateway, for the enterprise (signed `ResubmitApplication`): a corrected application after a return. */
  @Transaction()
  @Returns('string')
  public async ResubmitApplication(ctx: RdxContext): Promise<string> {
    const { actor, request, enterprise } = await enterpriseAction(ctx, 'ResubmitApplication');
    requireRestrictedAllowed(enterprise, today(ctx));
    const input = parseApplicationInput(request.body);
    const current = await loadApplicationShell(ctx, input.id);
    if (current.creditCode !== enterprise.creditCode)
      throw new RdxError(ErrorCode.FORBIDDEN, `application ${input.id} is not ${enterprise.creditCode}'s`);
    requireState(current, 'RETURNED');
    const demands = await resolveDemands(ctx, input);
    const named = bodiesOfDemands(demands);
    for (const body of named.filter((b) => !current.bodies.includes(b)))
      await putIndex(ctx, 'application~body', [body, current.id]);
    // A body no longer named must not keep seeing the application in its list, nor hold its filing.
    for (const body of current.bodies.filter((b) => !named.includes(b))) {
      await deleteIndex(ctx, 'application~body', [body, current.id]);
      await unfileApplication(ctx, current.id, body);
    }
    const filing = { form: input.form, demands, documents: input.documents };
    const next: ApplicationShell = {
      ...current,
      bodies: named,
      sealedHash: await fileApplication(ctx, current.id, named, filing),
      state: 'FORMAL_REVIEW',
      revision: current.revision + 1,
      submittedAt: ctx.now(),
      formalReview: undefined,
      deadline: await deadline(ctx, 'formal-review'),
      ...stamp(ctx, actor),
    };
    return saveApplication(ctx, next, current, EVENTS.APPLICATION_RESUBMITTED);
  }

  /** Bureau (规范性审查): accept, or return for correction with a reason. */
  @Transaction()
  @Returns('string')
  public async FormalReview(ctx: RdxContext, id: string, decision: string): Promise<string> {
    const actor = await requireRole(ctx, ['bureau'], 'make the formal review');
    const d = oneOf(decision, 'decision', ['accept', 'return'] as const);
    const current = await loadApplicationShell(ctx, String(id));
    requireState(current, 'FORMAL_REVIEW');
    const at = ctx.now();
    const why = d === 'accept' ? optionalRemark(ctx) : requiredReason(ctx);
    await putNote(ctx, current.bodies, current.id, 'formal-review', why, at);
    const next: ApplicationShell =
      d === 'accept'
        ? {
            ...current,
            ...(await ownerReviewDeadlines(ctx, current)),
            formalReview: { decision: 'accepted', at },
            ...stamp(ctx, actor),
          }
        : {
            ...current,
            state: 'RETURNED',
            formalReview: { decision: 'returned', at },
            deadline: undefined,
            ...stamp(ctx, actor),
          };
    return saveApplication(ctx, next, current, EVENTS.FORMAL_REVIEWED);
  }

  /**
   * Opening body (需求审核): approve the demands for its datasets, reject them with a reason, or escalate a
   * disputed demand to the bureau for coordination. Each body decides once.
   */
  @Transaction()
  @Returns('string')
  public async OwnerReview(ctx: RdxContext, id: string, decision: string): Promise<string> {
    const actor = await requireRole(ctx, ['body', 'body-reviewer'], 'review demands');
    const d = oneOf(decision, 'decision', ['approve', 'reject', 'escalate'] as const);
    const current = await loadApplicationShell(ctx, String(id));
    bodyActor(actor, current);
    requireState(current, 'OWNER_REVIEW');
    if (current.ownerReviews[actor.mspId])
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `${actor.mspId} has already reviewed application ${current.id}`,
      );
    const review = {
      decision:
        d === 'approve'
          ? ('approved' as const)
          : d === 'reject'
            ? ('rejected' as const)
            : ('escalated' as const),
      at: ctx.now(),
      by: actor.mspId,
      // The day it was due, kept with it: how bodies keep their deadlines is reported (L23, Z38).
      ...(current.ownerReviewDue?.[actor.mspId] || current.deadline
        ? { due: current.ownerReviewDue?.[actor.mspId] ?? current.deadline!.due }
        : {}),
    };
    const why = d === 'approve' ? optionalRemark(ctx) : requiredReason(ctx);
    await putNote(ctx, [actor.mspId], current.id, `owner-review.${actor.mspId}`, why, review.at);
    const reviewed: ApplicationShell = {
      ...current,
      ownerReviews: { ...current.ownerReviews, [actor.mspId]: review },
      ...stamp(ctx, actor),
    };
    const next = await afterOwnerReviews(ctx, reviewed);
    return saveApplication(ctx, next, current, EVENTS.OWNER_REVIEWED);
  }

  /** Gateway, for the enterprise (signed `DisputeReview`): disputes a body's rejection before re-review. */
  @Transaction()
  @Returns('string')
  public async DisputeReview(ctx: RdxContext): Promise<string> {
    const { actor, request, enterprise } = await enterpriseAction(ctx, 'DisputeReview');
    const current = await loadApplicationShell(
      ctx,
      str(request.body.applicationId, 'applicationId', { max: 64 }),
    );
    if (current.creditCode !== enterprise.creditCode)
      throw new RdxError(ErrorCode.FORBIDDEN, `application ${current.id} is not ${enterprise.creditCode}'s`);
    requireState(current, 'RE_REVIEW', 'COORDINATION');
    const body = str(request.body.body, 'body', { max: 64 });
    const review = current.ownerReviews[body];
    if (review?.decision !== 'rejected' || review.dispute) {
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `there is no undisputed rejection by ${body} on application ${current.id}`,
      );
    }
    const at = ctx.now();
    // The dispute's reason concerns the body disputed: it goes to that body's collection.
    await putNote(ctx, [body], current.id, `dispute.${body}`, reason(request.body.reason), at);
    const disputed: ApplicationShell = {
      ...current,
      ownerReviews: { ...current.ownerReviews, [body]: { ...review, dispute: { at } } },
      ...stamp(ctx, actor),
    };
    const next = await afterOwnerReviews(ctx, disputed);
    return saveApplication(ctx, next, current, EVENTS.REVIEW_DISPUTED);
  }

  /** Bureau (协调会议): settles an escalated or disputed demand, recording the meeting minutes' hash. */
  @Transaction()
  @Returns('string')
  public async Coordinate(
    ctx: RdxContext,
    id: string,
    body: string,
    outcome: string,
    minutesHash: string,
  ): Promise<string> {
    const actor = await requireRole(ctx, ['bureau'], 'coordinate disputed demands');
    const current = await loadApplicationShell(ctx, String(id));
    requireState(current, 'COORDINATION');
    const review = current.ownerReviews[String(body)];
    if (!review || (review.decision !== 'escalated' && !review.dispute) || review.coordination) {
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `nothing of ${String(body)} awaits coordination on application ${current.id}`,
      );
    }
    const coordination = {
      outcome: oneOf(outcome, 'outcome', ['approved', 'rejected'] as const),
      minutesHash: sha256Hex(minutesHash, 'minutesHash'),
      at: ctx.now(),
    };
    const settled: ApplicationShell = {
      ...current,
      ownerReviews: { ...current.ownerReviews, [String(body)]: { ...review, coordination } },
      ...stamp(ctx, actor),
    };
    const next = await afterOwnerReviews(ctx, settled);
    return saveApplication(ctx, next, current, EVENTS.COORDINATED);
  }

  /** Bureau (需求复核): the final decision. Approval needs at least one approved demand. */
  @Transaction()
  @Returns('string')
  public async ReReview(ctx: RdxContext, id: string, decision: string): Promise<string> {
    const actor = await requireRole(ctx, ['bureau'], 'make the re-review');
    const d = oneOf(decision, 'decision', ['approve', 'reject'] as const);
    const current = await loadApplicationShell(ctx, String(id));
    requireState(current, 'RE_REVIEW');
    // Each body decides on all its demands: one approving body means an approved demand.
    if (d === 'approve' && !current.bodies.some((b) => bodyApproved(current, b))) {
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `application ${current.id} has no approved demand to approve`,
      );
    }
    const at = ctx.now();
    const why = d === 'reject' ? requiredReason(ctx) : optionalRemark(ctx);
    await putNote(ctx, current.bodies, current.id, 're-review', why, at);
    const next: ApplicationShell = {
      ...current,
      state: d === 'approve' ? 'APPROVED' : 'REJECTED',
      reReview: { decision: d === 'approve' ? 'approved' : 'rejected', at },
      deadline: undefined,
      ...stamp(ctx, actor),
    };
    return saveApplication(ctx, next, current, EVENTS.RE_REVIEWED);
  }

  /** Bureau, regulators, the gateway, and bodies named in the demand list may read an application. */
  @Transaction(false)
  @Returns('string')
  public async GetApplication(ctx: RdxContext, id: string): Promise<string> {
    const actor = await requireRole(
      ctx,
      ['bureau', 'regulator', 'gateway', 'body', 'body-reviewer'],
      'read applications',
    );
    const shell = await loadApplicationShell(ctx, String(id));
    if (actor.role === 'body' || actor.role === 'body-reviewer') bodyActor(actor, shell);
    return JSON.stringify(await readApplication(ctx, actor, shell));
  }
}
