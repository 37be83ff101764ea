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
 *
 * Sealed (lib/sealed.ts): what may be used, for what and how much — items, purpose, daily quota — and a note a
 * person wrote on a suspension or ending stay in the owning body's collection. The channel holds the shell:
 * who holds which dataset of which body, its validity and state (the recipients list makes these public).
 */
import type { RdxContext } from '../lib/context';
import { RdxError, ErrorCode } from '../lib/errors';
import { EVENTS, type EventName } from '../lib/events';
import { deleteIndex, pageByPartialKey, putIndex } from '../lib/keys';
import { requireOwnerAndBureau } from '../lib/sbe';
import type { Actor } from '../lib/access';
import { stamp, type Stamp } from '../lib/stamp';
import { getSecret, putSecret, requireSecret, secretNotHere, secretsBetween } from '../lib/sealed';
import { assertAbsent, load, save, stored } from '../lib/store';

export const GRANT_STATES = ['ACTIVE', 'SUSPENDED', 'REVOKED', 'TERMINATED', 'EXPIRED'] as const;
export type GrantState = (typeof GRANT_STATES)[number];
export const SUSPEND_REASONS = ['complaint', 'violation', 'rectification', 'rating'] as const;
/** A suspension the catalogue made: the dataset became prohibited (Z12, Z15); it lifts only if it is opened again. */
export const CATALOGUE_SUSPENSION = 'catalogue' as const;
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
    code:
      | SuspendReason
      | typeof CATALOGUE_SUSPENSION
      | 'withdrawn'
      | 'terminated'
      | 'expired'
      | 'agreement-terminated';
    note: string;
    at: string;
    /**
     * The org that suspended it (suspensions since this field exists): a suspension by the bureau for a
     * complaint, violation or rectification is lifted only by the bureau (Z39).
     */
    by?: string;
    /** Z39 整改意见: the day the enterprise must have rectified by; after it, the suspension is overdue. */
    rectifyBy?: string;
    /** The complaint it was suspended for (code `complaint`): its outcome restores or revokes the grant. */
    complaintId?: string;
  };
  /** SHA-256 of the confidential part as last written (its hash is on the channel; the part is not). */
  sealedHash?: string;
}

/** The part of a grant kept in the owning body's collection. */
export interface GrantSecret {
  items: string[];
  purpose: string;
  dailyQuota: number;
  /** The note a person wrote with the current reason (a suspension, withdrawal, termination). */
  note?: { text: string; at: string };
}

/** A grant as the channel holds it. */
export type GrantShell = Omit<Grant, 'items' | 'purpose' | 'dailyQuota'> & { sealedHash: string };

export function parseGrantShell(raw: unknown): GrantShell {
  return stored<GrantShell>(raw, 'grant', ['id', 'creditCode', 'datasetId', 'body', 'state', 'validUntil']);
}

/** The shell only: what every transaction on grants of several bodies works with. */
export function loadGrantShell(ctx: RdxContext, id: string): Promise<GrantShell> {
  return load(ctx, 'grant', id, parseGrantShell);
}

/** The whole grant: its shell, and its secret from the owning body's collection. */
export async function loadGrant(ctx: RdxContext, id: string): Promise<Grant> {
  return joinGrant(ctx, await loadGrantShell(ctx, id));
}

export async function joinGrant(ctx: RdxContext, shell: GrantShell): Promise<Grant> {
  return withSecret(shell, await requireSecret<GrantSecret>(ctx, shell.body, 'grant', shell.id));
}

/**
 * A page of whole grants in key order, for those who read every grant (the bureau, regulators, gateways): the
 * shells come in one range read, and each body's part of the page in one range read of its collection —
 * instead of two point reads per grant, which made a gateway's cold start at 10⁵ grants take 92 s
 * (docs/PERFORMANCE.md, L2). The page is contiguous in key order, so a body's grants in it lie between its
 * first and last key.
 */
export async function wholeGrantsPage(
  ctx: RdxContext,
  pageSize: number,
  bookmark: string,
): Promise<{ items: Grant[]; bookmark: string }> {
  const { iterator, metadata } = await pageByPartialKey(ctx, 'grant', [], pageSize, bookmark);
  const shells: GrantShell[] = [];
  try {
    for (let r = await iterator.next(); !r.done; r = await iterator.next())
      shells.push(parseGrantShell(JSON.parse(Buffer.from(r.value.value).toString('utf8'))));
  } finally {
    await iterator.close();
  }
  const secrets = new Map<string, GrantSecret>();
  for (const body of new Set(shells.map((g) => g.body))) {
    const own = shells.filter((g) => g.body === body);
    for (const [id, secret] of await secretsBetween<GrantSecret>(
      ctx,
      body,
      'grant',
      own[0]!.id,
      own.at(-1)!.id,
    ))
      secrets.set(id, secret);
  }
  const items = shells.map((shell) => {
    const secret = secrets.get(shell.id);
    if (!secret) throw secretNotHere(shell.body, 'grant', shell.id);
    return withSecret(shell, secret);
  });
  return { items, bookmark: shells.length < pageSize ? '' : metadata.bookmark };
}

