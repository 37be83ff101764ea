/** Where the gateway started by the tooling lives: its URL and its data folder. */
import path from 'node:path';
import type { NetworkContext } from './context.js';

/** The gateway's stores, token keys and event checkpoint. */
export function gatewayDataDir(ctx: NetworkContext): string {
  return path.join(ctx.paths.home, 'gateway', 'gw1');
}

export function gatewayUrl(ctx: NetworkContext): string {
  return `http://${ctx.topology.gateway.host}:${ctx.topology.gateway.port}`;
}
