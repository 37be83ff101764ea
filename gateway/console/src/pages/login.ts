/** Login: a regulator's, an enterprise's or a body's console account's client id and secret → POST /oauth/token. */
import { login } from '../api.js';
import { card, h, link } from '../dom.js';
import { t } from '../i18n.js';
import { problemBox, type Page } from './common.js';
import type { Role } from '../api.js';

/** Where each role lands after logging in. */
export const HOME: Record<Role, string> = {
  regulator: '#/regulator/dashboard',
  enterprise: '#/enterprise',
  body: '#/body',
};

export const loginPage: Page = (root, params) => {
  const as = params.get('as');
  const chosen = as === 'enterprise' || as === 'body' ? as : 'regulator';
  const role = h(
    'select',
    { name: 'role', 'data-testid': 'login-role' },
    (['regulator', 'enterprise', 'body'] as const).map((r) =>
      h('option', { value: r, selected: r === chosen }, t(`login.role.${r}`)),
    ),
  );
  const clientId = h('input', {
    name: 'client_id',
    required: true,
    autocomplete: 'username',
    placeholder: t(`login.clientId.${chosen}`),
    maxlength: 64,
  });
  const secret = h('input', {
    name: 'client_secret',
    type: 'password',
    required: true,
    autocomplete: 'current-password',
    maxlength: 256,
  });
  const message = h('div', { class: 'message' });
  role.addEventListener('change', () => (clientId.placeholder = t(`login.clientId.${role.value}`)));
  const form = h(
    'form',
    {
      class: 'login',
      'data-testid': 'login-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        message.replaceChildren();
        login(clientId.value.trim(), secret.value)
          .then((s) => {
            location.hash = HOME[s.role];
          })
          .catch((err: unknown) => {
            const box = problemBox(err);
            box.textContent = t('login.failed', { detail: box.textContent ?? '' });
            message.append(box);
          });
      },
    },
    h('label', null, h('span', null, t('login.role')), role),
    h('label', null, h('span', null, t('login.clientId')), clientId),
    h('label', null, h('span', null, t('login.secret')), secret),
    h('button', { type: 'submit' }, t('login.submit')),
    message,
  );
  root.append(
    h(
      'div',
      { class: 'login-page' },
      card(
        t('login.title'),
        params.get('expired')
          ? h('p', { class: 'problem', 'data-testid': 'expired' }, t('login.expired'))
          : null,
        h('p', { class: 'muted' }, t('login.intro')),
        form,
      ),
      h('p', { class: 'muted' }, link('#/public', t('login.public'))),
    ),
  );
  return Promise.resolve();
};
