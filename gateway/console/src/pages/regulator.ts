/** Regulator pages: dashboard, timelines, a grant's calls, audit anchors with receipt verification, search. */
import { signalsCard, type MisuseSignal } from './signals.js';
import { complaintsCard, type ComplaintRow } from './complaints.js';
import { api } from '../api.js';
import { card, clear, fmtTime, h, link, mono, table } from '../dom.js';
import { eventName, lang, t, tr } from '../i18n.js';
import type { Receipt } from '../merkle.js';
import { ledgerCheck, showReceipt } from '../receipt.js';
import { bars, figures, problemBox, stateBadge, statsLink, timelineLink, type Page } from './common.js';

interface GrantRow {
  id: string;
  enterprise: string;
  enterpriseName: string | null;
  dataset: string;
  datasetName: string | null;
  body: string;
  state: string;
  validUntil: string;
  grantedAt: string;
}

interface Dashboard {
  generatedAt: string;
  gatewayId: string;
  grants: { total: number; byState: Record<string, number>; recent: GrantRow[] };
  enterprises: {
    total: number;
    byRating: Record<string, number>;
    list: { creditCode: string; name: string; level: string }[];
  };
  datasets: {
    total: number;
    byOpenAttribute: Record<string, number>;
    list: { id: string; name: string; owner: string; openAttribute: string }[];
  };
  access: {
    hours: { hour: string; allow: number; deny: number }[];
    allow: number;
    deny: number;
    denyReasons: { reason: string; count: number }[];
  };
  anchoring: {
    logSize: number;
    anchoredSize: number;
    lagRecords: number;
    lagSeconds: number;
    behind: boolean;
    integrity: string;
    lastError: string | null;
    lastAnchor: { sequence: number; txId: string; blockNumber: number; treeSize: number } | null;
  };
  ledger: { following: boolean; lastBlock: number };
  overdue: {
    source: string;
    detail?: string;
    items: {
      type: string;
      id: string;
      step: string;
      due: string;
      party: string;
      workingDaysOverdue?: number;
    }[];
  };
}

const hourLabel = (iso: string): string =>
  new Date(iso).toLocaleTimeString(lang() === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });

