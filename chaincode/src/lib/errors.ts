/**
 * Every rejection carries a stable code. The message Fabric returns to clients starts with `[CODE]`, so the
 * gateway and the CLI can map it without parsing prose.
 */
export const ErrorCode = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  FORBIDDEN: 'FORBIDDEN',
  /** The object exists but is not in a state from which this transition is legal. */
  INVALID_STATE: 'INVALID_STATE',
  /** An enterprise's ES256 signature did not verify against its registered key. */
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  /** A signed enterprise request was already used. */
  REPLAYED: 'REPLAYED',
  /** The enterprise's rating does not allow this (below AA, expired, or evidence insufficient). */
  RATING_INSUFFICIENT: 'RATING_INSUFFICIENT',
  /** A working-day deadline needs a year the bureau has not put on the ledger. */
  CALENDAR_MISSING: 'CALENDAR_MISSING',
  /** An audit anchor does not extend its gateway's chain (gap, fork or rewrite). */
  ANCHOR_CHAIN_BROKEN: 'ANCHOR_CHAIN_BROKEN',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class RdxError extends Error {
  override name = 'RdxError';
  constructor(
    readonly code: ErrorCode,
    detail: string,
  ) {
    super(`[${code}] ${detail}`);
  }
}

/** Reads the code back from an error message that crossed Fabric, or undefined for a foreign error. */
export function errorCodeOf(message: string): ErrorCode | undefined {
  const match = /\[([A-Z_]+)\]/.exec(message);
  const code = match?.[1];
  return code && code in ErrorCode ? (code as ErrorCode) : undefined;
}
