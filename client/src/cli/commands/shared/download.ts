/** `rdx download`: an unconditional dataset as CSV (restricted data is never downloaded, Z20). */
import { writeOutputFile } from '../../../sdk/inputs.js';
import { arg, defineCommand, optString } from '../../command.js';
import { forTerminal } from '../../output.js';

export default defineCommand({
  path: ['download'],
  roles: ['anyone'],
  summary:
    '下载 download an unconditional (无条件开放) dataset as CSV; restricted data answers DOWNLOAD_FORBIDDEN',
  args: ['<dataset>'],
  options: [
    {
      flags: '--out <file>',
      description: 'write to this file (default stdout; to a terminal, control characters are written out)',
    },
  ],
  async run(ctx, inv) {
    const csv = await ctx.publicGateway().download(arg(inv, 0));
    const out = optString(inv.opts, 'out');
    if (!out) {
      const { stdout } = ctx.out.io;
      if (!stdout.isTTY) {
        stdout.write(csv);
        return undefined;
      }
      // A cell is the body's data, as its owner loaded it: one holding escape sequences would rewrite the
      // terminal it is shown in. A file or a pipe gets the CSV exact; a terminal, each control character written
      // out, its line ends kept.
      stdout.write(forTerminal(csv.replace(/\r\n/g, '\n')));
      ctx.out.note(
        '注意 note: control characters are written out (\\x1b) on a terminal; --out <file> or a pipe keeps the CSV exact',
      );
      return undefined;
    }
    writeOutputFile(out, csv, 'the CSV');
    return {
      data: { dataset: arg(inv, 0), file: out, bytes: Buffer.byteLength(csv) },
      lines: [`${out}: ${Buffer.byteLength(csv)} bytes`],
    };
  },
});
