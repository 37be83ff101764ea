/** The demo's datasets kept between starts: generated once, read back after, never another generator's. */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoDatasets } from './demo-data.js';
import { keptDemoDatasets } from './kept-datasets.js';

describe('the demo datasets kept between starts', () => {
  let home: string;
  beforeEach(() => (home = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-demo-kept-'))));
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  const keptFiles = (): string[] =>
    fs.readdirSync(path.join(home, 'demo')).filter((f) => f.startsWith('datasets-'));

  it('are generated on a first start, kept owner-only, and read back on the next', () => {
    const first = keptDemoDatasets({ home });
    expect(first).to.deep.equal(demoDatasets());
    const [file] = keptFiles();
    const kept = path.join(home, 'demo', file!);
    expect(fs.statSync(kept).mode & 0o777).to.equal(0o600);
    // Read back, not generated again: what the file says is what comes back.
    const marked = first.map((d, i) => (i === 0 ? { ...d, csv: `${d.csv}# kept\n` } : d));
    fs.writeFileSync(kept, JSON.stringify(marked));
    expect(keptDemoDatasets({ home })[0]!.csv.endsWith('# kept\n')).to.equal(true);
  });

  it("are generated again when the file is unreadable or not datasets, and another generator's file is removed", () => {
    fs.mkdirSync(path.join(home, 'demo'), { mode: 0o700 });
    const other = path.join(home, 'demo', 'datasets-0000000000000000.json');
    fs.writeFileSync(other, '[]');
    keptDemoDatasets({ home });
    const [file] = keptFiles();
    expect(file).not.to.equal(path.basename(other));
    expect(fs.existsSync(other), "another generator's rows are not kept").to.equal(false);
    for (const spoilt of ['[{"torn', '[]', '[{"csv":1}]']) {
      fs.writeFileSync(path.join(home, 'demo', file!), spoilt); // edited by hand
      expect(keptDemoDatasets({ home }), spoilt).to.deep.equal(demoDatasets());
    }
  });
});
