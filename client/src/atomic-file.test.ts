import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { writeFileAtomic } from './atomic-file.js';

/** Reads `file` in a loop in another process until told to stop; prints how many reads were not whole JSON. */
const READER = `
const fs = require('node:fs');
let reads = 0, torn = 0, stop = false;
process.stdin.on('data', () => { stop = true; });
process.stdout.write('ready\\n');
(function loop() {
  for (let i = 0; i < 200; i++) {
    reads++;
    try { JSON.parse(fs.readFileSync(process.argv[1], 'utf8')); } catch { torn++; }
  }
  if (stop) { process.stdout.write(JSON.stringify({ reads, torn }) + '\\n'); process.exit(0); }
  setImmediate(loop);
})();
`;

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-atomic-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates the folder and the file, and replaces an existing file whole', () => {
    const file = path.join(dir, 'chaincode', 'collections.json');
    writeFileAtomic(file, '[1]');
    expect(fs.readFileSync(file, 'utf8')).to.equal('[1]');
    writeFileAtomic(file, '[2,3]');
    expect(fs.readFileSync(file, 'utf8')).to.equal('[2,3]');
    expect(fs.readdirSync(path.dirname(file))).to.deep.equal(['collections.json']);
  });

  it('leaves no temporary file behind when the write fails', () => {
    const file = path.join(dir, 'taken');
    fs.mkdirSync(file); // a folder where the file should go: the rename fails
    expect(() => writeFileAtomic(file, '{}')).to.throw();
    expect(fs.readdirSync(dir)).to.deep.equal(['taken']);
  });

  it('never shows a reader in another process a part of the file while it is rewritten', async () => {
    const file = path.join(dir, 'collections.json');
    // Large enough that a truncate-then-write is seen half done by a concurrent reader.
    const body = (n: number) => JSON.stringify({ n, pad: 'x'.repeat(256 * 1024) });
    writeFileAtomic(file, body(0));
    const reader = spawn(process.execPath, ['-e', READER, file], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    reader.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve) => reader.stdout.once('data', () => resolve()));
    for (let n = 1; n <= 400; n++) writeFileAtomic(file, body(n));
    reader.stdin.write('stop\n');
    await new Promise((resolve) => reader.once('exit', resolve));
    const { reads, torn } = JSON.parse(out.trim().split('\n').pop()!) as { reads: number; torn: number };
    expect(reads, 'the reader read while the file was rewritten').to.be.greaterThan(0);
    expect(torn, `reads that saw a part of the file, of ${reads}`).to.equal(0);
  });
});
