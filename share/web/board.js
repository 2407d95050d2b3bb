// The runs board: one column per status, a card per run (project, goal,
// stage, age, cost), refreshed on every live event.
import { get } from './api.js';
import { h, clear, age, money, notice } from './dom.js';

export const COLUMNS = [
  ['queued', 'Queued', ['submitted', 'queued']],
  ['starting', 'Starting', ['starting']],
  ['running', 'Running', ['running']],
  ['blocked', 'Blocked', ['blocked', 'paused']],
  ['succeeded', 'Succeeded', ['succeeded']],
  ['failed', 'Failed', ['failed']],
];

export function renderBoard(root, _route, { live }) {
  const cost = new Map(); // run id → {usd, final}
  const board = h('div', { class: 'board', id: 'board' });
  root.append(h('h2', { class: 'sr-only' }, 'Runs'), board);
  let busy = false, again = false;

  async function costOf(run) {
    const known = cost.get(run.id);
    const final = ['succeeded', 'failed', 'archived'].includes(run.status);
    if (known?.final) return known.usd;
    try {
      const b = await get(`runs/${encodeURIComponent(run.id)}/billing`);
      cost.set(run.id, { usd: b.total_cost_usd, final });
      return b.total_cost_usd;
    } catch { return known?.usd; }
  }

  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const data = await get('boards/runs');
      const runs = data.columns.flatMap((c) => c.runs);
      const costs = await Promise.all(runs.map(costOf));
      const usd = new Map(runs.map((r, i) => [r.id, costs[i]]));
      draw(runs, usd);
    } catch (e) {
      if (e.status !== 401) notice(`Could not load the board: ${e.message}`, 'error');
    } finally {
      busy = false;
      if (again) { again = false; refresh(); }
    }
  }

  let drawn = '';
  function draw(runs, usd) {
    // Redrawn only when something changed, so that keyboard focus stays put.
    const sig = JSON.stringify([runs, [...usd]]);
    if (sig === drawn) {
      for (const el of board.querySelectorAll('.age')) el.textContent = age(el.title);
      return;
    }
    drawn = sig;
    const focused = document.activeElement?.closest?.('[data-run]')?.dataset.run;
    clear(board);
    for (const [id, title, statuses] of COLUMNS) {
      const mine = runs.filter((r) => statuses.includes(r.status));
      const list = h('ul', { class: 'cards', 'aria-label': title });
      for (const r of mine) list.append(card(r, usd.get(r.id)));
      board.append(h('section', { class: `column col-${id}`, 'data-column': id },
        h('h3', {}, title, ' ', h('span', { class: 'count' }, mine.length)), list));
    }
    if (focused) board.querySelector(`[data-run="${CSS.escape(focused)}"] a`)?.focus();
  }

  function card(r, usd) {
    const stage = r.stage || r.workflow || 'task';
    return h('li', { class: 'run-card', 'data-run': r.id, 'data-status': r.status },
      h('a', { href: `#/runs/${encodeURIComponent(r.id)}` },
        h('span', { class: 'project' }, r.project),
        h('span', { class: 'goal' }, r.goal),
        h('span', { class: 'meta' },
          h('span', { class: 'stage', title: 'stage' }, stage),
          r.status === 'paused' ? h('span', { class: 'badge' }, 'paused') : null,
          h('span', { class: 'age', title: r.created_at }, age(r.created_at)),
          h('span', { class: 'cost', title: 'cost' }, usd === undefined ? '–' : money(usd)))));
  }

  refresh();
  live.addEventListener('change', refresh);
  live.addEventListener('tick', refresh);
  return () => {
    live.removeEventListener('change', refresh);
    live.removeEventListener('tick', refresh);
  };
}
