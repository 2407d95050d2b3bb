// Drives fab's web UI in the system Chromium through playwright-core, against
// the daemon test-web.sh started (JWT auth on, scripted agents, one run at a
// time). Prints `ok NAME` / `FAIL NAME: why` lines; test-web.sh counts them.
// Env: WEB_URL, ARTIFACTS (screenshots), FAB (the CLI), GOOD_TOKEN,
// BAD_TOKEN, FAB_NPM_DIR (where playwright-core is installed), CHROMIUM.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = process.env;
const require = createRequire(join(env.FAB_NPM_DIR, 'package.json'));
const { chromium } = require('playwright-core');

const BASE = env.WEB_URL;
const WIDE = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };
const T = 30000; // a step's timeout: conditions are waited on, never slept

let failed = 0;
const ok = (name) => console.log(`ok ${name}`);
const fail = (name, why) => { failed++; console.log(`FAIL ${name}: ${String(why).split('\n')[0]}`); };
// A check that throws "SKIP: why" could not run here (a route this daemon
// lacks): it is reported as skipped, not passed.
async function check(name, fn) {
  try { await fn(); ok(name); } catch (e) {
    const why = String(e.message || e);
    if (why.startsWith('SKIP: ')) console.log(`skip ${name}: ${why.slice(6)}`);
    else fail(name, why);
  }
}
const fab = (...args) => execFileSync(env.FAB, args, { encoding: 'utf8' });

