/**
 * State-based endorsement. Dataset and grant keys carry a key-level policy that needs the peers of both the
 * owning body and the bureau: neither can change a body's grants alone, whatever its chaincode does, and
 * the gateway (a bureau identity) cannot grant itself access.
 */
import type { Context } from 'fabric-contract-api';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { BUREAU_MSP } from './access';

export async function requireOwnerAndBureau(ctx: Context, key: string, ownerMsp: string): Promise<void> {
  const policy = new KeyEndorsementPolicy();
  policy.addOrgs('PEER', ...new Set([ownerMsp, BUREAU_MSP]));
  await ctx.stub.setStateValidationParameter(key, policy.getPolicy());
}
