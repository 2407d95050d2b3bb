#include "rules/script.hpp"

#include "util/strings.hpp"
#include "util/subprocess.hpp"

namespace fab::rules {

namespace {

constexpr size_t kMaxOutput = 4096; // more than any verdict needs; the rest is dropped

std::string first_word(std::string_view s) {
    s = trim(s);
    size_t end = s.find_first_of(" \t\r\n");
    return std::string(s.substr(0, end));
}

} // namespace

ScriptOutcome run_rule_script(const std::string& script, const std::string& tool,
                              const std::string& input_json, int timeout_ms) {
    ScriptOutcome out;
    RunSpec spec;
    spec.argv = {script, tool};
    spec.input = input_json;
    spec.timeout_ms = timeout_ms;
    spec.max_output = kMaxOutput;
    spec.capture_stderr = false; // discarded
    auto run = run_process(spec);
    if (!run) {
        out.detail = run.error();
        return out;
    }
    if (run->timed_out) {
        out.detail = run->describe(timeout_ms);
        return out;
    }
    const std::string& output = run->out;
    std::string word = first_word(output);
    auto action = parse_action(word);
    // A deny is honoured whatever the exit status (failing closed costs
    // nothing); an allow only from a script that exited 0.
    if (action != Action::deny && !run->ok()) {
        out.detail = run->describe(timeout_ms);
        return out;
    }
    if (!action) {
        out.detail = word.empty() ? "printed nothing" : "printed \"" + word + "\"";
        return out;
    }
    out.action = *action;
    out.detail = "printed " + word;
    return out;
}

} // namespace fab::rules
