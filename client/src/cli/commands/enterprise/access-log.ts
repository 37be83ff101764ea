/** `rdx access-log`: the enterprise's own access log at the gateway, newest first, allowed and denied. */
import { defineCommand, optString } from '../../command.js';
import { table } from '../../output.js';
import { TERMS } from '../../terms.js';
import { requireInt } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['access-log'],
  roles: ['enterprise'],
  summary: '访问日志 your access log at the gateway: every request, allowed or denied, with its request id',
  options: [
    { flags: '--limit <n>', description: 'records per page (default 100, at most 500)' },
    { flags: '--before <seq>', description: 'records before this log position (paging back)' },
  ],
  async run(ctx, { opts }) {
    const limit = optString(opts, 'limit');
    const before = optString(opts, 'before');
    const page = await ctx.enterprise().accessLog({
      limit: limit === undefined ? undefined : requireInt(limit, '--limit', 1, 500),
      before: before === undefined ? undefined : requireInt(before, '--before', 0, Number.MAX_SAFE_INTEGER),
    });
    return {
      data: page,
      lines: [
        `${TERMS.accessLog}: ${page.data.length} records${page.nextBefore !== null ? ` (older: --before ${page.nextBefore})` : ''}`,
        ...table(
          ['seq', 'time', 'request id', 'decision', 'reason', 'dataset', 'rows'],
          page.data.map((r) => [
            String(r.seq),
            r.time,
            r.requestId,
            r.decision,
            r.reason,
            r.datasetId ?? '',
            typeof r.rowCount === 'number' ? String(r.rowCount) : '',
          ]),
        ),
      ],
    };
  },
});
