// The daemon's HTTP API as the page uses it: JSON requests with the bearer
// token (session storage only; never in a URL), demo mode (?demo=1 sends
// X-Fab-Demo: 1, so the daemon answers with its demo data and touches
// nothing), and Server-Sent Events read from fetch — EventSource cannot send
// an Authorization header.
import { readEvents } from './stream.js';

const TOKEN_KEY = 'fab.token';

export const demo = new URLSearchParams(location.search).get('demo') === '1';

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

// Called on a 401: the app shows the login form.
let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
export function setToken(t) {
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers(extra = {}) {
  const hs = { Accept: 'application/json', ...extra };
  if (demo) hs['X-Fab-Demo'] = '1';
  else if (token()) hs.Authorization = `Bearer ${token()}`;
  return hs;
}

// A 401 for a token that has since been replaced is old news: only one for
// the current token asks for a new one.
async function failure(res, used = token()) {
  let detail = '';
  try {
    const body = await res.json();
    detail = body?.errors?.[0]?.detail || '';
  } catch { /* not JSON */ }
  if (res.status === 401 && used === token()) onUnauthorized(detail);
  return new ApiError(res.status, detail || `${res.status} ${res.statusText}`);
}

// method, path under /api/v1 (or /health), optional JSON body → parsed JSON
// (null for 204).
export async function call(method, path, body) {
  const used = token();
  const init = { method, headers: headers(body ? { 'Content-Type': 'application/json' } : {}) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(path.startsWith('/') ? path : `/api/v1/${path}`, init);
  if (!res.ok) throw await failure(res, used);
  return res.status === 204 ? null : res.json();
}

export const get = (path) => call('GET', path);
export const post = (path, body = {}) => call('POST', path, body);

// Whether this daemon has a route (its OpenAPI document says): the page
// asks before using a newer route rather than provoking a 404.
let doc = null;
export async function hasRoute(path, method = 'get') {
  doc ??= get('openapi.json').catch(() => ({ paths: {} }));
  return Boolean((await doc).paths?.[path]?.[method]);
}

// A daemon socket message over POST /api/v1/messages: its answer's payload.
// In demo mode there is no daemon behind: null.
export async function message(type, payload = {}) {
  if (demo) return null;
  const used = token();
  const res = await fetch('/api/v1/messages', {
    method: 'POST',
    headers: headers({ 'Content-Type': 'application/json', Accept: 'text/event-stream' }),
    body: JSON.stringify({ type, id: `web-${Date.now()}`, payload }),
  });
  if (!res.ok) throw await failure(res, used);
  let answer = null;
  await readEvents(res.body, (ev) => {
    const line = JSON.parse(ev.data);
    if (line.type !== 'event') answer = line;
  });
  if (!answer) throw new ApiError(0, `no answer to ${type}`);
  if (!answer.success) throw new ApiError(400, answer.error || `${type} failed`);
  return answer.payload || {};
}

// An event stream that reconnects: GET `path()` (recomputed on each
// connection, so a resume point can go in it) or, with `messageType`, a
// streaming socket message. onEvent gets {id, event, data}; the stream ends
// for good on stop() or when `done()` says so after the server closed it.
export function subscribe({ path, messageType, payload = {}, onEvent, onOpen, done = () => false }) {
  const ctl = new AbortController();
  let stopped = false;
  (async () => {
    let delay = 500;
    while (!stopped) {
      try {
        const used = token();
        const init = { signal: ctl.signal, headers: headers({ Accept: 'text/event-stream' }) };
        let res;
        if (messageType) {
          init.method = 'POST';
          init.headers['Content-Type'] = 'application/json';
          init.body = JSON.stringify({ type: messageType, id: `web-${Date.now()}`, payload });
          res = await fetch('/api/v1/messages', init);
        } else {
          res = await fetch(path(), init);
        }
        if (!res.ok) throw await failure(res, used);
        delay = 500;
        onOpen?.();
        await readEvents(res.body, onEvent);
        if (done()) return;
      } catch (e) {
        if (stopped || e.name === 'AbortError') return;
        if (e instanceof ApiError && (e.status === 401 || e.status === 404)) return;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10000);
    }
  })();
  return { stop() { stopped = true; ctl.abort(); } };
}
