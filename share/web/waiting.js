// "Waiting for you": every pending permission request and question across
// agents and runs, with buttons. The list is fetched again on each live
// event (and every few seconds), so an answer given in the TUI or the CLI
// takes the item away here too.
import { demo, get, message, post } from './api.js';
import { h, clear, age, notice } from './dom.js';

function describe(input) {
  if (!input || typeof input !== 'object') return '';
  return input.command || input.file_path || input.description || JSON.stringify(input).slice(0, 300);
}

// A question in the API's shape ({id, text, question_type, options,
// allow_freeform}) as buttons and a text box; `answer` gets the body of
// POST …/questions/{qid}/answer.
export function questionForm(q, answer) {
  const text = h('input', { type: 'text', 'aria-label': 'Your answer', class: 'free' });
  const send = async (body) => {
    try { await answer(body); } catch (e) { notice(`The answer was refused: ${e.message}`, 'error'); }
  };
  return h('form', { class: 'card question', 'data-question': q.id,
    onsubmit: (e) => { e.preventDefault(); if (text.value.trim()) send({ value: text.value.trim() }); } },
    h('p', { class: 'q-text' }, q.text),
    h('div', { class: 'buttons' }, ...(q.options || []).map((o) =>
      h('button', { type: 'button', 'data-key': o.key, onclick: () => send({ selected_option_key: o.key }) }, o.label))),
    q.allow_freeform ? h('div', { class: 'free-row' }, text, h('button', { type: 'submit' }, 'Answer')) : null);
}

// What blocked runs wait for (GET /runs/{id}/questions), but for the ids
// already listed: a run's agent's requests are in the lists above; a run
// may also wait on something no agent asked (a workflow's human gate).
async function blockedRunQuestions(known) {
  const board = await get('boards/runs');
  const blocked = board.columns.flatMap((c) => c.runs).filter((r) => r.status === 'blocked');
  const qs = [];
  for (const r of blocked) {
    const q = await get(`runs/${encodeURIComponent(r.id)}/questions`);
    for (const item of q.data || []) if (!known.has(item.id)) qs.push({ ...item, run: r });
  }
  return qs;
}

async function pending() {
  // The demo has no agents: its blocked run's question stands in.
  if (demo) return { requests: [], questions: [], runQuestions: await blockedRunQuestions(new Set()) };
  const [p, q] = await Promise.all([message('permission.list'), message('question.list')]);
  const requests = p.requests || [], questions = q.questions || [];
  const known = new Set([...requests, ...questions].map((x) => x.id));
  return { requests, questions, runQuestions: await blockedRunQuestions(known) };
}

export async function refreshWaitingCount() {
  const badge = document.getElementById('waiting-count');
  try {
    const w = await pending();
    const n = w.requests.length + w.questions.length + w.runQuestions.length;
    badge.textContent = n;
    badge.hidden = n === 0;
  } catch { badge.hidden = true; }
}

export function renderWaiting(root, _route, { live }) {
  const list = h('div', { id: 'waiting-list', class: 'waiting' });
  root.append(h('h2', {}, 'Waiting for you'), list);
  let busy = false;

  async function refresh() {
    if (busy) return;
    busy = true;
    try { draw(await pending()); } catch (e) {
      if (e.status !== 401) notice(`Could not load what waits: ${e.message}`, 'error');
    } finally { busy = false; }
  }

  const act = (fn) => async () => {
    try { await fn(); } catch (e) { notice(`Refused: ${e.message}`, 'error'); }
    refresh();
    refreshWaitingCount();
  };

  let drawn = '';
  function draw(w) {
    // Redrawn only when something changed, so that keyboard focus stays put.
    const sig = JSON.stringify(w);
    if (sig === drawn) return;
    drawn = sig;
    clear(list);
    for (const r of w.requests) {
      list.append(h('article', { class: 'card permission', 'data-request': r.id },
        h('p', {}, h('strong', {}, r.tool_name), ' ', h('code', {}, describe(r.tool_input))),
        h('p', { class: 'meta' }, `${r.project} · agent ${r.agent_id} · ${age(r.created_ms)} ago`),
        h('div', { class: 'buttons' },
          h('button', { type: 'button', class: 'allow', onclick: act(() => message('permission.respond', { id: r.id, allow: true })) }, 'Allow'),
          h('button', { type: 'button', class: 'always', onclick: act(() => message('permission.respond', { id: r.id, allow: true, always: true })) }, 'Always'),
          h('button', { type: 'button', class: 'deny', onclick: act(() => message('permission.respond', { id: r.id, allow: false })) }, 'Deny'))));
    }
    for (const q of w.questions) {
      const first = q.tool_input?.questions?.[0] || {};
      const options = (first.options || []).map((o, i) => ({ key: String(i + 1), label: o.label }));
      list.append(h('div', { class: 'meta' }, `${q.project} · agent ${q.agent_id}`),
        questionForm({ id: q.id, text: first.question || 'A question', options, allow_freeform: true },
          (body) => act(() => message('question.respond', { id: q.id, answer: body.selected_option_key || body.value }))()));
    }
    for (const q of w.runQuestions) {
      list.append(h('div', { class: 'meta' }, h('a', { href: `#/runs/${encodeURIComponent(q.run.id)}` }, q.run.goal)),
        questionForm(q, (body) => act(() => post(`runs/${encodeURIComponent(q.run.id)}/questions/${encodeURIComponent(q.id)}/answer`, body))()));
    }
    if (!list.firstChild) list.append(h('p', { class: 'empty' }, 'Nothing waits for you.'));
  }

  refresh();
  live.addEventListener('change', refresh);
  live.addEventListener('tick', refresh);
  return () => {
    live.removeEventListener('change', refresh);
    live.removeEventListener('tick', refresh);
  };
}
