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
 * How one of the platform's own Node services is started: `script` run by this Node, with `own` over the operator's
 * settings. A running one is compared by `own` alone: the operator's settings reach it when it next starts.
 */
export function serviceLaunch(name: string, script: string, own: NodeJS.ProcessEnv, cwd: string): Launch {
  const env = withOperatorSettings(own);
  return {
    name,
    cmd: process.execPath,
    args: [script],
    env,
    cwd,
    notCompared: new Set([...SHELL_ONLY, ...Object.keys(env).filter((name) => !(name in own))]),
  };
}