// Under the test's temp dir when given (its cleanup removes it whatever happens).
const profile = mkdtempSync(join(env.PROFILE_PARENT || tmpdir(), 'chromium-'));
// A fresh profile (playwright passes it as --user-data-dir); without the
// background-networking flags Chromium keeps calling out to a closed network.
const context = await chromium.launchPersistentContext(profile, {
  executablePath: env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// Console errors and failed requests, but for the 401s the login checks
// provoke on purpose (and a diff route this daemon may not have).
const consoleErrors = [];
let expect401 = false;
const urls = [];
function watch(page) {
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (expect401 && /status of 401/.test(m.text())) return;
    consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => urls.push(r.url()));
}

async function shoot(page, name) {
  for (const [vp, tag] of [[WIDE, '1280x800'], [PHONE, '360x740']]) {
    await page.setViewportSize(vp);
    await page.waitForTimeout(0); // let layout settle on the new size (no fixed wait)
    await page.screenshot({ path: join(env.ARTIFACTS, `${name}-${tag}.png`), fullPage: true });
    if (tag === '360x740') {
      const over = await page.evaluate(() => document.documentElement.scrollWidth);
      if (over > PHONE.width) throw new Error(`${name}: ${over} px wide at 360 px (scrolls sideways)`);
    }
  }
  await page.setViewportSize(WIDE);
}

const card = (page, id) => page.locator(`.run-card[data-run="${id}"]`);
async function waitColumn(page, id, columns, timeout = T) {
  const sel = columns.map((c) => `[data-column="${c}"] .run-card[data-run="${id}"]`).join(', ');
  await page.locator(sel).first().waitFor({ timeout });
  return page.locator(sel).first().evaluate((el) => el.closest('[data-column]').dataset.column);
}
async function submitFromForm(page, goal) {
  await page.goto(`${BASE}/#/start`);
  await page.locator('#run-project option[value="web"]').waitFor({ state: 'attached', timeout: T });
  await page.selectOption('#run-project', 'web');
  await page.fill('#run-goal-input', goal);
  await page.selectOption('#run-backend', 'scripted');
  await page.click('#run-submit');
  await page.waitForFunction(() => location.hash === '#/' || location.hash === '', null, { timeout: T });
  return page.evaluate(() => sessionStorage.getItem('fab.lastSubmitted'));
}
const eventSeqs = (page) => page.$$eval('#events .event', (els) => els.map((e) => Number(e.dataset.seq)));
const noDuplicates = (seqs) => new Set(seqs).size === seqs.length;

const page = context.pages()[0] || await context.newPage();
watch(page);
let runA = '', runB = '';

try {
  // --- the page itself: served by fabd, with its CSP ---------------------
  await check('page-served-with-csp', async () => {
    const res = await page.goto(`${BASE}/`);
    const csp = res.headers()['content-security-policy'] || '';
    if (res.status() !== 200) throw new Error(`status ${res.status()}`);
    if (!csp.includes("script-src 'self'") || csp.includes('unsafe-inline')) throw new Error(`CSP "${csp}"`);
  });

  // --- token login: a bad token is refused, a good one lets in ----------
  expect401 = true;
  await check('login-asked-for', async () => {
    await page.locator('#token').waitFor({ timeout: T });
    await shoot(page, 'login');
  });
  await check('bad-token-refused', async () => {
    await page.fill('#token', env.BAD_TOKEN);
    await page.press('#token', 'Enter');
    await page.locator('#login-error').waitFor({ timeout: T });
    if (await page.locator('#board').count()) throw new Error('the board showed');
  });
  await check('good-token-lets-in', async () => {
    await page.fill('#token', env.GOOD_TOKEN);
    await page.press('#token', 'Enter');
    await page.locator('#board [data-column="queued"]').waitFor({ timeout: T });
    const cols = await page.$$eval('#board [data-column]', (els) => els.map((e) => e.dataset.column));
    if (cols.join() !== 'queued,starting,running,blocked,succeeded,failed') throw new Error(cols.join());
  });
  expect401 = false;

  // --- the form: run A waits for guidance and holds the one run slot ----
  await check('submit-run-from-form', async () => {
    runA = await submitFromForm(page, 'SCRIPT:say ready for guidance');
    if (!runA) throw new Error('no run id');
    const col = await waitColumn(page, runA, ['running']);
    if (col !== 'running') throw new Error(col);
  });
  // Run B is queued behind it (max-concurrent-runs = 1), then runs, asks
  // for a permission, and succeeds once it is allowed.
  await check('board-shows-queued-run', async () => {
    runB = await submitFromForm(page,
      'SCRIPT:sleep 2\nSCRIPT:bash touch web-ui.txt\nSCRIPT:say touched it\n' +
      'SCRIPT:bash git add web-ui.txt\nSCRIPT:bash git commit -qm web-ui\nSCRIPT:bash fab agent done');
    await waitColumn(page, runB, ['queued']);
    const text = await card(page, runB).innerText();
    for (const want of ['web', 'touch web-ui.txt', '$']) if (!text.includes(want)) throw new Error(`card lacks "${want}": ${text}`);
    await shoot(page, 'board');
  });

  // --- run detail of A: live events, reload resumes, steer --------------
  let before = [];
  await check('detail-shows-live-events', async () => {
    await page.click(`.run-card[data-run="${runA}"] a`);
    await page.locator('#events .event[data-event="agent.message"]').first().waitFor({ timeout: T });
    const said = await page.locator('#events').innerText();
    if (!said.includes('ready for guidance')) throw new Error('the agent\'s message is missing');
    // The turn is over (nothing more comes until it is steered).
    await page.locator('#events .event[data-event="agent.turn.completed"]').first().waitFor({ timeout: T });
  });
  await check('reload-resumes-without-duplicates', async () => {
    before = await eventSeqs(page);
    const last = await page.evaluate((id) => JSON.parse(sessionStorage.getItem(`fab.events.${id}`)).last, runA);
    if (last !== Math.max(...before)) throw new Error(`cache says ${last}, the page shows up to ${Math.max(...before)}`);
    urls.length = 0;
    await page.reload();
    await page.locator('#events .event').first().waitFor({ timeout: T });
    await page.waitForFunction((n) => document.querySelectorAll('#events .event').length >= n, before.length, { timeout: T });
    const after = await eventSeqs(page);
    if (!noDuplicates(after)) throw new Error(`duplicates: ${after}`);
    if (!before.every((s) => after.includes(s))) throw new Error('events lost on reload');
    const attach = urls.find((u) => u.includes(`/runs/${runA}/attach`));
    if (!attach || !attach.includes(`since_seq=${last}`)) throw new Error(`resumed with ${attach}`);
  });
  await check('steer-run', async () => {
    await page.fill('#steer-text', 'SCRIPT:say steered from the web\nSCRIPT:bash fab agent done');
    await page.click('#steer-send');
    await page.locator('#events .event[data-event="run.steered"]').waitFor({ timeout: T });
    await page.locator('#events .event', { hasText: 'steered from the web' }).first().waitFor({ timeout: T });
    await page.locator('#run-status', { hasText: 'succeeded' }).waitFor({ timeout: T });
    const seqs = await eventSeqs(page);
    if (!noDuplicates(seqs)) throw new Error(`duplicates: ${seqs}`);
    await shoot(page, 'detail');
  });

  // --- B: queued → running → blocked on a permission → allowed → done ---
  await check('queued-run-starts-running', async () => {
    await page.goto(`${BASE}/#/`);
    const col = await waitColumn(page, runB, ['running']);
    if (col !== 'running') throw new Error(col);
  });
  await check('permission-request-waits-for-you', async () => {
    await waitColumn(page, runB, ['blocked']);
    await page.locator('#waiting-count:not([hidden])').waitFor({ timeout: T });
    // Keyboard only: Tab through the page to the "Waiting" link, Enter.
    await page.keyboard.press('Escape');
    await page.evaluate(() => document.activeElement?.blur());
    let reached = false;
    for (let i = 0; i < 12 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.dataset?.nav === 'waiting');
    }
    if (!reached) throw new Error('Tab never reached the Waiting link');
    await page.keyboard.press('Enter');
    await page.locator('#waiting-list .permission', { hasText: 'touch web-ui.txt' }).waitFor({ timeout: T });
    await shoot(page, 'waiting');
  });
  await check('allow-and-the-agent-continues', async () => {
    const item = page.locator('#waiting-list .permission', { hasText: 'touch web-ui.txt' });
    await item.locator('button.allow').focus();
    await page.keyboard.press('Enter');
    await item.waitFor({ state: 'detached', timeout: T });
    await page.goto(`${BASE}/#/runs/${encodeURIComponent(runB)}`);
    await page.locator('#events .event', { hasText: 'touched it' }).first().waitFor({ timeout: T });
    await page.locator('#run-status', { hasText: 'succeeded' }).waitFor({ timeout: T });
  });
  await check('board-shows-succeeded', async () => {
    await page.goto(`${BASE}/#/`);
    await waitColumn(page, runA, ['succeeded']);
    await waitColumn(page, runB, ['succeeded']);
  });

  // --- pause, unpause, cancel from the run's page -------------------------
  // Run C writes a file (allowed by a rule) and waits: its diff while it
  // runs, then pause, unpause and cancel.
  let runC = '';
  await check('open-the-diff', async () => {
    runC = await submitFromForm(page, 'SCRIPT:write web-ui-c.txt made in the browser test\nSCRIPT:say c is here');
    await page.goto(`${BASE}/#/runs/${encodeURIComponent(runC)}`);
    await page.locator('#events .event[data-event="agent.turn.completed"]').first().waitFor({ timeout: T });
    await page.click('#show-diff');
    await page.locator('#diff > *').first().waitFor({ timeout: T });
    const text = await page.locator('#diff').innerText();
    if (text.includes('no diff endpoint')) throw new Error('SKIP: this daemon has no GET /api/v1/runs/{id}/files');
    if (!text.includes('web-ui-c.txt') || !text.includes('+made in the browser test'))
      throw new Error(`the diff lacks web-ui-c.txt: ${text.slice(0, 300)}`);
    await page.locator('#diff').scrollIntoViewIfNeeded();
    await shoot(page, 'diff');
  });
  await check('pause-unpause-cancel', async () => {
    if (!runC) throw new Error('no run C');
    await page.goto(`${BASE}/#/runs/${encodeURIComponent(runC)}`);
    await page.locator('#events .event[data-event="agent.turn.completed"]').first().waitFor({ timeout: T });
    for (const [button, status] of [['#run-pause', 'paused'], ['#run-unpause', 'running'], ['#run-cancel', 'failed']]) {
      await page.locator(`${button}:not([disabled])`).waitFor({ timeout: T });
      await page.click(button);
      await page.locator('#run-status', { hasText: status }).waitFor({ timeout: T });
    }
    await page.locator('#events .event[data-event="run.cancelled"]').waitFor({ timeout: T });
    await page.goto(`${BASE}/#/`);
    await waitColumn(page, runC, ['failed']);
  });

  // --- answered elsewhere: a question vanishes when the CLI answers it ---
  await check('answered-elsewhere-vanishes', async () => {
    const out = JSON.parse(fab('agent', 'create', '--project', 'web', '--backend', 'scripted',
      '--prompt', 'SCRIPT:ask Which colour?|red|blue', '--json'));
    await page.goto(`${BASE}/#/waiting`);
    const q = page.locator('#waiting-list .question', { hasText: 'Which colour?' });
    await q.waitFor({ timeout: T });
    const list = JSON.parse(fab('question', 'list', '--json'));
    const id = list.questions.find((x) => x.agent_id === out.id).id;
    fab('question', 'answer', id, '2');
    await q.waitFor({ state: 'detached', timeout: T });
  });
  await check('agents-and-projects-live-output', async () => {
    await page.goto(`${BASE}/#/agents`);
    await page.locator('#projects [data-project="web"]').waitFor({ timeout: T });
    await page.locator('#agents [data-agent]').first().waitFor({ timeout: T });
    const out = JSON.parse(fab('agent', 'create', '--project', 'web', '--backend', 'scripted',
      '--prompt', 'SCRIPT:say live from the agents view', '--json'));
    await page.locator(`#agents [data-agent="${out.id}"] .last-output`, { hasText: 'live from the agents view' })
      .waitFor({ timeout: T });
    await shoot(page, 'agents');
  });
  await check('project-orchestrator-start-stop', async () => {
    const row = page.locator('#projects [data-project="web"]');
    await row.locator('button', { hasText: 'Start' }).click();
    await row.locator('.badge', { hasText: 'orchestrating' }).waitFor({ timeout: T });
    if (!/web.*running/.test(fab('status'))) throw new Error('fab status does not show web running');
    await row.locator('button', { hasText: 'Stop' }).click();
    await row.locator('.badge', { hasText: 'stopped' }).waitFor({ timeout: T });
  });
  await check('start-form-screens', async () => {
    await page.goto(`${BASE}/#/start`);
    await page.locator('#run-project option[value="web"]').waitFor({ state: 'attached', timeout: T });
    await page.fill('#run-goal-input', 'Add a changelog entry');
    await shoot(page, 'start');
  });
  await check('token-never-in-a-url', async () => {
    const leaked = urls.filter((u) => u.includes(env.GOOD_TOKEN) || u.includes(env.BAD_TOKEN));
    if (leaked.length) throw new Error(leaked[0]);
  });

  // --- demo mode: no token, the API's demo data -------------------------
  // A new tab: its session storage is its own (no token).
  const demo = await context.newPage();
  watch(demo);
  await check('demo-mode', async () => {
    await demo.goto(`${BASE}/?demo=1#/`);
    await demo.locator('#demo-banner:not([hidden])').waitFor({ timeout: T });
    for (const c of ['queued', 'running', 'blocked', 'succeeded', 'failed'])
      await demo.locator(`[data-column="${c}"] .run-card`).first().waitFor({ timeout: T });
    if (await demo.locator('#token').count()) throw new Error('demo asked for a token');
    await shoot(demo, 'demo-board');
    await demo.click('.run-card[data-run="demo-blocked"] a');
    await demo.locator('.run-waiting .question').waitFor({ timeout: T });
    await demo.locator('#events .event').first().waitFor({ timeout: T });
    await shoot(demo, 'demo-detail');
  });
  await demo.close();

  await check('no-console-errors', async () => {
    if (consoleErrors.length) throw new Error(`${consoleErrors.length}: ${consoleErrors.join(' | ')}`);
  });
} catch (e) {
  fail('browser', e.stack || e);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
