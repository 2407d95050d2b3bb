// Agents and projects: each project with its orchestrator state and a
// start/stop button, each agent with its state and its latest output (the
// live feed's agent.output events).
import { demo, message } from './api.js';
import { h, clear, age, money, notice } from './dom.js';

export function renderAgents(root, _route, { live }) {
  const projects = h('ul', { class: 'plain', id: 'projects' });
  const agents = h('ul', { class: 'plain agents', id: 'agents' });
  root.append(h('h2', {}, 'Projects'), projects, h('h2', {}, 'Agents'), agents);
  if (demo) {
    projects.append(h('li', {}, 'The demo has no projects or agents: only runs.'));
    return null;
  }
  let busy = false, drawn = '';
  const lastOutput = new Map(); // agent id → its latest line of output

  function onOutput({ detail }) {
    for (const e of detail.entries || []) {
      const text = e.kind === 'tool_use' ? `${e.tool_name}: ${e.tool_input?.command || e.tool_input?.file_path || ''}`
        : e.kind === 'assistant_text' || e.kind === 'error' || e.kind === 'tool_result' ? e.text : '';
      if (text) lastOutput.set(detail.agent_id, String(text).split('\n').slice(-4).join('\n'));
    }
    const el = agents.querySelector(`[data-agent="${CSS.escape(detail.agent_id)}"] .last-output`);
    if (el) el.textContent = lastOutput.get(detail.agent_id) || '';
  }

  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const [p, a] = await Promise.all([message('project.list'), message('agent.list')]);
      // Redrawn only when something changed, so that keyboard focus stays put.
      const sig = JSON.stringify([p, (a.agents || []).map(({ running_s, ...rest }) => rest)]);
      if (sig === drawn) return;
      drawn = sig;
      clear(projects);
      for (const pr of p.projects || []) {
        const running = pr.state === 'running';
        projects.append(h('li', { class: 'card', 'data-project': pr.name },
          h('strong', {}, pr.name), ' ', h('span', { class: 'badge' }, running ? 'orchestrating' : 'stopped'),
          ' ', h('span', { class: 'meta' }, pr.repo || ''),
          h('button', { type: 'button', onclick: () => toggle(pr.name, running) }, running ? 'Stop' : 'Start')));
      }
      clear(agents);
      for (const ag of a.agents || []) {
        agents.append(h('li', { class: 'card', 'data-agent': ag.id },
          h('strong', {}, ag.id), ' ', h('span', { class: `badge state-${ag.state}` }, ag.state),
          h('p', { class: 'meta' }, `${ag.project} · ${ag.kind} · ${ag.backend} · ${age(ag.created_ms)} · ${money(ag.usage?.cost_usd)}`),
          ag.description ? h('p', {}, ag.description) : null,
          ag.error ? h('p', { class: 'error' }, ag.error) : null,
          h('pre', { class: 'last-output', 'aria-label': 'Latest output' }, lastOutput.get(ag.id) || '')));
      }
      if (!agents.firstChild) agents.append(h('li', { class: 'empty' }, 'No agents.'));
    } catch (e) {
      if (e.status !== 401) notice(`Could not load agents: ${e.message}`, 'error');
    } finally { busy = false; }
  }

  async function toggle(name, running) {
    try {
      await message(running ? 'project.stop' : 'project.start', { name });
    } catch (e) { notice(`${running ? 'Stop' : 'Start'} failed: ${e.message}`, 'error'); }
    refresh();
  }

  refresh();
  live.addEventListener('change', refresh);
  live.addEventListener('tick', refresh);
  live.addEventListener('output', onOutput);
  return () => {
    live.removeEventListener('change', refresh);
    live.removeEventListener('tick', refresh);
    live.removeEventListener('output', onOutput);
  };
}
