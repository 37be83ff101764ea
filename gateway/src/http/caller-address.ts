/**
 * The address a request comes from, as the per-address defences count it (the token endpoint's guard, the
 * anonymous routes' rate, public complaints, open downloads, the misuse monitor). Behind a reverse proxy every
 * connection comes from the proxy: those defences would see one caller for all and lock every enterprise out
 * together, and a token used from many places would look like one. The proxies named in
 * RDX_GATEWAY_TRUSTED_PROXIES say whom they forward for in X-Forwarded-For; that header is believed from them
 * only, never from anyone else, and read from its right end (what the nearest proxy wrote) up to the first address
 * that is not a trusted proxy: what a client wrote further left is its own claim. The limits and the misuse
 * monitor count an IPv6 caller by its /64 ({@link addressNetwork}).
 */
import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';

/**
 * The shortest network prefix taken, by IP version: a wider network (`0.0.0.0/0`) would let most callers name
 * their own address, and hold as many connections as they like.
 */
const SHORTEST_PREFIX: Record<4 | 6, number> = { 4: 8, 6: 32 };
/** X-Forwarded-For entries read at most, from the right: a chain of proxies is a handful. */
const MAX_HOPS = 16;

/** The addresses and networks (`10.0.0.5`, `10.0.0.0/24`, `fd00::/64`) of the reverse proxies in front. */
export class TrustedProxies {
  private readonly list = new BlockList();

  /**
   * @param entries the setting's entries, kept as given (none: no proxy is trusted).
   * @throws Error naming the first entry that is not an IP address or a network narrow enough.
   */
  constructor(readonly entries: readonly string[]) {
    for (const entry of entries) {
      const [address = '', prefix, extra] = entry.split('/');
      const family = isIP(address) as 0 | 4 | 6;
      const bits = family === 4 ? 32 : 128;
      const length = prefix === undefined ? bits : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
      // An IPv4 address written as IPv6 (`::ffff:10.0.0.5`) is refused: written as IPv4 it is matched either way.
      if (family === 0 || extra !== undefined || !(length <= bits) || /^::ffff:/i.test(address))
        throw new Error(`"${entry}" is not an IP address or a network such as 10.0.0.0/24`);
      if (length < SHORTEST_PREFIX[family])
        throw new Error(
          `"${entry}" is wider than /${SHORTEST_PREFIX[family]}: most callers would name their own address`,
        );
      this.list.addSubnet(address, length, family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  /** Whether any proxy is trusted: without one, nothing of X-Forwarded-For is read and every address is capped. */
  get any(): boolean {
    return this.entries.length > 0;
  }

  has(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** An IPv4 client of a dual-stack socket (`::ffff:10.0.0.7`) as the address it is (`10.0.0.7`). */
export function plainAddress(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** IPv6's NAT64 prefix (RFC 6052): each address under it carries an IPv4 caller's address in its last 32 bits. */
const NAT64 = /^\[64:ff9b::(?:([0-9a-f]{1,4}):)?([0-9a-f]{1,4})\]$/;

/**
 * What the per-address defences count `address` (a caller's, as {@link callerAddress} gives it) by: an IPv4
 * address itself; an IPv6 address's /64, written `2001:db8:1:2::/64`. A /64 is the least an IPv6 network hands
 * one subscriber (a home line, a rented server), and its holder may send from any of its 2^64 addresses: counted
 * address by address, one such caller held as many connections, anonymous calls and token attempts as it had
 * addresses to send from. An address under NAT64 (`64:ff9b::/96`) stands for the IPv4 caller it carries. `::1`
 * and all of 127/8 are this machine's loopback, each of whose addresses is counted apart: the bench's flood and
 * a trusted proxy on the gateway's host are told from its other local callers by their address (docs/DEPLOY.md).
 */
export function addressNetwork(address: string): string {
  if (isIP(address) !== 6 || address === '::1') return address;
  // The URL parser writes an address canonically (lower case, zeros compressed, a dotted tail as hex); a zone
  // (`fe80::1%eth0`) it does not take names a link, whose /64 is the same on every one.
  const written = new URL(`http://[${address.replace(/%.*$/, '')}]/`).hostname;
  const nat64 = NAT64.exec(written);
  if (nat64) {
    const high = parseInt(nat64[1] ?? '0', 16);
    const low = parseInt(nat64[2]!, 16);
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  const [head = '', tail] = written.slice(1, -1).split('::');
  const groups = head === '' ? [] : head.split(':');
  if (tail !== undefined) {
    const rest = tail === '' ? [] : tail.split(':');
    groups.push(...Array<string>(8 - groups.length - rest.length).fill('0'), ...rest);
  }
  return `${new URL(`http://[${groups.slice(0, 4).join(':')}::]/`).hostname.slice(1, -1)}/64`;
}

/** The network a request's caller is counted by ({@link addressNetwork} of {@link callerAddress}). */
export function callerNetwork(req: IncomingMessage): string {
  return addressNetwork(callerAddress(req));
}

/** One X-Forwarded-For entry as an address: trimmed, without the port some proxies add (`[2001:db8::1]:443`). */
function hopAddress(entry: string): string {
  let address = entry.trim();
  if (address.startsWith('[')) {
    const end = address.indexOf(']');
    if (end > 0) address = address.slice(1, end);
  } else {
    // One colon is an IPv4 address and its port (`192.0.2.1:5678`); an IPv6 address has two or more.
    const colon = address.indexOf(':');
    if (colon > 0 && colon === address.lastIndexOf(':')) address = address.slice(0, colon);
  }
  return plainAddress(address);
}

/**
 * The caller behind `proxy` (a trusted proxy's address): the X-Forwarded-For entries read from the right, past
 * every trusted proxy, to the first address that is not one. An entry that is not an address ends the reading
 * at the last trusted hop: nothing left of it was written by a proxy the gateway trusts. At most
 * {@link MAX_HOPS} entries are read, however long the header.
 */
export function forwardedCaller(
  proxy: string,
  forwardedFor: string | string[] | undefined,
  proxies: TrustedProxies,
): string {
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
  let caller = proxy;
  let end = header.length;
  for (let hops = 0; hops < MAX_HOPS && end >= 0; hops++) {
    const start = header.lastIndexOf(',', end - 1);
    const hop = hopAddress(header.slice(start + 1, end));
    if (isIP(hop) === 0) break;
    caller = hop;
    if (!proxies.has(hop)) break;
    end = start;
  }
  return caller;
}

const FORWARDED = Symbol('rdx.forwardedCaller');
type Forwarded = IncomingMessage & { [FORWARDED]?: string };

/**
 * Reads, for a request that came through a trusted proxy, whom the proxy forwarded it for. Put first: every
 * per-address defence after it asks {@link callerAddress}.
 */
export function readForwardedCaller(proxies: TrustedProxies): RequestHandler {
  return (req, _res, next) => {
    const proxy = plainAddress(req.socket.remoteAddress);
    if (proxies.has(proxy))
      (req as Forwarded)[FORWARDED] = forwardedCaller(proxy, req.headers['x-forwarded-for'], proxies);
    next();
  };
}

/** Who `req` comes from: the caller a trusted proxy forwarded it for, else the connection's own address. */
export function callerAddress(req: IncomingMessage): string {
  return (req as Forwarded)[FORWARDED] ?? plainAddress(req.socket.remoteAddress);
}