export const dashboardPage: Page = async (root) => {
  const [{ body: d }, signals, complaints] = await Promise.all([
    api<Dashboard>('/v1/regulator/dashboard'),
    api<{ data: MisuseSignal[] }>('/v1/regulator/misuse-signals?limit=20'),
    api<{ data: ComplaintRow[]; more: boolean }>('/v1/regulator/complaints?state=OPEN&limit=50'),
  ]);
  const a = d.anchoring;
  root.append(
    h('h1', null, t('dashboard.title')),
    h(
      'p',
      { class: 'muted' },
      t('dashboard.generated', { time: fmtTime(d.generatedAt), gateway: d.gatewayId }),
    ),
    // The alarm: a log that failed its checks (altered, or a fork of its anchor chain) is shown before anything.
    a.integrity === 'ok'
      ? ''
      : h(
          'p',
          { class: 'problem', role: 'alert', 'data-testid': 'integrity-alarm' },
          t('dashboard.integrityAlarm', { detail: a.integrity }),
        ),
    h(
      'div',
      { class: 'cards', 'data-testid': 'dashboard' },
      card(
        t('dashboard.grants'),
        h('p', { class: 'big' }, d.grants.total),
        figures(
          Object.entries(d.grants.byState).map(([state, n]) => [
            tr('state', state),
            h('span', { 'data-testid': `grants-${state}` }, n),
          ]),
        ),
      ),
      card(
        t('dashboard.enterprises'),
        h('p', { class: 'big' }, d.enterprises.total),
        figures(Object.entries(d.enterprises.byRating).map(([level, n]) => [level, n])),
      ),
      card(
        t('dashboard.datasets'),
        h('p', { class: 'big' }, d.datasets.total),
        figures(Object.entries(d.datasets.byOpenAttribute).map(([attr, n]) => [tr('attr', attr), n])),
      ),
      card(
        t('dashboard.anchoring'),
        figures([
          [t('dashboard.logSize'), a.logSize],
          [t('dashboard.anchoredSize'), a.anchoredSize],
          [t('dashboard.lagRecords'), a.lagRecords],
          [t('dashboard.lagSeconds'), a.lagSeconds],
          [
            t('dashboard.bound'),
            h(
              'span',
              { class: a.behind ? 'bad' : 'good' },
              a.behind ? t('dashboard.behind') : t('dashboard.inBound'),
            ),
          ],
          [
            t('dashboard.integrity'),
            h(
              'span',
              { class: a.integrity === 'ok' ? 'good' : 'bad', 'data-testid': 'integrity' },
              a.integrity === 'ok' ? t('dashboard.integrityOk') : t('dashboard.integrityBroken'),
            ),
          ],
          ...(a.lastError
            ? [[t('dashboard.lastError'), h('span', { class: 'bad' }, a.lastError)] as [string, Node]]
            : []),
          [
            t('dashboard.lastAnchor'),
            a.lastAnchor
              ? h(
                  'span',
                  null,
                  `#${a.lastAnchor.sequence} · `,
                  link('#/regulator/anchors', mono(a.lastAnchor.txId, true)),
                )
              : '–',
          ],
          [
            t('dashboard.ledger'),
            h(
              'span',
              { class: d.ledger.following ? 'good' : 'bad' },
              d.ledger.following
                ? t('dashboard.following', { block: d.ledger.lastBlock })
                : t('dashboard.notFollowing'),
            ),
          ],
        ]),
      ),
    ),
    card(
      t('dashboard.access'),
      h('p', null, t('dashboard.accessTotals', { allow: d.access.allow, deny: d.access.deny })),
      bars(
        d.access.hours.map((x) => ({ label: hourLabel(x.hour), allow: x.allow, deny: x.deny })),
        'access-chart',
      ),
      d.access.denyReasons.length
        ? h(
            'div',
            null,
            h('h3', null, t('dashboard.denyReasons')),
            table(
              [t('col.reason'), t('col.count')],
              d.access.denyReasons.map((r) => [mono(r.reason), r.count]),
            ),
          )
        : null,
    ),
    card(
      t('dashboard.overdue'),
      d.overdue.source !== 'ledger' ? h('p', { class: 'note' }, t('dashboard.overdue.partial')) : null,
      // A missing working-day calendar stops every deadline from being computed: said first, not in the table.
      ...d.overdue.items
        .filter((o) => o.type === 'calendar')
        .map((o) =>
          h(
            'p',
            { class: 'problem', role: 'alert', 'data-testid': 'calendar-missing' },
            t('dashboard.calendarMissing', { year: o.id, due: o.due }),
          ),
        ),
      d.overdue.items.length
        ? table(
            [t('col.type'), t('col.id'), t('col.step'), t('col.due'), t('col.party')],
            d.overdue.items.map((o) => [
              tr('obj', o.type),
              mono(o.id),
              o.step,
              o.workingDaysOverdue !== undefined ? `${o.due} (+${o.workingDaysOverdue})` : o.due,
              o.party,
            ]),
            'overdue',
          )
        : h('p', { class: 'muted' }, t('none')),
    ),
    signalsCard(signals.body.data, true),
    complaintsCard(complaints.body.data, true, complaints.body.more),
    card(
      t('dashboard.grantList'),
      table(
        [
          t('col.grant'),
          t('col.enterprise'),
          t('col.dataset'),
          t('col.body'),
          t('col.state'),
          t('col.validUntil'),
          t('col.actions'),
        ],
        d.grants.recent.map((g) => [
          mono(g.id),
          h('span', null, g.enterpriseName ?? '', h('br'), mono(g.enterprise)),
          h('span', null, g.datasetName ?? '', h('br'), mono(g.dataset)),
          g.body,
          stateBadge(g.state),
          g.validUntil,
          h('span', { class: 'actions' }, timelineLink('grant', g.id), statsLink(g.id)),
        ]),
        'grants',
      ),
    ),
    h(
      'div',
      { class: 'cards two' },
      card(
        t('dashboard.enterpriseList'),
        table(
          [t('col.creditCode'), t('col.name'), t('col.rating'), t('col.actions')],
          d.enterprises.list.map((e) => [
            mono(e.creditCode),
            e.name,
            e.level,
            timelineLink('enterprise', e.creditCode),
          ]),
        ),
      ),
      card(
        t('dashboard.datasetList'),
        table(
          [t('col.id'), t('col.name'), t('col.body'), t('col.openAttribute'), t('col.actions')],
          d.datasets.list.map((x) => [
            mono(x.id),
            x.name,
            x.owner,
            tr('attr', x.openAttribute),
            timelineLink('dataset', x.id),
          ]),
        ),
      ),
    ),
  );
};

