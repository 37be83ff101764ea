/** Where the gateway started by the tooling lives: its URL and its data folder. */
import path from 'node:path';
import type { NetworkContext } from './context.js';

/** The id of the gateway the tooling starts: names its audit log and its anchor chain on the ledger. */
export const GATEWAY_ID = 'gw1';

/** The gateway's stores, token keys and event checkpoint. */
export function gatewayDataDir(ctx: NetworkContext): string {
  return path.join(ctx.paths.home, 'gateway', GATEWAY_ID);
}

export function gatewayUrl(ctx: NetworkContext): string {
  return `http://${ctx.topology.gateway.host}:${ctx.topology.gateway.port}`;
}
