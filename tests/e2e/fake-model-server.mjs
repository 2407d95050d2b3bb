#!/usr/bin/env node
// Scripted fake model server for e2e tests of fab against the real `claude` and `codex` CLIs.
//
// Serves, on 127.0.0.1 only:
//   POST /v1/messages[?beta=true]  Anthropic Messages API (SSE, or JSON when "stream" is not true)
//   POST /v1/responses             OpenAI Responses API (SSE)
//   GET  /v1/models                an empty list (never called by the pinned CLIs; harmless)
//
// Usage: node fake-model-server.mjs [--port N] [--log FILE] [--log-bodies]
//   Prints exactly one line {"port":N} on stdout once listening (--port 0, the default, picks a
//   free port). Logs one JSON line per request to stderr, or appended to FILE with --log.
//   --log-bodies adds each request body to its log line.
//   Exits on SIGTERM/SIGINT, and when stdin reaches EOF if stdin is a pipe or socket (so a
//   harness that dies never leaves the server behind; /dev/null or a tty stdin is ignored).
//
// Stateless: the behaviour is chosen by a directive in the prompt, and the step index is the
// number of model tool calls after the prompt in the conversation the CLI sends. Directives
// (anywhere in the prompt; the directive runs to the end of the prompt):
//   <plain text>                    reply "Echo: <prompt>"
//   FAKE:bash <command>             step 0: shell tool call; step 1: "Ran it. Result: <result>"
//   FAKE:esc <command>              as bash, but codex's exec_command asks to run outside the
//                                   sandbox (sandbox_permissions require_escalated), so codex
//                                   asks its client for approval (claude: plain bash)
//   FAKE:write <path> <text>        step 0: file write (claude: Write; codex: apply_patch if
//                                   offered, else a shell printf); step 1: quote the result
//   FAKE:multi <cmd1> ;; <cmd2> ... one shell call per command, then a text quoting all results
//   FAKE:ask <question>|<opt1>|<opt2>[|...]
//                                   step 0: AskUserQuestion (Anthropic only; codex gets text);
//                                   step 1: "Got answer. Result: <result>" (codex: its
//                                   request_user_input tool when offered, as in app-server mode)
//   FAKE:plan <text>                step 0: ExitPlanMode {"plan":text} (codex: update_plan if
//                                   offered); step 1: "Plan result: <result>"
//   FAKE:slow <seconds>             a text reply streamed over that many seconds, with a ping
//                                   (Anthropic) / a one-character delta (OpenAI) every second
//   FAKE:http <status> <n>          fail with HTTP <status> the first n times this exact prompt
//                                   is seen (the one stateful thing), then echo
//   FAKE:sse-error [n]              an error event mid-stream (Anthropic `event: error` over SSE,
//                                   HTTP 500 for a non-streaming request; OpenAI `response.failed`)
//   FAKE:cut [n]                    close the connection mid-stream
//   FAKE:garbage [n]                HTTP 200 with a non-JSON, non-SSE body
//                                   (these three: every time, or with n only the first n times
//                                   this exact prompt is seen, then echo; every request counts,
//                                   including claude's non-streaming fallback)
// A request for a model named unknown-* gets the API's 404 for a model that does not exist.
// Requests whose `tools` is empty or absent (claude's title and other side requests) get a short
// text reply and never consume a step.

import http from 'node:http';
import fs from 'node:fs';

// ---------- options ----------
const argv = process.argv.slice(2);
let port = 0;
let logFile = null;
let logBodies = false;
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--port') port = Number(argv[++i]);
  else if (a.startsWith('--port=')) port = Number(a.slice(7));
  else if (a === '--log') logFile = argv[++i];
  else if (a.startsWith('--log=')) logFile = a.slice(6);
  else if (a === '--log-bodies') logBodies = true;
  else if (a === '-h' || a === '--help') {
    process.stdout.write('usage: fake-model-server.mjs [--port N] [--log FILE] [--log-bodies]\n');
    process.exit(0);
  } else {
    process.stderr.write(`fake-model-server: unknown argument ${a}\n`);
    process.exit(2);
  }
}
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write('fake-model-server: bad --port\n');
  process.exit(2);
}

