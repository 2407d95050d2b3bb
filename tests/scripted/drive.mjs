#!/usr/bin/env node
// Drives fab-scripted-agent (or claude) the way fab does, for test-scripted-agent.sh.
//
// Usage: node drive.mjs --agent PATH [options] [-- extra args]
//   --msg TEXT        a user message; repeatable. The first is written at start, each next one
//                     after the previous turn's `result`. stdin is closed after the last result.
//   --raw JSON        a stdin line written before the first message (control requests); repeatable
//   --allow           answer every can_use_tool with allow (updatedInput = input)
//   --deny MESSAGE    answer every can_use_tool with deny + MESSAGE
//   --no-answer       leave can_use_tool unanswered (a PermissionRequest hook settles it)
//   --answer LABEL    answer an AskUserQuestion can_use_tool with allow + answers {<q>: LABEL}
//   --interrupt-on-text TEXT
//                     send an `interrupt` when an assistant text block equals TEXT
//   --timeout SECS    SIGKILL the agent after SECS; the driver then exits 124 (default 20)
// Fixed args: -p --input-format stream-json --output-format stream-json --verbose
//   --permission-mode default --permission-prompt-tool stdio.
// The agent's stdout is copied to stdout; what the driver writes goes to stderr as `drive> …`.
// Exit status: the agent's, or 124 on timeout.

import { spawn } from 'node:child_process';
import readline from 'node:readline';

const args = process.argv.slice(2);
let agent = null;
const msgs = [];
const raws = [];
let policy = null;
let answer = null;
let noAnswer = false;
let interruptOn = null;
let timeoutSec = 20;
const extra = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--agent') agent = args[++i];
  else if (a === '--msg') msgs.push(args[++i]);
  else if (a === '--raw') raws.push(args[++i]);
  else if (a === '--allow') policy = { behavior: 'allow' };
  else if (a === '--deny') policy = { behavior: 'deny', message: args[++i] };
  else if (a === '--answer') answer = args[++i];
  else if (a === '--no-answer') noAnswer = true;
  else if (a === '--interrupt-on-text') interruptOn = args[++i];
  else if (a === '--timeout') timeoutSec = Number(args[++i]);
  else if (a === '--') { extra.push(...args.slice(i + 1)); break; }
  else { process.stderr.write(`drive: unknown argument ${a}\n`); process.exit(2); }
}
if (!agent) { process.stderr.write('drive: --agent is required\n'); process.exit(2); }

const child = spawn(agent, [
  '-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose',
  '--permission-mode', 'default', '--permission-prompt-tool', 'stdio', ...extra,
], { stdio: ['pipe', 'pipe', 'inherit'] });

let timedOut = false;
const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutSec * 1000);

function writeLine(line) {
  process.stderr.write(`drive> ${line}\n`);
  if (!child.stdin.destroyed) child.stdin.write(line + '\n');
}
const send = (obj) => writeLine(JSON.stringify(obj));
const sendUser = (text) => send({ type: 'user', message: { role: 'user', content: [{ type: 'text', text }] } });
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
    response = { behavior: 'deny', message: policy?.message ?? 'drive: no answer configured' };
  }
  send({ type: 'control_response', response: { subtype: 'success', request_id: msg.request_id, response } });
}

for (const r of raws) writeLine(r);
let next = 0;
if (msgs.length === 0) child.stdin.end();
else sendUser(msgs[next++]);

const rl = readline.createInterface({ input: child.stdout });
rl.on('line', (line) => {
  process.stdout.write(line + '\n');
  let msg;
  try { msg = JSON.parse(line); } catch { return; }
  if (msg.type === 'control_request' && msg.request?.subtype === 'can_use_tool') {
    if (!noAnswer) answerPermission(msg);
  } else if (msg.type === 'assistant' && interruptOn !== null &&
             (msg.message?.content ?? []).some((b) => b.type === 'text' && b.text === interruptOn)) {
    send({ type: 'control_request', request_id: 'drive-int-1', request: { subtype: 'interrupt' } });
  } else if (msg.type === 'result') {
    if (next < msgs.length) sendUser(msgs[next++]);
    else child.stdin.end();
  }
});

child.on('close', (code, signal) => {
  clearTimeout(timer);
  if (signal && !timedOut) process.stderr.write(`drive: agent died by ${signal}\n`);
  process.exit(timedOut ? 124 : (code ?? 128 + 9));
});
