import { parseLedgerError } from '@rdx/errors';

/** The stable RDX error code carried by an error from the ledger (endorsement details or message). */
export function errorCode(err: unknown): string | undefined {
  const e = err as { message?: string; details?: { message?: string }[] };
  return parseLedgerError(e.message ?? '', ...(e.details ?? []).map((d) => d.message ?? ''))?.code;
}
