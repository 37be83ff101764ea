/**
 * `rdx dataset fingerprint <id> --off <items> | --on <items>`: the owning body switches the fingerprint off (its
 * numbers served exact to every grant) or on again for items of its dataset (docs/TRACE.md). The dataset stays
 * listed; grants see the change as soon as the gateways do.
 */
import { arg, commaList, defineCommand, optString } from '../../command.js';
import { committedData, txLine } from '../../format.js';
import { TERMS } from '../../terms.js';
import { InputError } from '../../../sdk/errors.js';

export default defineCommand({
  path: ['dataset', 'fingerprint'],
  roles: ['body'],
  summary: '数据水印 switch the fingerprint off (served exact) or on for items of your dataset',
  args: ['<id>'],
  options: [
    { flags: '--off <items>', description: 'items whose numbers are served exact, comma-separated' },
    { flags: '--on <items>', description: 'items marked again, comma-separated' },
  ],
  async run(ctx, inv) {
    const off = new Set(commaList(optString(inv.opts, 'off')) ?? []);
    const on = new Set(commaList(optString(inv.opts, 'on')) ?? []);
    if (!off.size && !on.size) throw new InputError('INVALID_ARGUMENT', 'name items with --off or --on');
    const catalog = ctx.ledger().catalog;
    const d = await catalog.get(arg(inv, 0));
    const unknown = [...off, ...on].filter((n) => !d.items.some((i) => i.name === n));
    if (unknown.length)
      throw new InputError('INVALID_ARGUMENT', `${d.id} has no items ${unknown.join(', ')}`);
    const items = d.items.map(({ fingerprint: _f, ...i }) =>
      off.has(i.name) || (!on.has(i.name) && _f === false) ? { ...i, fingerprint: false as const } : i,
    );
    const c = await catalog.update({
      id: d.id,
      name: d.name,
      ...(d.description === undefined ? {} : { description: d.description }),
      openAttribute: d.openAttribute,
      format: d.format,
      updateFrequency: d.updateFrequency,
      items,
    });
    const exact = c.value.items.filter((i) => i.fingerprint === false).map((i) => i.name);
    return {
      data: committedData('dataset', c),
      lines: [
        `${TERMS.dataset} ${c.value.id}: served exact ${exact.length ? exact.join(', ') : '—'}; the other numbers carry the fingerprint`,
        txLine(c),
      ],
    };
  },
});
