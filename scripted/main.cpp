// fab-scripted-agent: a stand-in for the `claude` CLI for fast tests and the
// demo. fab launches it with claude's exact command line; it speaks claude's
// stream-json protocol (stdin/stdout, control requests, can_use_tool) and
// runs --settings hooks as claude does (AGENT-CLIS.md §1), so fab's whole
// daemon/host/hook path is exercised. Only the "model" differs: it follows
// the SCRIPT: directives in each user message (directives.cpp).
//
// Files: options (command line), session (resume records), loop + child
// (poll loop, child processes), hooks (settings, running, verdicts), agent
// (turns, control protocol), permission, directives, output (stdout lines).
#include "agent.hpp"
#include "emit.hpp"
#include "hooks.hpp"
#include "options.hpp"
#include "session.hpp"

#include <cstdio>
#include <string>
#include <unistd.h>

using namespace scripted;

namespace {

// claude's startup errors: a message on stderr, exit 1. A failed resume also
// yields an error result on stdout (AGENT-CLIS.md §1.3).
int fail_resume(const std::string& id) {
    std::string msg = "No conversation found with session ID: " + id;
    emit({{"type", "result"},
          {"subtype", "error_during_execution"},
          {"is_error", true},
          {"duration_ms", 0},
          {"duration_api_ms", 0},
          {"num_turns", 0},
          {"session_id", make_uuid()},
          {"total_cost_usd", 0},
          {"usage", {{"input_tokens", 0}, {"output_tokens", 0}}},
          {"permission_denials", nlohmann::json::array()},
          {"errors", {msg}},
          {"uuid", make_uuid()}});
    std::fprintf(stderr, "%s\n", msg.c_str());
    return 1;
}

int in_use(const std::string& id) {
    std::fprintf(stderr, "Error: Session ID %s is already in use.\n", id.c_str());
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    auto opts = parse_options(argc, argv);
    if (!opts) {
        std::fprintf(stderr, "%s\n", opts.error().c_str());
        return 1;
    }
    char buf[4096];
    if (!getcwd(buf, sizeof buf)) {
        std::perror("fab-scripted-agent: getcwd");
        return 1;
    }
    std::string cwd = buf;

    HookConfig hooks;
    if (opts->settings) {
        auto h = HookConfig::load(*opts->settings);
        if (!h) {
            std::fprintf(stderr, "%s\n", h.error().c_str());
            return 1;
        }
        hooks = std::move(*h);
    }

    SessionRecord rec;
    bool resumed = false;
    if (opts->resume) {
        auto r = load_record(*opts->resume);
        // Resume is tied to the directory, as claude's is (§1.10).
        if (!r || r->cwd != cwd) return fail_resume(*opts->resume);
        rec = std::move(*r);
        resumed = true;
        if (opts->fork_session) { // the history, under a new id
            rec.id = opts->session_id.value_or(make_uuid());
            if (record_exists(rec.id)) return in_use(rec.id);
        }
    } else if (opts->session_id) {
        if (record_exists(*opts->session_id)) return in_use(*opts->session_id);
        rec.id = *opts->session_id;
    } else {
        rec.id = make_uuid();
    }
    rec.cwd = cwd;

    Agent agent(std::move(*opts), std::move(hooks), std::move(rec), resumed, cwd);
    return agent.run();
}
