/**
 * Which code a Node process of the platform runs. A running process keeps the JavaScript it loaded: a gateway
 * started before the repository was updated and rebuilt serves the release before until it is restarted. So each
 * service is launched with a digest of the code it loads ({@link CODE_ID} in its environment; launch.ts compares
 * it with the running one's), and the supervisor records its own beside its pid file (cli/supervise.ts).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The setting that carries a service's code digest: set by the platform, read by nothing but a start. */
export const CODE_ID = 'RDX_CODE_ID';

/**
 * The digest of what a service of workspace `workspace` (a folder of the repository: `gateway`, `clerk`,
 * `network`) loads: the compiled JavaScript of the workspace and of every workspace it depends on, the installed
 * packages (the lock file) and Node's version. Test files are left out: a change of a test alone restarts nothing.
 */
export function codeId(repoRoot: string, workspace: string): string {
  const hash = crypto.createHash('sha256');
  hashWorkspaces(hash, repoRoot, workspace);
  const lock = path.join(repoRoot, 'package-lock.json');
  if (fs.existsSync(lock)) hash.update(fs.readFileSync(lock));
  hash.update(process.version);
  return hash.digest('hex').slice(0, 16);
}

/**
 * Adds the compiled JavaScript of `workspace` and of the workspaces it depends on (its `@rdx/…` dependencies,
 * each in the repository's folder of the same name), in a fixed order, to `hash`. Tests and test support
 * (`*.test.js`, a top-level `testing/`) are left out.
 */
export function hashWorkspaces(hash: crypto.Hash, repoRoot: string, workspace: string): void {
  for (const ws of workspaceClosure(repoRoot, workspace)) {
    const dist = path.join(repoRoot, ws, 'dist');
    const files = fs.existsSync(dist)
      ? fs
          .readdirSync(dist, { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.js') && !f.endsWith('.test.js') && !f.startsWith('testing'))
          .sort()
      : [];
    for (const f of files) {
      hash.update(`${ws}/${f}\0`);
      hash.update(fs.readFileSync(path.join(dist, f)));
    }
    const manifest = path.join(repoRoot, ws, 'package.json');
    if (fs.existsSync(manifest)) hash.update(fs.readFileSync(manifest));
  }
}

/** `workspace` and every workspace it depends on, directly or not, sorted. */
function workspaceClosure(repoRoot: string, workspace: string): string[] {
  const seen = new Set<string>();
  const visit = (ws: string): void => {
    if (seen.has(ws)) return;
    seen.add(ws);
    for (const dep of rdxDependencies(path.join(repoRoot, ws, 'package.json'))) visit(dep);
  };
  visit(workspace);
  return [...seen].sort();
}

/** The folders of the `@rdx/…` packages a manifest depends on at run time; none when it cannot be read. */
function rdxDependencies(manifest: string): string[] {
  let deps: Record<string, unknown>;
  try {
    const parsed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as {
      dependencies?: Record<string, unknown>;
    };
    deps = parsed.dependencies ?? {};
  } catch {
    return [];
  }
  return Object.keys(deps)
    .filter((name) => name.startsWith('@rdx/'))
    .map((name) => name.slice('@rdx/'.length));
}
