import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshWorkFolder } from './work-folders.js';

describe('a build’s work folders', () => {
  it('those of a build whose process is gone are removed by the next; a running one’s, and other files, are kept', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-work-folders-'));
    try {
      // A process that has exited: its pid is free (a build stopped by Ctrl-C left its folder so).
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
        encoding: 'utf8',
      }).stdout;
      const left = path.join(parent, `.src-${gone}-abc123`);
      fs.mkdirSync(path.join(left, 'fabric'), { recursive: true });
      const running = path.join(parent, `.src-${process.ppid}-def456`);
      fs.mkdirSync(running);
      const other = path.join(parent, 'fabric-3.1.5');
      fs.mkdirSync(other);

      const fresh = freshWorkFolder(parent, 'src');
      expect(path.basename(fresh)).to.match(new RegExp(`^\\.src-${process.pid}-`));
      expect(fs.existsSync(left), 'the gone build’s folder').to.equal(false);
      expect(fs.existsSync(running), 'a running process’s folder').to.equal(true);
      expect(fs.existsSync(other)).to.equal(true);
      expect(fs.existsSync(fresh)).to.equal(true);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });
});