interface TimelineEvent {
  time: string;
  txId: string;
  org: string | null;
  role: string | null;
  object: { type: string; id: string };
  kind: string;
  state: string | null;
  detail: Record<string, unknown>;
}

function detailList(detail: Record<string, unknown>): HTMLElement | null {
  const entries = Object.entries(detail);
  if (!entries.length) return null;
  const show = (key: string, v: unknown): string => {
    if (Array.isArray(v)) return v.map(String).join(', ');
    if (key === 'from' || key === 'to') return tr('state', v);
    if (key === 'decision' || key === 'outcome') return tr('decision', v);
    // Reason codes keep their stable code beside the words.
    if (key === 'reason' && tr('reason', v) !== String(v)) return `${tr('reason', v)} (${String(v)})`;
    return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  };
  return h(
    'dl',
    { class: 'detail' },
    entries.map(([k, v]) => [h('dt', null, tr('detail', k)), h('dd', null, show(k, v))]),
  );
}

export const timelinePage: Page = async (root, params) => {
  const kinds = ['grant', 'enterprise', 'dataset'] as const;
  const current = kinds.find((k) => params.has(k));
  const select = h(
    'select',
    { name: 'kind', 'aria-label': t('timeline.kind') },
    kinds.map((k) => h('option', { value: k, selected: k === current }, t(`timeline.of.${k}`))),
  );
  const input = h('input', {
    name: 'id',
    required: true,
    placeholder: t('timeline.id'),
    value: current ? (params.get(current) ?? '') : '',
    size: 40,
  });
  const form = h(
    'form',
    {
      class: 'inline',
      'data-testid': 'timeline-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        location.hash = `#/regulator/timeline?${select.value}=${encodeURIComponent(input.value.trim())}`;
      },
    },
    h('label', null, t('timeline.kind'), ' ', select),
    h('label', null, t('timeline.id'), ' ', input),
    h('button', { type: 'submit' }, t('timeline.show')),
  );
  root.append(h('h1', null, t('timeline.title')), h('p', { class: 'muted' }, t('timeline.intro')), form);
  if (!current) return;
  const id = params.get(current) ?? '';
  const { body } = await api<{
    subject: {
      type: string;
      id: string;
      name?: string | null;
      level?: string | null;
      state?: string | null;
      enterprise?: string | null;
      dataset?: string | null;
    };
    objects: { type: string; id: string; versions: number }[];
    data: TimelineEvent[];
  }>(`/v1/regulator/timeline?${current}=${encodeURIComponent(id)}`);
  const s = body.subject;
  root.append(
    h(
      'div',
      { class: 'subject' },
      h(
        'h2',
        null,
        t('timeline.subject', { type: tr('obj', s.type), id: String(s.id) }),
        s.name ? ` · ${s.name}` : '',
      ),
      s.state ? stateBadge(s.state) : null,
      s.level ? h('span', { class: 'badge' }, s.level) : null,
      current === 'grant'
        ? h(
            'span',
            { class: 'actions' },
            statsLink(id),
            s.enterprise ? timelineLink('enterprise', s.enterprise, tr('obj', 'enterprise')) : null,
            s.dataset ? timelineLink('dataset', s.dataset, tr('obj', 'dataset')) : null,
          )
        : null,
      h(
        'p',
        { class: 'muted' },
        t('timeline.objects', { n: body.objects.length }),
        ': ',
        body.objects.map((o, i) => [i ? ', ' : '', `${tr('obj', o.type)} ${o.id}`]),
      ),
    ),
  );
  if (!body.data.length) {
    root.append(h('p', { class: 'muted' }, t('timeline.empty')));
    return;
  }
  root.append(
    h(
      'ol',
      { class: 'timeline', 'data-testid': 'timeline' },
      body.data.map((e) =>
        h(
          'li',
          {
            class: `event obj-${e.object.type} kind-${e.kind.replace('.', '-')}`,
            'data-testid': 'timeline-event',
            'data-kind': e.kind,
            'data-tx': e.txId,
          },
          h('div', { class: 'when' }, fmtTime(e.time)),
          h(
            'div',
            { class: 'what' },
            h(
              'div',
              { class: 'title' },
              h('span', { class: `badge obj obj-${e.object.type}` }, tr('obj', e.object.type)),
              ' ',
              h('strong', null, eventName(e.kind)),
              e.state ? [' ', stateBadge(e.state)] : null,
            ),
            h(
              'div',
              { class: 'meta' },
              h('span', null, `${t('col.org')}: ${e.org ?? '–'}${e.role ? ` (${e.role})` : ''}`),
              ' · ',
              h('span', null, `${tr('obj', e.object.type)} ${e.object.id}`),
            ),
            h('div', { class: 'tx' }, `${t('col.tx')}: `, mono(e.txId)),
            detailList(e.detail),
          ),
        ),
      ),
    ),
  );
};