let logFd = 2;
if (logFile) logFd = fs.openSync(logFile, 'a');
function log(obj) {
  try {
    fs.writeSync(logFd, JSON.stringify({ t: new Date().toISOString(), ...obj }) + '\n');
  } catch { /* a closed log must not kill the server */ }
}

// ---------- helpers ----------
let counter = 0;
const uid = (prefix) => `${prefix}_fake${process.pid.toString(36)}${(++counter).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const httpFailures = new Map(); // prompt -> times failed so far (FAKE:http, cut, garbage, sse-error)

function clip(s, n = 200) {
  s = String(s ?? '');
  return s.length > n ? s.slice(0, n) : s;
}

// Parses the directive out of a prompt: {kind, arg} or {kind:'echo'}.
function parseDirective(prompt) {
  const m = /FAKE:([a-z][a-z-]*)(?:\s+([\s\S]*))?$/.exec(prompt);
  if (!m) return { kind: 'echo', arg: '' };
  return { kind: m[1], arg: (m[2] ?? '').trim() };
}

function splitMulti(arg) {
  return arg.split(';;').map((s) => s.trim()).filter(Boolean);
}

function parseWrite(arg) {
  const m = /^(\S+)\s?([\s\S]*)$/.exec(arg);
  return m ? { path: m[1], text: m[2] } : { path: 'out.txt', text: '' };
}

function parseAsk(arg) {
  const parts = arg.split('|').map((s) => s.trim());
  const question = parts[0] || 'Which option?';
  let options = parts.slice(1).filter(Boolean).slice(0, 4);
  if (options.length < 2) options = ['Yes', 'No'];
  return { question, options };
}

// What a scripted conversation does at a given step: {type:'tool', tool:{...}} or {type:'text', text}.
// `results` holds the tool results seen after the prompt, oldest first.
function decide(dir, prompt, step, results, api, toolset) {
  const last = results.length ? results[results.length - 1] : '';
  switch (dir.kind) {
    case 'bash':
    case 'esc':
      if (step === 0) return { type: 'tool', tool: { kind: 'bash', command: dir.arg, escalated: dir.kind === 'esc' } };
      return { type: 'text', text: `Ran it. Result: ${clip(last)}` };
    case 'multi': {
      const cmds = splitMulti(dir.arg);
      if (step < cmds.length) return { type: 'tool', tool: { kind: 'bash', command: cmds[step] } };
      return { type: 'text', text: `Ran ${cmds.length} commands. Results: ${results.map((r, i) => `[${i + 1}] ${clip(r)}`).join(' ')}` };
    }
    case 'write': {
      const w = parseWrite(dir.arg);
      if (step === 0) return { type: 'tool', tool: { kind: 'write', path: w.path, text: w.text } };
      return { type: 'text', text: `Wrote it. Result: ${clip(last)}` };
    }
    case 'ask':
      if (api === 'openai' && toolset.has('request_user_input')) {
        if (step === 0) return { type: 'tool', tool: { kind: 'ask', ...parseAsk(dir.arg) } };
        return { type: 'text', text: `Got answer. Result: ${clip(last)}` };
      }
      if (api === 'openai') return { type: 'text', text: `Cannot ask (no AskUserQuestion tool). Question: ${parseAsk(dir.arg).question}` };
      if (step === 0) return { type: 'tool', tool: { kind: 'ask', ...parseAsk(dir.arg) } };
      return { type: 'text', text: `Got answer. Result: ${clip(last)}` };
    case 'plan':
      if (api === 'openai' && !toolset.has('update_plan')) return { type: 'text', text: `Plan: ${dir.arg}` };
      if (step === 0) return { type: 'tool', tool: { kind: 'plan', plan: dir.arg } };
      return { type: 'text', text: `Plan result: ${clip(last)}` };
    case 'slow':
      return { type: 'slow', seconds: Math.max(0, Number(dir.arg) || 0) };
    case 'http': {
      const [status, n] = dir.arg.split(/\s+/).map(Number);
      const seen = httpFailures.get(prompt) ?? 0;
      if (Number.isInteger(status) && seen < (n || 0)) {
        httpFailures.set(prompt, seen + 1);
        return { type: 'http', status, attempt: seen + 1 };
      }
      return { type: 'text', text: `Echo: ${prompt}` };
    }
    case 'sse-error':
    case 'cut':
    case 'garbage': {
      // Every time, or with a count only the first n times this exact prompt is seen.
      const n = Number(dir.arg.split(/\s+/)[0]);
      if (dir.arg && Number.isInteger(n)) {
        const seen = httpFailures.get(prompt) ?? 0;
        if (seen >= n) return { type: 'text', text: `Echo: ${prompt}` };
        httpFailures.set(prompt, seen + 1);
      }
      return { type: dir.kind };
    }
    default:
      return { type: 'text', text: `Echo: ${prompt}` };
  }
}

function sse(res, event, data) {
  if (res.destroyed || res.writableEnded) return;
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

// Splits text into a few deltas, as a real stream would.
function chunks(text, n = 3) {
  if (text.length <= 8) return [text];
  const size = Math.ceil(text.length / n);
  const out = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function sendGarbage(res) {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<html><body>this is not JSON {{{</body></html>\n');
}

// Streams a slow text reply: emits `tick` each second for `seconds`, then `finish`.
// Stops early if the client goes away.
async function slowLoop(res, seconds, tick) {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (res.destroyed) return false;
    await sleep(Math.min(1000, Math.max(0, end - Date.now())));
    if (res.destroyed) return false;
    tick();
  }
  return !res.destroyed;
}

// Side requests (no tools) may ask for JSON (claude's title request sends output_config.format
// {type:"json_schema",schema:{properties:{title:{type:"string"}}}}): fill the string fields.
function sideReplyText(format, fallback) {
  if (!format || format.type !== 'json_schema' || !format.schema) return fallback;
  const out = {};
  for (const [k, v] of Object.entries(format.schema.properties ?? {})) {
    if (v.type === 'string') out[k] = `Fake ${k}`;
    else if (v.type === 'boolean') out[k] = false;
    else if (v.type === 'number' || v.type === 'integer') out[k] = 0;
    else if (v.type === 'array') out[k] = [];
    else out[k] = {};
  }
  return JSON.stringify(out);
}

// ---------- Anthropic Messages ----------
function blockText(b) {
  if (typeof b === 'string') return b;
  if (b && b.type === 'text') return b.text ?? '';
  return '';
}

function toolResultText(block) {
  const c = block.content;
  let s;
  if (typeof c === 'string') s = c;
  else if (Array.isArray(c)) s = c.map(blockText).join('');
  else s = '';
  return (block.is_error ? '[error] ' : '') + s;
}

function anthropicAnalyze(body) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  let promptIdx = -1;
  let prompt = '';
  for (let i = messages.length - 1; i >= 0 && promptIdx < 0; i--) {
    const m = messages[i];
    if (m.role !== 'user') continue;
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content ?? []);
    for (let j = blocks.length - 1; j >= 0; j--) {
      const b = blocks[j];
      if (b && b.type === 'text' && typeof b.text === 'string' && !b.text.startsWith('<system-reminder>')) {
        promptIdx = i;
        prompt = b.text;
        break;
      }
    }
  }
  let step = 0;
  const results = [];
  for (let i = promptIdx + 1; i < messages.length; i++) {
    const m = messages[i];
    if (m.role === 'assistant' && Array.isArray(m.content) && m.content.some((b) => b.type === 'tool_use')) step++;
    if (m.role === 'user' && Array.isArray(m.content)) {
      for (const b of m.content) if (b.type === 'tool_result') results.push(toolResultText(b));
    }
  }
  return { prompt, step, results };
}

// Working directory from claude's system prompt (for absolute Write paths).
function anthropicCwd(body) {
  const sys = Array.isArray(body.system) ? body.system.map(blockText).join('\n') : String(body.system ?? '');
  const m = /(?:Primary working directory|Working directory): *(\S+)/.exec(sys);
  return m ? m[1] : null;
}

function anthropicToolBlock(tool, body) {
  const id = uid('toolu');
  switch (tool.kind) {
    case 'bash':
      return { type: 'tool_use', id, name: 'Bash', input: { command: tool.command, description: `Run ${clip(tool.command, 60)}` } };
    case 'write': {
      let p = tool.path;
      const cwd = anthropicCwd(body);
      if (!p.startsWith('/') && cwd) p = `${cwd.replace(/\/$/, '')}/${p}`;
      return { type: 'tool_use', id, name: 'Write', input: { file_path: p, content: tool.text } };
    }
    case 'ask':
      return {
        type: 'tool_use', id, name: 'AskUserQuestion',
        input: {
          questions: [{
            question: tool.question,
            header: 'Choice',
            options: tool.options.map((o, i) => ({ label: o, description: `Option ${i + 1}` })),
            multiSelect: false,
          }],
        },
      };
    case 'plan':
      return { type: 'tool_use', id, name: 'ExitPlanMode', input: { plan: tool.plan } };
  }
  throw new Error(`unknown tool kind ${tool.kind}`);
}

function anthropicError(res, status) {
  const type = status === 529 ? 'overloaded_error' : status === 429 ? 'rate_limit_error'
    : status === 401 ? 'authentication_error' : status === 400 ? 'invalid_request_error' : 'api_error';
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ type: 'error', error: { type, message: `fake ${status} error` } }));
}

async function handleAnthropic(req, res, body, logEntry) {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const model = body.model || 'claude-fake';
  const streaming = body.stream === true;
  const usageIn = { input_tokens: 120, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const outTokens = 20;

  let action;
  if (tools.length === 0) {
    action = { type: 'text', text: sideReplyText(body.output_config?.format, 'Fake title') };
    logEntry.side = true;
  } else {
    const { prompt, step, results } = anthropicAnalyze(body);
    const dir = parseDirective(prompt);
    Object.assign(logEntry, { prompt: clip(prompt, 300), directive: dir.kind, step, items: body.messages?.length ?? 0 });
    action = decide(dir, prompt, step, results, 'anthropic', new Set(tools.map((t) => t.name)));
  }
  logEntry.action = action.type === 'tool' ? `tool:${action.tool.kind}` : action.type;

  if (action.type === 'http') {
    logEntry.status = action.status;
    return anthropicError(res, action.status);
  }
  if (action.type === 'garbage') return sendGarbage(res);

  let content;
  let stopReason = 'end_turn';
  if (action.type === 'tool') {
    content = [anthropicToolBlock(action.tool, body)];
    stopReason = 'tool_use';
  } else if (action.type === 'text') {
    content = [{ type: 'text', text: action.text }];
  } else if (action.type === 'slow') {
    content = [{ type: 'text', text: `Slow reply done after ${action.seconds} s.` }];
  } else {
    content = [{ type: 'text', text: 'partial reply' }];
  }
  const msgId = uid('msg');

  if (!streaming) {
    if (action.type === 'cut') { res.destroy(); return; }
    if (action.type === 'sse-error') return anthropicError(res, 500);
    if (action.type === 'slow') await sleep(action.seconds * 1000);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({
      id: msgId, type: 'message', role: 'assistant', model, content,
      stop_reason: stopReason, stop_sequence: null,
      usage: { ...usageIn, output_tokens: outTokens },
    }));
    return;
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  sse(res, 'message_start', {
    type: 'message_start',
    message: { id: msgId, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: usageIn },
  });
  sse(res, 'ping', { type: 'ping' });

  if (action.type === 'cut') {
    sse(res, 'content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    sse(res, 'content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'partial ' } });
    await sleep(50);
    res.destroy();
    return;
  }
  if (action.type === 'sse-error') {
    sse(res, 'error', { type: 'error', error: { type: 'api_error', message: 'fake in-stream error' } });
    res.end();
    return;
  }

  const block = content[0];
  if (block.type === 'tool_use') {
    sse(res, 'content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
    for (const part of chunks(JSON.stringify(block.input))) {
      sse(res, 'content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: part } });
    }
  } else {
    sse(res, 'content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    if (action.type === 'slow') {
      sse(res, 'content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Working' } });
      const ok = await slowLoop(res, action.seconds, () => {
        sse(res, 'ping', { type: 'ping' });
        sse(res, 'content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: '.' } });
      });
      if (!ok) return;
      sse(res, 'content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ` ${block.text}` } });
    } else {
      for (const part of chunks(block.text)) {
        sse(res, 'content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: part } });
      }
    }
  }
  sse(res, 'content_block_stop', { type: 'content_block_stop', index: 0 });
  sse(res, 'message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: outTokens } });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

// ---------- OpenAI Responses ----------
const CONTEXT_PREFIXES = ['<environment_context>', '<user_instructions>', '# AGENTS.md', '<permissions',
  '<turn_aborted>', '<user_shell_command>', '<skills_instructions>', '<collaboration_mode>'];
const CALL_TYPES = new Set(['function_call', 'custom_tool_call', 'local_shell_call']);
const OUTPUT_TYPES = new Set(['function_call_output', 'custom_tool_call_output', 'local_shell_call_output']);

function openaiItemText(item) {
  const c = item.content;
  if (typeof c === 'string') return c;
  if (!Array.isArray(c)) return '';
  return c.map((p) => (typeof p === 'string' ? p : (p.text ?? ''))).join('');
}

function openaiOutputText(item) {
  let o = item.output;
  if (o && typeof o === 'object' && !Array.isArray(o)) o = o.content ?? o.output ?? JSON.stringify(o);
  if (Array.isArray(o)) o = o.map((p) => (typeof p === 'string' ? p : (p.text ?? ''))).join('');
  o = String(o ?? '');
  // exec_command output: "Chunk ID: …\nWall time: …\nProcess exited with code N\n…Output:\n<text>"
  const m = /(?:^|\n)Process exited with code (-?\d+)[\s\S]*?\nOutput:\n([\s\S]*)$/.exec(o);
  if (m) return `exit ${m[1]}: ${m[2]}`;
  try { // shell tool: {"output":"…","metadata":{"exit_code":0,…}}
    const j = JSON.parse(o);
    if (j && typeof j.output === 'string') return `exit ${j.metadata?.exit_code ?? '?'}: ${j.output}`;
  } catch { /* plain text */ }
  return o;
}

function openaiAnalyze(body) {
  const input = Array.isArray(body.input) ? body.input : [];
  let promptIdx = -1;
  let prompt = '';
  for (let i = input.length - 1; i >= 0; i--) {
    const it = input[i];
    if (it.type && it.type !== 'message') continue;
    if (it.role !== 'user') continue;
    const text = openaiItemText(it);
    if (CONTEXT_PREFIXES.some((p) => text.trimStart().startsWith(p))) continue;
    promptIdx = i;
    prompt = text;
    break;
  }
  let step = 0;
  const results = [];
  for (let i = promptIdx + 1; i < input.length; i++) {
    const it = input[i];
    if (CALL_TYPES.has(it.type)) step++;
    if (OUTPUT_TYPES.has(it.type)) results.push(openaiOutputText(it));
  }
  return { prompt, step, results };
}

function toolName(t) { return t.name ?? t.function?.name ?? t.type; }

// Builds the output item for a tool call, given what `tools` offers.
function openaiToolItem(tool, tools) {
  const names = new Set(tools.map(toolName));
  const callId = uid('call');
  const fn = (name, args) => ({ type: 'function_call', id: uid('fc'), call_id: callId, name, arguments: JSON.stringify(args), status: 'completed' });
  const shell = (cmd, escalated) => {
    // Escalated: the model asks to run outside codex's sandbox, which codex
    // (approval_policy on-request) must put to the client as an approval request.
    if (names.has('exec_command') && escalated) {
      return fn('exec_command', { cmd, sandbox_permissions: 'require_escalated', justification: `Run ${cmd} outside the sandbox?` });
    }
    if (names.has('exec_command')) return fn('exec_command', { cmd });
    if (names.has('shell_command')) return fn('shell_command', { command: cmd });
    if (names.has('shell')) return fn('shell', { command: ['bash', '-lc', cmd] });
    if (names.has('local_shell')) {
      return { type: 'local_shell_call', id: uid('lsh'), call_id: callId, status: 'completed', action: { type: 'exec', command: ['bash', '-lc', cmd] } };
    }
    return null;
  };
  switch (tool.kind) {
    case 'bash': return shell(tool.command, tool.escalated);
    case 'ask':
      if (!names.has('request_user_input')) return null;
      return fn('request_user_input', {
        questions: [{ id: 'q1', header: 'Question', question: tool.question,
          options: tool.options.map((label) => ({ label, description: label })) }],
      });
    case 'write': {
      if (names.has('apply_patch')) {
        const lines = tool.text.split('\n').map((l) => `+${l}`).join('\n');
        const patch = `*** Begin Patch\n*** Add File: ${tool.path}\n${lines}\n*** End Patch\n`;
        const t = tools.find((x) => toolName(x) === 'apply_patch');
        if (t.type === 'custom') return { type: 'custom_tool_call', id: uid('ctc'), call_id: callId, name: 'apply_patch', input: patch, status: 'completed' };
        return fn('apply_patch', { input: patch });
      }
      const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
      return shell(`printf '%s\\n' ${q(tool.text)} > ${q(tool.path)}`);
    }
    case 'plan':
      return fn('update_plan', { explanation: tool.plan, plan: [{ step: tool.plan, status: 'in_progress' }] });
  }
  return null;
}

function openaiError(res, status) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message: `fake ${status} error`, type: status === 429 ? 'rate_limit_exceeded' : status < 500 ? 'invalid_request_error' : 'server_error', code: null } }));
}

async function handleOpenAI(req, res, body, logEntry) {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const model = body.model || 'gpt-fake';
  logEntry.tools = tools.map(toolName);

  let action;
  if (tools.length === 0) {
    action = { type: 'text', text: 'Fake summary' };
    logEntry.side = true;
  } else {
    const { prompt, step, results } = openaiAnalyze(body);
    const dir = parseDirective(prompt);
    Object.assign(logEntry, { prompt: clip(prompt, 300), directive: dir.kind, step, items: body.input?.length ?? 0 });
    action = decide(dir, prompt, step, results, 'openai', new Set(tools.map(toolName)));
  }
  let item = null;
  if (action.type === 'tool') {
    item = openaiToolItem(action.tool, tools);
    if (!item) action = { type: 'text', text: `No usable tool for ${action.tool.kind} in: ${tools.map(toolName).join(', ')}` };
  }
  logEntry.action = action.type === 'tool' ? `tool:${item.name ?? item.type}` : action.type;

  if (action.type === 'http') {
    logEntry.status = action.status;
    return openaiError(res, action.status);
  }
  if (action.type === 'garbage') return sendGarbage(res);

  const respId = uid('resp');
  const base = { id: respId, object: 'response', created_at: Math.floor(Date.now() / 1000), model, status: 'in_progress', output: [] };
  let seq = 0;
  const ev = (type, data) => sse(res, type, { type, sequence_number: seq++, ...data });

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  ev('response.created', { response: base });
  ev('response.in_progress', { response: base });

  if (action.type === 'sse-error') {
    ev('response.failed', { response: { ...base, status: 'failed', error: { code: 'server_error', message: 'fake in-stream failure' } } });
    res.end();
    return;
  }

  if (!item) {
    const msgId = uid('msg');
    const text = action.type === 'slow' ? `Slow reply done after ${action.seconds} s.` : action.type === 'cut' ? 'partial reply' : action.text;
    ev('response.output_item.added', { output_index: 0, item: { type: 'message', id: msgId, status: 'in_progress', role: 'assistant', content: [] } });
    ev('response.content_part.added', { item_id: msgId, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    if (action.type === 'cut') {
      ev('response.output_text.delta', { item_id: msgId, output_index: 0, content_index: 0, delta: 'partial ' });
      await sleep(50);
      res.destroy();
      return;
    }
    let streamed = '';
    if (action.type === 'slow') {
      streamed = 'Working';
      ev('response.output_text.delta', { item_id: msgId, output_index: 0, content_index: 0, delta: streamed });
      const ok = await slowLoop(res, action.seconds, () => {
        streamed += '.';
        ev('response.output_text.delta', { item_id: msgId, output_index: 0, content_index: 0, delta: '.' });
      });
      if (!ok) return;
      streamed += ` ${text}`;
      ev('response.output_text.delta', { item_id: msgId, output_index: 0, content_index: 0, delta: ` ${text}` });
    } else {
      for (const part of chunks(text)) ev('response.output_text.delta', { item_id: msgId, output_index: 0, content_index: 0, delta: part });
      streamed = text;
    }
    ev('response.output_text.done', { item_id: msgId, output_index: 0, content_index: 0, text: streamed });
    const part = { type: 'output_text', text: streamed, annotations: [] };
    ev('response.content_part.done', { item_id: msgId, output_index: 0, content_index: 0, part });
    item = { type: 'message', id: msgId, status: 'completed', role: 'assistant', content: [part] };
    ev('response.output_item.done', { output_index: 0, item });
  } else {
    if (action.type === 'cut') { res.destroy(); return; }
    const added = { ...item, status: 'in_progress' };
    if (item.type === 'function_call') added.arguments = '';
    if (item.type === 'custom_tool_call') added.input = '';
    ev('response.output_item.added', { output_index: 0, item: added });
    if (item.type === 'function_call') {
      for (const part of chunks(item.arguments)) ev('response.function_call_arguments.delta', { item_id: item.id, output_index: 0, delta: part });
      ev('response.function_call_arguments.done', { item_id: item.id, output_index: 0, arguments: item.arguments });
    } else if (item.type === 'custom_tool_call') {
      ev('response.custom_tool_call_input.delta', { item_id: item.id, output_index: 0, delta: item.input });
      ev('response.custom_tool_call_input.done', { item_id: item.id, output_index: 0, input: item.input });
    }
    ev('response.output_item.done', { output_index: 0, item });
  }
  ev('response.completed', {
    response: {
      ...base, status: 'completed', output: [item],
      usage: {
        input_tokens: 1002, input_tokens_details: { cached_tokens: 200 },
        output_tokens: 50, output_tokens_details: { reasoning_tokens: 10 }, total_tokens: 1052,
      },
    },
  });
  res.end();
}

// ---------- server ----------
const server = http.createServer((req, res) => {
  const chunksIn = [];
  req.on('data', (c) => chunksIn.push(c));
  req.on('end', async () => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const logEntry = { method: req.method, path: url.pathname + url.search };
    const raw = Buffer.concat(chunksIn).toString('utf8');
    res.on('close', () => {
      if (!res.writableFinished) logEntry.aborted = true; // client went away (or FAKE:cut)
      log(logEntry);
    });
    try {
      if (req.method === 'HEAD') { // claude probes HEAD / before its first request
        res.writeHead(200);
        res.end();
        return;
      }
      if (req.method === 'GET' && url.pathname === '/v1/models') {
        logEntry.api = 'models';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [], models: [] }));
        return;
      }
      let body = {};
      if (raw) {
        try { body = JSON.parse(raw); } catch {
          logEntry.error = 'request body is not JSON';
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'body is not JSON' } }));
          return;
        }
      }
      if (logBodies) logEntry.body = body;
      logEntry.model = body.model;
      logEntry.stream = body.stream === true;
      // A model named unknown-* does not exist: the real APIs' 404 bodies, so the CLIs report
      // what they report for a mistyped --model.
      if (req.method === 'POST' && typeof body.model === 'string' && body.model.startsWith('unknown-')) {
        logEntry.status = 404;
        res.writeHead(404, { 'content-type': 'application/json' });
        if (url.pathname === '/v1/messages') {
          logEntry.api = 'anthropic';
          res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `model: ${body.model}` } }));
        } else {
          logEntry.api = 'openai';
          res.end(JSON.stringify({ error: { message: `The model \`${body.model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' } }));
        }
        return;
      }
      if (req.method === 'POST' && url.pathname === '/v1/messages') {
        logEntry.api = 'anthropic';
        logEntry.session = req.headers['x-claude-code-session-id'];
        await handleAnthropic(req, res, body, logEntry);
      } else if (req.method === 'POST' && url.pathname === '/v1/responses') {
        logEntry.api = 'openai';
        await handleOpenAI(req, res, body, logEntry);
      } else {
        logEntry.status = 404;
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no route ${req.method} ${url.pathname}`, type: 'not_found' } }));
      }
    } catch (e) {
      logEntry.error = String(e && e.stack || e);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: 'fake server crashed' } }));
      } else {
        res.destroy();
      }
    }
  });
});
server.keepAliveTimeout = 5000;

function shutdown() {
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.on('SIGHUP', shutdown);

try {
  const st = fs.fstatSync(0);
  if (st.isFIFO() || st.isSocket()) {
    process.stdin.on('end', shutdown);
    process.stdin.on('close', shutdown);
    process.stdin.on('error', shutdown);
    process.stdin.resume();
  }
} catch { /* no stdin at all */ }

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
