/**
 * What a caller is told when it cannot reach a gateway serving HTTPS: which certificate problem, and what to
 * do about it, rather than a bare socket code. And the gateway root given for the gateway alone (the SDK's
 * gatewayCa, the CLI's --gateway-ca): trusted there, and nowhere else in the process.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import crypto from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { EnterpriseSession, PublicGatewayApi, RegulatorSession } from './gateway-api.js';
import { unavailable } from '../testing/gateway-failure.js';
import { InputError } from './errors.js';
import { selfSignedPair } from '../testing/openssl.js';

/** Makes a self-signed certificate for 127.0.0.1 in `dir` as `<name>.cert.pem` and `<name>.key.pem`. */
function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.cert.pem`);
  const key = path.join(dir, `${name}.key.pem`);
  selfSignedPair(cert, key, { cn: name, ip: '127.0.0.1' });
  return { cert, key };
}

/**
 * An HTTPS server on 127.0.0.1 with the pair `files`: a token at POST /oauth/token, a CSV at an open download,
 * `body` to everything else.
 */
async function httpsServer(files: { cert: string; key: string }, body: string): Promise<https.Server> {
  const server = https.createServer(
    { cert: fs.readFileSync(files.cert), key: fs.readFileSync(files.key) },
    (req, res) => {
      req.resume();
      if (req.url === '/oauth/token')
        return res
          .setHeader('content-type', 'application/json')
          .end(JSON.stringify({ access_token: 'a-token', token_type: 'Bearer', expires_in: 900 }));
      if (req.url?.startsWith('/v1/open/datasets/')) return res.end('uscc\r\n91331100MA2A0000XX\r\n');
      res.end(body);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('reaching a gateway that serves HTTPS', () => {
  let dir: string;
  let server: https.Server;
  let port: number;
  let gateway: { cert: string; key: string };
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-sdk-tls-'));
    // A certificate of a root this machine does not trust, for 127.0.0.1.
    gateway = selfSigned(dir, 'gateway');
    server = await httpsServer(gateway, '{"data":[]}');
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an untrusted certificate: names the ways to trust the gateway root for the gateway', async () => {
    const err = await unavailable(new PublicGatewayApi(`https://127.0.0.1:${port}`).recipients());
    expect(err.code).to.equal('GATEWAY_UNAVAILABLE');
    expect(err.message).to.match(/SELF_SIGNED_CERT|UNABLE_TO_VERIFY/);
    expect(err.message).to.match(/RDX_GATEWAY_CA=<file> for the rdx CLI, the gatewayCa option of the SDK/);
  });

  it('the gateway root given for the gateway: trusted there, and by nothing else in the process', async () => {
    const gatewayCa = fs.readFileSync(gateway.cert, 'utf8');
    expect(await new PublicGatewayApi(`https://127.0.0.1:${port}`, { gatewayCa }).recipients()).to.deep.equal(
      [],
    );
    // The process's own connections do not trust it: it was not added to the process's roots.
    const plain = await fetch(`https://127.0.0.1:${port}/`).then(
      () => 'answered',
      (err: { cause?: { code?: string } }) => err.cause?.code,
    );
    expect(plain, 'a plain fetch of the same process').to.match(/SELF_SIGNED_CERT|UNABLE_TO_VERIFY/);
  });

  it('the gateway root given for the gateway: a server the process trusts otherwise, but that root did not issue, is refused', async () => {
    // Another server, whose root the process trusts (as it would a public CA): it cannot pass for the gateway.
    const other = selfSigned(dir, 'elsewhere');
    const impostor = await httpsServer(other, '{"data":["not the gateway"]}');
    const before = tls.getCACertificates('default');
    tls.setDefaultCACertificates([...before, fs.readFileSync(other.cert, 'utf8')]);
    try {
      const at = `https://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
      expect(await new PublicGatewayApi(at).recipients(), 'trusted by the process').to.deep.equal([
        'not the gateway',
      ]);
      const err = await unavailable(
        new PublicGatewayApi(at, { gatewayCa: fs.readFileSync(gateway.cert) }).recipients(),
      );
      expect(err.message).to.match(/SELF_SIGNED_CERT|UNABLE_TO_VERIFY/);
      expect(err.message).to.contain('does not chain to the root given for it (gatewayCa, RDX_GATEWAY_CA)');
    } finally {
      tls.setDefaultCACertificates(before);
      impostor.close();
    }
  });

  it('the gateway root given for the gateway: the certificate must still name the host asked for', async () => {
    const gatewayCa = fs.readFileSync(gateway.cert);
    // The same machine, by a name the certificate does not hold.
    const err = await unavailable(
      new PublicGatewayApi(`https://localhost:${port}`, { gatewayCa }).recipients(),
    );
    expect(err.message).to.match(/ERR_TLS_CERT_ALTNAME_INVALID: its certificate is for another host name/);
  });

  it('every session of the SDK keeps the root it was given: tokens, downloads, the regulator’s', async () => {
    const url = `https://127.0.0.1:${port}`;
    const gatewayCa = fs.readFileSync(gateway.cert, 'utf8');
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const code = '91331100MA2A8QN43L';
    const sessions = (options: { gatewayCa?: string }) => ({
      secret: EnterpriseSession.withClientSecret(url, code, 's', undefined, options),
      key: EnterpriseSession.withPrivateKey(url, code, privateKeyPem, options),
      regulator: new RegulatorSession(url, 'reg-1', 's', options),
    });
    const pinned = sessions({ gatewayCa });
    for (const [name, session] of Object.entries(pinned))
      expect((await session.accessToken()).accessToken, name).to.equal('a-token');
    expect(await pinned.secret.download('market-notices')).to.equal('uscc\r\n91331100MA2A0000XX\r\n');
    // Without it the same calls are refused: the root is what let them through.
    const unpinned = sessions({});
    for (const [name, session] of Object.entries(unpinned))
      expect((await unavailable(session.accessToken())).message, name).to.match(
        /SELF_SIGNED_CERT|UNABLE_TO_VERIFY/,
      );
  });

  it('through the proxy Node is told to use (NODE_USE_ENV_PROXY, HTTPS_PROXY), with the root still pinned', async () => {
    // A CONNECT proxy that counts the tunnels it opens.
    const tunnels: string[] = [];
    const proxy = http.createServer();
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      tunnels.push(req.url ?? '');
      const [host, targetPort] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(targetPort), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const saved = { ...process.env };
    process.env.NODE_USE_ENV_PROXY = '1';
    process.env.HTTPS_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    try {
      const api = new PublicGatewayApi(`https://127.0.0.1:${port}`, {
        gatewayCa: fs.readFileSync(gateway.cert),
      });
      expect(await api.recipients()).to.deep.equal([]);
      expect(tunnels, 'the call went through the proxy').to.deep.equal([`127.0.0.1:${port}`]);
    } finally {
      for (const name of ['NODE_USE_ENV_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'no_proxy'])
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      proxy.closeAllConnections();
      proxy.close();
    }
  });

  it('a gateway root that holds no certificate is refused at once, by name', () => {
    for (const gatewayCa of [
      '',
      'not a certificate',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
    ])
      expect(() => new PublicGatewayApi('https://127.0.0.1:1', { gatewayCa }), JSON.stringify(gatewayCa))
        .to.throw(InputError)
        .with.property('message')
        .that.matches(/^the gateway's root certificate/);
  });

  it('a gateway root given for a plain http:// address is refused before anything is sent: it would guard nothing', async () => {
    // Whoever listens at the address (an impostor on the port): it must hear nothing, client secrets least of all.
    const heard: string[] = [];
    const listener = http.createServer((req, res) => {
      heard.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.end('{"data":[]}');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
      const gatewayCa = fs.readFileSync(gateway.cert, 'utf8');
      for (const make of [
        () => new PublicGatewayApi(url, { gatewayCa }),
        () =>
          EnterpriseSession.withClientSecret(url, '91331100MA2A8QN43L', 'the-secret', undefined, {
            gatewayCa,
          }),
        () => new RegulatorSession(url, 'reg-1', 'the-secret', { gatewayCa }),
      ])
        expect(make)
          .to.throw(InputError)
          .with.property('message')
          .that.matches(
            /a gateway root is given .* which is not https: .* use the gateway's https:\/\/ address/,
          );
      expect(heard).to.deep.equal([]);
    } finally {
      listener.close();
    }
  });

  it('the rdx CLI: --gateway-ca (or RDX_GATEWAY_CA) reaches the gateway; without it the hint; an unreadable file by name', async () => {
    const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
    // Not spawnSync: the gateway this test talks to is served by this very process.
    const rdx = (args: string[], env: Record<string, string> = {}) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          [cli, '--gateway', `https://127.0.0.1:${port}`, ...args],
          { env: { PATH: process.env.PATH, HOME: dir, ...env }, encoding: 'utf8' },
          (err, stdout, stderr) => resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
        ),
      );
    const pulled = await rdx(['--gateway-ca', gateway.cert, 'download', 'market-notices']);
    expect(pulled.status, pulled.stderr).to.equal(0);
    expect(pulled.stdout).to.equal('uscc\r\n91331100MA2A0000XX\r\n');
    const fromEnv = await rdx(['download', 'market-notices'], { RDX_GATEWAY_CA: gateway.cert });
    expect(fromEnv.status, fromEnv.stderr).to.equal(0);
    const without = await rdx(['download', 'market-notices']);
    expect(without.status).to.not.equal(0);
    expect(without.stderr).to.contain('RDX_GATEWAY_CA=<file>');
    const empty = await rdx(['--gateway-ca', '', 'download', 'market-notices']);
    expect(empty.status).to.not.equal(0);
    expect(empty.stderr).to.contain('--gateway-ca needs the file');
    const missing = await rdx(['--gateway-ca', path.join(dir, 'nowhere.pem'), 'download', 'market-notices']);
    expect(missing.status).to.not.equal(0);
    expect(missing.stderr).to.match(
      /FILE_UNREADABLE[\s\S]*cannot read the gateway's root certificate .*nowhere\.pem/,
    );
  });

  it('a trusted certificate for another address: says so', async () => {
    const before = tls.getCACertificates('default');
    tls.setDefaultCACertificates([...before, fs.readFileSync(gateway.cert, 'utf8')]);
    try {
      // Trusted now, at the address it names …
      await new PublicGatewayApi(`https://127.0.0.1:${port}`).recipients();
      // … but localhost, the same machine, is a name the certificate does not hold.
      const err = await unavailable(new PublicGatewayApi(`https://localhost:${port}`).recipients());
      expect(err.message).to.match(/ERR_TLS_CERT_ALTNAME_INVALID: its certificate is for another host name/);
    } finally {
      tls.setDefaultCACertificates(before);
    }
  });

  it('https:// to a gateway serving plain HTTP (one on loopback): suggests http://', async () => {
    const plain = http.createServer((_req, res) => res.end('[]'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const at = `127.0.0.1:${(plain.address() as AddressInfo).port}`;
      const err = await unavailable(new PublicGatewayApi(`https://${at}`).recipients());
      expect(err.message).to.contain(`it answered in plain HTTP`);
      expect(err.message).to.contain(`try http://${at}`);
    } finally {
      plain.close();
    }
  });

  it('plain HTTP to it: suggests https://', async () => {
    const err = await unavailable(new PublicGatewayApi(`http://127.0.0.1:${port}`).recipients());
    expect(err.message).to.contain(`try https://127.0.0.1:${port}`);
  });
});
