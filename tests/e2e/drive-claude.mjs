#!/usr/bin/env node
// Drives a real `claude -p --input-format stream-json` process for e2e checks.
//
// Usage: node drive-claude.mjs [options] [-- extra claude args]
//   --claude PATH     claude binary (default: $FAB_NPM_BIN/claude, else `claude` on PATH)
//   --msg TEXT        a user message; repeatable. The first is written at start, each next one
//                     after the previous turn's `result`. stdin is closed after the last result.
//   --allow           answer every can_use_tool with allow (updatedInput = input)
//   --deny MESSAGE    answer every can_use_tool with deny + MESSAGE
//   --answer LABEL    answer an AskUserQuestion can_use_tool with allow, updatedInput = input plus
//                     answers {<each question>: LABEL}
//   --interrupt-after SECS
//                     send an `interrupt` control_request SECS after the first message
//   --timeout SECS    kill claude (SIGKILL) after SECS; the driver then exits 124 (default 60)
// Without --allow/--deny, can_use_tool is denied with "drive-claude: no answer configured".
// Fixed claude args: -p --input-format stream-json --output-format stream-json --verbose
//   --permission-mode default --permission-prompt-tool stdio (later args may override the mode).
// Every stdout line of claude is copied to stdout; what the driver writes to claude is logged to
// stderr as `drive> <json>`. Exit status: claude's, or 124 on timeout.

import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const args = process.argv.slice(2);
let claude = process.env.FAB_NPM_BIN ? path.join(process.env.FAB_NPM_BIN, 'claude') : 'claude';
const msgs = [];
let policy = null; // {behavior:'allow'} | {behavior:'deny', message}
let answer = null;
let timeoutSec = 60;
let interruptAfter = null;
const extra = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--claude') claude = args[++i];
  else if (a === '--msg') msgs.push(args[++i]);
  else if (a === '--allow') policy = { behavior: 'allow' };
  else if (a === '--deny') policy = { behavior: 'deny', message: args[++i] };
  else if (a === '--answer') answer = args[++i];
  else if (a === '--timeout') timeoutSec = Number(args[++i]);
  else if (a === '--interrupt-after') interruptAfter = Number(args[++i]);
  else if (a === '--') { extra.push(...args.slice(i + 1)); break; }
  else { process.stderr.write(`drive-claude: unknown argument ${a}\n`); process.exit(2); }
}

const child = spawn(claude, [
  '-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose',
  '--permission-mode', 'default', '--permission-prompt-tool', 'stdio', ...extra,
], { stdio: ['pipe', 'pipe', 'inherit'] });

let timedOut = false;
const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutSec * 1000);

function send(obj) {
  const line = JSON.stringify(obj);
  process.stderr.write(`drive> ${line}\n`);
  if (!child.stdin.destroyed) child.stdin.write(line + '\n');
}
function sendUser(text) {
  send({ type: 'user', message: { role: 'user', content: [{ type: 'text', text }] } });
}
child.stdin.on('error', () => {});

function answerPermission(msg) {
  const r = msg.request;
  let response;
  if (r.tool_name === 'AskUserQuestion' && answer !== null) {
    const answers = {};
    for (const q of r.input?.questions ?? []) answers[q.question] = answer;
    response = { behavior: 'allow', updatedInput: { ...r.input, answers } };
  } else if (policy?.behavior === 'allow') {
    response = { behavior: 'allow', updatedInput: r.input };
  } else {
    response = { behavior: 'deny', message: policy?.message ?? 'drive-claude: no answer configured' };
  }
  send({ type: 'control_response', response: { subtype: 'success', request_id: msg.request_id, response } });
}

let next = 0;
if (msgs.length === 0) child.stdin.end();
else sendUser(msgs[next++]);
if (interruptAfter !== null) {
  setTimeout(() => send({ type: 'control_request', request_id: 'drive-int-1', request: { subtype: 'interrupt' } }),
    interruptAfter * 1000).unref();
}

const rl = readline.createInterface({ input: child.stdout });
rl.on('line', (line) => {
  process.stdout.write(line + '\n');
  let msg;
  try { msg = JSON.parse(line); } catch { return; }
  if (msg.type === 'control_request') {
    if (msg.request?.subtype === 'can_use_tool') answerPermission(msg);
    else send({ type: 'control_response', response: { subtype: 'error', request_id: msg.request_id, error: 'drive-claude: unsupported' } });
  } else if (msg.type === 'result') {
    if (next < msgs.length) sendUser(msgs[next++]);
    else child.stdin.end();
  }
});

child.on('close', (code, signal) => { // after exit and after stdout reached EOF
  clearTimeout(timer);
  if (signal && !timedOut) process.stderr.write(`drive-claude: claude died by ${signal}\n`);
  process.exit(timedOut ? 124 : (code ?? 128 + 9));
});
