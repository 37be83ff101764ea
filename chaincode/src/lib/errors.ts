/**
 * Every rejection carries a stable code. The message Fabric returns to clients starts with `[CODE]`, so the
 * gateway and the CLI can map it without parsing prose.
 */
export const ErrorCode = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  FORBIDDEN: 'FORBIDDEN',
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
