/**
 * The gateway behind a reverse proxy, tried the way a caller would: plain HTTP from several loopback addresses
 * (all of 127/8 is this machine's loopback on Linux), through a relay that forwards as nginx does (appending its
 * client's address to X-Forwarded-For) and straight at the gateway with a forged header.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import http from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { CODE } from '../testing/fixtures.js';
import { startHarness, type Harness } from '../testing/harness.js';
import { addressNetwork, forwardedCaller, TrustedProxies } from './caller-address.js';

/** The relay's own address: the one the gateway is told to trust. */
const PROXY = '127.0.0.3';
const STRANGER = '127.0.0.2';
const ENTERPRISE = '127.0.0.4';

interface Relay {
  base: string;
  close(): Promise<void>;
}

/** A reverse proxy on this host: it reaches `target` from `from` and says whom it forwards for. */
async function startRelay(target: string, from = PROXY): Promise<Relay> {
  const server = http.createServer((req, res) => {
    const before = req.headers['x-forwarded-for'];
    const forwardedFor = [before, req.socket.remoteAddress].filter((a) => a !== undefined).join(', ');
    const upstream = http.request(
      `${target}${req.url}`,
      {
        method: req.method,
        headers: { ...req.headers, 'x-forwarded-for': forwardedFor },
        localAddress: from,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A plain HTTP request from `localAddress`; answers its status. */
function ask(
  url: string,
  localAddress: string,
  opts: { form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<number> {
  const body = opts.form ? new URLSearchParams(opts.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: body === undefined ? 'GET' : 'POST',
        localAddress,
        headers: {
          ...opts.headers,
          ...(body === undefined
            ? {}
            : {
                'content-type': 'application/x-www-form-urlencoded',
                'content-length': String(Buffer.byteLength(body)),
              }),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const login = (secret: string): Record<string, string> => ({
  grant_type: 'client_credentials',
  client_id: CODE.AA,
  client_secret: secret,
});

/**
 * Six wrong secrets for the AA enterprise's id from the stranger, then its right secret from the enterprise's
 * own address (both through `base`): the status the enterprise got.
 */
async function strangerThenEnterprise(
  h: Harness,
  base: string,
  forged?: (i: number) => string,
): Promise<number> {
  h.setNow('2026-06-01T08:00:00Z');
  for (let i = 0; i < 6; i++) {
    const headers = forged ? { 'x-forwarded-for': forged(i) } : undefined;
    expect(await ask(`${base}/oauth/token`, STRANGER, { form: login(`guess-${i}`), headers })).to.equal(401);
  }
  return ask(`${base}/oauth/token`, ENTERPRISE, { form: login(h.secrets.get(CODE.AA)!) });
}

describe('the caller behind a trusted reverse proxy', () => {
  const guard = { freeFailures: 5, perClientPerMinute: 1000 };

  it('is read from X-Forwarded-For’s right end, past trusted proxies, whatever the client wrote to its left', () => {
    const proxies = new TrustedProxies(['10.9.0.0/16', 'fd00::/64']);
    const octet = fc.integer({ min: 0, max: 255 });
    const trustedHop = fc.oneof(
      fc.tuple(octet, octet).map(([a, b]) => `10.9.${a}.${b}`),
      fc.integer({ min: 1, max: 0xffff }).map((n) => `fd00::${n.toString(16)}`),
    );
    const client = fc
      .tuple(octet, octet, octet)
      .filter(([a]) => a !== 10)
      .map(([a, b, c]) => `${a}.${b}.${c}.7`);
    // Anything the client may claim: addresses (trusted ones too), junk, nothing.
    const claim = fc.oneof(
      trustedHop,
      client,
      fc.string().filter((s) => !s.includes(',')),
    );
    fc.assert(
      fc.property(
        fc.array(claim, { maxLength: 4 }),
        client,
        fc.array(trustedHop, { maxLength: 3 }),
        (claims, real, hops) => {
          const header = [...claims, real, ...hops].join(', ');
          expect(forwardedCaller('10.9.0.1', header, proxies)).to.equal(real);
          // Spaces or none after the commas, ports after the addresses: the same caller.
          expect(forwardedCaller('10.9.0.1', header.replace(/, /g, ','), proxies)).to.equal(real);
          expect(forwardedCaller('10.9.0.1', [`${real}:5678`, ...hops].join(', '), proxies)).to.equal(real);
        },
      ),
    );
    // Without the header the caller is the proxy itself; through trusted hops only, the farthest of them.
    expect(forwardedCaller('10.9.0.1', undefined, proxies)).to.equal('10.9.0.1');
    expect(forwardedCaller('10.9.0.1', '10.9.3.3, 10.9.2.2', proxies)).to.equal('10.9.3.3');
    // A junk entry (written by no trusted proxy) ends the reading at the last trusted hop.
    expect(forwardedCaller('10.9.0.1', '8.8.8.8, junk, 10.9.2.2', proxies)).to.equal('10.9.2.2');
    expect(forwardedCaller('10.9.0.1', '::ffff:192.0.2.1', proxies)).to.equal('192.0.2.1');
    expect(forwardedCaller('10.9.0.1', '2001:db8::1, fd00::7', proxies)).to.equal('2001:db8::1');
    expect(forwardedCaller('10.9.0.1', '[2001:db8::1]:443,\t[fd00::7]:80 ', proxies)).to.equal('2001:db8::1');
    // However long the chain of trusted hops, sixteen entries are read.
    const chain = Array.from({ length: 5000 }, (_, i) => `10.9.${i % 256}.1`).join(', ');
    expect(forwardedCaller('10.9.0.1', `192.0.2.9, ${chain}`, proxies)).to.equal(
      `10.9.${(5000 - 16) % 256}.1`,
    );
  });

  it('takes addresses and networks only, none wider than /8 (IPv4) or /32 (IPv6)', () => {
    const proxies = new TrustedProxies(['127.0.0.3', '10.0.0.0/8', '::1', 'fd00::/32']);
    for (const address of ['127.0.0.3', '10.200.1.1', '::1', 'fd00:0:1::5'])
      expect(proxies.has(address), address).to.equal(true);
    for (const address of ['127.0.0.2', '11.0.0.1', '::2', 'fd01::5', 'fe80::1', 'unknown', ''])
      expect(proxies.has(address), address).to.equal(false);
    for (const entry of [
      'proxy.example',
      '10.0.0.0/33',
      '10.0.0.1/8/1',
      '10.0.0.0/',
      'fd00::/129',
      '*',
      '::ffff:10.0.0.5',
      '::ffff:0:0/96',
    ])
      expect(() => new TrustedProxies([entry]), entry).to.throw(/is not an IP address or a network/);
    for (const entry of ['0.0.0.0/0', '10.0.0.0/7', '::/0', 'fd00::/31'])
      expect(() => new TrustedProxies([entry]), entry).to.throw(/is wider than \/(8|32)/);
  });

  describe('through a relay on this host', () => {
    before(function () {
      // The callers ask from several loopback addresses: all of 127/8 is the loopback on Linux.
      if (process.platform !== 'linux') this.skip();
    });
    let relay: Relay | undefined;
    let h: Harness | undefined;
    afterEach(async () => {
      await relay?.close();
      await h?.close();
      relay = h = undefined;
    });

    it('a stranger’s bogus secrets lock out the stranger only, not an enterprise behind the same proxy', async () => {
      h = await startHarness({ loginGuard: guard, trustedProxies: [PROXY] });
      relay = await startRelay(h.base);
      expect(await strangerThenEnterprise(h, relay.base)).to.equal(200);
      // The stranger itself is locked out, right secret or not.
      expect(
        await ask(`${relay.base}/oauth/token`, STRANGER, { form: login(h.secrets.get(CODE.AA)!) }),
      ).to.equal(429);
    });

    it('without the proxy trusted, everyone behind it is one caller: the enterprise is locked out with the stranger', async () => {
      h = await startHarness({ loginGuard: guard });
      relay = await startRelay(h.base);
      expect(await strangerThenEnterprise(h, relay.base)).to.equal(429);
    });

    it('a client’s own X-Forwarded-For does not move it, through the proxy or straight at the gateway', async () => {
      h = await startHarness({ loginGuard: guard, trustedProxies: [PROXY] });
      relay = await startRelay(h.base);
      // Through the relay: the stranger names a new address each time (the enterprise's, last); the relay
      // appends the stranger's real one, which is what counts.
      const forged = (i: number): string => (i === 5 ? ENTERPRISE : `192.0.2.${i}`);
      expect(await strangerThenEnterprise(h, relay.base, forged)).to.equal(200);
      expect(
        await ask(`${relay.base}/oauth/token`, STRANGER, {
          form: login(h.secrets.get(CODE.AA)!),
          headers: { 'x-forwarded-for': ENTERPRISE },
        }),
      ).to.equal(429);
      // Straight at the gateway the header is the stranger's word only: not believed either.
      await h.close();
      h = await startHarness({ loginGuard: guard, trustedProxies: [PROXY] });
      expect(await strangerThenEnterprise(h, h.base, forged)).to.equal(200);
      expect(
        await ask(`${h.base}/oauth/token`, STRANGER, {
          form: login(h.secrets.get(CODE.AA)!),
          headers: { 'x-forwarded-for': ENTERPRISE },
        }),
      ).to.equal(429);
    });

    it('a proxy on the gateway’s own loopback address, trusted: its callers are counted apart', async () => {
      h = await startHarness({ loginGuard: guard, trustedProxies: ['127.0.0.1'] });
      relay = await startRelay(h.base, '127.0.0.1');
      expect(await strangerThenEnterprise(h, relay.base)).to.equal(200);
    });
  });
});

describe('the network a caller is counted by', () => {
  /** Eight groups written in full, with leading zeros, in upper case, and as the URL parser compresses them. */
  const writings = (groups: number[]): string[] => {
    const full = groups.map((g) => g.toString(16).padStart(4, '0')).join(':');
    return [full, full.toUpperCase(), new URL(`http://[${full}]/`).hostname.slice(1, -1)];
  };

  it('is an IPv6 address’s /64, however the address is written: two callers share it exactly when their first 64 bits agree', () => {
    const group = fc.integer({ min: 0, max: 0xffff });
    // Not under NAT64 (64:ff9b::/96) and not ::1, which stand for themselves.
    const address = fc
      .array(group, { minLength: 8, maxLength: 8 })
      .filter((g) => g[0] !== 0x64 && g[0] !== 0);
    fc.assert(
      fc.property(address, address, fc.boolean(), (a, b, sameNetwork) => {
        const other = sameNetwork ? [...a.slice(0, 4), ...b.slice(4)] : b;
        const ofA = new Set(writings(a).map(addressNetwork));
        const ofOther = new Set(writings(other).map(addressNetwork));
        expect(ofA.size, [...ofA].join(' ')).to.equal(1);
        expect(ofOther.size, [...ofOther].join(' ')).to.equal(1);
        const [network] = ofA;
        expect(ofOther.has(network!)).to.equal(a.slice(0, 4).join() === other.slice(0, 4).join());
        expect(network).to.match(/\/64$/);
        expect(isIP(network!.slice(0, -3))).to.equal(6);
      }),
    );
    expect(addressNetwork('2001:db8:1:2:3:4:5:6')).to.equal('2001:db8:1:2::/64');
    expect(addressNetwork('2001:DB8:1:2::ffff:1.2.3.4')).to.equal('2001:db8:1:2::/64');
    expect(addressNetwork('fe80::1%eth0')).to.equal('fe80::/64');
  });

  it('is an IPv4 address itself, the IPv4 caller a NAT64 address carries, and each loopback address itself', () => {
    for (const address of ['192.0.2.7', '10.0.0.1', '127.0.0.2', '::1', 'unknown'])
      expect(addressNetwork(address), address).to.equal(address);
    expect(addressNetwork('64:ff9b::192.0.2.7')).to.equal('192.0.2.7');
    expect(addressNetwork('64:ff9b::c000:207')).to.equal('192.0.2.7');
    expect(addressNetwork('64:ff9b::7')).to.equal('0.0.0.7');
    // Past the /96, an address of that prefix is an IPv6 caller like any other.
    expect(addressNetwork('64:ff9b::1:c000:207')).to.equal('64:ff9b::/64');
  });
});
