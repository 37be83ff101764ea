/**
 * Tracing a leaked file (数据水印溯源, issue 17) for a regulator (every dataset) or an opening body (its own): the
 * file chosen is sent to POST /v1/trace as it is; the answer shows the grant named — or why none is — with the
 * chance of a wrong attribution, the grants compared, the requests that served the marks, and the evidence
 * package to download for `rdx verify`. Nothing is changed anywhere.
 */
import { api } from '../api.js';
import { card, clear, fmtTime, h, mono, table } from '../dom.js';
import { t } from '../i18n.js';
import { figures, problemBox, stateBadge, type Page } from './common.js';

interface Traced {
  readings: number;
  attributed: string | null;
  note: string;
  candidates: {
    grantId: string;
    enterprise: string | null;
    creditCode: string;
    datasetId: string;
    state: string;
    matches: number;
    trials: number;
    falseAttribution: number;
  }[];
  requests: { requests: { requestId: string; time: string; covered: number }[]; explained: number } | null;
  evidence: { grantId: string } | null;
}

const TYPES: Record<string, string> = {
  csv: 'text/csv',
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The answer of a trace, as cards. */
function result(body: Traced, file: string): HTMLElement {
  const evidence = body.evidence
    ? h(
        'a',
        {
          'data-testid': 'trace-evidence',
          download: `trace-evidence-${body.evidence.grantId}.json`,
          href: URL.createObjectURL(
            new Blob([JSON.stringify(body.evidence, null, 2)], { type: 'application/json' }),
          ),
        },
        t('trace.evidence'),
      )
    : null;
  return h(
    'div',
    { 'data-testid': 'trace-result' },
    h(
      'p',
      { class: body.attributed ? 'problem' : 'muted', role: 'status', 'data-testid': 'trace-verdict' },
      body.attributed ? t('trace.named', { grant: body.attributed, file }) : t('trace.none', { file }),
    ),
    h('p', { class: 'muted' }, body.note),
    evidence ? h('p', null, evidence, ' ', h('span', { class: 'muted' }, t('trace.verifyHint'))) : null,
    card(
      t('trace.candidates'),
      figures([[t('trace.readings'), body.readings]]),
      table(
        [
          t('col.grant'),
          t('col.enterprise'),
          t('col.dataset'),
          t('col.state'),
          t('trace.agree'),
          t('trace.chance'),
        ],
        body.candidates.map((c) => [
          mono(c.grantId),
          c.enterprise ?? mono(c.creditCode),
          mono(c.datasetId),
          stateBadge(c.state),
          `${c.matches}/${c.trials}`,
          c.falseAttribution.toExponential(2),
        ]),
        'trace-candidates',
      ),
    ),
    body.requests
      ? card(
          t('trace.requests', { explained: body.requests.explained, readings: body.readings }),
          table(
            [t('col.request'), t('col.time'), t('trace.covered')],
            body.requests.requests.map((r) => [mono(r.requestId), fmtTime(r.time), r.covered]),
            'trace-requests',
          ),
        )
      : null,
  );
}

export const tracePage: Page = (root) => {
  const input = h('input', { type: 'file', name: 'file', accept: '.csv,.json,.xlsx', required: true });
  const dataset = h('input', { name: 'dataset', placeholder: t('trace.datasetHint'), size: 30 });
  const out = h('div', { 'data-testid': 'trace-out' });
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const file = input.files?.[0];
    if (!file) return;
    clear(out);
    out.append(h('p', { class: 'muted' }, t('trace.running')));
    const ext = file.name.toLowerCase().split('.').pop() ?? '';
    const query = dataset.value.trim() ? `?dataset=${encodeURIComponent(dataset.value.trim())}` : '';
    try {
      const { body } = await api<Traced>(`/v1/trace${query}`, {
        method: 'POST',
        file: { type: TYPES[ext] ?? 'application/octet-stream', bytes: await file.arrayBuffer() },
      });
      clear(out);
      out.append(result(body, file.name));
    } catch (err) {
      clear(out);
      out.append(problemBox(err));
    }
  };
  root.append(
    h('h1', null, t('trace.title')),
    h('p', { class: 'muted' }, t('trace.hint')),
    h(
      'form',
      { class: 'inline', 'data-testid': 'trace-form', onsubmit: (e: Event) => void submit(e) },
      input,
      dataset,
      h('button', { type: 'submit' }, t('trace.go')),
    ),
    out,
  );
  return Promise.resolve();
};
