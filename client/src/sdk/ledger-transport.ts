/**
 * The small transport the typed contract API runs over: evaluate and submit of `contract:fn` with string
 * arguments, as one identity. The Fabric transport goes through @hyperledger/fabric-gateway; the API gateway's
 * tests put an in-memory ledger behind the same interface, so gateway, tools and SDK share one typed path.
 */
import { peer } from '@hyperledger/fabric-protos';
import type { LedgerConnection } from '../ledger/fabric-connection.js';
import { fromLedgerError, LedgerTransactionInvalidError, LedgerUnavailableError } from './errors.js';

/** What a transaction may carry besides its arguments. */
export interface LedgerCallOptions {
  /**
   * Transient data: given to the chaincode but never written to the ledger (private inputs of private data
   * collections).
   */
  transient?: Record<string, Uint8Array>;
  /**
   * The organisations whose peers endorse, named by the client. Needed when a transaction with transient data
   * writes to the collections of several bodies: Fabric's gateway sends transient data only to peers of orgs
   * in every collection touched, and no single body is.
   */
  endorsingOrganizations?: string[];
}

/** A submitted transaction, once committed valid. */
export interface SubmitResult {
  /** What the chaincode function returned. */
  result: Uint8Array;
  txId: string;
  blockNumber: number;
}

export interface LedgerTransport {
  /**
   * Evaluates a read-only function on the identity's peer.
   * @throws RdxSdkError: the chaincode's code on a refusal, LEDGER_UNAVAILABLE when the peer cannot be reached.
   */
  evaluate(contract: string, fn: string, args: string[], options?: LedgerCallOptions): Promise<Uint8Array>;
  /**
   * Endorses, orders and waits for the commit.
   * @throws RdxSdkError as evaluate; LedgerTransactionInvalidError when it committed invalid.
   */
  submit(contract: string, fn: string, args: string[], options?: LedgerCallOptions): Promise<SubmitResult>;
}

/** The transport of a Fabric connection: every failure mapped into the SDK's error hierarchy. */
export function fabricTransport(connection: LedgerConnection): LedgerTransport {
  return {
    async evaluate(contract, fn, args, options = {}): Promise<Uint8Array> {
      try {
        return await connection
          .contract(contract)
          .evaluate(fn, { arguments: args, transientData: options.transient });
      } catch (err) {
        throw fromLedgerError(err, `${contract}:${fn}`);
      }
    },

    async submit(contract, fn, args, options = {}): Promise<SubmitResult> {
      for (let attempt = 1; ; attempt++) {
        let txId: string | undefined;
        try {
          const tx = await connection.contract(contract).submitAsync(fn, {
            arguments: args,
            transientData: options.transient,
            ...(options.endorsingOrganizations
              ? { endorsingOrganizations: options.endorsingOrganizations }
              : {}),
          });
          txId = tx.getTransactionId();
          const status = await tx.getStatus();
          if (!status.successful) {
            // Sent again, endorsed anew on the state as it is now: what it read changed under it (another
            // transaction, or the clerk's heartbeat, which every transaction reads), and nothing of it was written.
            if (isReadConflict(status.code) && attempt < CONFLICT_ATTEMPTS) continue;
            const name = validationName(status.code);
            throw new LedgerTransactionInvalidError(
              name,
              `${contract}:${fn} was ordered but committed invalid (${name}): nothing changed; try again`,
              { txId },
            );
          }
          return { result: tx.getResult(), txId, blockNumber: Number(status.blockNumber) };
        } catch (err) {
          // A commit-status failure may not name its transaction; the id is known from the submit.
          const failed = fromLedgerError(err, `${contract}:${fn}`, txId);
          // Sent to the orderers, then the peer was lost: it may well have committed, and run again it would
          // be recorded twice (or refused as existing, which reads as a reason to choose another id).
          if (txId !== undefined && failed instanceof LedgerUnavailableError)
            throw new LedgerUnavailableError(
              failed.code,
              `${failed.message}; transaction ${txId} had been sent to the orderers and may have committed: look before running it again`,
              { txId, details: failed.details, cause: err },
            );
          throw failed;
        }
      }
    },
  };
}

/** How many times a transaction is sent while it commits invalid for a read that changed under it. */
export const CONFLICT_ATTEMPTS = 3;

/** A validation code saying a key (or range) the transaction read was changed before it committed. */
export function isReadConflict(code: number): boolean {
  return (
    code === peer.TxValidationCode.MVCC_READ_CONFLICT || code === peer.TxValidationCode.PHANTOM_READ_CONFLICT
  );
}

/** The name of Fabric's TxValidationCode, e.g. `MVCC_READ_CONFLICT`. */
export function validationName(code: number): string {
  const entry = Object.entries(peer.TxValidationCode).find(([, v]) => v === code);
  return entry ? entry[0] : `CODE_${code}`;
}
