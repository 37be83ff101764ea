/**
 * Runs the end-to-end tests on a real network. Starts one (`start --detach`) unless `--reuse` is given and a
 * network is already up, and stops what it started afterwards, so CI leaves nothing running.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { GatewayClient } from '@rdx/client';
import { gatewayUrl } from '@rdx/network';
import { config, networkCli, topology } from './fabric-client.js';

/** Wide enough for a client clock two days ahead (test/src/e2e/clerk.e2e.test.ts). */
const E2E_PEER_TIME_WINDOW = '72h';

async function main(): Promise<number> {
  const reuse = process.argv.includes('--reuse') || process.env.RDX_E2E_REUSE === '1';
  const client = new GatewayClient(gatewayUrl({ topology }));
  const running = await client.ready().then(
    () => true,
    () => false,
  );
  const startHere = !(reuse && running);
  if (startHere) {
    console.log('e2e: starting the network (npm start -- --detach)…');
    // The clerk's tests act two days ahead with a shifted client clock: the peers must accept those times
    // (node-env.ts, RDX_PEER_TIME_WINDOW). Nothing else differs from the network `npm start` runs.
    process.env.RDX_PEER_TIME_WINDOW ??= E2E_PEER_TIME_WINDOW;
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
    // Mocha with test/.mocharc.json: one file after another, since they share the network.
    const mocha = path.join(config.repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const result = spawnSync(process.execPath, [mocha, ...process.argv.slice(2).filter(isMochaArg)], {
      cwd: path.join(config.repoRoot, 'test'),
      stdio: 'inherit',
      env: { ...process.env, RDX_TEST_SUITE: process.env.RDX_TEST_SUITE ?? 'e2e' },
    });
    return result.status ?? 2;
  } finally {
    if (startHere && !process.argv.includes('--keep')) {
      spawnSync(process.execPath, [networkCli, 'stop'], { stdio: 'inherit' });
    }
  }
}

/** Our own flags stay here; the rest (e.g. `--grep receipt`) go to Mocha. */
function isMochaArg(arg: string): boolean {
  return !['--reuse', '--keep'].includes(arg);
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 2;
  },
);
