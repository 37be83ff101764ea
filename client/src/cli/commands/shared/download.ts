/** `rdx download`: an unconditional dataset as CSV (restricted data is never downloaded, Z20). */
import fs from 'node:fs';
import { arg, defineCommand, optString } from '../../command.js';

export default defineCommand({
  path: ['download'],
  roles: ['anyone'],
  summary:
    '下载 download an unconditional (无条件开放) dataset as CSV; restricted data answers DOWNLOAD_FORBIDDEN',
  args: ['<dataset>'],
  options: [{ flags: '--out <file>', description: 'write to this file (default stdout)' }],
  async run(ctx, inv) {
    const csv = await ctx.publicGateway().download(arg(inv, 0));
    const out = optString(inv.opts, 'out');
    if (!out) {
      ctx.out.io.stdout.write(csv);
      return undefined;
    }
    fs.writeFileSync(out, csv);
    return {
      data: { dataset: arg(inv, 0), file: out, bytes: Buffer.byteLength(csv) },
      lines: [`${out}: ${Buffer.byteLength(csv)} bytes`],
    };
  },
});
