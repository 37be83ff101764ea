/**
 * The demand workflow (SPEC §2 steps 1–4, L11): application by an AA+ enterprise, formal review by the
 * bureau, owner review by each body named in the demand list, coordination of disputes, re-review.
 */
import { Info, Transaction, Returns } from 'fabric-contract-api';
import { isBodyStaff, requireRole, type Actor } from '../lib/access';
import { RdxContext } from '../lib/context';
import { today, workingDaysFromToday } from '../lib/deadlines';
import { RdxError, ErrorCode } from '../lib/errors';
import { EVENTS, type EventName } from '../lib/events';
import { putIndex, deleteIndex } from '../lib/keys';
import { RdxContract } from '../lib/rdx-contract';
import { stamp } from '../lib/stamp';
import { assertAbsent, load, save } from '../lib/store';
import { oneOf, sha256Hex, str } from '../lib/validate';
import {
  approvedDemands,
  bodiesOf,
  parseApplication,
  parseApplicationInput,
  optionalReason,
  reason,
  requireState,
  type Application,
  type ApplicationInput,
  type Demand,
} from '../models/application';
import { nextQuarterlyDue } from '../models/calendar';
import { parseDataset, unknownItems } from '../models/dataset';
import { requireRestrictedAllowed } from '../models/enterprise';
import { enterpriseAction } from './enterprise-action';

/** Working days each review step has (L11). */
export const REVIEW_WORKING_DAYS = 15;

