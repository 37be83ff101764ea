/**
 * IPv6 networks beside this host, for the tests of callers counted by their /64: a network namespace linked to
 * this one by a veth pair, on unique local prefixes (fd52:7e3a:91c4::/48) that exist only while the test runs.
 * Nothing is routed anywhere else: the namespace has no default route. The attacker's /64 is the namespace's,
 * with as many of its addresses as the test asks for, each a caller as any other through the kernel's own IPv6;
 * this host's end of the link holds the gateway's address and another caller's, each on a /64 of its own, so
 * neither is counted with the attacker.
 */
import { run } from '@rdx/network';
import { nearEnd, removeNamespace } from './namespaces.js';

const PREFIX = 'fd52:7e3a:91c4';

export class Ipv6Link {
  /** The gateway's address. */
  readonly gateway = `${PREFIX}:3::1`;
  /** An address of this host on another /64: a caller that is not the attacker. */
  readonly otherCaller = `${PREFIX}:2::1`;

  private constructor(
    readonly ns: string,
    /** Addresses of the attacker's /64 in the namespace, one per caller it pretends to be. */
    readonly attackers: string[],
  ) {}

  /** Creates the namespace and the link, with `count` addresses of the attacker's /64 on the far end. */
  static async create(name: string, count: number): Promise<Ipv6Link> {
    const link = new Ipv6Link(
      `rdx-v6-${name}`,
      Array.from({ length: count }, (_, i) => `${PREFIX}:1::${(0x100 + i).toString(16)}`),
    );
    await link.remove();
    const near = nearEnd(link.ns);
    await run('ip', ['netns', 'add', link.ns]);
    await run('ip', ['link', 'add', near, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', link.ns]);
    // nodad: an address is usable at once, not after duplicate address detection's second or two.
    for (const address of [`${link.gateway}/64`, `${link.otherCaller}/64`])
      await run('ip', ['addr', 'add', address, 'dev', near, 'nodad']);
    await run('ip', ['link', 'set', near, 'up']);
    await run('ip', ['-6', 'route', 'add', `${PREFIX}:1::/64`, 'dev', near]);
    for (const address of link.attackers)
      await link.exec('ip', ['addr', 'add', `${address}/64`, 'dev', 'eth0', 'nodad']);
    await link.exec('ip', ['link', 'set', 'eth0', 'up']);
    await link.exec('ip', ['-6', 'route', 'add', `${PREFIX}:3::/64`, 'dev', 'eth0']);
    return link;
  }

  /** A command inside the namespace. */
  exec(cmd: string, args: string[], timeoutMs = 30_000): Promise<string> {
    return run('ip', ['netns', 'exec', this.ns, cmd, ...args], { timeoutMs });
  }

  /** Removes the namespace and with it both ends of the link (and whatever ran there). */
  remove(): Promise<void> {
    return removeNamespace(this.ns);
  }
}
