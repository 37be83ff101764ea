/**
 * The door for enterprise actions: only the gateway may bring them, and only with a request the enterprise
 * signed with its registered key (so the gateway cannot act for an enterprise on its own).
 */
import { requireRole, type Actor } from '../lib/access';
import type { RdxContext } from '../lib/context';
import { verifyEnterpriseRequest, type EnterpriseRequest } from '../lib/enterprise-request';
import { load } from '../lib/store';
import { creditCode, parseEnterprise, type Enterprise } from '../models/enterprise';

export interface EnterpriseAction {
  /** The gateway that brought the request. */
  actor: Actor;
  request: EnterpriseRequest;
  enterprise: Enterprise;
}

export async function enterpriseAction(
  ctx: RdxContext,
  requestJson: string,
  signature: string,
  action: string,
): Promise<EnterpriseAction> {
  const actor = await requireRole(ctx, ['gateway'], `submit an enterprise's ${action}`);
  const request = await verifyEnterpriseRequest(ctx, requestJson, String(signature), action, async (code) => {
    return (await load(ctx, 'enterprise', creditCode(code), parseEnterprise)).publicKey;
  });
  const enterprise = await load(ctx, 'enterprise', request.creditCode, parseEnterprise);
  return { actor, request, enterprise };
}
