/** The public view, no login: the recipients list (Z16, L21) and credit evaluations (L24). */
import { api } from '../api.js';
import { card, fmtTime, h, mono, table } from '../dom.js';
import { t, tr } from '../i18n.js';
import { problemBox, stateBadge, type Page } from './common.js';

interface Recipient {
  enterpriseName?: string;
  creditCode: string;
  datasetId: string;
  datasetName?: string;
  body: string;
  since: string;
  validUntil: string;
  state: string;
}

interface Evaluation {
  id: string;
  creditCode: string;
  enterpriseName?: string;
  period?: string;
  grade: string;
  summary?: string;
  publishedAt?: string;
}

export const publicPage: Page = async (root) => {
  root.append(h('h1', null, t('public.title')), h('p', { class: 'muted' }, t('public.intro')));
  const recipients = card(t('public.recipients'));
  const credit = card(t('public.credit'));
  root.append(recipients, credit);
  const [r, c] = await Promise.allSettled([
    api<{ data: Recipient[] }>('/v1/public/recipients', { auth: false }),
    api<{ data: Evaluation[] }>('/v1/public/credit', { auth: false }),
  ]);
  if (r.status === 'fulfilled')
    recipients.append(
      r.value.body.data.length
        ? table(
            [
              t('col.enterprise'),
              t('col.creditCode'),
              t('col.dataset'),
              t('col.body'),
              t('col.since'),
              t('col.validUntil'),
              t('col.state'),
            ],
            r.value.body.data.map((x) => [
              x.enterpriseName ?? '',
              mono(x.creditCode),
              h('span', null, x.datasetName ?? '', ' ', mono(x.datasetId)),
              x.body,
              fmtTime(x.since),
              x.validUntil,
              stateBadge(x.state),
            ]),
            'recipients',
          )
        : h('p', { class: 'muted' }, t('none')),
    );
  else recipients.append(problemBox(r.reason));
  if (c.status === 'fulfilled')
    credit.append(
      c.value.body.data.length
        ? table(
            [
              t('col.enterprise'),
              t('col.creditCode'),
              t('col.period'),
              t('col.grade'),
              t('col.summary'),
              t('col.publishedAt'),
            ],
            c.value.body.data.map((x) => [
              x.enterpriseName ?? '',
              mono(x.creditCode),
              x.period ?? '',
              tr('grade', x.grade),
              x.summary ?? '',
              fmtTime(x.publishedAt),
            ]),
            'credit',
          )
        : h('p', { class: 'muted', 'data-testid': 'credit-empty' }, t('none')),
    );
  else credit.append(problemBox(c.reason));
};