export const grantStatsPage: Page = async (root, params) => {
  const id = params.get('id') ?? '';
  const days = Number(params.get('days') ?? 30) || 30;
  root.append(h('h1', null, t('stats.title')));
  const { body } = await api<{
    grant: GrantRow & { dailyQuota: number; items: string[] };
    gatewayId: string;
    days: { day: string; allow: number; deny: number }[];
    allow: number;
    deny: number;
    rows: number;
    denyReasons: { reason: string; count: number }[];
  }>(`/v1/regulator/grants/${encodeURIComponent(id)}/stats?days=${days}`);
  const g = body.grant;
  const choose = h(
    'span',
    { class: 'actions' },
    [7, 30, 90].map((n) =>
      link(`#/regulator/grant?id=${encodeURIComponent(id)}&days=${n}`, `${n}`, {
        class: n === days ? 'current' : undefined,
      }),
    ),
  );
  root.append(
    h(
      'div',
      { class: 'subject' },
      h('h2', null, t('stats.grant', { id: g.id })),
      stateBadge(g.state),
      h('span', { class: 'actions' }, timelineLink('grant', g.id)),
    ),
    figures([
      [t('col.enterprise'), h('span', null, g.enterpriseName ?? '', ' ', mono(g.enterprise))],
      [t('col.dataset'), h('span', null, g.datasetName ?? '', ' ', mono(g.dataset))],
      [t('col.body'), g.body],
      [t('col.items'), g.items.join(', ')],
      [t('col.validUntil'), g.validUntil],
      [t('stats.days'), choose],
    ]),
    card(
      t('stats.summary', { days, allow: body.allow, deny: body.deny, rows: body.rows }),
      h(
        'p',
        { class: 'muted' },
        t('stats.quota', { quota: g.dailyQuota }),
        ' · ',
        t('stats.source', { gateway: body.gatewayId }),
      ),
      bars(
        body.days.map((x) => ({ label: x.day.slice(5), allow: x.allow, deny: x.deny })),
        'stats-chart',
      ),
      table(
        [t('col.day'), t('col.allow'), t('col.deny')],
        [...body.days].reverse().map((x) => [x.day, x.allow, x.deny]),
        'stats-table',
      ),
      body.denyReasons.length
        ? h(
            'div',
            null,
            h('h3', null, t('dashboard.denyReasons')),
            table(
              [t('col.reason'), t('col.count')],
              body.denyReasons.map((r) => [mono(r.reason), r.count]),
            ),
          )
        : null,
    ),
  );
};

interface AnchorRow {
  sequence: number;
  firstRecord: number;
  recordCount: number;
  treeSize: number;
  merkleRoot: string;
  txId: string;
  blockNumber: number;
  ledger: string;
  anchoredAt: string | null;
}

