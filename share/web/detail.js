// One run: its state, actions (cancel, pause, unpause, steer), what it waits
// for, tokens and cost, stages, the diff of its branch, and its event stream
// live. The events seen are kept in this tab's session storage with the last
// seq: a reload shows them at once and the stream resumes after that seq,
// so nothing is shown twice (and events are keyed by seq besides).
import { demo, get, hasRoute, post, subscribe } from './api.js';
import { h, clear, age, money, notice } from './dom.js';
import { questionForm } from './waiting.js';

const TERMINAL_EVENTS = new Set(['run.completed', 'run.failed', 'run.cancelled']);
const TERMINAL = new Set(['succeeded', 'failed', 'archived']);
const KEEP = 500; // events kept for a reload

function loadCache(id) {
  try {
    const c = JSON.parse(sessionStorage.getItem(`fab.events.${id}`) || 'null');
    if (c && Array.isArray(c.events) && Number.isInteger(c.last)) return c;
  } catch { /* ignore a damaged cache */ }
  return { last: 0, events: [] };
}

function saveCache(id, cache) {
  const events = cache.events.slice(-KEEP);
  try {
    sessionStorage.setItem(`fab.events.${id}`, JSON.stringify({ last: cache.last, events }));
  } catch { /* storage full: a reload replays from the server */ }
}

// A line of text for an event: what was said, which tool, what failed.
function summary(ev) {
  const p = ev.properties || {};
  if (p.tool_name) {
    const input = p.tool_input?.command || p.tool_input?.file_path || p.tool_input?.description || '';
    return `${p.tool_name}${input ? `: ${input}` : ''}`;
  }
  return p.text || p.error || p.guidance || p.agent_id || '';
}

function chatClass(name) {
  if (name === 'agent.input') return 'ev-user';
  if (name === 'agent.message') return 'ev-agent';
  if (name.startsWith('agent.tool')) return 'ev-tool';
  if (name === 'agent.error' || name === 'run.failed') return 'ev-error';
  if (name.startsWith('run.') || name.startsWith('stage.')) return 'ev-run';
  return 'ev-other';
}

