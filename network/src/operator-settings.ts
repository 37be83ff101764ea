import path from 'node:path';
import { CODE_ID, codeId } from './code-id.js';
import { SHELL_ONLY, type Launch } from './launch.js';

/**
 * The environment of the platform's own Node services (the gateway, the clerk): `own`, what the platform decides
 * for the process (identity, ports, folders), over the operator's `RDX_*` settings. What the README's settings
 * table says of a service (RDX_CORS_ORIGINS, RDX_CLERK_INTERVAL_S, …) must reach it when `npm start` runs it,
 * and again when the supervisor restarts it. Nothing else of the environment passes.
 */
export function withOperatorSettings(
  own: NodeJS.ProcessEnv,
  from: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const settings = Object.entries(from).filter(([name]) => name.startsWith('RDX_'));
  return { ...Object.fromEntries(settings), ...own };
}

/**
 * How one of the platform's own Node services is started: `workspace`'s `dist/main.js` (a folder of the repository at
 * `repoRoot`, its working directory) run by this Node, with `own` and the digest of its code ({@link CODE_ID}) over
 * the operator's settings. A running one is compared by those alone: the operator's settings reach it when it next
 * starts, and one that runs other code (the repository rebuilt since it started) is restarted.
 */
export function serviceLaunch(
  name: string,
  repoRoot: string,
  workspace: string,
  own: NodeJS.ProcessEnv,
): Launch {
  const ours = { ...own, [CODE_ID]: codeId(repoRoot, workspace) };
  const env = withOperatorSettings(ours);
  return {
    name,
    cmd: process.execPath,
    args: [path.join(repoRoot, workspace, 'dist', 'main.js')],
    env,
    cwd: repoRoot,
    notCompared: new Set([...SHELL_ONLY, ...Object.keys(env).filter((name) => !(name in ours))]),
  };
}
