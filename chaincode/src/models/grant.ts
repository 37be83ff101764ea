/**
 * A grant (授权): one enterprise's access to one dataset under an agreement in force (SPEC §2 step 6), and
 * its state machine (SPEC §3, L17, L19, Z35, Z39):
 *
 *   ACTIVE ──suspend──▶ SUSPENDED ──restore──▶ ACTIVE
 *   ACTIVE | SUSPENDED ──withdraw──▶ REVOKED      (owner only: 撤回)
 *   ACTIVE | SUSPENDED ──terminate─▶ TERMINATED   (owner or bureau: 终止)
 *   ACTIVE | SUSPENDED ──expire────▶ EXPIRED      (validity passed)
 *
 * Grant keys carry a key-level endorsement policy: the owning body's and the bureau's peers must both endorse.
 */
import type { RdxContext } from '../lib/context';
import { RdxError, ErrorCode } from '../lib/errors';
import { EVENTS, type EventName } from '../lib/events';
import { deleteIndex, putIndex } from '../lib/keys';
import { requireOwnerAndBureau } from '../lib/sbe';
import type { Actor } from '../lib/access';
import { stamp, type Stamp } from '../lib/stamp';
import { save, stored } from '../lib/store';

export const GRANT_STATES = ['ACTIVE', 'SUSPENDED', 'REVOKED', 'TERMINATED', 'EXPIRED'] as const;
export type GrantState = (typeof GRANT_STATES)[number];
export const SUSPEND_REASONS = ['complaint', 'violation', 'rectification', 'rating'] as const;
export type SuspendReason = (typeof SUSPEND_REASONS)[number];

export interface Grant extends Stamp {
  id: string;
  agreementId: string;
  creditCode: string;
  datasetId: string;
  body: string;
  items: string[];
  purpose: string;
  validFrom: string;
  validUntil: string;
  dailyQuota: number;
  state: GrantState;
  grantedAt: string;
  /** Why it is suspended (while SUSPENDED), or why it ended (REVOKED, TERMINATED). */
  reason?: {
    code: SuspendReason | 'withdrawn' | 'terminated' | 'expired' | 'agreement-terminated';
    note: string;
    at: string;
  };
}

export function parseGrant(raw: unknown): Grant {
  return stored<Grant>(raw, 'grant', [
    'id',
    'creditCode',
    'datasetId',
    'body',
    'items',
    'state',
    'validUntil',
  ]);
}

const ALLOWED: Record<GrantState, GrantState[]> = {
  ACTIVE: ['SUSPENDED', 'REVOKED', 'TERMINATED', 'EXPIRED'],
  SUSPENDED: ['ACTIVE', 'REVOKED', 'TERMINATED', 'EXPIRED'],
  REVOKED: [],
  TERMINATED: [],
  EXPIRED: [],
};

const EVENT_OF: Record<GrantState, EventName> = {
  ACTIVE: EVENTS.GRANT_RESTORED,
  SUSPENDED: EVENTS.GRANT_SUSPENDED,
  REVOKED: EVENTS.GRANT_WITHDRAWN,
  TERMINATED: EVENTS.GRANT_TERMINATED,
  EXPIRED: EVENTS.GRANT_EXPIRED,
};

function indexes(g: Grant): [string, string[]][] {
  return [
    ['grant~enterprise', [g.creditCode, g.id]],
    ['grant~dataset', [g.datasetId, g.id]],
    ['grant~state', [g.state, g.id]],
    ['grant~body', [g.body, g.id]],
  ];
}

/** Writes a new grant with its indexes and its key-level endorsement policy. */
export async function createGrant(ctx: RdxContext, grant: Grant, event: EventName): Promise<void> {
  const key = await save(ctx, 'grant', grant.id, grant);
  await requireOwnerAndBureau(ctx, key, grant.body);
  for (const [index, attrs] of indexes(grant)) await putIndex(ctx, index, attrs);
  ctx.changed(event, {
    type: 'grant',
    id: grant.id,
    state: grant.state,
    enterprise: grant.creditCode,
    dataset: grant.datasetId,
  });
}

/** Moves a grant to `to` if the state machine allows it; keeps the state index in step. */
export async function transitionGrant(
  ctx: RdxContext,
  actor: Actor,
  grant: Grant,
  to: GrantState,
  reason: Grant['reason'],
  event: EventName = EVENT_OF[to],
): Promise<Grant> {
  if (!ALLOWED[grant.state].includes(to)) {
    throw new RdxError(
      ErrorCode.INVALID_STATE,
      `grant ${grant.id} is ${grant.state}; it cannot become ${to}`,
    );
  }
  await deleteIndex(ctx, 'grant~state', [grant.state, grant.id]);
  const next: Grant = {
    ...grant,
    ...stamp(ctx, actor),
    state: to,
    reason: to === 'ACTIVE' ? undefined : reason,
  };
  await save(ctx, 'grant', next.id, next);
  await putIndex(ctx, 'grant~state', [to, next.id]);
  ctx.changed(event, {
    type: 'grant',
    id: next.id,
    state: to,
    enterprise: next.creditCode,
    dataset: next.datasetId,
  });
  return next;
}
