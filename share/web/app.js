// The shell: hash routes (#/, #/runs/ID, #/start, #/waiting, #/agents), the
// login form on a 401, and one live feed shared by the views — the daemon's
// `attach` stream (agent states, output, permission requests) over
// POST /api/v1/messages, and every run's events (GET /api/v1/attach) where
// the daemon has that route. Views refresh on it, and on a slow timer as a
// safety net.
import { demo, hasRoute, setUnauthorizedHandler, subscribe, token, setToken } from './api.js';
import { clear, notice } from './dom.js';
import { renderLogin } from './login.js';
import { renderBoard } from './board.js';
import { renderDetail } from './detail.js';
import { renderStart } from './start.js';
import { renderWaiting, refreshWaitingCount } from './waiting.js';
import { renderAgents } from './agents.js';

const view = document.getElementById('view');
// 'change' after live events (coalesced), 'tick' every few seconds.
export const live = new EventTarget();
let cleanup = null;
let feed = null;
let loggingIn = false;

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const m = hash.match(/^\/runs\/([^/]+)$/);
  if (m) return { name: 'detail', id: decodeURIComponent(m[1]) };
  const name = { '/': 'board', '/start': 'start', '/waiting': 'waiting', '/agents': 'agents' }[hash];
  return { name: name || 'board' };
}

function show() {
  if (loggingIn) return;
  cleanup?.();
  cleanup = null;
  clear(view);
  notice('');
  const r = route();
  for (const a of document.querySelectorAll('[data-nav]'))
    a.toggleAttribute('aria-current', a.dataset.nav === r.name || (r.name === 'detail' && a.dataset.nav === 'board'));
  const ctx = { live };
  const render = { board: renderBoard, detail: renderDetail, start: renderStart,
                   waiting: renderWaiting, agents: renderAgents }[r.name];
  cleanup = render(view, r, ctx) || null;
}

function startFeed() {
  if (demo || feed) return;
  let pending = null;
  const changed = () => {
    if (pending) return;
    pending = setTimeout(() => { pending = null; live.dispatchEvent(new Event('change')); }, 150);
  };
  // Agent output also goes to the views as it comes ('output', the event).
  const onAgentEvent = (m) => {
    changed();
    try {
      const line = JSON.parse(m.data);
      if (line.event === 'agent.output') live.dispatchEvent(new CustomEvent('output', { detail: line }));
    } catch { /* a keep-alive or a line we do not read */ }
  };
  const feeds = [subscribe({ messageType: 'attach', onOpen: changed, onEvent: onAgentEvent })];
  feed = { stop: () => feeds.forEach((f) => f.stop()) };
  hasRoute('/api/v1/attach').then((yes) => {
    if (yes && feed) feeds.push(subscribe({ path: () => '/api/v1/attach', onEvent: changed }));
  });
}

function login(detail) {
  if (demo || loggingIn) return;
  loggingIn = true;
  feed?.stop();
  feed = null;
  cleanup?.();
  cleanup = null;
  clear(view);
  document.getElementById('logout').hidden = true;
  renderLogin(view, {
    refused: token() ? (detail || 'the token was refused') : '',
    onToken: (t) => {
      setToken(t);
      loggingIn = false;
      start();
    },
  });
}

function start() {
  document.getElementById('logout').hidden = demo || !token();
  startFeed();
  refreshWaitingCount();
  show();
}

setUnauthorizedHandler(login);
document.getElementById('demo-banner').hidden = !demo;
document.getElementById('logout').addEventListener('click', () => {
  setToken('');
  location.reload();
});
window.addEventListener('hashchange', () => { show(); view.focus(); });
live.addEventListener('change', refreshWaitingCount);
setInterval(() => live.dispatchEvent(new Event('tick')), 4000);
start();
