/** `rdx history`: every version of a ledger object with its transaction, time and the org that made it. */
import { arg, defineCommand } from '../../command.js';
import { table } from '../../output.js';
import { stateLabel, TERMS } from '../../terms.js';
import { requireOneOf } from '../../../sdk/inputs.js';
import { HISTORY_TYPES } from '../../../sdk/types.js';

export default defineCommand({
  path: ['history'],
  roles: ['regulator', 'bureau', 'body'],
  summary: '历史 the history of a ledger object: each change’s transaction, time and org, oldest first',
  args: ['<type>', '<id>'],
  help: `type: ${HISTORY_TYPES.join(' | ')}`,
  async run(ctx, inv) {
    const type = requireOneOf(arg(inv, 0), 'type', HISTORY_TYPES);
    const id = arg(inv, 1);
    const entries = (await ctx.ledger().query.history(type, id)).reverse();
    return {
      data: entries,
      lines: [
        `${TERMS.history} ${type} ${id}: ${entries.length} versions`,
        ...table(
          ['time', 'transaction', 'org', 'role', 'state'],
          entries.map((e) => {
            const v = (e.value ?? {}) as { state?: string };
            return [
              e.time,
              e.txId,
              e.by?.mspId ?? '',
              e.by?.role ?? '',
              e.isDelete ? '已删除 deleted' : v.state ? stateLabel(v.state) : '',
            ];
          }),
        ),
      ],
    };
  },
});
