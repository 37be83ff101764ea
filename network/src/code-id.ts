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
 * `chaincode`, `network`) loads: the built code of the workspace and of every workspace it depends on, the
 * installed packages and Node's version. Test files are left out: a change of a test alone restarts nothing.
 */
export function codeId(repoRoot: string, workspace: string): string {
  const hash = crypto.createHash('sha256');
  hashWorkspaces(hash, repoRoot, workspace);
  // What npm installed (its own record in node_modules, rewritten by every install), else what the lock file asks:
  // a repository pulled but not yet installed is not yet other packages.
  const installed = [
    path.join(repoRoot, 'node_modules', '.package-lock.json'),
    path.join(repoRoot, 'package-lock.json'),
  ].find((file) => fs.existsSync(file));
  if (installed) hash.update(fs.readFileSync(installed));
  hash.update(process.version);
  return hash.digest('hex').slice(0, 16);
}

/**
 * Adds the built code of `workspace` and of the workspaces it depends on (its `@rdx/…` dependencies, each in the
 * repository's folder of the same name), in a fixed order, to `hash`: what Node may load from `dist/`. Tests and
 * test support (`*.test.js`, `*.suite.js`, a `testing/` folder) are left out. Nothing of the host goes in (no
 * absolute path, no Node version): the chaincode's label, made of it, must be the same on every host of a release.
 */
export function hashWorkspaces(hash: crypto.Hash, repoRoot: string, workspace: string): void {
  for (const ws of workspaceClosure(repoRoot, workspace)) {
    const dist = path.join(repoRoot, ws, 'dist');
    const files = fs.existsSync(dist)
      ? fs.readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter(isServiceCode).sort()
      : [];
    for (const f of files) {
      hash.update(`${ws}/${f}\0`);
      hash.update(fs.readFileSync(path.join(dist, f)));
    }
    const manifest = path.join(repoRoot, ws, 'package.json');
    if (fs.existsSync(manifest)) hash.update(fs.readFileSync(manifest));
  }
}

/** Whether a file of `dist/` (its path within it) is what a service may load rather than a test's. */
function isServiceCode(file: string): boolean {
  if (!/\.(js|cjs|mjs|json|node)$/.test(file) || /\.(test|suite)\.js$/.test(file)) return false;
  return !file.split(path.sep).includes('testing');
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
