/**
 * Console accounts of the demo: one regulator (监管人员) client in the gateway's ClientRegistry, role
 * `regulator`, whose credentials go to `.rdx/demo/regulators.json`, and one console account per opening body
 * (and the bureau), role `body`, in `.rdx/demo/bodies.json` (both mode 0600) — on a real platform each body's
 * admin makes its own with `rdx console-account add`. Idempotent: a secret that still verifies is kept, so a
 * restart does not log anyone out of their notes (demo-credentials.ts keeps them).
 */
import path from 'node:path';
import type { NetworkContext } from '../context.js';
import { gatewayUrl } from '../platform-paths.js';
import { keptSecret, openClientRegistry, reseedCredentials } from './demo-credentials.js';

export interface RegulatorCredentials {
  name: string;
  clientId: string;
  clientSecret: string;
  role: 'regulator';
  /** Where to log in. */
  console: string;
}

export interface BodyConsoleCredentials {
  name: string;
  org: string;
  clientId: string;
  clientSecret: string;
  role: 'body';
  /** Where to log in. */
  console: string;
}

export const DEMO_REGULATOR = { clientId: 'regulator', name: '丽水市大数据发展管理局 监管人员（演示）' };

export function regulatorsFile(ctx: Pick<NetworkContext, 'paths'>): string {
  return path.join(ctx.paths.home, 'demo', 'regulators.json');
}

export function bodiesFile(ctx: Pick<NetworkContext, 'paths'>): string {
  return path.join(ctx.paths.home, 'demo', 'bodies.json');
}

/** Where the demo's console accounts log in. */
function consoleUrl(ctx: Pick<NetworkContext, 'topology'>): string {
  return `${gatewayUrl(ctx)}/console/`;
}

/**
 * One console account per organization with peers (the opening bodies and the bureau), made in the gateway's
 * registry as `rdx console-account add` makes them; its credentials go to `.rdx/demo/bodies.json`.
 */
export async function seedBodyAccounts(
  ctx: Pick<NetworkContext, 'paths' | 'topology'> & { log?: (line: string) => void },
): Promise<BodyConsoleCredentials[]> {
  const file = bodiesFile(ctx);
  return reseedCredentials<BodyConsoleCredentials>(ctx, file, async (known, clients) => {
    const orgs = ctx.topology.orgs.filter((o) => o.kind === 'peer' && !o.joinsLater);
    // Each org's saved secret is checked at once; only one that no longer verifies is replaced.
    const kept = await Promise.all(
      orgs.map(async (o) => {
        const previous = known.find((k) => k.org === o.mspId);
        if (!previous || clients.orgOf(previous.clientId) !== o.mspId) return undefined;
        return (await keptSecret(clients, previous.clientId, previous.clientSecret, 'body'))
          ? previous
          : undefined;
      }),
    );
    return orgs.map((o, i): BodyConsoleCredentials => {
      const previous = kept[i];
      const made = previous
        ? { clientId: previous.clientId, secret: previous.clientSecret }
        : clients.addBodyAccount(o.mspId, `${o.displayName} 演示账号`);
      if (!previous) ctx.log?.(`  console account of ${o.mspId} registered; its credentials: ${file}`);
      return {
        name: `${o.displayName} 演示账号`,
        org: o.mspId,
        clientId: made.clientId,
        clientSecret: made.secret,
        role: 'body',
        console: consoleUrl(ctx),
      };
    });
  });
}

/** Registers the demo regulator with the gateway (same data folder) and writes its credentials. */
export async function seedConsoleAccounts(
  ctx: Pick<NetworkContext, 'paths' | 'topology'> & { log?: (line: string) => void },
): Promise<RegulatorCredentials[]> {
  const file = regulatorsFile(ctx);
  return reseedCredentials<RegulatorCredentials>(ctx, file, async (known, clients) => {
    const saved = known.find((k) => k.clientId === DEMO_REGULATOR.clientId)?.clientSecret;
    const kept = await keptSecret(clients, DEMO_REGULATOR.clientId, saved, 'regulator');
    const clientSecret = kept ?? clients.register(DEMO_REGULATOR.clientId, undefined, 'regulator');
    if (!kept)
      ctx.log?.(
        `  console regulator account "${DEMO_REGULATOR.clientId}" registered; its credentials: ${file}`,
      );
    return [
      {
        name: DEMO_REGULATOR.name,
        clientId: DEMO_REGULATOR.clientId,
        clientSecret,
        role: 'regulator',
        console: consoleUrl(ctx),
      },
    ];
  });
}

/** Gives an onboarded enterprise a client secret for logging in to the console (tests and demos). */
export function registerEnterpriseClient(ctx: Pick<NetworkContext, 'paths'>, creditCode: string): string {
  const clients = openClientRegistry(ctx);
  try {
    return clients.register(creditCode);
  } finally {
    clients.close();
  }
}
