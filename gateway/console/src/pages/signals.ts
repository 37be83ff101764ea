/**
 * Misuse signals (风险预警, issue 17) as a card: the regulator's dashboard and an opening body's desk show the
 * latest ones; a strong one shows the command that suspends the grant, which a person of the body runs if it
 * agrees — the console suspends nothing.
 */
import { card, fmtTime, h, mono, table } from '../dom.js';
import { t, tr } from '../i18n.js';

export interface MisuseSignal {
  id: string;
  kind: string;
  strength: string;
  at: string;
  measure: number;
  threshold: number;
  grantId?: string;
  enterprise?: string;
  datasetId?: string;
  body?: string;
  proposal?: { command: string };
}

export function signalsCard(signals: MisuseSignal[], withBody: boolean): HTMLElement {
  return card(
    t('signals.title'),
    h('p', { class: 'muted' }, t('signals.hint')),
    signals.length
      ? table(
          [
            t('col.time'),
            t('col.signal'),
            t('col.strength'),
            t('col.grant'),
            ...(withBody ? [t('col.body')] : []),
            t('col.measure'),
            t('col.proposal'),
          ],
          signals.map((s) => [
            fmtTime(s.at),
            tr('signal', s.kind),
            h('span', { class: s.strength === 'strong' ? 'bad' : undefined }, tr('strength', s.strength)),
            mono(s.grantId ?? `${s.enterprise ?? '?'} / ${s.datasetId ?? '?'}`),
            ...(withBody ? [s.body ?? '—'] : []),
            `${s.measure} ≥ ${s.threshold}`,
            s.proposal ? mono(s.proposal.command) : '—',
          ]),
          'misuse-signals',
        )
      : h('p', { class: 'muted', 'data-testid': 'misuse-signals-none' }, t('none')),
  );
}
