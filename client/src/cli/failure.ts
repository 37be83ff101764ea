/**
 * How a failed command ends: exit code 1 when the user can act (bad input, refused by the rules) and 2 when
 * the platform failed (network down, a bug); the stable code always printed, with a hint of what to do.
 */
import { hintFor } from '@rdx/errors';
import { RdxSdkError } from '../sdk/errors.js';
import { WalletError } from '../ledger/fabric-connection.js';
import type { Output } from './output.js';

/** Exit codes of the CLI. */
export const EXIT = { OK: 0, USER: 1, FAILURE: 2 } as const;

/** An error of the CLI itself (usage), with a stable code; always the user's to fix. */
export class CliError extends RdxSdkError {
  override name = 'CliError';
}

/** The hint for a code, from the platform's one table of codes. */
export { hintFor };

/** Normalises anything thrown into a code, message, exit code and optional transaction id. */
export function describeFailure(err: unknown): { code: string; message: string; exit: 1 | 2; txId?: string } {
  if (err instanceof RdxSdkError) {
    return {
      code: err.code,
      message: err.message,
      exit: err.userError ? EXIT.USER : EXIT.FAILURE,
      txId: err.txId,
    };
  }
  if (err instanceof WalletError) return { code: 'IDENTITY_UNKNOWN', message: err.message, exit: EXIT.USER };
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err), exit: EXIT.FAILURE };
}

/** Prints a failure (JSON on stdout in JSON mode, else on stderr) and returns the exit code. */
export function reportFailure(err: unknown, out: Output): number {
  const f = describeFailure(err);
  const hint = hintFor(f.code);
  if (out.json) {
    out.result({ error: { code: f.code, message: f.message, hint, txId: f.txId, exitCode: f.exit } });
  } else {
    out.note(`错误 error [${f.code}] ${f.message}`);
    if (f.txId) out.note(`  交易 transaction ${f.txId}`);
    if (hint) out.note(`  提示 hint: ${hint}`);
  }
  if (process.env.RDX_DEBUG && err instanceof Error && err.stack) out.note(err.stack);
  return f.exit;
}
