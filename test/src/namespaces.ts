/**
 * Network namespaces the tests make (multihost/hosts.ts, ipv6-link.ts): each is linked to this host by a veth
 * whose near end is named after it (its first 15 characters, the kernel's limit).
 */
import { run } from '@rdx/network';

/** The name of the veth end in this host's namespace that links `ns`. */
export function nearEnd(ns: string): string {
  return ns.slice(0, 15);
}

/** Kills whatever runs in `ns`, removes it and its link; nothing to do for one that is not there. */
export async function removeNamespace(ns: string): Promise<void> {
  const pids = await run('ip', ['netns', 'pids', ns]).catch(() => '');
  for (const pid of pids
    .split('\n')
    .map((p) => Number(p.trim()))
    .filter((p) => p > 0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  await run('ip', ['netns', 'del', ns]).catch(() => '');
  await run('ip', ['link', 'del', nearEnd(ns)]).catch(() => '');
}
