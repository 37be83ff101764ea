/**
 * Runs the end-to-end tests on a real network. Starts one (`start --detach`) unless `--reuse` is given and a
 * network is already up, and stops what it started afterwards, so CI leaves nothing running.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { GatewayClient } from '@rdx/client';
import { gatewayUrl } from '@rdx/network';
import { config, networkCli, topology } from './fabric-client.js';

async function main(): Promise<number> {
  const reuse = process.argv.includes('--reuse') || process.env.RDX_E2E_REUSE === '1';
  const client = new GatewayClient(gatewayUrl({ topology } as never));
  const running = await client.ready().then(
    () => true,
    () => false,
  );
  const startHere = !(reuse && running);
  if (startHere) {
    console.log('e2e: starting the network (npm start -- --detach)…');
    const started = spawnSync(process.execPath, [networkCli, 'start', '--detach'], { stdio: 'inherit' });
    if (started.status !== 0) {
      // Leave nothing half-started behind (CI reuses the machine's ports).
      spawnSync(process.execPath, [networkCli, 'stop'], { stdio: 'inherit' });
      return started.status ?? 2;
    }
  } else {
    console.log('e2e: reusing the running network');
  }
  try {
    const tests = path.join(config.repoRoot, 'test', 'dist', 'e2e');
    const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', `${tests}/*.test.js`], {
      stdio: 'inherit',
    });
    return result.status ?? 2;
  } finally {
    if (startHere && !process.argv.includes('--keep')) {
      spawnSync(process.execPath, [networkCli, 'stop'], { stdio: 'inherit' });
    }
  }
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 2;
  },
);