function withSecret(shell: GrantShell, secret: GrantSecret): Grant {
  const note = secret.note && shell.reason?.at === secret.note.at ? secret.note.text : shell.reason?.note;
  return {
    ...shell,
    items: secret.items,
    purpose: secret.purpose,
    dailyQuota: secret.dailyQuota,
    ...(shell.reason ? { reason: { ...shell.reason, note: note ?? '' } } : {}),
  };
}

/** Whether `g` is a whole grant (with its secret) rather than a shell. */
function isWhole(g: Grant | GrantShell): g is Grant {
  return 'items' in g;
}

/**
 * Saves the shell; the secret is (re)written for a new grant and for a private note only, so transitions
 * that change the shell alone need no salt and touch no collection.
 */
export async function saveGrant(
  ctx: RdxContext,
  grant: Grant | GrantShell,
  privateNote: boolean,
): Promise<string> {
  let sealedHash = grant.sealedHash ?? '';
  const { items: _i, purpose: _p, dailyQuota: _q, ...rest } = grant as Grant;
  let shell: Omit<GrantShell, 'sealedHash'> = rest;
  if (isWhole(grant) && (privateNote || !sealedHash)) {
    const secret: GrantSecret = {
      items: grant.items,
      purpose: grant.purpose,
      dailyQuota: grant.dailyQuota,
      ...(privateNote && grant.reason ? { note: { text: grant.reason.note, at: grant.reason.at } } : {}),
    };
    sealedHash = await putSecret(ctx, [grant.body], 'grant', grant.id, secret);
    if (privateNote && grant.reason) shell = { ...shell, reason: { ...grant.reason, note: '' } };
  }
  return save(ctx, 'grant', grant.id, { ...shell, sealedHash });
}

/** The secret of a grant, if this peer holds it (for reads that may cover grants of several bodies). */
export async function grantSecret(ctx: RdxContext, shell: GrantShell): Promise<GrantSecret | undefined> {
  return getSecret<GrantSecret>(ctx, shell.body, 'grant', shell.id);
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

function indexes(g: Grant | GrantShell): [string, string[]][] {
  return [
    ['grant~enterprise', [g.creditCode, g.id]],
    ['grant~dataset', [g.datasetId, g.id]],
    ['grant~state', [g.state, g.id]],
    ['grant~body', [g.body, g.id]],
  ];
}

/**
 * Writes a new grant (its secret to the owner's collection) with its indexes and its key-level policy.
 * @throws RdxError ALREADY_EXISTS when a grant of that id exists: ids join others that may hold dots
 * (`<agreement>.<dataset>`), so two pairs can name one grant, and the second must not overwrite the first.
 */
export async function createGrant(ctx: RdxContext, grant: Grant, event: EventName): Promise<void> {
  await assertAbsent(ctx, 'grant', grant.id);
  const key = await saveGrant(ctx, grant, false);
  await requireOwnerAndBureau(ctx, key, grant.body);
  for (const [index, attrs] of indexes(grant)) await putIndex(ctx, index, attrs);
  grantChanged(ctx, event, grant);
}

/** Lists a grant's change in the transaction's event: its state, whose grant and which dataset. */
export function grantChanged(ctx: RdxContext, event: EventName, grant: Grant | GrantShell): void {
  ctx.changed(event, {
    type: 'grant',
    id: grant.id,
    state: grant.state,
    enterprise: grant.creditCode,
    dataset: grant.datasetId,
  });
}

/**
 * The party that alone may lift `grant`'s suspension (or set its rectification) when `actor` may not: a body may
 * not undo what another party — the bureau — suspended (Z39), but for a suspension for the rating, which the
 * owner lifts once the rating allows. Undefined when `actor` may.
 */
export function liftedOnlyBy(actor: Actor, grant: GrantShell): string | undefined {
  const by = grant.reason?.by;
  return actor.role === 'body' && by && by !== actor.mspId && grant.reason?.code !== 'rating'
    ? by
    : undefined;
}

/**
 * Moves a grant to `to` if the state machine allows it; keeps the state index in step. A reason whose note a
 * person wrote is confidential: pass the whole grant and `privateNote`, and the note goes to the owner's
 * collection. A note the platform wrote (a rating, an expiry) stays on the channel with the shell.
 */
export async function transitionGrant<G extends Grant | GrantShell>(
  ctx: RdxContext,
  actor: Actor,
  grant: G,
  to: GrantState,
  reason: Grant['reason'],
  event: EventName = EVENT_OF[to],
  privateNote = false,
): Promise<G> {
  if (!ALLOWED[grant.state].includes(to)) {
    throw new RdxError(
      ErrorCode.INVALID_STATE,
      `grant ${grant.id} is ${grant.state}; it cannot become ${to}`,
    );
  }
  await deleteIndex(ctx, 'grant~state', [grant.state, grant.id]);
  if (privateNote && !isWhole(grant)) throw new Error('a private note needs the whole grant');
  const next: G = {
    ...grant,
    ...stamp(ctx, actor),
    state: to,
    reason: to === 'ACTIVE' ? undefined : reason,
  };
  await saveGrant(ctx, next, privateNote && to !== 'ACTIVE');
  await putIndex(ctx, 'grant~state', [to, next.id]);
  grantChanged(ctx, event, next);
  return next;
}
