/**
 * The bearer token a platform service's operations listener asks of every path but its health (the gateway's
 * metrics, the clerk's status and metrics): kept in a file only the service's user reads, so the platform's own
 * tooling and a scraper run as that user read them, and another user of the host does not. Loopback alone kept
 * out only other hosts: every local account reached them. Not part of the SDK's main entry:
 * `@rdx/client/operations-token`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const TOKEN = /^[0-9a-f]{64}$/;

/**
 * The token in `file`, made (32 random bytes, hex, owner-only) where there is none or what is there is not one
 * (a file cut short by a crash) — that one said in `log`: a scraper holding the token before is refused from
 * now on. Its folder is made owner-only if missing.
 * @throws Error naming the file when another user could read it: whoever did could read the service's answers.
 */
export function operationsToken(file: string, log?: (line: string) => void): string {
  const held = readOperationsToken(file);
  if (held !== undefined) return held;
  if (fs.existsSync(file))
    log?.(`${file} held no whole token (cut short by a crash?): a new one is made, which scrapers need now`);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const token = crypto.randomBytes(32).toString('hex');
  // Written whole under another name, then renamed: a reader never sees half a token.
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, `${token}\n`, { mode: 0o600 });
  fs.renameSync(partial, file);
  return token;
}

/**
 * The token in `file`, or undefined where there is none (or not a whole one).
 * @throws Error naming the file when it is not a plain file of this user's that others may not read (a link
 * planted in its place, another user's file, a mode that lets others read it).
 */
export function readOperationsToken(file: string): string | undefined {
  let text: string;
  try {
    const stat = fs.lstatSync(file);
    if (!stat.isFile())
      throw new Error(`${file}: not a plain file (a link?): delete it to have a new one made`);
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid)
      throw new Error(
        `${file}: owned by uid ${stat.uid}, not this user (${uid}): delete it to have a new one made`,
      );
    if ((stat.mode & 0o077) !== 0)
      throw new Error(
        `${file}: others than its owner may read it (chmod 600 it, or delete it to have a new one made)`,
      );
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return TOKEN.test(text) ? text : undefined;
}

/** The request headers that show `file`'s token; none where it has none (the listener then answers 401). */
export function operationsHeaders(file: string): Record<string, string> {
  const token = readOperationsToken(file);
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}
