/**
 * A file of the gateway's data folder that will not open (cut short, overwritten, not a database) stops its start
 * with one line naming it and saying what to do, exit code 1: it was an uncaught stack naming none of its six
 * files, which the supervisor restarted every two seconds. The gateway's own main.js, as the supervisor runs it.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGateway } from './testing/gateway-process.js';

describe('a gateway file that will not open', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-start-files-'));
    fs.mkdirSync(path.join(dir, 'data'), { mode: 0o700 });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [file, what] of [
    ['audit.db', 'audit log'],
    ['datasets.db', 'dataset store'],
    ['clients.db', 'client registry'],
    ['assertions.db', 'record of used assertions'],
  ] as const) {
    it(`${file}: the start stops, naming it`, async () => {
      const damaged = path.join(dir, 'data', file);
      fs.writeFileSync(damaged, Buffer.alloc(8192, 0x5a));
      const { code, stderr } = await startGateway(dir, { RDX_GATEWAY_METRICS_PORT: 'off' });
      expect(code).to.equal(1);
      expect(stderr.trim()).to.equal(
        `rdx gateway: ${damaged}: the ${what} will not open (file is not a database). Restore it from a backup of the data folder, or move it aside (docs/DEPLOY.md, "A gateway file that will not open")`,
      );
    });
  }

  it('a file the gateway’s user may not read or write: the start stops, naming its owner and mode, and says not to move it aside', async function () {
    const denied = path.join(dir, 'data', 'audit.db');
    fs.writeFileSync(denied, '');
    // Root reads any file: as root, the gateway runs as another user (nobody), the file staying root's. That
    // user must reach this checkout's Node and gateway, which a private folder above it (a CI's clone) forbids.
    const asRoot = process.getuid?.() === 0;
    const main = fileURLToPath(new URL('./main.js', import.meta.url));
    if (
      asRoot &&
      spawnSync('runuser', [
        '-u',
        'nobody',
        '--',
        process.execPath,
        '-e',
        `require('fs').accessSync(${JSON.stringify(main)})`,
      ]).status !== 0
    ) {
      console.log(`      skipped: user nobody cannot run ${main} (a folder above it is private)`);
      return this.skip();
    }
    if (asRoot) {
      // Its data folder is its own (it makes it owner-only); the file in it stays root's.
      fs.chmodSync(dir, 0o755);
      fs.chownSync(path.join(dir, 'data'), 65534, 65534);
      fs.chmodSync(denied, 0o600);
    } else fs.chmodSync(denied, 0o000);
    const { code, stderr } = await startGateway(
      dir,
      { RDX_GATEWAY_METRICS_PORT: 'off' },
      asRoot ? 'nobody' : undefined,
    );
    expect(code, stderr).to.equal(1);
    expect(stderr).to.include(`${denied}: the audit log is not readable and writable by this user`);
    expect(stderr).to.match(asRoot ? /owner uid 0, mode 600/ : /mode 000/);
    expect(stderr).to.include('do not move it aside');
    expect(stderr).not.to.include('Restore it from a backup');
  });
});
