/**
 * Another gateway of the bureau for the end-to-end tests, as an operator runs several: registered on the ledger,
 * its own id, port, data folder and settings (e.g. its stores on PostgreSQL); a demo dataset is loaded into it
 * with `loadDemoVersion` (@rdx/network).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { gatewayEnv, registerGateway } from '@rdx/network';
import { config, networkContext, paths, topology } from './fabric-client.js';
import { eventually } from './gateway-client-e2e.js';

export interface ExtraGateway {
  url: string;
  child: ChildProcess;
}

/** Registers `id` (idempotent), starts its gateway on `port` with `settings` added, and waits until it is ready. */
export async function startGateway(
  id: string,
  port: number,
  settings: Record<string, string> = {},
): Promise<ExtraGateway> {
  await registerGateway(networkContext, id);
  const env = gatewayEnv(networkContext, { id, port, dataDir: path.join(paths.home, 'gateway', id) });
  const child = spawn(process.execPath, [path.join(config.repoRoot, 'gateway', 'dist', 'main.js')], {
    env: { ...env, ...settings },
    stdio: 'ignore',
  });
  // Where it listens: the platform gateway's host, or the address its settings give (an IPv6 one in brackets).
  const host = settings.RDX_GATEWAY_HOST ?? topology.gateway.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`gateway ${id} exited with ${child.exitCode}`);
      return (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200;
    },
    60_000,
    `gateway ${id} is ready`,
  );
  return { url, child };
}

/** Stops a gateway with `signal` and waits until its process has exited. */
export async function stopGateway(gateway: ExtraGateway, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) return;
  const exited = new Promise((r) => gateway.child.once('exit', r));
  gateway.child.kill(signal);
  await exited;
}
