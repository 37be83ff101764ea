/**
 * Where a webhook may be delivered. A party registers any HTTPS address, so without a check the gateway could be
 * made to post into the bureau's own network (its peers, metadata services, other hosts behind the firewall).
 * The address a delivery connects to is checked at connect time — after DNS, so a name that resolves (or is
 * re-pointed) to an internal address is refused too: public addresses only, unless the operator allows private
 * ones (RDX_WEBHOOK_ALLOW_PRIVATE=on, for a deployment inside a government intranet). Plain HTTP goes only to
 * this machine, and nothing goes to this machine unless the operator allows it (for trials and tests):
 * else any enterprise with a token could have the gateway post to, and probe, the services its host keeps on
 * loopback — the clerk's and the metrics' ports, the Fabric nodes' (found by a review, 2026-12-06).
 */
import dns from 'node:dns';
import fs from 'node:fs';
import net from 'node:net';

const NOT_PUBLIC = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');

const THIS_MACHINE = new net.BlockList();
THIS_MACHINE.addSubnet('127.0.0.0', 8, 'ipv4');
THIS_MACHINE.addSubnet('0.0.0.0', 8, 'ipv4');
THIS_MACHINE.addAddress('::1', 'ipv6');
THIS_MACHINE.addAddress('::', 'ipv6');

/** True for an address on the public Internet (an IPv4-mapped IPv6 address is judged by its IPv4 part). */
export function isPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[1]!);
  const family = net.isIP(address);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Where webhooks may go besides public addresses over HTTPS, as the operator set it (gateway/src/config.ts). */
export interface WebhookReach {
  /** Private addresses over HTTPS (RDX_WEBHOOK_ALLOW_PRIVATE): a deployment inside an intranet. */
  private: boolean;
  /** This machine, over plain HTTP too (RDX_WEBHOOK_ALLOW_LOOPBACK): trials and tests. */
  loopback: boolean;
}

/** Public addresses over HTTPS only. */
export const PUBLIC_ONLY: WebhookReach = { private: false, loopback: false };

/** Why a delivery to this machine is refused where the operator has not allowed it. */
export const LOOPBACK_OFF =
  'webhooks to this machine are off on this gateway (RDX_WEBHOOK_ALLOW_LOOPBACK=on allows them, for trials)';

/** True for an address a connection to reaches this machine: loopback, and the unspecified 0.0.0.0/8 and `::`. */
function onThisMachine(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return onThisMachine(mapped[1]!);
  const family = net.isIP(address);
  return family !== 0 && THIS_MACHINE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Why a delivery to `address` over `protocol` is not allowed, or undefined. This machine is refused over HTTPS
 * too unless allowed: RDX_WEBHOOK_ALLOW_PRIVATE opens private networks, not the gateway's own host.
 */
export function addressProblem(address: string, protocol: string, reach: WebhookReach): string | undefined {
  const family = net.isIP(address);
  if (family === 0) return `${address} is not an address`;
  if (onThisMachine(address)) return reach.loopback ? undefined : LOOPBACK_OFF;
  if (protocol === 'http:') return `plain HTTP goes only to this machine, not ${address}`;
  if (isPublicAddress(address) || reach.private) return undefined;
  return `${address} is not a public address (RDX_WEBHOOK_ALLOW_PRIVATE=on allows private ones)`;
}

/** How long one DNS question waits for its answer (ms), and how many times it is asked. */
const DNS_TIMEOUT_MS = 2_000;
const DNS_TRIES = 2;

/** The addresses a webhook's host name resolves to. */
export type ResolveHost = (hostname: string) => Promise<dns.LookupAddress[]>;

/**
 * Resolves webhook host names through DNS on the event loop (c-ares), each question bounded, never through the
 * system's getaddrinfo: that runs on libuv's thread pool, where lookups have two threads between them, and a
 * name whose DNS never answers held one for ten seconds past the attempt's deadline. One enterprise testing such
 * names kept both busy, and every other party's delivery to a name waited behind them until it was given up
 * (found by a review, 2026-12-07). So `/etc/hosts` is not read: `localhost` (and `*.localhost`) is this machine,
 * every other name is asked of DNS, a short one in the search domains of /etc/resolv.conf first (`search`:
 * default those). `servers`: the DNS servers to ask (default the system's).
 */
export function hostResolver(servers?: string[], search = searchDomains()): ResolveHost {
  const resolver = new dns.promises.Resolver({ timeout: DNS_TIMEOUT_MS, tries: DNS_TRIES });
  if (servers) resolver.setServers(servers);
  const resolve = async (name: string): Promise<dns.LookupAddress[]> => {
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
    return [
      ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 })) : []),
      ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 })) : []),
    ];
  };
  return async (hostname) => {
    const name = hostname.toLowerCase();
    if (/^(.+\.)?localhost\.?$/.test(name))
      return [
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ];
    for (const candidate of namesToAsk(name, search)) {
      const found = await resolve(candidate);
      if (found.length > 0) return found;
    }
    throw new Error(`${hostname} has no address`);
  };
}

