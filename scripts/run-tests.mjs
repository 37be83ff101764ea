// `npm test`: lint, then every package's unit tests (Mocha, each package's .mocharc.json), then the end-to-end
// tests on a real Fabric network. Every stage runs even when an earlier test stage failed, so one run shows
// everything that is broken; the last line is the summary over all of them: `N passed, N failed`.
// `node scripts/run-tests.mjs unit` runs only the unit stage.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const UNIT_PACKAGES = ['errors', 'chaincode', 'gateway', 'client', 'clerk', 'network'];
const only = process.argv[2];

const tally = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-tally-')), 'tally.jsonl');
// The chaincode under test logs every transaction at info level otherwise.
const env = {
  ...process.env,
  RDX_TEST_TALLY: tally,
  CORE_CHAINCODE_LOGGING_LEVEL: process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? 'warning',
};
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');

function step(title, cmd, args, opts = {}) {
  console.log(`\n=== ${title}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit', env, ...opts });
  return result.status === 0;
}

let ok = true;
if (!only) {
  if (!step('lint', 'npm', ['run', 'lint', '--silent'], { cwd: root })) {
    console.log('\nlint failed: fix it first (npm run format fixes most of it). 0 passed, 0 failed');
    process.exit(1);
  }
}
if (!only || only === 'unit') {
  for (const pkg of UNIT_PACKAGES) {
    const cwd = path.join(root, pkg);
    ok =
      step(`unit tests: ${pkg}`, process.execPath, [mocha], { cwd, env: { ...env, RDX_TEST_SUITE: pkg } }) &&
      ok;
  }
}
if (!only || only === 'e2e') {
  ok =
    step(
      'end-to-end tests on a real Fabric network',
      process.execPath,
      [path.join(root, 'test', 'dist', 'run-e2e.js')],
      { cwd: root },
    ) && ok;
}

const runs = fs.existsSync(tally)
  ? fs
      .readFileSync(tally, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
fs.rmSync(path.dirname(tally), { recursive: true, force: true });
const sum = (k) => runs.reduce((n, r) => n + r[k], 0);
console.log('\n=== summary');
for (const r of runs) {
  console.log(
    `  ${r.suite.padEnd(10)} ${r.passes} passed, ${r.failures} failed${r.pending ? `, ${r.pending} pending` : ''}`,
  );
}
if (sum('pending')) console.log(`  (${sum('pending')} pending: skipped, each says why above)`);
// A stage that died before its reporter ran (a crash, a network that did not start) counts as a failure.
const failed = sum('failures') + (ok || sum('failures') > 0 ? 0 : 1);
console.log(`${sum('passes')} passed, ${failed} failed`);
process.exitCode = ok && failed === 0 ? 0 : 1;
