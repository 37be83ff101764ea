/**
 * The settings this gateway reads for browsers, anonymous callers and reminders: a wrong value stops the start
 * with a message naming it, and the defaults are the safe ones (no browser origin, a per-address limit).
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tlsServerPair } from './testing/test-ca.js';
import { ConfigError, loadConfig } from './config.js';

describe('gateway settings for browsers and anonymous callers', () => {
  let dir: string;
  let base: NodeJS.ProcessEnv;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-config-'));
    for (const f of ['cert.pem', 'key.pem', 'peer-tls.pem']) fs.writeFileSync(path.join(dir, f), 'x');
    base = {
      RDX_GATEWAY_CERT: path.join(dir, 'cert.pem'),
      RDX_GATEWAY_KEY: path.join(dir, 'key.pem'),
      RDX_PEER_TLS_ROOT: path.join(dir, 'peer-tls.pem'),
      RDX_PEER_ENDPOINT: '127.0.0.1:7050',
      RDX_GATEWAY_DATA: dir,
    };
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('no browser origin and 50 calls a second per address unless told otherwise', () => {
    const config = loadConfig(base);
    expect(config.corsOrigins).to.deep.equal([]);
    expect(config.anonymousRatePerSecond).to.equal(50);
  });

  it('takes origins as a browser sends them, and refuses anything else by name', () => {
    const config = loadConfig({
      ...base,
      RDX_CORS_ORIGINS: 'https://portal.example.cn, http://127.0.0.1:8080',
    });
    expect(config.corsOrigins).to.deep.equal(['https://portal.example.cn', 'http://127.0.0.1:8080']);
    for (const bad of [
      '*',
      'https://portal.example.cn/',
      'https://portal.example.cn/path',
      'ftp://x.cn',
      'portal',
    ])
      expect(() => loadConfig({ ...base, RDX_CORS_ORIGINS: bad }), bad)
        .to.throw(ConfigError)
        .with.property('message')
        .that.matches(/^RDX_CORS_ORIGINS: /);
    expect(() => loadConfig({ ...base, RDX_ANONYMOUS_RATE_PER_SECOND: '0' })).to.throw(
      /RDX_ANONYMOUS_RATE_PER_SECOND must be an integer/,
    );
  });

  it('trusts no proxy unless told, takes addresses and networks, and refuses anything else by name', () => {
    expect(loadConfig(base).trustedProxies.entries).to.deep.equal([]);
    expect(
      loadConfig({ ...base, RDX_GATEWAY_TRUSTED_PROXIES: ' 10.0.0.5, fd00::/64,' }).trustedProxies.entries,
    ).to.deep.equal(['10.0.0.5', 'fd00::/64']);
    for (const bad of ['proxy.example', '10.0.0.0/33', '*'])
      expect(() => loadConfig({ ...base, RDX_GATEWAY_TRUSTED_PROXIES: bad }), bad)
        .to.throw(ConfigError)
        .with.property('message')
        .that.satisfies((m: string) =>
          m.startsWith(`RDX_GATEWAY_TRUSTED_PROXIES: "${bad}" is not an IP address or a network`),
        );
  });

  it('serves metrics on the API port + 20 unless told another port or off, and refuses anything else by name', () => {
    expect(loadConfig(base).metricsPort).to.equal(3020);
    expect(loadConfig({ ...base, RDX_GATEWAY_PORT: '3400' }).metricsPort).to.equal(3420);
    expect(
      loadConfig({ ...base, RDX_GATEWAY_PORT: '0' }).metricsPort,
      'a free port beside a free one',
    ).to.equal(0);
    expect(loadConfig({ ...base, RDX_GATEWAY_METRICS_PORT: '9464' }).metricsPort).to.equal(9464);
    expect(loadConfig({ ...base, RDX_GATEWAY_METRICS_PORT: 'off' }).metricsPort).to.equal(undefined);
    for (const [bad, message] of [
      [{ RDX_GATEWAY_METRICS_PORT: '65536' }, /must be a port from 0 to 65535, or off, got "65536"/],
      [{ RDX_GATEWAY_METRICS_PORT: 'no' }, /must be a port from 0 to 65535, or off, got "no"/],
      [{ RDX_GATEWAY_METRICS_PORT: '3000' }, /must differ from RDX_GATEWAY_PORT \(3000\)/],
      [{ RDX_GATEWAY_PORT: '65530' }, /its default, RDX_GATEWAY_PORT \+ 20, is past 65535/],
    ] as const)
      expect(() => loadConfig({ ...base, ...bad }), JSON.stringify(bad))
        .to.throw(ConfigError)
        .with.property('message')
        .that.matches(/^RDX_GATEWAY_METRICS_PORT/)
        .and.matches(message);
  });

  it('reminds of a review 3 working days and a duty 7 days ahead unless told otherwise, within what the ledger looks ahead', () => {
    expect(loadConfig(base).reviewReminderDays).to.equal(3);
    expect(loadConfig({ ...base, RDX_REVIEW_REMINDER_DAYS: '10' }).reviewReminderDays).to.equal(10);
    for (const bad of ['31', '-1', 'soon'])
      expect(() => loadConfig({ ...base, RDX_REVIEW_REMINDER_DAYS: bad }), bad).to.throw(
        /RDX_REVIEW_REMINDER_DAYS must be an integer/,
      );
    // A duty: 7 calendar days ahead, at most a quarter.
    expect(loadConfig(base).dutyReminderDays).to.equal(7);
    expect(loadConfig({ ...base, RDX_DUTY_REMINDER_DAYS: '92' }).dutyReminderDays).to.equal(92);
    expect(() => loadConfig({ ...base, RDX_DUTY_REMINDER_DAYS: '93' })).to.throw(
      /RDX_DUTY_REMINDER_DAYS must be an integer/,
    );
  });

  it('watches for misuse with the stated defaults unless switched off; agreed hours as from-to', () => {
    expect(loadConfig(base).misuse).to.deep.equal({
      volumeFactor: 10,
      volumeMinRows: 5000,
      walkShare: 0.8,
      walkMinRows: 200,
      probesPerHour: 100,
      deniedPerHour: 30,
    });
    expect(loadConfig({ ...base, RDX_MISUSE: 'off' }).misuse).to.equal(undefined);
    expect(loadConfig({ ...base, RDX_MISUSE_HOURS: '08-20' }).misuse?.hours).to.deep.equal([8, 20]);
    for (const bad of ['8', '20-08', '08-25', 'office'])
      expect(() => loadConfig({ ...base, RDX_MISUSE_HOURS: bad }), bad).to.throw(/RDX_MISUSE_HOURS/);
    expect(() => loadConfig({ ...base, RDX_MISUSE_WALK_SHARE: '1.5' })).to.throw(/RDX_MISUSE_WALK_SHARE/);
  });

  it('sends webhooks to this machine only where every caller is on it, unless told otherwise', () => {
    // On loopback, no proxy in front: no one but this machine's users reaches the gateway, a trial.
    expect(loadConfig(base).webhookReach).to.deep.equal({ private: false, loopback: true });
    // Reached over a network, an enterprise must not make it post to what its host keeps on loopback.
    const reached = { ...base, RDX_GATEWAY_HOST: '10.0.0.2', RDX_GATEWAY_PLAIN_HTTP: 'on' };
    expect(loadConfig(reached).webhookReach).to.deep.equal({ private: false, loopback: false });
    expect(
      loadConfig({ ...reached, RDX_WEBHOOK_ALLOW_LOOPBACK: 'on', RDX_WEBHOOK_ALLOW_PRIVATE: 'on' })
        .webhookReach,
    ).to.deep.equal({ private: true, loopback: true });
    expect(loadConfig({ ...base, RDX_WEBHOOK_ALLOW_LOOPBACK: 'off' }).webhookReach.loopback).to.equal(false);
    // Behind a TLS proxy on its own host the gateway listens on loopback, but its callers come over a network: its
    // issuer names the address they use, or the proxy is named as trusted.
    for (const behindProxy of [
      { ...base, RDX_TOKEN_ISSUER: 'https://api.lishui.example' },
      { ...base, RDX_GATEWAY_TRUSTED_PROXIES: '127.0.0.2' },
    ])
      expect(loadConfig(behindProxy).webhookReach.loopback).to.equal(false);
    expect(() => loadConfig({ ...base, RDX_WEBHOOK_ALLOW_LOOPBACK: 'maybe' })).to.throw(
      /RDX_WEBHOOK_ALLOW_LOOPBACK/,
    );
  });

  it('serves plain HTTP on loopback only: off it, HTTPS or an explicit plain HTTP', () => {
    const plain = loadConfig(base);
    expect(plain.https).to.equal(undefined);
    expect(plain.issuer).to.equal('http://127.0.0.1:3000');
    for (const host of ['10.0.0.2', '0.0.0.0', 'gateway.lishui.example', '::'])
      expect(() => loadConfig({ ...base, RDX_GATEWAY_HOST: host }), host)
        .to.throw(ConfigError)
        .with.property('message')
        .that.matches(/^RDX_GATEWAY_HOST=\S+ reaches beyond this machine.*RDX_GATEWAY_HTTPS_CERT/);
    expect(
      loadConfig({ ...base, RDX_GATEWAY_HOST: '10.0.0.2', RDX_GATEWAY_PLAIN_HTTP: 'on' }).https,
    ).to.equal(undefined);
    const pair = tlsServerPair(fs.mkdtempSync(path.join(dir, 'tls-')));
    const withPair = { ...base, RDX_GATEWAY_HTTPS_CERT: pair.cert, RDX_GATEWAY_HTTPS_KEY: pair.key };
    const served = loadConfig({ ...withPair, RDX_GATEWAY_HOST: '10.0.0.2', RDX_GATEWAY_PORT: '3400' });
    expect(served.https).to.deep.equal({ certPath: pair.cert, keyPath: pair.key });
    // Tokens name the URL callers use, and a client assertion's audience is its token endpoint: on 443 that
    // is the origin without a port, as the SDK builds it.
    expect(served.issuer).to.equal('https://10.0.0.2:3400');
    expect(
      loadConfig({ ...withPair, RDX_GATEWAY_HOST: '10.0.0.2', RDX_GATEWAY_PORT: '443' }).issuer,
    ).to.equal('https://10.0.0.2');
    expect(loadConfig({ ...base, RDX_GATEWAY_HOST: '::1' }).issuer).to.equal('http://[::1]:3000');
    expect(loadConfig({ ...withPair, RDX_GATEWAY_HOST: 'fd00::2' }).issuer).to.equal(
      'https://[fd00::2]:3000',
    );
    // Files that are not a certificate and its key stop the start with a message, not a stack trace.
    expect(() => loadConfig({ ...withPair, RDX_GATEWAY_HTTPS_KEY: path.join(dir, 'key.pem') }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(
        /^RDX_GATEWAY_HTTPS_CERT and RDX_GATEWAY_HTTPS_KEY are not a PEM certificate and its key/,
      );
    expect(() => loadConfig({ ...base, RDX_GATEWAY_HTTPS_CERT: path.join(dir, 'cert.pem') }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(/go together/);
    expect(() =>
      loadConfig({
        ...base,
        RDX_GATEWAY_HTTPS_CERT: path.join(dir, 'none.pem'),
        RDX_GATEWAY_HTTPS_KEY: path.join(dir, 'key.pem'),
      }),
    )
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(/^RDX_GATEWAY_HTTPS_CERT=.*no such file/);
  });
});
