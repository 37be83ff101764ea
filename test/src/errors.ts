/** The stable RDX error code carried by an error from the ledger (endorsement details or message). */
export function errorCode(err: unknown): string | undefined {
  const e = err as { message?: string; details?: { message?: string }[] };
  const text = [e.message ?? '', ...(e.details ?? []).map((d) => d.message ?? '')].join('\n');
  return /\[([A-Z_]+)\]/.exec(text)?.[1];
}
