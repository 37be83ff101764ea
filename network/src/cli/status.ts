/**
 * `npm run status`: every process with its address, pid, health and block height, the gateway's metrics
 * listener, and the supervisor (a warning when processes run without one).
 */
import { METRICS_HOST } from '@rdx/gateway';
import type { NetworkContext } from '../context.js';
import { ordererChannelInfo, peerHeight } from '../channel.js';
import { expiryWarnings } from '../certificates.js';
import { CLERK_PROCESS, clerkHealth } from '../clerk-process.js';
import {
  GATEWAY_PROCESS,
  gatewayMetricsHeaders,
  gatewayMetricsUrl,
  gatewayUrl,
  httpStatus,
} from '../platform.js';
import { trustGatewayRoot } from '../gateway-trust.js';
import { nodeHealthy } from '../operations.js';
import { healthz, runningPid, tcpOpen } from '../proc.js';
import { OPS_HOST, type NodeSpec } from '../topology.js';
import { startForThisNetwork } from '../config.js';
import { SUPERVISOR } from './supervise.js';

async function health(ctx: NetworkContext, node: NodeSpec): Promise<string> {
  if (node.kind === 'peer' || node.kind === 'orderer')
    return (await nodeHealthy(ctx.paths, ctx.topology, node)) ? 'healthy' : 'unhealthy';
  if (node.opsPort !== undefined) return (await healthz(OPS_HOST, node.opsPort)) ? 'healthy' : 'unhealthy';
  return (await tcpOpen(node.host, node.port)) ? 'listening' : 'not listening';
}

async function height(ctx: NetworkContext, node: NodeSpec): Promise<string> {
  if (node.kind === 'peer') return String((await peerHeight(ctx, node)) ?? '-');
  if (node.kind === 'orderer') return String((await ordererChannelInfo(ctx, node))?.height ?? '-');
  return '';
}

export async function printStatus(ctx: NetworkContext): Promise<void> {
  const rows: string[][] = [['process', 'org', 'address', 'pid', 'health', 'height']];
  for (const node of ctx.topology.nodes) {
    const pid = runningPid(ctx.paths, node.name);
    rows.push([
      node.name,
      node.mspId,
      `${node.host}:${node.port}`,
      pid ? String(pid) : 'stopped',
      pid ? await health(ctx, node) : '-',
      pid ? await height(ctx, node) : '',
    ]);
  }
  const gw = runningPid(ctx.paths, GATEWAY_PROCESS);
  if (gw) trustGatewayRoot(ctx);
  const ready = gw ? await httpStatus(`${gatewayUrl(ctx)}/readyz`) : undefined;
  rows.push([
    GATEWAY_PROCESS,
    'BureauMSP',
    `${ctx.topology.gateway.host}:${ctx.topology.gateway.port}`,
    gw ? String(gw) : 'stopped',
    gw ? (ready === 200 ? 'ready' : `not ready (${ready ?? 'no answer'})`) : '-',
    '',
  ]);
  // The same process's metrics listener, on the host's loopback: where a scraper on this host points.
  const scraped = gw
    ? await httpStatus(`${gatewayMetricsUrl(ctx)}/metrics`, 3000, gatewayMetricsHeaders(ctx))
    : undefined;
  rows.push([
    `${GATEWAY_PROCESS}-metrics`,
    'BureauMSP',
    `${METRICS_HOST}:${ctx.topology.gateway.metricsPort}`,
    gw ? String(gw) : 'stopped',
    gw ? (scraped === 200 ? 'serving' : `not serving (${scraped ?? 'no answer'})`) : '-',
    '',
  ]);
  const clerk = runningPid(ctx.paths, CLERK_PROCESS);
  const clerkState = clerk ? await clerkHealth(ctx) : { health: '-', warnings: [] };
  rows.push([
    CLERK_PROCESS,
    'BureauMSP',
    `${ctx.topology.clerk.host}:${ctx.topology.clerk.port}`,
    clerk ? String(clerk) : 'stopped',
    clerkState.health,
    '',
  ]);
  // What restarts a gateway, clerk or chaincode server that stops: without it, nothing does (found by a review:
  // with the supervisor killed, a gateway that then died showed as stopped, and nothing said why it stayed so).
  const supervisor = runningPid(ctx.paths, SUPERVISOR);
  const anyRunning = rows.slice(1).some((r) => /^\d+$/.test(r[3]!));
  rows.push([
    SUPERVISOR,
    '-',
    '',
    supervisor ? String(supervisor) : 'stopped',
    supervisor ? 'supervising' : '-',
    '',
  ]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  const warnings = [
    ...expiryWarnings(ctx.paths, ctx.topology).map((w) => `certificate ${w}`),
    ...clerkState.warnings,
    ...(anyRunning && !supervisor
      ? [
          `no supervisor runs: a gateway, clerk or chaincode server that stops is not restarted (${startForThisNetwork()} supervises again)`,
        ]
      : []),
  ];
  if (warnings.length) {
    console.log('');
    for (const w of warnings) console.log(`WARNING ${w}`);
  }
}
