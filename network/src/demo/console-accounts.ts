/**
 * Console accounts of the demo: one regulator (监管人员) client in the gateway's ClientRegistry, role
 * `regulator`, whose credentials go to `.rdx/demo/regulators.json` (mode 0600). Idempotent: a secret that
 * still verifies is kept, so a restart does not log anyone out of their notes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ClientRegistry } from '@rdx/gateway';
import type { NetworkContext } from '../context.js';
import { gatewayDataDir } from '../platform-paths.js';

export interface RegulatorCredentials {
  name: string;
  clientId: string;
  clientSecret: string;
  role: 'regulator';
  /** Where to log in. */
  console: string;
}

export const DEMO_REGULATOR = { clientId: 'regulator', name: '丽水市大数据发展管理局 监管人员（演示）' };

export function regulatorsFile(ctx: Pick<NetworkContext, 'paths'>): string {
  return path.join(ctx.paths.home, 'demo', 'regulators.json');
}

/** Registers the demo regulator with the gateway (same data folder) and writes its credentials. */
export function seedConsoleAccounts(
  ctx: Pick<NetworkContext, 'paths' | 'topology'> & { log?: (line: string) => void },
): RegulatorCredentials[] {
  const file = regulatorsFile(ctx);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let known: RegulatorCredentials[];
  try {
    known = JSON.parse(fs.readFileSync(file, 'utf8')) as RegulatorCredentials[];
  } catch {
    known = [];
  }
  // gatewayDataDir reads only the paths.
  const dataDir = gatewayDataDir(ctx as NetworkContext);
  fs.mkdirSync(dataDir, { recursive: true });
  const clients = ClientRegistry.open(path.join(dataDir, 'clients.db'));
  const { host, port } = ctx.topology.gateway;
  let out: RegulatorCredentials[];
  try {
    const previous = known.find((k) => k.clientId === DEMO_REGULATOR.clientId);
    const kept =
      previous !== undefined && clients.verify(previous.clientId, previous.clientSecret, 'regulator');
    const clientSecret = kept
      ? previous.clientSecret
      : clients.register(DEMO_REGULATOR.clientId, undefined, 'regulator');
    if (!kept)
      ctx.log?.(
        `  console regulator account "${DEMO_REGULATOR.clientId}" registered; its credentials: ${file}`,
      );
    out = [
      {
        name: DEMO_REGULATOR.name,
        clientId: DEMO_REGULATOR.clientId,
        clientSecret,
        role: 'regulator',
        console: `http://${host}:${port}/console/`,
      },
    ];
  } finally {
    clients.close();
  }
  fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync's mode applies only when it creates the file.
  fs.chmodSync(file, 0o600);
  return out;
}

/** Gives an onboarded enterprise a client secret for logging in to the console (tests and demos). */
export function registerEnterpriseClient(ctx: Pick<NetworkContext, 'paths'>, creditCode: string): string {
  const dataDir = gatewayDataDir(ctx as NetworkContext);
  fs.mkdirSync(dataDir, { recursive: true });
  const clients = ClientRegistry.open(path.join(dataDir, 'clients.db'));
  try {
    return clients.register(creditCode);
  } finally {
    clients.close();
  }
}
