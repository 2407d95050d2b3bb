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
// The loop is lib/stream-json-driver.mjs, shared with tests/scripted/drive.mjs (which documents
// --raw, --no-answer and --interrupt-on-text; they work here too).

import path from 'node:path';
import { runDriver } from './lib/stream-json-driver.mjs';

runDriver({
  name: 'drive-claude',
  binOption: '--claude',
  bin: process.env.FAB_NPM_BIN ? path.join(process.env.FAB_NPM_BIN, 'claude') : 'claude',
  what: 'claude',
  timeoutSec: 60,
  replyUnsupported: true,
});
