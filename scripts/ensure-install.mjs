// Runs before `npm start` and `npm test`: installs the npm dependencies (Node 24 among them) when they are
// missing or older than package-lock.json, so both commands work on a fresh clone. Plain JavaScript on
// purpose: it runs on whatever Node the machine has, before the pinned one is installed.
import { spawn } from 'node:child_process';
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
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 24) {
    // npm checks every package's engines against the Node running npm, this one, and warns (EBADENGINE) for
    // the project and its Fabric client; they run on the Node 24 being installed, so those warnings are noise.
    console.log(
      `This machine's Node is ${process.version}; the project installs and runs on Node 24 LTS (npm package node).`,
    );
  }
  const started = Date.now();
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const args = [...npm.slice(1), fs.existsSync(marker) ? 'install' : 'ci', '--no-audit', '--no-fund'];
  const status = await new Promise((resolve) => {
    const child = spawn(npm[0], args, { cwd: root, stdio: ['inherit', 'inherit', 'pipe'] });
    let pending = '';
    const pass = (line) => {
      if (!/\bEBADENGINE\b/.test(line)) process.stderr.write(`${line}\n`);
    };
    child.stderr.on('data', (chunk) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(pass);
    });
    child.on('error', (err) => {
      console.error(`npm could not be run: ${err.message}`);
      resolve(1);
    });
    child.on('close', (code) => {
      if (pending) pass(pending);
      resolve(code);
    });
  });
  if (status !== 0) {
    console.error('npm dependencies could not be installed: see the npm output above.');
    process.exit(1);
  }
  console.log(`npm dependencies installed in ${Math.round((Date.now() - started) / 1000)}s`);
}
