/**
 * Webhooks go to public addresses only (unless the operator allows private ones): tried as an attacker would,
 * with an internal IP written in the URL and with a name that resolves to this machine; names whose DNS never
 * answers hold up no one else's lookups, and a refusal says nothing of what a name resolved to.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import dns from 'node:dns';
import type net from 'node:net';
import { promisify } from 'node:util';
import {
  addressProblem,
  guardedLookup,
  hostResolver,
  isPublicAddress,
  namesToAsk,
  LOOPBACK_OFF,
  PUBLIC_ONLY,
  type WebhookReach,
} from './webhook-address.js';
import { post } from './webhook-dispatcher.js';
import { webhookUrlProblem } from '../routes/inbox.js';
import { startReceiver } from '../testing/webhook-receiver.js';

const REQUEST = { headers: { 'content-type': 'application/json' }, body: '{}' };
/** A trial gateway's settings: plain HTTP to this machine allowed. */
const TRIAL: WebhookReach = { private: false, loopback: true };
const PRIVATE: WebhookReach = { private: true, loopback: false };

describe('where webhooks may go', () => {
  it('public addresses are public; loopback, private, link-local, CGNAT, mapped and multicast are not', () => {
    for (const a of ['8.8.8.8', '114.114.114.114', '2400:3200::1'])
      expect(isPublicAddress(a), a).to.equal(true);
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      'not an address',
    ])
      expect(isPublicAddress(a), a).to.equal(false);
  });

  it('HTTPS to a private address only when allowed; plain HTTP only to this machine, and only when allowed', () => {
    expect(addressProblem('10.0.0.8', 'https:', PUBLIC_ONLY)).to.match(/not a public address/);
    expect(addressProblem('10.0.0.8', 'https:', PRIVATE)).to.equal(undefined);
    expect(addressProblem('127.0.0.1', 'http:', TRIAL)).to.equal(undefined);
    expect(addressProblem('127.0.0.1', 'http:', PUBLIC_ONLY)).to.match(/RDX_WEBHOOK_ALLOW_LOOPBACK=on/);
    expect(addressProblem('10.0.0.8', 'http:', { private: true, loopback: true })).to.match(
      /plain HTTP goes only to this machine/,
    );
    expect(webhookUrlProblem('https://10.0.0.8/hook', PUBLIC_ONLY)).to.match(/not a public address/);
    expect(webhookUrlProblem('https://[fd00::1]/hook', PUBLIC_ONLY)).to.match(/not a public address/);
    expect(webhookUrlProblem('https://10.0.0.8/hook', PRIVATE)).to.equal(undefined);
    expect(webhookUrlProblem('https://hooks.example.cn/rdx', PUBLIC_ONLY)).to.equal(undefined);
    expect(webhookUrlProblem('http://127.0.0.1:3010/status', TRIAL)).to.equal(undefined);
    expect(webhookUrlProblem('http://127.0.0.1:3010/status', PUBLIC_ONLY)).to.match(
      /RDX_WEBHOOK_ALLOW_LOOPBACK=on/,
    );
  });

  it('this machine over HTTPS too only when allowed: private networks allowed do not open the gateway’s own host', () => {
    for (const address of [
      '127.0.0.1',
      '127.8.9.10',
      '0.0.0.0',
      '0.1.2.3',
      '::1',
      '::',
      '::ffff:127.0.0.1',
    ]) {
      expect(addressProblem(address, 'https:', PRIVATE), address).to.equal(LOOPBACK_OFF);
      expect(addressProblem(address, 'https:', TRIAL), address).to.equal(undefined);
    }
    expect(webhookUrlProblem('https://0.0.0.0:3010/status', PRIVATE)).to.equal(LOOPBACK_OFF);
    expect(webhookUrlProblem('https://[::ffff:127.0.0.1]:3010/', PRIVATE)).to.equal(LOOPBACK_OFF);
    expect(webhookUrlProblem('https://192.168.1.9/hook', PRIVATE)).to.equal(undefined);
  });

  it('a delivery connects to nothing internal: an IP in the URL, or a name that resolves to this machine', async () => {
    const r = await startReceiver();
    try {
      const port = new URL(r.url).port;
      // Private networks allowed, as on an intranet: still not the gateway's own host, by IP or by name.
      const literal = await post(`https://127.0.0.1:${port}/hook`, REQUEST, 2000, PRIVATE);
      expect(literal).to.deep.equal({ ok: false, result: LOOPBACK_OFF });
      const named = await post(`https://localhost:${port}/hook`, REQUEST, 2000, PRIVATE);
      expect(named).to.deep.equal({ ok: false, result: LOOPBACK_OFF });
      const unspecified = await post(`http://0.0.0.0:${port}/hook`, REQUEST, 2000, PRIVATE);
      expect(unspecified).to.deep.equal({ ok: false, result: LOOPBACK_OFF });
      expect(r.got, 'nothing reached the internal receiver').to.deep.equal([]);
      // Plain HTTP to this machine only where the operator allows it (a trial), and then it goes through.
      expect(await post(r.url, REQUEST, 2000, PUBLIC_ONLY)).to.deep.equal({
        ok: false,
        result: LOOPBACK_OFF,
      });
      expect(r.got, 'nothing reached the receiver on loopback').to.deep.equal([]);
      expect(await post(r.url, REQUEST, 2000, TRIAL)).to.deep.equal({ ok: true, result: 'HTTP 204' });
      expect(r.got).to.have.length(1);
    } finally {
      await r.close();
    }
  });

  it('names whose DNS never answers give up within seconds and keep no thread of the pool other lookups need', async function () {
    this.timeout(20_000);
    const mute = dgram.createSocket('udp4');
    mute.on('message', () => undefined);
    await new Promise<void>((resolve) => mute.bind(0, '127.0.0.1', resolve));
    try {
      const resolve = hostResolver([`127.0.0.1:${mute.address().port}`]);
      const started = performance.now();
      // More than libuv's thread pool has threads: getaddrinfo held one each, for ten seconds.
      const hanging = Array.from({ length: 8 }, (_, i) =>
        resolve(`hang-${i}.rdx-review.test`).then(
          () => 'resolved',
          () => performance.now() - started,
        ),
      );
      const pooled = performance.now();
      await Promise.all([
        promisify(crypto.pbkdf2)('x', 'salt', 1000, 32, 'sha256'),
        dns.promises.lookup('127.0.0.1'),
      ]);
      expect(performance.now() - pooled, 'the thread pool’s work meanwhile').to.be.below(1_000);
      for (const waited of await Promise.all(hanging))
        expect(waited, 'each gives up, bounded').to.be.a('number').and.below(8_000);
    } finally {
      mute.close();
    }
  });

  it('a name refused says nothing of what it resolved to: private addresses and no address answer alike', async () => {
    const lookup = (resolve: (name: string) => Promise<dns.LookupAddress[]>): Promise<string> =>
      new Promise((done) => {
        const fn: net.LookupFunction = guardedLookup('https:', PUBLIC_ONLY, resolve);
        fn('intranet.example.gov', { all: true }, (err) => done(err?.message ?? 'allowed'));
      });
    const mixed = await lookup(() =>
      Promise.resolve([
        { address: '93.184.216.34', family: 4 },
        { address: '10.20.30.40', family: 4 },
      ]),
    );
    const missing = await lookup(() =>
      Promise.reject(Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' })),
    );
    expect(mixed).not.to.include('10.20.30.40');
    expect(mixed).to.equal(missing);
    expect(mixed).to.equal(
      'intranet.example.gov has no public address (RDX_WEBHOOK_ALLOW_PRIVATE=on allows private ones)',
    );
    expect(await lookup(() => Promise.resolve([{ address: '93.184.216.34', family: 4 }]))).to.equal(
      'allowed',
    );
  });

  it('a short name is asked in the search domains first, as the system resolver would; a dotted or rooted name as it is', () => {
    expect(namesToAsk('hooks', ['corp.test', 'gov.cn'])).to.deep.equal([
      'hooks.corp.test',
      'hooks.gov.cn',
      'hooks',
    ]);
    expect(namesToAsk('hooks.example.com', ['corp.test'])).to.deep.equal(['hooks.example.com']);
    expect(namesToAsk('hooks.', ['corp.test'])).to.deep.equal(['hooks']);
    expect(namesToAsk('hooks', [])).to.deep.equal(['hooks']);
  });
});
