/**
 * The address a request comes from, as the per-address defences count it (the token endpoint's guard, the
 * anonymous routes' rate, public complaints, open downloads, the misuse monitor) and as /metrics judges "this
 * host". Behind a reverse proxy every connection comes from the proxy: those defences would see one caller for
 * all and lock every enterprise out together, a token used from many places would look like one, and a proxy on
 * the gateway's own host would make every caller local. The proxies named in RDX_GATEWAY_TRUSTED_PROXIES say whom
 * they forward for in X-Forwarded-For; that header is believed from them only, never from anyone else, and read
 * from its right end (what the nearest proxy wrote) up to the first address that is not a trusted proxy: what a
 * client wrote further left is its own claim.
 */
import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';

/** The addresses and networks (`10.0.0.5`, `10.0.0.0/24`, `fd00::/64`) of the reverse proxies in front. */
export class TrustedProxies {
  private readonly list = new BlockList();

  /** @throws Error naming the first entry that is neither an IP address nor address/prefix. */
  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address = '', prefix, extra] = entry.split('/');
      const family = isIP(address);
      const bits = family === 4 ? 32 : 128;
      const length = prefix === undefined ? bits : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
      if (family === 0 || extra !== undefined || !(length >= 0 && length <= bits))
        throw new Error(`"${entry}" is not an IP address or a network such as 10.0.0.0/24`);
      this.list.addSubnet(address, length, family === 4 ? 'ipv4' : 'ipv6');
    }
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

/**
 * The caller behind `proxy` (a trusted proxy's address): the X-Forwarded-For entries read from the right, past
 * every trusted proxy, to the first address that is not one. An entry that is not an address ends the reading
 * at the last trusted hop: nothing left of it was written by a proxy the gateway trusts.
 */
export function forwardedCaller(
  proxy: string,
  forwardedFor: string | string[] | undefined,
  proxies: TrustedProxies,
): string {
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
  const hops = header.split(',');
  let caller = proxy;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = plainAddress(hops[i]!.trim());
    if (isIP(hop) === 0) break;
    caller = hop;
    if (!proxies.has(hop)) break;
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

/** Whether `req` came through one of the trusted proxies (whoever it was forwarded for). */
export function cameThroughProxy(req: IncomingMessage): boolean {
  return (req as Forwarded)[FORWARDED] !== undefined;
}
