/**
 * How a failed command ends: exit code 1 when the user can act (bad input, refused by the rules) and 2 when
 * the platform failed (network down, a bug); the stable code always printed, with a hint of what to do.
 */
import { RdxSdkError } from '../sdk/errors.js';
import { WalletError } from '../ledger/fabric-connection.js';
import type { Output } from './output.js';

/** Exit codes of the CLI. */
export const EXIT = { OK: 0, USER: 1, FAILURE: 2 } as const;

/** An error of the CLI itself (usage), with a stable code; always the user's to fix. */
export class CliError extends RdxSdkError {
  override name = 'CliError';
}

const HINTS: Record<string, string> = {
  USAGE: 'see rdx <command> --help',
  INVALID_ARGUMENT: 'correct the value named above (rdx <command> --help shows what each takes)',
  FILE_UNREADABLE: 'check the file path and its permissions',
  NOT_FOUND: 'check the id; the object may not exist or may not be visible to this identity',
  ALREADY_EXISTS: 'choose a new id or version name',
  FORBIDDEN: 'act as an identity allowed to do this (--as <identity>; rdx identities lists the wallet)',
  INVALID_STATE: 'show the object (rdx history <type> <id>) and take the step its current state awaits',
  BAD_SIGNATURE: 'sign with the private key whose public key the bureau registered (--key-file)',
  REPLAYED: 'a signed request is used once: run the command again to sign a new one',
  RATING_INSUFFICIENT:
    'restricted data needs a valid AA or AAA rating (MLPS ≥ 2, good credit): ask the bureau (rdx enterprise rate)',
  CALENDAR_MISSING: 'the bureau records that year first: rdx calendar set --file <year>.json',
  ANCHOR_CHAIN_BROKEN:
    'the anchor chain does not hold: keep the output as evidence and report it to the bureau',
  IDENTITY_REQUIRED: 'give --as <identity> (rdx identities lists the wallet)',
  IDENTITY_UNKNOWN: 'rdx identities lists the wallet; --wallet or RDX_WALLET choose another folder',
  CREDENTIALS_REQUIRED:
    'give --client-id with --client-secret or --key-file (or RDX_CLIENT_ID / RDX_CLIENT_SECRET / RDX_KEY_FILE), or run rdx login',
  SIGNER_MISSING: "this is signed with the enterprise's key: add --key-file <private key PEM>",
  TOKEN_EXPIRED: 'log in again: rdx login',
  TOKEN_MISSING: 'log in (rdx login) or give credentials',
  TOKEN_INVALID: 'log in again (rdx login) or give credentials',
  INVALID_CLIENT:
    'check --client-id and the secret or key; a newly onboarded enterprise is known to the gateway a moment after the ledger commits',
  NO_GRANT: 'apply for the dataset first (rdx apply), then sign the agreement (rdx agreement accept)',
  GRANT_NOT_ACTIVE: 'the grant is suspended or ended: contact the opening body that owns the dataset',
  GRANT_NOT_IN_VALIDITY: 'the grant is outside its validity: ask the opening body for a renewal',
  ITEMS_NOT_GRANTED: 'ask only for granted items (rdx grants shows them)',
  QUOTA_EXCEEDED: "the grant's daily quota is used up: try again tomorrow",
  RATE_LIMITED: 'slow down and retry',
  QUERY_INVALID: 'check --fields, --filter (item:op:value) and --limit',
  DATA_NOT_LOADED: 'the opening body has not loaded a version of this dataset yet',
  DOWNLOAD_FORBIDDEN: 'restricted data is only available by interface calls: rdx records',
  CONTENT_HASH_MISMATCH: 'upload exactly the bytes whose hash was recorded, or record a new version',
  TERMS_CHANGED: 'read the agreement again (rdx agreement show) before signing',
  RECEIPT_PENDING: 'the request is not anchored yet: retry in a few seconds or use --wait',
  RECEIPT_INVALID: 'the receipt does not prove what it claims: keep it and report it to the bureau',
  EVIDENCE_INVALID:
    'the package was changed or is incomplete: obtain it again from the regulator who sealed it',
  UNKNOWN_DOCUMENT:
    'rdx verify takes a receipt (rdx receipt --out) or an evidence package (rdx evidence --out)',
  NOT_LOGGED_IN: 'run rdx login, or give credentials with the command',
  LEDGER_UNAVAILABLE: 'is the network running? npm run status',
  LEDGER_ERROR: 'the ledger failed without a stable code: see the logs under .rdx/logs/',
  TX_INVALID: 'nothing changed: run the command again',
  GATEWAY_UNAVAILABLE: 'is the gateway running? npm run status, or --gateway / RDX_GATEWAY_URL',
  GATEWAY_BAD_ANSWER: 'check --gateway: it must be the RDX gateway',
  LEDGER_NOT_FOLLOWED: 'the gateway cannot follow the ledger right now: retry shortly',
  AUDIT_BEHIND: 'the gateway is behind with anchoring: retry shortly',
  INTERNAL: 'this is a bug: rerun with RDX_DEBUG=1 and report the output',
};

/** The hint for a code, if there is one. */
export function hintFor(code: string): string | undefined {
  return HINTS[code];
}

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
    out.io.stdout.write(
      `${JSON.stringify({ error: { code: f.code, message: f.message, hint, txId: f.txId, exitCode: f.exit } }, null, 2)}\n`,
    );
  } else {
    out.note(`错误 error [${f.code}] ${f.message}`);
    if (f.txId) out.note(`  交易 transaction ${f.txId}`);
    if (hint) out.note(`  提示 hint: ${hint}`);
  }
  if (process.env.RDX_DEBUG && err instanceof Error && err.stack) out.note(err.stack);
  return f.exit;
}
