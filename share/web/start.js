// Starting a run: project, goal, workflow, backend, model → POST /api/v1/runs,
// then the board, where the new run's card is marked.
import { demo, message, post } from './api.js';
import { h, notice } from './dom.js';

export function renderStart(root) {
  const project = h('select', { id: 'run-project', name: 'project', required: true });
  const goal = h('textarea', { id: 'run-goal-input', name: 'goal', rows: 5, required: true });
  const workflow = h('input', { id: 'run-workflow', name: 'workflow', placeholder: 'task (default)' });
  const backend = h('select', { id: 'run-backend', name: 'backend' },
    h('option', { value: '' }, 'the project\'s default'),
    ...['claude', 'codex', 'scripted'].map((b) => h('option', { value: b }, b)));
  const model = h('input', { id: 'run-model', name: 'model', placeholder: 'the backend\'s default' });
  const field = (label, el) => h('div', { class: 'field' }, h('label', { for: el.id }, label), el);
  const submit = h('button', { type: 'submit', id: 'run-submit' }, 'Start the run');
  const form = h('form', { class: 'card start', onsubmit: onSubmit, 'aria-labelledby': 'start-title' },
    h('h2', { id: 'start-title' }, 'Start a run'),
    field('Project', project), field('Goal', goal), field('Workflow', workflow),
    field('Backend', backend), field('Model', model), submit);
  root.append(form);

  (async () => {
    let names = ['demo'];
    if (!demo) {
      try {
        const r = await message('project.list');
        names = (r.projects || []).map((p) => p.name);
      } catch (e) { if (e.status !== 401) notice(`Could not list the projects: ${e.message}`, 'error'); }
    }
    for (const n of names) project.append(h('option', { value: n }, n));
    if (!names.length) notice('No project yet: add one with `fab project add`.', 'error');
  })();

  async function onSubmit(e) {
    e.preventDefault();
    const body = { project: project.value, goal: goal.value };
    for (const [k, el] of [['workflow', workflow], ['backend', backend], ['model', model]])
      if (el.value.trim()) body[k] = el.value.trim();
    submit.disabled = true;
    try {
      const r = await post('runs', body);
      sessionStorage.setItem('fab.lastSubmitted', r.id);
      location.hash = '#/';
      notice(`Run ${r.id} queued${r.queue_position ? ` (position ${r.queue_position})` : ''}.`);
    } catch (err) {
      notice(`The run was not started: ${err.message}`, 'error');
    } finally {
      submit.disabled = false;
    }
  }
}
