/**
 * Base of every RDX contract: our transaction context, one event per transaction, and a clear error for a
 * function that does not exist.
 */
import { Contract } from 'fabric-contract-api';
import { RdxContext } from './context';
import { RdxError, ErrorCode } from './errors';

export abstract class RdxContract extends Contract {
  override createContext(): RdxContext {
    return new RdxContext();
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
