/**
 * Every rejection carries a stable code from the platform's one table (`@rdx/errors`). The message Fabric
 * returns to clients starts with `[CODE]`, so the gateway and the CLI map it without parsing prose.
 */
import { LEDGER_CODES, ledgerMessage, parseLedgerError, type LedgerCode } from '@rdx/errors';

/** The codes the chaincode throws, by name: `ErrorCode.FORBIDDEN`. */
export const ErrorCode = Object.freeze(Object.fromEntries(LEDGER_CODES.map((c) => [c, c]))) as {
  readonly [K in LedgerCode]: K;
};
export type ErrorCode = LedgerCode;

export class RdxError extends Error {
  override name = 'RdxError';
  constructor(
    readonly code: ErrorCode,
    detail: string,
  ) {
    super(ledgerMessage(code, detail));
  }
}

/** Reads the code back from an error message that crossed Fabric, or undefined for a foreign error. */
export function errorCodeOf(message: string): ErrorCode | undefined {
  return parseLedgerError(message)?.code;
}
