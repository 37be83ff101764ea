import { expect } from 'chai';
import type { CliContext } from '../../context.js';
import { Output, type Io } from '../../output.js';
import download from './download.js';

/** A cell an owner's file could hold: an escape that erases the line above, and one that sets the clipboard. */
const CSV = 'uscc,entity_name\r\n91331100MA2A0000XX,"丽水\u001b[1A\u001b[2K\u001b]52;c;ZXZpbA==\u0007"\r\n';

/** Runs `rdx download` to a stdout that is a terminal or not; returns what it wrote to stdout and stderr. */
async function downloaded(isTTY: boolean): Promise<{ stdout: string; stderr: string }> {
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
  await download.run(ctx, { args: ['market-notices'], opts: {} });
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
});
