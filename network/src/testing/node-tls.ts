/**
 * A node's TLS folder for stand-ins of Fabric's binaries: a self-signed pair for 127.0.0.1 as the node's own
 * (server.crt, server.key) and as its org's TLS root (ca.crt), so the tooling's operations client
 * (operations.ts) can reach a stand-in that serves its operations endpoint over TLS, as the real node does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { selfSignedPair } from '@rdx/client/testing/openssl';

export function writeNodeTls(tlsDir: string): void {
  fs.mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
  const cert = path.join(tlsDir, 'server.crt');
  selfSignedPair(cert, path.join(tlsDir, 'server.key'), { cn: 'node', ip: '127.0.0.1' });
  fs.copyFileSync(cert, path.join(tlsDir, 'ca.crt'));
}
