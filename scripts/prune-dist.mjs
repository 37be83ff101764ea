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
// What tsc emits, by the source it comes from: every kind of file the services' code digests read
// (network/src/code-id.ts) is here, or a stale one would change a digest and the chaincode's label.
const SOURCES = [
  [/\.(js|d\.ts|js\.map|d\.ts\.map)$/, ['.ts', '.tsx']],
  [/\.(cjs|d\.cts|cjs\.map|d\.cts\.map)$/, ['.cts']],
  [/\.(mjs|d\.mts|mjs\.map|d\.mts\.map)$/, ['.mts']],
  [/\.json$/, ['.json']],
];

let removed = 0;
for (const project of PROJECTS) {
  const dist = path.join(root, project, 'dist');
  const src = path.join(root, project, 'src');
  if (!fs.existsSync(dist)) continue;
  for (const entry of fs.readdirSync(dist, { recursive: true, withFileTypes: true })) {
    const kind = entry.isFile() && SOURCES.find(([output]) => output.test(entry.name));
    if (!kind) continue;
    const [output, extensions] = kind;
    const file = path.join(entry.parentPath, entry.name);
    const base = path.relative(dist, file).replace(output, '');
    if (!extensions.some((ext) => fs.existsSync(path.join(src, `${base}${ext}`)))) {
      fs.rmSync(file);
      removed++;
    }
  }
}
if (removed > 0) console.log(`Removed ${removed} compiled files whose source is gone.`);
