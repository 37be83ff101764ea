// Runs before `npm start` and `npm test`: installs the npm dependencies (Node 24 among them) when they are
// missing or older than package-lock.json, so both commands work on a fresh clone. Plain JavaScript on
// purpose: it runs on whatever Node the machine has, before the pinned one is installed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const marker = path.join(root, 'node_modules', '.package-lock.json');
const lock = path.join(root, 'package-lock.json');
const pinnedNode = path.join(root, 'node_modules', 'node', 'bin', 'node');

const stale =
  !fs.existsSync(marker) ||
  !fs.existsSync(pinnedNode) ||
  fs.statSync(lock).mtimeMs > fs.statSync(marker).mtimeMs;
if (stale) {
  console.log('Installing npm dependencies (first run, or package-lock.json changed)…');
  const started = Date.now();
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const args = [...npm.slice(1), fs.existsSync(marker) ? 'install' : 'ci', '--no-audit', '--no-fund'];
  const result = spawnSync(npm[0], args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('npm dependencies could not be installed: see the npm output above.');
    process.exit(1);
  }
  console.log(`npm dependencies installed in ${Math.round((Date.now() - started) / 1000)}s`);
}
