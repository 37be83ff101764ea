/**
 * The RDX console: a hash router over pages for regulators, enterprises, opening bodies and the public. What a
 * page shows is what the API lets the logged-in token read; the console also hides, and refuses to open, the pages
 * of the other role.
 */
import { ApiError, endSession, session, type Role } from './api.js';
import { clear, h, link } from './dom.js';
import { lang, setLang, t } from './i18n.js';
import { problemBox, type Page } from './pages/common.js';
import { enterprisePage } from './pages/enterprise.js';
import { bodyPage } from './pages/body.js';
import { HOME, loginPage } from './pages/login.js';
import { performancePage } from './pages/performance.js';
import { publicPage } from './pages/public.js';
import { anchorsPage, dashboardPage, grantStatsPage, searchPage, timelinePage } from './pages/regulator.js';
import { tracePage } from './pages/trace.js';

interface Route {
  page: Page;
  /** The role the page is for; none: anyone. */
  role?: Role;
  nav?: string;
}

const ROUTES: Record<string, Route> = {
  '/login': { page: loginPage },
  '/public': { page: publicPage, nav: 'nav.public' },
  '/regulator/dashboard': { page: dashboardPage, role: 'regulator', nav: 'nav.dashboard' },
  '/regulator/timeline': { page: timelinePage, role: 'regulator', nav: 'nav.timeline' },
  '/regulator/grant': { page: grantStatsPage, role: 'regulator' },
  '/regulator/anchors': { page: anchorsPage, role: 'regulator', nav: 'nav.anchors' },
  '/regulator/performance': { page: performancePage, role: 'regulator', nav: 'nav.performance' },
  '/regulator/search': { page: searchPage, role: 'regulator', nav: 'nav.search' },
  '/regulator/trace': { page: tracePage, role: 'regulator', nav: 'nav.trace' },
  '/enterprise': { page: enterprisePage, role: 'enterprise', nav: 'nav.enterprise' },
  '/body': { page: bodyPage, role: 'body', nav: 'nav.body' },
  '/body/trace': { page: tracePage, role: 'body', nav: 'nav.trace' },
};

function parseHash(): { path: string; params: URLSearchParams } {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = raw.split('?');
  return { path, params: new URLSearchParams(query) };
}

function header(current: string): HTMLElement {
  const s = session();
  const visible = Object.entries(ROUTES).filter(([, r]) => r.nav && (!r.role || r.role === s?.role));
  return h(
    'header',
    { class: 'top' },
    h(
      'div',
      { class: 'brand' },
      h('span', { class: 'seal', 'aria-hidden': 'true' }, '丽'),
      h(
        'div',
        null,
        h('div', { class: 'title' }, t('app.title')),
        h('div', { class: 'subtitle' }, t('app.console')),
      ),
    ),
    h(
      'nav',
      { 'data-testid': 'nav' },
      visible.map(([path, r]) =>
        link(`#${path}`, t(r.nav!), { class: path === current ? 'current' : undefined, 'data-nav': path }),
      ),
    ),
    h(
      'div',
      { class: 'session' },
      s
        ? h(
            'span',
            { class: 'who', 'data-testid': 'who', 'data-role': s.role },
            t('session.as', { role: t(`role.${s.role}`), sub: s.org ? `${s.org} · ${s.sub}` : s.sub }),
          )
        : null,
      s
        ? h(
            'button',
            {
              type: 'button',
              class: 'link',
              'data-testid': 'logout',
              onclick: () => {
                void endSession().then(() => (location.hash = '#/login'));
              },
            },
            t('nav.logout'),
          )
        : link('#/login', t('nav.login')),
      h(
        'button',
        {
          type: 'button',
          class: 'lang',
          'data-testid': 'lang',
          onclick: () => {
            setLang(lang() === 'en' ? 'zh-CN' : 'en');
            void render();
          },
        },
        t('lang.switch'),
      ),
    ),
  );
}

function refusal(route: Route): HTMLElement {
  const s = session();
  return h(
    'section',
    { class: 'card refusal', role: 'alert', 'data-testid': 'refusal' },
    h('h2', null, t('refusal.title')),
    h('p', null, s ? t(`refusal.${route.role}`, { role: t(`role.${s.role}`) }) : t('refusal.login')),
    s
      ? null
      : h(
          'p',
          null,
          link(
            `#/login${route.role && route.role !== 'regulator' ? `?as=${route.role}` : ''}`,
            t('nav.login'),
          ),
        ),
  );
}

let rendering = 0;

async function render(): Promise<void> {
  const run = ++rendering;
  document.documentElement.lang = lang();
  document.title = `${t('app.console')} · RDX`;
  const parsed = parseHash();
  const params = parsed.params;
  let path = parsed.path;
  const s = session();
  if (path === '/' || !ROUTES[path]) {
    path = s ? HOME[s.role].slice(1) : '/login';
    history.replaceState(null, '', `#${path}`);
  }
  const route = ROUTES[path]!;
  const app = document.getElementById('app')!;
  clear(app);
  const main = h('main', { 'data-page': path });
  app.append(header(path), main);
  if (route.role && s?.role !== route.role) {
    main.append(refusal(route));
    return;
  }
  const loading = h('p', { class: 'muted loading' }, t('loading'));
  main.append(loading);
  const content = h('div', { class: 'page' });
  try {
    await route.page(content, params);
    if (run !== rendering) return;
    loading.remove();
    main.append(content);
    main.setAttribute('data-ready', 'true');
  } catch (err) {
    if (run !== rendering) return;
    loading.remove();
    if (err instanceof ApiError && err.status === 401 && route.role) {
      location.hash = '#/login?expired=1';
      return;
    }
    main.append(content, err instanceof ApiError && err.status === 403 ? refusal(route) : problemBox(err));
    main.setAttribute('data-ready', 'true');
  }
}

window.addEventListener('hashchange', () => void render());
void render();
