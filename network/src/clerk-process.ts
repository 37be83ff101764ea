/**
 * The clerk service (clerk/) as a process of the platform: the bureau runs it beside its gateway, as its own
 * Fabric identity (role=clerk), so that grants and ratings are marked expired on the day they lapse.
 */
import path from 'node:path';
import type { ClerkStatus } from '@rdx/clerk';
import { operationsHeaders } from '@rdx/client/operations-token';
import type { NetworkContext } from './context.js';
import { ensureLaunched, startLaunch } from './launch.js';
import { serviceLaunch, withOperatorSettings } from './operator-settings.js';
import { httpStatus, refuseHeldPort, waitUntil } from './proc.js';
import { nodesOf, orgOf } from './topology.js';

export const CLERK_PROCESS = 'clerk';

export function clerkUrl(ctx: NetworkContext): string {
  return `http://${ctx.topology.clerk.host}:${ctx.topology.clerk.port}`;
}

/** The file of the token the clerk's `/status` and `/metrics` ask for (clerk/src/config.ts), owner-only. */
export function clerkOpsTokenFile(ctx: Pick<NetworkContext, 'paths'>): string {
  return path.join(ctx.paths.home, 'clerk', 'ops.token');
}

/** The headers that show the clerk's operations token: what the platform's user sends for `/status`. */
export function clerkOpsHeaders(ctx: Pick<NetworkContext, 'paths'>): Record<string, string> {
  return operationsHeaders(clerkOpsTokenFile(ctx));
}

/** The environment of the clerk process (its settings are clerk/src/config.ts). */
export function clerkEnv(ctx: NetworkContext): NodeJS.ProcessEnv {
  return withOperatorSettings(clerkOwnEnv(ctx));
}

/** What the platform decides of the clerk's environment, the operator's settings aside. */
function clerkOwnEnv(ctx: NetworkContext): NodeJS.ProcessEnv {
  const bureau = orgOf(ctx.topology, 'BureauMSP');
  const peer = nodesOf(ctx.topology, 'peer', 'BureauMSP')[0]!;
  const msp = ctx.paths.identityMsp(bureau.short, 'clerk');
  const tls = ctx.paths.identityTls(bureau.short, 'clerk');
  return {
    PATH: process.env.PATH,
    RDX_CLERK_MSP_ID: bureau.mspId,
    RDX_CLERK_CERT: path.join(msp, 'signcerts', 'cert.pem'),
    RDX_CLERK_KEY: path.join(msp, 'keystore', 'key.pem'),
    RDX_CLERK_TLS_CERT: path.join(tls, 'server.crt'),
    RDX_CLERK_TLS_KEY: path.join(tls, 'server.key'),
    RDX_PEER_ENDPOINT: `${peer.host}:${peer.port}`,
    RDX_PEER_TLS_ROOT: ctx.paths.caCert(bureau.short),
    RDX_CHANNEL: ctx.topology.channel,
    RDX_CHAINCODE: ctx.topology.chaincodeName,
    RDX_CLERK_HOST: ctx.topology.clerk.host,
    RDX_CLERK_PORT: String(ctx.topology.clerk.port),
    RDX_CLERK_OPS_TOKEN_FILE: clerkOpsTokenFile(ctx),
  };
}

/** Starts the clerk unless it runs, and waits until its operations endpoint answers. */
export async function startClerk(ctx: NetworkContext): Promise<void> {
  const { host, port } = ctx.topology.clerk;
  const launch = serviceLaunch(CLERK_PROCESS, ctx.config.repoRoot, 'clerk', clerkOwnEnv(ctx));
  await ensureLaunched(ctx.paths, launch, ctx.log, async () => {
    await refuseHeldPort({ host, port }, 'the clerk', 'RDX_CLERK_PORT');
    startLaunch(ctx.paths, launch);
  });
  await waitUntil(async () => (await httpStatus(`${clerkUrl(ctx)}/healthz`)) === 200, {
    what: 'clerk /healthz',
    timeoutMs: 30_000,
    processName: CLERK_PROCESS,
    paths: ctx.paths,
  });
}

/** For `npm run status`: the clerk's health in a word or two, and what a person must act on. */
export async function clerkHealth(ctx: NetworkContext): Promise<{ health: string; warnings: string[] }> {
  let status: ClerkStatus;
  try {
    const res = await fetch(`${clerkUrl(ctx)}/status`, {
      signal: AbortSignal.timeout(3000),
      headers: clerkOpsHeaders(ctx),
    });
    status = (await res.json()) as ClerkStatus;
  } catch {
    return { health: 'no answer', warnings: [] };
  }
  const warnings: string[] = [];
  if (status.lastError) warnings.push(`clerk cannot reach the ledger: ${status.lastError.message}`);
  for (const c of status.lastRound?.missingCalendars ?? [])
    warnings.push(`working-day calendar ${c.year} is missing (needed from ${c.due}): rdx calendar set`);
  const left = status.lastRound?.failed.length ?? 0;
  if (left) warnings.push(`clerk left ${left} expiries for its next round (${status.nextRoundAt ?? 'soon'})`);
  const health = status.lastError
    ? 'ledger unreachable'
    : status.lastRound
      ? `last round ${status.lastRound.finishedAt}`
      : 'first round running';
  return { health, warnings };
}