async function resolveDemands(ctx: RdxContext, input: ApplicationInput): Promise<Demand[]> {
  const demands: Demand[] = [];
  for (const d of input.demands) {
    const dataset = await load(ctx, 'dataset', d.datasetId, parseDataset);
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

async function saveApplication(
  ctx: RdxContext,
  app: Application,
  previous: Application | undefined,
  event: EventName,
): Promise<void> {
  if (previous) await deleteIndex(ctx, 'application~state', [previous.state, app.id]);
  await save(ctx, 'application', app.id, app);
  await putIndex(ctx, 'application~state', [app.state, app.id]);
  if (!previous) {
    await putIndex(ctx, 'application~enterprise', [app.creditCode, app.id]);
    for (const body of bodiesOf(app)) await putIndex(ctx, 'application~body', [body, app.id]);
  }
  ctx.changed(event, { type: 'application', id: app.id, state: app.state, enterprise: app.creditCode });
}

async function deadline(ctx: RdxContext, step: string): Promise<Application['deadline']> {
  return {
    step,
    due: await workingDaysFromToday(ctx, REVIEW_WORKING_DAYS),
    rule: `L11: ${REVIEW_WORKING_DAYS} working days`,
  };
}

/** A body not named in the application's demand list is told nothing of it: as if it did not exist. */
function bodyActor(actor: Actor, app: Application): void {
  if (!bodiesOf(app).includes(actor.mspId)) {
    throw new RdxError(ErrorCode.NOT_FOUND, `application ${app.id} does not exist`);
  }
}

/** After the last owner review: coordination if any is escalated or disputed, otherwise re-review. */
async function afterOwnerReviews(ctx: RdxContext, app: Application): Promise<Application> {
  const reviews = bodiesOf(app).map((b) => app.ownerReviews[b]);
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
  public async SubmitApplication(ctx: RdxContext, requestJson: string, signature: string): Promise<string> {
    const { actor, request, enterprise } = await enterpriseAction(
      ctx,
      requestJson,
      signature,
      'SubmitApplication',
    );
    requireRestrictedAllowed(enterprise, today(ctx));
    const input = parseApplicationInput(request.body);
    await assertAbsent(ctx, 'application', input.id);
    const app: Application = {
      id: input.id,
      creditCode: enterprise.creditCode,
      form: input.form,
      demands: await resolveDemands(ctx, input),
      documents: input.documents,
      state: 'FORMAL_REVIEW',
      revision: 1,
      submittedAt: ctx.now(),
      ownerReviews: {},
      deadline: await deadline(ctx, 'formal-review'),
      ...stamp(ctx, actor),
    };
    await saveApplication(ctx, app, undefined, EVENTS.APPLICATION_SUBMITTED);
    return JSON.stringify(app);
  }

  /** Gateway, for the enterprise (signed `ResubmitApplication`): a corrected application after a return. */
  @Transaction()
  @Returns('string')
  public async ResubmitApplication(ctx: RdxContext, requestJson: string, signature: string): Promise<string> {
    const { actor, request, enterprise } = await enterpriseAction(
      ctx,
      requestJson,
      signature,
      'ResubmitApplication',
    );
    requireRestrictedAllowed(enterprise, today(ctx));
    const input = parseApplicationInput(request.body);
    const current = await load(ctx, 'application', input.id, parseApplication);
    if (current.creditCode !== enterprise.creditCode)
      throw new RdxError(ErrorCode.FORBIDDEN, `application ${input.id} is not ${enterprise.creditCode}'s`);
    requireState(current, 'RETURNED');
    const demands = await resolveDemands(ctx, input);
    const named = [...new Set(demands.map((d) => d.body))];
    for (const body of named.filter((b) => !bodiesOf(current).includes(b)))
      await putIndex(ctx, 'application~body', [body, current.id]);
    // A body no longer named must not keep seeing the application in its list.
    for (const body of bodiesOf(current).filter((b) => !named.includes(b)))
      await deleteIndex(ctx, 'application~body', [body, current.id]);
    const next: Application = {
      ...current,
      form: input.form,
      demands,
      documents: input.documents,
      state: 'FORMAL_REVIEW',
      revision: current.revision + 1,
      submittedAt: ctx.now(),
      formalReview: undefined,
      deadline: await deadline(ctx, 'formal-review'),
      ...stamp(ctx, actor),
    };
    await saveApplication(ctx, next, current, EVENTS.APPLICATION_RESUBMITTED);
    return JSON.stringify(next);
  }

  /** Bureau (规范性审查): accept, or return for correction with a reason. */
  @Transaction()
  @Returns('string')
  public async FormalReview(ctx: RdxContext, id: string, decision: string, why: string): Promise<string> {
    const actor = await requireRole(ctx, ['bureau'], 'make the formal review');
    const d = oneOf(decision, 'decision', ['accept', 'return'] as const);
    const current = await load(ctx, 'application', String(id), parseApplication);
    requireState(current, 'FORMAL_REVIEW');
    const at = ctx.now();
    const next: Application =
      d === 'accept'
        ? {
            ...current,
            state: 'OWNER_REVIEW',
            formalReview: {
              decision: 'accepted',
              reason: optionalReason(why),
              at,
            },
            ownerReviewBatch: nextQuarterlyDue(today(ctx)),
            deadline: await deadline(ctx, 'owner-review'),
            ...stamp(ctx, actor),
          }
        : {
            ...current,
            state: 'RETURNED',
            formalReview: { decision: 'returned', reason: reason(why), at },
            deadline: undefined,
            ...stamp(ctx, actor),
          };
    await saveApplication(ctx, next, current, EVENTS.FORMAL_REVIEWED);
    return JSON.stringify(next);
  }

  /**
   * Opening body (需求审核): approve the demands for its datasets, reject them with a reason, or escalate a
   * disputed demand to the bureau for coordination. Each body decides once.
   */
  @Transaction()
  @Returns('string')
  public async OwnerReview(ctx: RdxContext, id: string, decision: string, why: string): Promise<string> {
    const actor = await requireRole(ctx, ['body', 'body-reviewer'], 'review demands');
    const d = oneOf(decision, 'decision', ['approve', 'reject', 'escalate'] as const);
    const current = await load(ctx, 'application', String(id), parseApplication);
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
      reason: d === 'approve' ? optionalReason(why) : reason(why),
      at: ctx.now(),
      by: actor.mspId,
    };
    const reviewed: Application = {
      ...current,
      ownerReviews: { ...current.ownerReviews, [actor.mspId]: review },
      ...stamp(ctx, actor),
    };
    const next = await afterOwnerReviews(ctx, reviewed);
    await saveApplication(ctx, next, current, EVENTS.OWNER_REVIEWED);
    return JSON.stringify(next);
  }

  /** Gateway, for the enterprise (signed `DisputeReview`): disputes a body's rejection before re-review. */
  @Transaction()
  @Returns('string')
  public async DisputeReview(ctx: RdxContext, requestJson: string, signature: string): Promise<string> {
    const { actor, request, enterprise } = await enterpriseAction(
      ctx,
      requestJson,
      signature,
      'DisputeReview',
    );
    const current = await load(
      ctx,
      'application',
      str(request.body.applicationId, 'applicationId', { max: 64 }),
      parseApplication,
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
    const disputed: Application = {
      ...current,
      ownerReviews: {
        ...current.ownerReviews,
        [body]: { ...review, dispute: { reason: reason(request.body.reason), at: ctx.now() } },
      },
      ...stamp(ctx, actor),
    };
    const next = await afterOwnerReviews(ctx, disputed);
    await saveApplication(ctx, next, current, EVENTS.REVIEW_DISPUTED);
    return JSON.stringify(next);
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
    const current = await load(ctx, 'application', String(id), parseApplication);
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
    const settled: Application = {
      ...current,
      ownerReviews: { ...current.ownerReviews, [String(body)]: { ...review, coordination } },
      ...stamp(ctx, actor),
    };
    const next = await afterOwnerReviews(ctx, settled);
    await saveApplication(ctx, next, current, EVENTS.COORDINATED);
    return JSON.stringify(next);
  }

  /** Bureau (需求复核): the final decision. Approval needs at least one approved demand. */
  @Transaction()
  @Returns('string')
  public async ReReview(ctx: RdxContext, id: string, decision: string, why: string): Promise<string> {
    const actor = await requireRole(ctx, ['bureau'], 'make the re-review');
    const d = oneOf(decision, 'decision', ['approve', 'reject'] as const);
    const current = await load(ctx, 'application', String(id), parseApplication);
    requireState(current, 'RE_REVIEW');
    if (d === 'approve' && approvedDemands(current).length === 0) {
      throw new RdxError(
        ErrorCode.INVALID_STATE,
        `application ${current.id} has no approved demand to approve`,
      );
    }
    const next: Application = {
      ...current,
      state: d === 'approve' ? 'APPROVED' : 'REJECTED',
      reReview: {
        decision: d === 'approve' ? 'approved' : 'rejected',
        reason: d === 'reject' ? reason(why) : optionalReason(why),
        at: ctx.now(),
      },
      deadline: undefined,
      ...stamp(ctx, actor),
    };
    await saveApplication(ctx, next, current, EVENTS.RE_REVIEWED);
    return JSON.stringify(next);
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
    const app = await load(ctx, 'application', String(id), parseApplication);
    if (isBodyStaff(actor)) bodyActor(actor, app);
    return JSON.stringify(app);
  }
}
