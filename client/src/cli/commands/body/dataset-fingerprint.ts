/**
 * `rdx dataset fingerprint <id> --off <items> | --on <items>`: the owning body switches the fingerprint off (the
 * item served exact to every grant) or on for items of its dataset — numbers carry it unless switched off, dates
 * only when switched on (docs/TRACE.md). The dataset stays listed; grants see the change as soon as the gateways do.
 */
import { arg, commaList, defineCommand, optString } from '../../command.js';
import { committedData, txLine } from '../../format.js';
import { TERMS } from '../../terms.js';
import { InputError } from '../../../sdk/errors.js';
import { carriesFingerprint } from '../../../fingerprint/fingerprint.js';

export default defineCommand({
  path: ['dataset', 'fingerprint'],
  roles: ['body'],
  summary:
    '数据水印 switch the fingerprint off (served exact) or on (numbers by default, dates on request) per item',
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
    // Said explicitly for the items named; the others keep what they had.
    const items = d.items.map((i) =>
      off.has(i.name) ? { ...i, fingerprint: false } : on.has(i.name) ? { ...i, fingerprint: true } : i,
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
    const marked = c.value.items.filter(carriesFingerprint);
    return {
      data: committedData('dataset', c),
      lines: [
        `${TERMS.dataset} ${c.value.id}: fingerprint carried by ${marked.length ? marked.map((i) => i.name).join(', ') : '—'}; every other item served exact`,
        txLine(c),
      ],
    };
  },
});
