import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../../sdk/errors.js';
import type { CliContext } from '../../context.js';
import { Output, type Io } from '../../output.js';
import download from './download.js';

/** A cell an owner's file could hold: an escape that erases the line above, and one that sets the clipboard. */
const CSV = 'uscc,entity_name\r\n91331100MA2A0000XX,"丽水\u001b[1A\u001b[2K\u001b]52;c;ZXZpbA==\u0007"\r\n';

/** Runs `rdx download` to a stdout that is a terminal or not; returns what it wrote to stdout and stderr. */
async function downloaded(isTTY: boolean, out?: string): Promise<{ stdout: string; stderr: string }> {
  const c = { stdout: '', stderr: '' };
  const ctx = {
    out: new Output(
      {
        stdout: { isTTY, write: (s: string) => (c.stdout += s) },
        stderr: { write: (s: string) => (c.stderr += s) },
      } as unknown as Io,
      false,
    ),
    publicGateway: () => ({ download: () => Promise.resolve(CSV) }),
  } as unknown as CliContext;
  await download.run(ctx, { args: ['market-notices'], opts: out === undefined ? {} : { out } });
  return c;
}

describe('rdx download', () => {
  it('to a pipe or a file, the CSV exactly as served', async () => {
    expect(await downloaded(false)).to.deep.equal({ stdout: CSV, stderr: '' });
  });

  it('to a terminal, every control character written out, its lines kept, and a note saying how to get it exact', async () => {
    const { stdout, stderr } = await downloaded(true);
    expect(stdout).to.equal(
      'uscc,entity_name\n91331100MA2A0000XX,"丽水\\x1b[1A\\x1b[2K\\x1b]52;c;ZXZpbA==\\x07"\n',
    );
    expect(stderr).to.include('--out <file> or a pipe keeps the CSV exact');
  });

  it('--out: a missing folder is made; a folder, or a path under a file, is the user’s to correct (FILE_UNWRITABLE), not a bug', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-download-'));
    try {
      const file = path.join(dir, 'new', 'notices.csv');
      await downloaded(false, file);
      expect(fs.readFileSync(file, 'utf8')).to.equal(CSV);
      for (const wrong of [dir, path.join(file, 'below-a-file.csv')]) {
        const err = await downloaded(false, wrong).then(
          () => expect.fail(`${wrong} was written`),
          (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(InputError);
        expect((err as InputError).code).to.equal('FILE_UNWRITABLE');
        expect((err as Error).message).to.include(`cannot write the CSV to ${wrong}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
