// After `tsc -b`: removes compiled files whose source is gone (a moved or deleted .ts), which tsc leaves
// behind; a stale `*.test.js` would otherwise still run, and a stale module still be importable.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Every project `tsc -b` builds, as the root tsconfig.json lists them (a list of its own here had missed the clerk).
const PROJECTS = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8')).references.map(
  (r) => r.path,
);
const OUTPUT = /\.(js|d\.ts|js\.map|d\.ts\.map)$/;

let removed = 0;
for (const project of PROJECTS) {
  const dist = path.join(root, project, 'dist');
  const src = path.join(root, project, 'src');
  if (!fs.existsSync(dist)) continue;
  for (const entry of fs.readdirSync(dist, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !OUTPUT.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const base = path.relative(dist, file).replace(OUTPUT, '');
    if (!fs.existsSync(path.join(src, `${base}.ts`))) {
      fs.rmSync(file);
      removed++;
    }
  }
}
if (removed > 0) console.log(`Removed ${removed} compiled files whose source is gone.`);
