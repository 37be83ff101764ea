/**
 * Everything under RDX_HOME is the platform's alone: crypto material, CA databases and secrets, ledgers, the
 * gateway's stores (restricted rows unmasked, client secret hashes, signing keys) and logs. Processes start with
 * umask 077, so what they create is the owner's only; a home made by an earlier version, or touched by hand, is
 * corrected at start.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Files and folders the platform creates: no access for group or others. */
export const PRIVATE_UMASK = 0o077;

/** Makes new files private for this process and every process it starts. */
export function usePrivateUmask(): void {
  process.umask(PRIVATE_UMASK);
}

/**
 * Takes group and other access away from `home` and everything under it (symbolic links are left alone, and
 * not followed). Returns how many entries it changed.
 */
export function makePrivate(home: string): number {
  if (!fs.existsSync(home)) return 0;
  let changed = 0;
  const visit = (p: string): void => {
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) return;
    if ((st.mode & PRIVATE_UMASK) !== 0) {
      fs.chmodSync(p, st.mode & 0o7700);
      changed++;
    }
    if (st.isDirectory()) for (const entry of fs.readdirSync(p)) visit(path.join(p, entry));
  };
  visit(home);
  return changed;
}
