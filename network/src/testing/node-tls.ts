/**
 * A node's TLS folder for stand-ins of Fabric's binaries: a self-signed pair for 127.0.0.1 as the node's own
 * (server.crt, server.key) and as its org's TLS root (ca.crt), so the tooling's operations client
 * (operations.ts) can reach a stand-in that serves its operations endpoint over TLS, as the real node does.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function writeNodeTls(tlsDir: string): void {
  fs.mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
  const [cert, key] = [path.join(tlsDir, 'server.crt'), path.join(tlsDir, 'server.key')];
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
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=node',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  fs.copyFileSync(cert, path.join(tlsDir, 'ca.crt'));
}
