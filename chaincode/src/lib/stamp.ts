/** Who changed an object, when, in which transaction: stored on every object so its history shows it. */
import type { Actor } from './access';
import type { RdxContext } from './context';

export interface Stamp {
  updatedAt: string;
  updatedBy: { mspId: string; role: string };
  txId: string;
}

export function stamp(ctx: RdxContext, actor: Actor): Stamp {
  return {
    updatedAt: ctx.now(),
    updatedBy: { mspId: actor.mspId, role: actor.role },
    txId: ctx.stub.getTxID(),
  };
}
