/**
 * Where the CLI finds things: the repository (for its `.rdx/` folder), the wallet of Fabric identities, and
 * the per-user configuration folder that holds a stored login.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The repository root: the nearest folder at or above `from` whose package.json declares workspaces, so the
 * CLI finds `.rdx/` from any sub-folder. Falls back to `from` itself outside a checkout.
 */
export function findRepoRoot(from: string = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        const json = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { workspaces?: unknown };
        if (json.workspaces !== undefined) return dir;
      } catch {
        // An unreadable package.json is not a root; keep walking up.
      }
    }
    if (path.dirname(dir) === dir) return path.resolve(from);
  }
}

/**
 * The wallet folder: `--wallet`, else RDX_WALLET, else `$RDX_HOME/wallet` (the network's data folder when it
 * was moved), else `<repo>/.rdx/wallet`.
 */
export function walletDirOf(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return path.resolve(flag);
  if (env.RDX_WALLET) return path.resolve(env.RDX_WALLET);
  if (env.RDX_HOME) return path.join(path.resolve(env.RDX_HOME), 'wallet');
  return path.join(findRepoRoot(), '.rdx', 'wallet');
}

/** The per-user configuration folder: `$XDG_CONFIG_HOME/rdx`, else `~/.config/rdx`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME ? path.resolve(env.XDG_CONFIG_HOME) : path.join(os.homedir(), '.config');
  return path.join(base, 'rdx');
}
