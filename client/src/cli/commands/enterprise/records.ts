/**
 * `rdx records`: restricted data by interface call (接口调用): JSON lines on stdout, one per record, page by
 * page as they arrive; progress and each page's request id (for `rdx receipt`) on stderr.
 */
import { arg, commaList, defineCommand, optString } from '../../command.js';
import { TERMS } from '../../terms.js';
import { requireInt } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['records'],
  roles: ['enterprise'],
  summary:
    '接口调用 pull records of a granted dataset as JSON lines (granted items only, personal items masked)',
  args: ['<dataset>'],
  options: [
    { flags: '--fields <items>', description: '数据项 comma-separated items (default: every granted item)' },
    { flags: '--filter <expr>', description: 'item:op:value[,…], op ∈ eq ne lt le gt ge in prefix' },
    { flags: '--limit <n>', description: 'page size (the gateway caps it)' },
    { flags: '--all', description: 'follow the cursor through every page' },
    {
      flags: '--cursor <cursor>',
      description: 'start at this page: the next= of the last page received, to go on with a pull cut short',
    },
  ],
  async run(ctx, inv) {
    const dataset = arg(inv, 0);
    const limit = optString(inv.opts, 'limit');
    const query = {
      fields: commaList(optString(inv.opts, 'fields')),
      filter: optString(inv.opts, 'filter'),
      limit: limit === undefined ? undefined : requireInt(limit, '--limit', 1, 100_000),
      cursor: optString(inv.opts, 'cursor'),
    };
    const session = ctx.enterprise();
    const progress = ctx.out.progress(`${TERMS.interfaceCall} ${dataset}`, undefined, 'rows');
    let pages = 0;
    let next: string | null | undefined;
    try {
      for await (const page of session.pages(dataset, query, inv.opts.all === true ? Infinity : 1)) {
        pages++;
        next = page.nextCursor;
        for (const record of page.data) ctx.out.dataLine(record);
        ctx.out.note(
          `# page ${pages}: ${page.data.length} rows · requestId=${page.requestId} · grantId=${page.grantId ?? '—'}` +
            (next ? ` · next=${next}` : ''),
        );
        progress.tick(page.data.length);
      }
    } catch (err) {
      // Every page counts against the grant's quota: the pull goes on from where it stopped, not from page 1.
      if (next)
        ctx.out.note(`# stopped after page ${pages}: go on with the same command and --all --cursor ${next}`);
      throw err;
    }
    progress.finish(`${pages} page${pages === 1 ? '' : 's'}`);
    return undefined;
  },
});
