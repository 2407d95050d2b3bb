// Script rules: `script = check.sh` runs a program that decides.
//
// The program gets the tool name as its only argument and the tool input JSON
// on stdin, and prints allow, deny or pass (the first word of its output
// counts). Anything else — no output, another word, a non-zero exit (unless
// it printed deny, which is honoured), a spawn failure, or still running
// after the timeout (5 s by default) — is pass, so a broken script hands the
// call to a human instead of allowing it. Its stderr is discarded. The
// program runs in its own process group, which is killed on timeout so that
// a child it left behind cannot hold the hook open.
//
// Blocking (util/subprocess.hpp): for the hook and the CLI, never for the
// daemon's event loop.
#pragma once

#include "rules/rules.hpp"

#include <string>

namespace fab::rules {

struct ScriptOutcome {
    Action action = Action::pass;
    std::string detail; // "printed deny", "timed out after 5000 ms", "exited with 3", …
};

ScriptOutcome run_rule_script(const std::string& script, const std::string& tool,
                              const std::string& input_json, int timeout_ms);

} // namespace fab::rules