/**
 * The names asked of DNS for `name`, in turn, as the system's resolver would: one without a dot (an intranet's
 * short name, `hooks`) in each search domain of /etc/resolv.conf first, then as it is; any other as it is.
 */
export function namesToAsk(name: string, search: readonly string[]): string[] {
  const bare = name.replace(/\.$/, '');
  if (name.endsWith('.') || bare.includes('.')) return [bare];
  return [...search.map((domain) => `${bare}.${domain}`), bare];
}

/** The search domains of /etc/resolv.conf (its last `search` or `domain` line); none where it has none. */
function searchDomains(file = '/etc/resolv.conf'): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  let domains: string[] = [];
  for (const line of text.split('\n')) {
    const [key, ...values] = line.trim().split(/\s+/);
    if (key === 'search' || key === 'domain')
      domains = values.map((d) => d.replace(/\.$/, '')).filter(Boolean);
  }
  return domains;
}

const systemResolver = hostResolver();

/**
 * Why a delivery to a name is refused, saying nothing of what it resolved to: an enterprise could otherwise
 * map the bureau's internal DNS through its webhook tests (which names exist inside, at which addresses). A
 * name that does not resolve and one that resolves to a private address answer alike.
 */
function nameProblem(hostname: string, protocol: string, reach: WebhookReach, problem?: string): string {
  if (problem === LOOPBACK_OFF) return LOOPBACK_OFF;
  if (problem !== undefined && protocol === 'http:')
    return `plain HTTP goes only to this machine, not ${hostname}`;
  return reach.private
    ? `${hostname} has no address this gateway may deliver to`
    : `${hostname} has no public address (RDX_WEBHOOK_ALLOW_PRIVATE=on allows private ones)`;
}

/**
 * A lookup for http(s).request that resolves with `resolve` and refuses a name any of whose addresses
 * `addressProblem` refuses (an `EADDRNOTALLOWED` error whose message says why, without the addresses).
 */
export function guardedLookup(
  protocol: string,
  reach: WebhookReach,
  resolve: ResolveHost = systemResolver,
): net.LookupFunction {
  return (hostname, options, callback) => {
    const refuse = (problem?: string): void =>
      callback(
        Object.assign(new Error(nameProblem(hostname, protocol, reach, problem)), {
          code: 'EADDRNOTALLOWED',
        }),
        '',
        4,
      );
    resolve(hostname).then(
      (all) => {
        const list =
          options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        const refused = list.map((a) => addressProblem(a.address, protocol, reach)).find(Boolean);
        if (refused || list.length === 0) return refuse(refused);
        // Node asks for every address (`all`) when it may try several in turn (happy eyeballs).
        if (options.all)
          return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
        callback(null, list[0]!.address, list[0]!.family);
      },
      () => refuse(),
    );
  };
}
