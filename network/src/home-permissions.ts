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

/**
 * Why `dir` is no place for the platform's keys and secrets or for binaries it runs, or undefined when it is:
 * `dir`, or a folder above it — as written, and as its links resolve — belongs to another user (root excepted),
 * or others may write it (anyone, or a group not the user's own) without the sticky bit that keeps others'
 * entries apart (as /tmp has). Such a user could have made the folder first — a home's planted `secrets.json`, a
 * cache's planted `peer` — or swap what is in it. A folder not there yet is made by this process, so only those
 * that exist are asked about (and the caller asks again once it has made it).
 */
export function unsafeFolderReason(dir: string): string | undefined {
  const me = process.getuid?.();
  if (me === undefined) return undefined;
  const mode = (st: fs.Stats): string => (st.mode & 0o7777).toString(8);
  const problem = (p: string, st: fs.Stats): string | undefined => {
    if (st.uid !== me && st.uid !== 0) return `${p} belongs to another user (uid ${st.uid})`;
    if (st.isSymbolicLink() || (st.mode & 0o1000) !== 0) return undefined;
    if ((st.mode & 0o002) !== 0) return `anyone may write ${p} (mode ${mode(st)})`;
    if ((st.mode & 0o020) !== 0 && st.gid !== process.getgid?.())
      return `group ${st.gid} may write ${p} (mode ${mode(st)})`;
    return undefined;
  };
  const upward = (from: string, stat: (p: string) => fs.Stats | undefined): string | undefined => {
    for (let p = from; ; p = path.dirname(p)) {
      const st = stat(p);
      const why = st && problem(p, st);
      if (why) return why;
      if (path.dirname(p) === p) return undefined;
    }
  };
  const written = path.resolve(dir);
  let existing = written;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  return (
    upward(written, (p) => fs.lstatSync(p, { throwIfNoEntry: false })) ??
    upward(fs.realpathSync(existing), (p) => fs.statSync(p))
  );
}

/**
 * Makes `dir` (mode 0700) once {@link unsafeFolderReason} finds nothing wrong with it, and asks again once it is
 * made: between the first question and the making, another user could make it, or a folder on its way, first.
 * @throws what `refuse` makes of the reason, when there is one.
 */
export function makeOwnFolder(dir: string, refuse: (why: string) => Error): void {
  const check = (): void => {
    const why = unsafeFolderReason(dir);
    if (why) throw refuse(why);
  };
  check();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  check();
}
