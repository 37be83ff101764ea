/**
 * Starting a CA: ready only when it serves. A stand-in for fabric-ca-server opens its operations port (/healthz) at
 * once and its own port a second later, as the real one does in a smaller way.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FabricInstall } from './binaries/fabric-binaries.js';
import { startCa } from './ca.js';
import { Paths } from './paths.js';
import { readPid, tcpOpen } from './proc.js';
import type { NodeSpec, OrgSpec } from './topology.js';

/** Two free ports on loopback. */
async function freePorts(): Promise<[number, number]> {
  const servers = [net.createServer(), net.createServer()];
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port) as [number, number];
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

describe('starting a CA', () => {
  it('waits for the CA’s own port, not only for its operations server’s /healthz, which answers first', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-ca-'));
    const paths = new Paths(path.join(dir, 'home'), dir);
    const [port, opsPort] = await freePorts();
    const org = { short: 'test', mspId: 'TestMSP' } as OrgSpec;
    const node = {
      name: 'ca.test',
      kind: 'ca',
      mspId: 'TestMSP',
      host: '127.0.0.1',
      port,
      opsPort,
    } as NodeSpec;
    // Already initialised: the stand-in is only ever started.
    fs.mkdirSync(paths.caHome('test'), { recursive: true });
    fs.writeFileSync(path.join(paths.caHome('test'), 'fabric-ca-server-config.yaml'), '');
    const server = path.join(dir, 'fabric-ca-server');
    fs.writeFileSync(
      server,
      `#!${process.execPath}
const http = require('node:http');
const net = require('node:net');
const [host, ops] = process.env.FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS.split(':');
const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
http.createServer((_req, res) => res.end('ok')).listen(Number(ops), host);
setTimeout(() => net.createServer((s) => s.end()).listen(port, host), 1000);
`,
      { mode: 0o755 },
    );
    try {
      await startCa({ bin: { 'fabric-ca-server': server } } as unknown as FabricInstall, paths, org, node);
      expect(await tcpOpen('127.0.0.1', port), 'the CA’s port when startCa returns').to.equal(true);
    } finally {
      const pid = readPid(paths, node.name);
      if (pid !== undefined) process.kill(pid, 'SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
