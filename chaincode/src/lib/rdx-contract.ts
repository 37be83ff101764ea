/**
 * Base of every RDX contract: our transaction context, the ledger's heartbeat read by every transaction, one
 * event per transaction, and a clear error for a function that does not exist.
 */
import { Contract } from 'fabric-contract-api';
import { RdxContext } from './context';
import { RdxError, ErrorCode } from './errors';
import { readHeartbeat } from './heartbeat';

export abstract class RdxContract extends Contract {
  override createContext(): RdxContext {
    return new RdxContext();
  }

  /** Every transaction reads the heartbeat, so one held back fails once the clerk's next commits (heartbeat.ts). */
  override async beforeTransaction(ctx: RdxContext): Promise<void> {
    await readHeartbeat(ctx);
  }

  override async afterTransaction(ctx: RdxContext): Promise<void> {
    ctx.flushEvent();
    return Promise.resolve();
  }

  override async unknownTransaction(ctx: RdxContext): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    return Promise.reject(
      new RdxError(ErrorCode.NOT_FOUND, `no function ${fcn} in contract ${this.getName()}`),
    );
  }
}
