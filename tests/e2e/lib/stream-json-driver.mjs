// The loop shared by drive-claude.mjs and tests/scripted/drive.mjs: runs a CLI that speaks
// claude's stream-json (`-p --input-format stream-json ...`) as fab does, writes the --msg
// turns, answers can_use_tool, interrupts on request. Each script documents its options.
//
// runDriver({ name, binOption, bin, what, timeoutSec, replyUnsupported })
//   name              prefix of the driver's own messages ("drive-claude: ...")
//   binOption         the option naming the binary (--claude, --agent); bin: its default
//   what              how the child is called in messages ("claude", "agent")
//   timeoutSec        default of --timeout
//   replyUnsupported  answer control_requests other than can_use_tool with an error
import { spawn } from 'node:child_process';
import readline from 'node:readline';

export function runDriver({ name, binOption, bin, what, timeoutSec, replyUnsupported }) {
  const args = process.argv.slice(2);
  const msgs = [];
  const raws = [];
  let policy = null; // {behavior:'allow'} | {behavior:'deny', message}
  let answer = null;
  let noAnswer = false;
  let interruptAfter = null;
  let interruptOn = null;
  const extra = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === binOption) bin = args[++i];
    else if (a === '--msg') msgs.push(args[++i]);
    else if (a === '--raw') raws.push(args[++i]);
    else if (a === '--allow') policy = { behavior: 'allow' };
    else if (a === '--deny') policy = { behavior: 'deny', message: args[++i] };
    else if (a === '--answer') answer = args[++i];
    else if (a === '--no-answer') noAnswer = true;
    else if (a === '--interrupt-after') interruptAfter = Number(args[++i]);
    else if (a === '--interrupt-on-text') interruptOn = args[++i];
    else if (a === '--timeout') timeoutSec = Number(args[++i]);
    else if (a === '--') { extra.push(...args.slice(i + 1)); break; }
    else { process.stderr.write(`${name}: unknown argument ${a}\n`); process.exit(2); }
  }
  if (!bin) { process.stderr.write(`${name}: ${binOption} is required\n`); process.exit(2); }

  const child = spawn(bin, [
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
  const interrupt = () => send({ type: 'control_request', request_id: 'drive-int-1', request: { subtype: 'interrupt' } });
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
      response = { behavior: 'deny', message: policy?.message ?? `${name}: no answer configured` };
    }
    send({ type: 'control_response', response: { subtype: 'success', request_id: msg.request_id, response } });
  }

  for (const r of raws) writeLine(r);
  let next = 0;
  if (msgs.length === 0) child.stdin.end();
  else sendUser(msgs[next++]);
  if (interruptAfter !== null) setTimeout(interrupt, interruptAfter * 1000).unref();

  const rl = readline.createInterface({ input: child.stdout });
  rl.on('line', (line) => {
    process.stdout.write(line + '\n');
    let msg;
    try { msg = JSON.parse(line); } catch { return; }
    if (msg.type === 'control_request') {
      if (msg.request?.subtype === 'can_use_tool') {
        if (!noAnswer) answerPermission(msg);
      } else if (replyUnsupported) {
        send({ type: 'control_response', response: { subtype: 'error', request_id: msg.request_id, error: `${name}: unsupported` } });
      }
    } else if (msg.type === 'assistant' && interruptOn !== null &&
               (msg.message?.content ?? []).some((b) => b.type === 'text' && b.text === interruptOn)) {
      interrupt();
    } else if (msg.type === 'result') {
      if (next < msgs.length) sendUser(msgs[next++]);
      else child.stdin.end();
    }
  });

  child.on('close', (code, signal) => { // after exit and after stdout reached EOF
    clearTimeout(timer);
    if (signal && !timedOut) process.stderr.write(`${name}: ${what} died by ${signal}\n`);
    process.exit(timedOut ? 124 : (code ?? 128 + 9));
  });
}
