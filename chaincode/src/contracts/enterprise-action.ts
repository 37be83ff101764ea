/**
 * The door for enterprise actions: only the gateway may bring them, and only with a request the enterprise
 * signed with its registered key (so the gateway cannot act for an enterprise on its own). The signed request
 * and its signature come as transient data `request` and `signature`: an application form or the terms an
 * enterprise signs are never in a block's arguments.
 */
import { requireRole, type Actor } from '../lib/access';
import type { RdxContext } from '../lib/context';
import { verifyEnterpriseRequest, type EnterpriseRequest } from '../lib/enterprise-request';
import { load } from '../lib/store';
import { ENTERPRISE_ACTION_FIELDS, type EnterpriseActionName } from '../models/input-fields';
import { userCode, parseEnterprise, type Enterprise } from '../models/enterprise';

export interface EnterpriseAction {
  /** The gateway that brought the request. */
  actor: Actor;
  request: EnterpriseRequest;
  enterprise: Enterprise;
  /** The request and signature as received, for records that keep them (in a collection). */
  raw: { request: string; signature: string };
}

/** The enterprise's signed `action`, whose body takes the action's fields (any other is refused, named). */
export async function enterpriseAction(
  ctx: RdxContext,
  action: EnterpriseActionName,
): Promise<EnterpriseAction> {
  const actor = await requireRole(ctx, ['gateway'], `submit an enterprise's ${action}`);
  const requestJson = ctx.requireSecretInput('request');
  const signature = ctx.requireSecretInput('signature', 1024);
  const fields = ENTERPRISE_ACTION_FIELDS[action];
  const request = await verifyEnterpriseRequest(ctx, requestJson, signature, action, fields, async (code) => {
    return (await load(ctx, 'enterprise', userCode(code), parseEnterprise)).publicKey;
  });
  const enterprise = await load(ctx, 'enterprise', request.creditCode, parseEnterprise);
  return { actor, request, enterprise, raw: { request: requestJson, signature } };
}
