/**
 * What a caller is told when it cannot reach a gateway serving HTTPS: which certificate problem, and what to
 * do about it, rather than a bare socket code.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { PublicGatewayApi } from './gateway-api.js';
import { GatewayUnavailableError } from './errors.js';

async function failureOf(call: Promise<unknown>): Promise<GatewayUnavailableError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof GatewayUnavailableError) return err;
    throw err;
  }
  throw new Error('the call succeeded');
}

describe('reaching a gateway that serves HTTPS', () => {
  let dir: string;
  let server: https.Server;
  let port: number;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-sdk-tls-'));
    // A certificate of a root this machine does not trust, for 127.0.0.1.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '1',
        '-subj',
        '/CN=gateway',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    server = https.createServer(
      { cert: fs.readFileSync(path.join(dir, 'cert.pem')), key: fs.readFileSync(path.join(dir, 'key.pem')) },
      (_req, res) => res.end('[]'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an untrusted certificate: names NODE_EXTRA_CA_CERTS, the way to trust the platform’s root', async () => {
    const err = await failureOf(new PublicGatewayApi(`https://127.0.0.1:${port}`).recipients());
    expect(err.code).to.equal('GATEWAY_UNAVAILABLE');
    expect(err.message).to.match(/SELF_SIGNED_CERT|UNABLE_TO_VERIFY/);
    expect(err.message).to.match(/NODE_EXTRA_CA_CERTS=<file>/);
  });

  it('a trusted certificate for another address: says so', async () => {
    const before = tls.getCACertificates('default');
    tls.setDefaultCACertificates([...before, fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8')]);
    try {
      // Trusted now, at the address it names …
      await new PublicGatewayApi(`https://127.0.0.1:${port}`).recipients();
      // … but localhost, the same machine, is a name the certificate does not hold.
      const err = await failureOf(new PublicGatewayApi(`https://localhost:${port}`).recipients());
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
      const err = await failureOf(new PublicGatewayApi(`https://${at}`).recipients());
      expect(err.message).to.contain(`it answered in plain HTTP`);
      expect(err.message).to.contain(`try http://${at}`);
    } finally {
      plain.close();
    }
  });

  it('plain HTTP to it: suggests https://', async () => {
    const err = await failureOf(new PublicGatewayApi(`http://127.0.0.1:${port}`).recipients());
    expect(err.message).to.contain(`try https://127.0.0.1:${port}`);
  });
});
