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
// The loop is tests/e2e/lib/stream-json-driver.mjs, shared with tests/e2e/drive-claude.mjs
// (which documents --interrupt-after; it works here too).

import { runDriver } from '../e2e/lib/stream-json-driver.mjs';

runDriver({
  name: 'drive',
  binOption: '--agent',
  bin: null,
  what: 'agent',
  timeoutSec: 20,
  replyUnsupported: false,
});
