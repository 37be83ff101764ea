import fs from 'node:fs';
import path from 'node:path';

/**
 * Replaces `file` with `text` so that a reader in any process sees the old content or the new, never a part:
 * the text goes to a temporary file of this writer's own beside it, which is then renamed over `file`. A plain
 * `writeFileSync` truncates first, and a `peer` started in that instant read an empty collections file.
 */
export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Unique per writer, so concurrent writers never share (and truncate) one temporary file.
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
