/**
 * One error hierarchy for everything the SDK does: a refusal by the chaincode, a problem answered by the
 * gateway, bad input caught before anything was sent, a failed verification, or a platform that could not
 * be reached. Every error carries a stable `code` (the chaincode's `[CODE]`, the gateway's problem code, or
 * one of the SDK's own), so callers branch on codes, never on prose.
 */
import { LEDGER_CODES, parseLedgerError, type LedgerCode } from '@rdx/errors';

/** The chaincode's stable codes, from the platform's one table (`@rdx/errors`). */
export const LEDGER_ERROR_CODES = LEDGER_CODES;

/** A code the chaincode may answer with. */
export type LedgerErrorCode = LedgerCode;

/** Options every {@link RdxSdkError} may carry. */
export interface RdxSdkErrorOptions {
  /** The Fabric transaction the error belongs to, when one was created. */
  txId?: string;
  /** HTTP status, for errors answered by the gateway. */
  status?: number;
  /** Further messages, e.g. one per endorsing peer. */
  details?: string[];
  /** The error this one wraps. */
  cause?: unknown;
}

/**
 * Base of every error the SDK throws. `userError` tells a caller (the CLI's exit code) whether the caller
 * can fix it — bad input, a refusal under the rules — or whether the platform failed.
 * Never thrown by its own construction.
 */
export class RdxSdkError extends Error {
  override name = 'RdxSdkError';
  /** Stable code, e.g. `INVALID_STATE`, `GRANT_NOT_ACTIVE`, `LEDGER_UNAVAILABLE`. */
  readonly code: string;
  /** Fabric transaction id, when the failure happened in a transaction. */
  readonly txId?: string;
  /** HTTP status for gateway problems. */
  readonly status?: number;
  /** Further messages (per peer for ledger errors). */
  readonly details: string[];

  /**
   * @param code stable code of the failure.
   * @param message what happened, for people.
   */
  constructor(code: string, message: string, options: RdxSdkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.txId = options.txId;
    this.status = options.status;
    this.details = options.details ?? [];
  }

  /** True when the caller can act on it (fix the input, follow the rules); false when the platform failed. */
  get userError(): boolean {
    return true;
  }
}

/** The chaincode refused the call under its rules; `code` is its `[CODE]`. */
export class LedgerRefusedError extends RdxSdkError {
  override name = 'LedgerRefusedError';
}

/**
 * The transaction was ordered but committed invalid: nothing changed. A read conflict (MVCC_READ_CONFLICT) is
 * thrown only after the SDK's own attempts (ledger-transport.ts); retry later.
 */
export class LedgerTransactionInvalidError extends RdxSdkError {
  override name = 'LedgerTransactionInvalidError';
  /** Fabric's validation code name, e.g. `MVCC_READ_CONFLICT`. */
  readonly validationCode: string;

  /** @param validationCode the name of Fabric's TxValidationCode. */
  constructor(validationCode: string, message: string, options: RdxSdkErrorOptions = {}) {
    super('TX_INVALID', message, options);
    this.validationCode = validationCode;
  }

  override get userError(): boolean {
    return false;
  }
}

/** The ledger could not be reached or did not answer in time, or failed without a stable code. */
export class LedgerUnavailableError extends RdxSdkError {
  override name = 'LedgerUnavailableError';
  override get userError(): boolean {
    return false;
  }
}

/** The gateway answered with an RFC 9457 problem; `code` is the problem's code. */
export class GatewayProblemError extends RdxSdkError {
  override name = 'GatewayProblemError';
  /** The problem's `type` URI. */
  readonly type: string;

  /** @param type the problem's `type`. */
  constructor(code: string, message: string, type: string, options: RdxSdkErrorOptions = {}) {
    super(code, message, options);
    this.type = type;
  }

  /** 4xx are the caller's (refused, bad input, no token); 5xx are the platform's. */
  override get userError(): boolean {
    return this.status === undefined || this.status < 500;
  }
}

/** The gateway could not be reached, or answered something that is not the RDX API. */
export class GatewayUnavailableError extends RdxSdkError {
  override name = 'GatewayUnavailableError';
  override get userError(): boolean {
    return false;
  }
}

