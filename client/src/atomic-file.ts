/**
 * One way to replace a file that another process may be reading, shared by the SDK's token store, the gateway's
 * signing keys and the network tooling (a `peer` once read a collections file that was being rewritten, empty).
 */
import fs from 'node:fs';
import path from 'node:path';

/**
 * Replaces `file` with `text` so that a reader in any process sees the old content or the new, never a part, and
 * a crash never leaves half a file: the text goes to a temporary file of this writer's own beside it, which is
 * then renamed over `file`. With `mode` (0o600 for a secret) the temporary file is created with it, before any
 * byte is in it. The temporary name ends in `.tmp`, so a reader of a folder's `*.pem` or `*.json` never takes it.
 */
export function writeFileAtomic(file: string, text: string, opts: { mode?: number } = {}): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Unique per writer, so concurrent writers never share (and truncate) one temporary file.
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(tmp, text, opts.mode === undefined ? {} : { mode: opts.mode });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
