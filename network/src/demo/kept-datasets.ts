/**
 * The demo's synthetic datasets, generated once per version of their generator and kept in `.rdx/demo/`: a restart
 * reads them back in a few milliseconds instead of generating them again on the start's own thread (0.2–0.3 s,
 * which the start's check of the demo waited for before its first ledger read).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '@rdx/client';
import { demoDatasets, type DemoDataset } from './demo-data.js';
import type { Paths } from '../paths.js';

const KEPT = /^datasets-[0-9a-f]{16}\.json$/;

/**
 * The file the datasets of this generator are kept in: named by a hash of the generator's compiled code, so a
 * changed generator (or seed in it) is never answered from an older one's rows.
 */
function keptFile(dir: string): string {
  const generator = fs.readFileSync(new URL('./demo-data.js', import.meta.url));
  return path.join(
    dir,
    `datasets-${crypto.createHash('sha256').update(generator).digest('hex').slice(0, 16)}.json`,
  );
}

/** A file of datasets in their shape (a hand-edited one may not be: it is then generated again). */
function isDatasets(value: unknown): value is DemoDataset[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (d: Partial<DemoDataset> | null) =>
        typeof d?.csv === 'string' && typeof d.owner === 'string' && typeof d.dataset?.id === 'string',
    )
  );
}

/**
 * {@link demoDatasets}, read from `<home>/demo/` when kept there, else generated and kept (owner-only, as the rows
 * hold synthetic personal data; whole or not at all). Files of other generators are removed.
 */
export function keptDemoDatasets(paths: Pick<Paths, 'home'>): DemoDataset[] {
  const dir = path.join(paths.home, 'demo');
  const file = keptFile(dir);
  try {
    const kept = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (isDatasets(kept)) return kept;
  } catch {
    // None kept yet, or unreadable: generated again below.
  }
  const datasets = demoDatasets();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const old of fs.readdirSync(dir).filter((f) => KEPT.test(f) && f !== path.basename(file)))
    fs.rmSync(path.join(dir, old), { force: true });
  writeFileAtomic(file, JSON.stringify(datasets), { mode: 0o600 });
  return datasets;
}
