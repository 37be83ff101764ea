/**
 * The console's words: every key a page asks for with a literal `t('…')` is in both dictionaries (zh-CN and
 * English), so no page shows a bare key such as `inbox.hint` to its reader.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const consoleSrc = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../console/src');

/** The keys of the dictionary `const NAME: Record<string, string> = { … };` in i18n.ts. */
function keysOf(i18n: string, name: 'ZH' | 'EN'): Set<string> {
  const start = i18n.indexOf(`const ${name}: Record<string, string> = {`);
  const body = i18n.slice(start, i18n.indexOf('\n};', start));
  return new Set([...body.matchAll(/^\s+'?([\w.-]+)'?:/gm)].map((m) => m[1]!));
}

/** Every literal key passed to t(…) in the console's sources, with the file it is in. */
function keysUsed(): [key: string, file: string][] {
  const out: [string, string][] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts'))
        for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([\w.-]+)'/g))
          out.push([m[1]!, path.relative(consoleSrc, file)]);
    }
  };
  walk(consoleSrc);
  return out;
}

describe("the console's words", () => {
  it('every key a page asks for is in the Chinese and the English dictionary', () => {
    const i18n = fs.readFileSync(path.join(consoleSrc, 'i18n.ts'), 'utf8');
    const zh = keysOf(i18n, 'ZH');
    const en = keysOf(i18n, 'EN');
    const used = keysUsed();
    expect(used.length, 'the sources were read').to.be.above(50);
    expect(
      used.filter(([k]) => !zh.has(k)).map(([k, f]) => `${k} (${f})`),
      'missing in zh-CN',
    ).to.deep.equal([]);
    expect(
      used.filter(([k]) => !en.has(k)).map(([k, f]) => `${k} (${f})`),
      'missing in English',
    ).to.deep.equal([]);
  });
});
