/**
 * Who may do what. A caller's role comes from its MSP and the `role` attribute its Fabric CA put in its
 * certificate; opening bodies are the orgs the bureau registered on the ledger.
 */
import type { Caller, RdxContext, Role } from './context';
import { RdxError, ErrorCode } from './errors';
import { objectKey } from './keys';

export const BUREAU_MSP = 'BureauMSP';
/** Certificate roles of staff who act for their org (as opposed to the gateway and regulators). */
const STAFF_ROLES = ['admin', 'reviewer'];

export interface Actor extends Caller {
  role: Role;
}

export async function actorOf(ctx: RdxContext): Promise<Actor> {
  const caller = ctx.caller();
  const attr = caller.roleAttribute;
  let role: Role = 'none';
  if (attr === 'probe') {
    role = 'prober';
  } else if (caller.mspId === BUREAU_MSP) {
    if (attr && STAFF_ROLES.includes(attr)) role = 'bureau';
    else if (attr === 'regulator') role = 'regulator';
    else if (attr === 'gateway') role = 'gateway';
    else if (attr === 'clerk') role = 'clerk';
  } else if (attr && STAFF_ROLES.includes(attr)) {
    const body = await ctx.stub.getState(objectKey(ctx, 'body', caller.mspId));
    // A body that left the channel acts no more, even if one of its certificates still reached a peer.
    const active =
      body &&
      body.length > 0 &&
      !(JSON.parse(Buffer.from(body).toString()) as { removedAt?: string }).removedAt;
    if (active) role = attr === 'admin' ? 'body' : 'body-reviewer';
  }
  return { ...caller, role };
}

const ROLE_NAMES: Record<Role, string> = {
  bureau: 'the bureau (市大数据局)',
  regulator: 'a regulator',
  gateway: 'the API gateway',
  clerk: "the bureau's clerk service",
  body: "an opening body's admin (公共数据开放主体)",
  'body-reviewer': "an opening body's reviewer",
  prober: 'a ledger prober',
  none: 'nobody',
};

/** The caller, if its role is one of `roles`; otherwise FORBIDDEN, naming who may. */
export async function requireRole(ctx: RdxContext, roles: Role[], action: string): Promise<Actor> {
  const actor = await actorOf(ctx);
  if (!roles.includes(actor.role)) {
    const who = roles.map((r) => ROLE_NAMES[r]).join(' or ');
    const as = actor.role === 'none' ? `${actor.mspId} without a permitted role` : ROLE_NAMES[actor.role];
    throw new RdxError(ErrorCode.FORBIDDEN, `only ${who} may ${action}; the caller is ${as}`);
  }
  return actor;
}

/**
 * A body acting on something it does not own is refused as if it were anyone else, and without being told
 * whose it is: NOT_FOUND, as for an object that does not exist (a prober learns nothing of another body's ids).
 */
export function requireOwner(actor: Actor, ownerMsp: string, what: string): void {
  if ((actor.role === 'body' || actor.role === 'body-reviewer') && actor.mspId !== ownerMsp) {
    throw new RdxError(ErrorCode.NOT_FOUND, `${what} does not exist`);
  }
}

/**
 * For objects anyone may know exist (a catalogued dataset): a body acting on another's is FORBIDDEN, without
 * the message naming the owner.
 */
export function requireOwnerOfPublic(actor: Actor, ownerMsp: string, what: string): void {
  if (isBodyStaff(actor) && actor.mspId !== ownerMsp) {
    throw new RdxError(ErrorCode.FORBIDDEN, `${what} is another opening body's: only its owner may do this`);
  }
}

/** Whether the actor is an opening body's staff (admin or reviewer). */
export function isBodyStaff(actor: Actor): boolean {
  return actor.role === 'body' || actor.role === 'body-reviewer';
}

/** Who may read everything: the bureau, regulators, and the gateway (which filters for enterprises). */
export const READ_ALL: Role[] = ['bureau', 'regulator', 'gateway'];
