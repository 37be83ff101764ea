/**
 * Webhooks go to public addresses only (unless the operator allows private ones): tried as an attacker would,
 * with an internal IP written in the URL and with a name that resolves to this machine.
 */
import { expect } from 'chai';
import {
  addressProblem,
  isPublicAddress,
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
});
