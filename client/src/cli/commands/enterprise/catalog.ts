/** `rdx catalog`: the datasets this enterprise may see, with its grant on each. */
import { defineCommand } from '../../command.js';
import { table } from '../../output.js';
import { stateLabel } from '../../terms.js';

export default defineCommand({
  path: ['catalog'],
  roles: ['enterprise'],
  summary: '数据目录 the catalog: restricted and unconditional datasets, with your grants',
  async run(ctx) {
    const entries = await ctx.enterprise().catalog();
    return {
      data: entries,
      lines: table(
        ['dataset', 'name', 'attribute', 'owner', 'version', 'rows', 'your grant'],
        entries.map((d) => [
          d.id,
          d.name,
          d.openAttribute,
          d.owner,
          d.version ?? '—',
          d.rowCount === null ? '—' : String(d.rowCount),
          d.grant ? `${stateLabel(d.grant.state)} (${d.grant.items.join(',')})` : '—',
        ]),
      ),
    };
  },
});