/**
 * A signed action whose first answer was lost (the connection dropped, the gateway or its peer went down on the
 * way) and whose resend, the same signed request, the chaincode refused as already used: the first attempt was
 * recorded, once, in transaction `txId`. Its result is on the ledger; nothing was recorded twice. Not a failure:
 * the `rdx` CLI reports it as done.
 */
export class RecordedEarlierError extends RdxSdkError {
  override name = 'RecordedEarlierError';

  /**
   * @param made what this client made for the action and the caller must keep, the answer being lost: a
   * complaint's id and its receipt, which only its holder has.
   */
  constructor(
    code: string,
    message: string,
    options: RdxSdkErrorOptions = {},
    readonly made: Record<string, unknown> = {},
  ) {
    super(code, message, options);
  }
}

/**
 * The request went out and no answer came: the connection was dropped or reset, the answer broke off, or the
 * deadline passed. Whatever it asked may have been done. (A refused connection, a name that does not resolve, a
 * certificate refused: GatewayUnavailableError, and nothing was sent.)
 */
export class NoAnswerError extends GatewayUnavailableError {
  override name = 'NoAnswerError';
}

/** Input refused before anything was sent (a malformed credit code, an unreadable file, a missing key). */
export class InputError extends RdxSdkError {
  override name = 'InputError';
}

/** A receipt, anchor chain or evidence package did not verify. */
export class VerificationError extends RdxSdkError {
  override name = 'VerificationError';
}

interface FabricLikeError {
  message?: unknown;
  code?: unknown;
  details?: { message?: unknown; mspId?: unknown }[];
  transactionId?: unknown;
}

/** A message field as text; anything that is not a string reads as empty. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/**
 * The chaincode's code in a Fabric error's message or its peers' details, if any.
 * Never throws.
 */
export function ledgerCodeOf(err: unknown): LedgerErrorCode | undefined {
  return ledgerFailureOf(err)?.code;
}

function ledgerFailureOf(err: unknown): ReturnType<typeof parseLedgerError> {
  const e = (err ?? {}) as FabricLikeError;
  // The peers' details carry the chaincode's own message; the top-level message Fabric's summary.
  return parseLedgerError(...(e.details ?? []).map((d) => text(d.message)), text(e.message));
}

/**
 * Turns an error from @hyperledger/fabric-gateway into the SDK hierarchy: a chaincode `[CODE]` becomes a
 * {@link LedgerRefusedError} with the chaincode's own message; an unreachable peer a {@link LedgerUnavailableError}.
 * An {@link RdxSdkError} passes through unchanged.
 * @param what the call, e.g. `grant:SuspendGrant`, for the message.
 * @param knownTxId the transaction id when the caller knows it and the error does not carry it.
 * Never throws: it returns the error to throw.
 */
export function fromLedgerError(err: unknown, what: string, knownTxId?: string): RdxSdkError {
  if (err instanceof RdxSdkError) return err;
  const e = (err ?? {}) as FabricLikeError;
  const txId = typeof e.transactionId === 'string' ? e.transactionId : knownTxId;
  const details = (e.details ?? []).map((d) => `${text(d.mspId) || '?'}: ${text(d.message)}`);
  const failure = ledgerFailureOf(err);
  if (failure) {
    // The chaincode's own sentence, without Fabric's wrapping ("chaincode response 500, …").
    return new LedgerRefusedError(failure.code, failure.detail, { txId, details, cause: err });
  }
  const grpc = typeof e.code === 'number' ? e.code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  if (grpc === GRPC_UNAVAILABLE || grpc === GRPC_DEADLINE_EXCEEDED) {
    // The peer answered, passing on that no orderer took the transaction: "the peer did not answer" sent an
    // administrator to a peer that was up while every orderer was down (a review, 2026-12-07).
    const who = /no orderers could successfully process/i.test(message)
      ? 'the ordering service did not take the transaction: no orderer answered the peer'
      : 'the peer did not answer';
    return new LedgerUnavailableError('LEDGER_UNAVAILABLE', `${what}: ${who} (${message})`, {
      txId,
      details,
      cause: err,
    });
  }
  return new LedgerUnavailableError('LEDGER_ERROR', `${what} failed: ${message}`, {
    txId,
    details,
    cause: err,
  });
}