export function renderDetail(root, { id }, { live }) {
  const cache = loadCache(id);
  const seen = new Set(); // seqs on the page
  let run = null, finished = false, stream = null, asked = '';

  const head = h('div', { class: 'run-head' });
  const actions = h('div', { class: 'actions' });
  const waiting = h('section', { class: 'run-waiting', 'aria-label': 'Waiting for you' });
  const usage = h('p', { class: 'usage', id: 'run-usage' });
  const stages = h('ol', { class: 'stages', 'aria-label': 'Stages' });
  const diff = h('section', { class: 'diff', id: 'diff', 'aria-label': 'Changes' });
  // Scrolls on its own (tabindex: the keyboard can scroll it too).
  const events = h('ol', { class: 'events', id: 'events', 'aria-label': 'Events', 'aria-live': 'polite', tabindex: 0 });
  const guidance = h('textarea', { id: 'steer-text', rows: 2, required: true });
  const steer = h('form', { class: 'steer', onsubmit: onSteer },
    h('label', { for: 'steer-text' }, 'Steer the agent'), guidance,
    h('button', { type: 'submit', id: 'steer-send' }, 'Send'));
  const diffButton = h('button', { type: 'button', id: 'show-diff', onclick: showDiff }, 'Show changes');

  root.append(h('p', {}, h('a', { href: '#/' }, '← Runs')), head, actions, waiting, usage,
    h('div', { class: 'detail-grid' },
      h('section', { class: 'events-box' }, h('h3', {}, 'Events'), events, steer),
      h('aside', {}, h('h3', {}, 'Stages'), stages, h('h3', {}, 'Changes'), diffButton, diff)));

  const buttons = {};
  for (const [name, label] of [['cancel', 'Cancel'], ['pause', 'Pause'], ['unpause', 'Unpause']]) {
    buttons[name] = h('button', { type: 'button', id: `run-${name}`, disabled: true, onclick: () => doAction(name) }, label);
    actions.append(buttons[name]);
  }

  function drawRun() {
    clear(head);
    head.append(h('h2', { id: 'run-goal' }, run.goal),
      h('p', { class: 'run-meta' },
        h('span', { class: `status status-${run.status}`, id: 'run-status' }, run.status),
        ` ${run.project} · ${run.workflow || 'task'} · ${run.backend || 'default'}${run.model ? ` (${run.model})` : ''} · ${age(run.created_at)} ago`,
        run.error ? h('span', { class: 'error' }, ` · ${run.error}`) : null));
    // The buttons stay (keyboard focus with them); only what is allowed changes.
    buttons.cancel.disabled = TERMINAL.has(run.status);
    buttons.pause.disabled = !['running', 'blocked'].includes(run.status);
    buttons.unpause.disabled = run.status !== 'paused';
    steer.hidden = TERMINAL.has(run.status);
  }

  async function doAction(name) {
    try {
      run = await post(`runs/${encodeURIComponent(id)}/${name}`);
      drawRun();
      notice(`Run ${name === 'cancel' ? 'cancelled' : `${name}d`}.`);
    } catch (e) { notice(`${name} failed: ${e.message}`, 'error'); }
  }

  async function onSteer(e) {
    e.preventDefault();
    const text = guidance.value.trim();
    if (!text) return;
    try {
      await post(`runs/${encodeURIComponent(id)}/steer`, { guidance: text });
      guidance.value = '';
      notice('Guidance sent.');
    } catch (err) { notice(`Steer failed: ${err.message}`, 'error'); }
  }

  async function showDiff() {
    clear(diff);
    if (!demo && !(await hasRoute('/api/v1/runs/{id}/files'))) {
      diff.append(h('p', { class: 'error' }, 'This daemon has no diff endpoint (GET /api/v1/runs/{id}/files).'));
      return;
    }
    try {
      const d = await get(`runs/${encodeURIComponent(id)}/files`);
      const files = d.files || d.data || [];
      if (!files.length) { diff.append(h('p', {}, 'No files changed.')); return; }
      diff.append(h('p', { class: 'meta' }, `${d.branch || ''} · ${files.length} file(s) · +${d.additions ?? 0} −${d.deletions ?? 0}`),
        h('ul', { class: 'plain files' }, ...files.map((f) => h('li', {},
          h('span', { class: 'file-name' }, f.path), ` ${f.status || ''}`,
          f.binary ? ' (binary)' : ` +${f.additions ?? 0} −${f.deletions ?? 0}`))));
      if (d.patch) diff.append(h('pre', { class: 'patch', tabindex: 0, 'aria-label': 'Patch' }, ...patchLines(d.patch)));
      if (d.truncated) diff.append(h('p', { class: 'meta' }, 'The patch was cut short.'));
    } catch (err) {
      diff.append(h('p', { class: 'error' }, `Could not load the changes: ${err.message}`));
    }
  }

  function patchLines(patch) {
    return patch.split('\n').map((l) => h('span', {
      class: l.startsWith('+') && !l.startsWith('+++') ? 'add'
        : l.startsWith('-') && !l.startsWith('---') ? 'del' : l.startsWith('@@') ? 'hunk' : '' }, `${l}\n`));
  }

  function addEvent(ev, store = true) {
    if (!Number.isInteger(ev.seq) || seen.has(ev.seq)) return;
    seen.add(ev.seq);
    if (store) {
      cache.events.push(ev);
      cache.last = Math.max(cache.last, ev.seq);
    }
    const atEnd = events.scrollTop + events.clientHeight >= events.scrollHeight - 8;
    events.append(h('li', { class: `event ${chatClass(ev.event)}`, 'data-seq': ev.seq, 'data-event': ev.event },
      h('span', { class: 'ev-name' }, ev.event),
      h('span', { class: 'ev-text' }, summary(ev))));
    if (atEnd) events.scrollTop = events.scrollHeight; // follow the stream unless scrolled back
    if (ev.stage || ev.node) stageSeen(ev);
    if (TERMINAL_EVENTS.has(ev.event)) finished = true;
  }

  const stageState = new Map();
  function stageSeen(ev) {
    const name = ev.stage || ev.node;
    stageState.set(name, ev.event.replace(/^stage\./, ''));
    clear(stages);
    for (const [n, s] of stageState) stages.append(h('li', {}, h('span', {}, n), ' ', h('span', { class: 'badge' }, s)));
  }

  async function refreshRun() {
    try {
      run = await get(`runs/${encodeURIComponent(id)}`);
      drawRun();
      if (!stageState.size) { // no stage events (a one-agent run): the run is its stage
        clear(stages);
        stages.append(h('li', {}, run.workflow || 'task', ' ', h('span', { class: 'badge' }, run.status)));
      }
      const b = await get(`runs/${encodeURIComponent(id)}/billing`);
      const u = b.usage || {};
      usage.textContent = `Tokens: ${u.input_tokens || 0} in, ${u.output_tokens || 0} out, ` +
        `${u.cache_read_tokens || 0} cache read · Cost ${money(b.total_cost_usd)}`;
      const q = await get(`runs/${encodeURIComponent(id)}/questions`);
      const sig = JSON.stringify(q.data || []);
      if (sig === asked) return;
      asked = sig;
      clear(waiting);
      for (const item of q.data || []) waiting.append(questionForm(item, (answer) =>
        post(`runs/${encodeURIComponent(id)}/questions/${encodeURIComponent(item.id)}/answer`, answer)
          .then(refreshRun)));
    } catch (e) {
      if (e.status === 404) notice(`No run ${id}.`, 'error');
      else if (e.status !== 401) notice(`Could not load the run: ${e.message}`, 'error');
    }
  }

  for (const ev of cache.events) addEvent(ev, false);
  refreshRun();
  if (demo) {
    get(`runs/${encodeURIComponent(id)}/events`).then((r) => r.data.forEach((e) => addEvent(e)));
  } else {
    stream = subscribe({
      path: () => `/api/v1/runs/${encodeURIComponent(id)}/attach?since_seq=${cache.last}`,
      onEvent: (m) => {
        if (m.event === 'resync') return; // the loop reconnects from cache.last
        const ev = JSON.parse(m.data);
        addEvent(ev);
        saveCache(id, cache);
        if (ev.event.startsWith('run.') || ev.event === 'interview.started' || ev.event === 'agent.turn.completed')
          refreshRun();
      },
      done: () => finished,
    });
  }
  const onLive = () => refreshRun();
  live.addEventListener('change', onLive);
  return () => {
    stream?.stop();
    live.removeEventListener('change', onLive);
  };
}