export const anchorsPage: Page = async (root, params) => {
  const before = params.get('before');
  const { body } = await api<{
    gatewayId: string;
    ledgerHead: { sequence: number } | null;
    logSize: number;
    anchoredSize: number;
    data: AnchorRow[];
    nextBefore: number | null;
  }>(`/v1/regulator/anchors?limit=20${before ? `&before=${encodeURIComponent(before)}` : ''}`);
  const result = h('div', { class: 'receipt', 'data-testid': 'receipt' });
  const requestInput = h('input', {
    name: 'request',
    placeholder: t('verify.requestId'),
    size: 40,
    value: params.get('receipt') ?? '',
  });
  const pasted = h('textarea', {
    name: 'receipt',
    rows: 5,
    placeholder: '{ "status": "anchored", "record": …, "proof": …, "anchor": … }',
  });
  const verifyById = async (): Promise<void> => {
    clear(result);
    try {
      const asked = requestInput.value.trim();
      const { body: receipt } = await api<Receipt>(`/v1/regulator/receipts/${encodeURIComponent(asked)}`);
      await showReceipt(result, receipt, ledgerCheck, asked);
    } catch (err) {
      result.append(problemBox(err));
    }
  };
  root.append(
    h('h1', null, t('anchors.title')),
    h('p', { class: 'muted' }, t('anchors.intro', { gateway: body.gatewayId })),
    card(
      t('verify.title'),
      h('p', { class: 'muted' }, t('verify.intro')),
      h(
        'form',
        {
          class: 'inline',
          'data-testid': 'verify-form',
          onsubmit: (e: Event) => {
            e.preventDefault();
            void verifyById();
          },
        },
        h('label', null, t('verify.requestId'), ' ', requestInput),
        h('button', { type: 'submit' }, t('verify.fetch')),
      ),
      h(
        'form',
        {
          onsubmit: (e: Event) => {
            e.preventDefault();
            clear(result);
            let receipt: Receipt;
            try {
              receipt = JSON.parse(pasted.value) as Receipt;
              if (!receipt || typeof receipt !== 'object' || !receipt.record) throw new Error('no record');
            } catch {
              result.append(h('p', { class: 'problem' }, t('verify.badJson')));
              return;
            }
            void showReceipt(result, receipt, ledgerCheck).catch((err: unknown) =>
              result.append(problemBox(err)),
            );
          },
        },
        h('label', { class: 'block' }, t('verify.paste'), pasted),
        h('button', { type: 'submit' }, t('verify.run')),
      ),
      result,
    ),
    card(
      t('anchors.title'),
      h(
        'p',
        null,
        t('anchors.head', {
          seq: body.ledgerHead?.sequence ?? '–',
          size: body.logSize,
          anchored: body.anchoredSize,
        }),
      ),
      table(
        [
          t('col.sequence'),
          t('col.records'),
          t('col.root'),
          t('col.tx'),
          t('col.block'),
          t('col.time'),
          t('col.ledger'),
        ],
        body.data.map((a) => [
          a.sequence,
          `${a.firstRecord}–${a.treeSize - 1}`,
          mono(a.merkleRoot, true),
          mono(a.txId),
          a.blockNumber,
          fmtTime(a.anchoredAt),
          h(
            'span',
            { class: a.ledger === 'match' ? 'good' : 'bad' },
            `${a.ledger === 'match' ? '✓' : '✗'} ${tr('ledger', a.ledger)}`,
          ),
        ]),
        'anchors',
      ),
      body.nextBefore
        ? h('p', null, link(`#/regulator/anchors?before=${body.nextBefore}`, t('anchors.more')))
        : null,
    ),
  );
  if (params.get('receipt')) await verifyById();
};

export const searchPage: Page = async (root, params) => {
  const q = params.get('q') ?? '';
  const input = h('input', {
    name: 'q',
    value: q,
    placeholder: t('search.placeholder'),
    size: 60,
    required: true,
  });
  root.append(
    h('h1', null, t('search.title')),
    h(
      'form',
      {
        class: 'inline',
        'data-testid': 'search-form',
        onsubmit: (e: Event) => {
          e.preventDefault();
          location.hash = `#/regulator/search?q=${encodeURIComponent(input.value.trim())}`;
        },
      },
      input,
      h('button', { type: 'submit' }, t('search.go')),
    ),
  );
  if (!q) return;
  const { body } = await api<{ data: { kind: string; id: string; label: string; link: string }[] }>(
    `/v1/regulator/search?q=${encodeURIComponent(q)}`,
  );
  if (!body.data.length) {
    root.append(h('p', { class: 'muted' }, t('search.none', { q })));
    return;
  }
  root.append(
    table(
      [t('col.type'), t('col.id'), t('col.label'), t('col.actions')],
      body.data.map((r) => [
        tr('kind', r.kind),
        mono(r.id),
        r.label,
        r.link ? link(r.link, t('action.open')) : '–',
      ]),
      'search-results',
    ),
  );
};
