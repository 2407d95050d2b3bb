// The token form, shown when the API answers 401. The token stays in this
// tab's session storage and goes out as an Authorization header only.
import { h, append } from './dom.js';

export function renderLogin(root, { refused, onToken }) {
  const input = h('input', { id: 'token', type: 'password', name: 'token', autocomplete: 'off',
                             required: true, spellcheck: 'false' });
  const form = h('form', { class: 'card login', 'aria-labelledby': 'login-title',
    onsubmit: (e) => { e.preventDefault(); const t = input.value.trim(); if (t) onToken(t); } },
    h('h2', { id: 'login-title' }, 'Sign in'),
    h('p', {}, 'This server wants a token (', h('code', {}, 'fab token issue'), ').'),
    refused ? h('p', { class: 'error', role: 'alert', id: 'login-error' }, `Refused: ${refused}`) : null,
    h('label', { for: 'token' }, 'Token'),
    input,
    h('button', { type: 'submit' }, 'Sign in'));
  append(root, [form]);
  input.focus();
}
