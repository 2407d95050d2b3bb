// Agent: the session loop, stdin handling, turns and the Stop hooks.
#include "agent.hpp"

#include "emit.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

extern char** environ;

namespace scripted {

namespace {

// The environment with `extra` ("K=V") replacing same-named variables.
std::vector<std::string> env_with(const std::vector<std::string>& extra) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string kv = *e;
        std::string key = kv.substr(0, kv.find('='));
        bool replaced = false;
        for (const auto& x : extra)
            if (x.compare(0, key.size() + 1, key + "=") == 0) replaced = true;
        if (!replaced) env.push_back(std::move(kv));
    }
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

// A user message's text: a string, or its text blocks joined.
std::string message_text(const nlohmann::json& msg) {
    if (!msg.contains("message") || !msg["message"].is_object()) return {};
    const auto& m = msg["message"];
    if (!m.contains("content")) return {};
    const auto& c = m["content"];
    if (c.is_string()) return c.get<std::string>();
    std::string text;
    if (c.is_array())
        for (const auto& b : c)
            if (str_field(b, "type") == "text") {
                if (!text.empty()) text += "\n";
                text += str_field(b, "text");
            }
    return text;
}

} // namespace

Agent::Agent(Options opts, HookConfig hooks, SessionRecord record, bool resumed, std::string cwd)
    : opts_(std::move(opts)), hooks_(std::move(hooks)), record_(std::move(record)),
      resumed_(resumed), cwd_(std::move(cwd)) {
    mode_ = opts_.permission_mode;
    transcript_ = transcript_path(cwd_, record_.id);
    hook_env_ = env_with(
        {"CLAUDECODE=1", "CLAUDE_CODE_SESSION_ID=" + record_.id, "CLAUDE_PROJECT_DIR=" + cwd_});
    bash_env_ = env_with({"CLAUDECODE=1"});
    const char* st = std::getenv("CLAUDE_CODE_EMIT_SESSION_STATE_EVENTS");
    emit_state_events_ = st && std::string(st) == "1";
    loop_.on_line = [this](std::string line) { on_line(std::move(line)); };
    loop_.on_signal = [this](int sig) { on_signal(sig); };
}

int Agent::run() {
    for (;;) {
        if (!queue_.empty()) {
            std::string text = std::move(queue_.front());
            queue_.pop_front();
            run_turn(text);
            if (exit_after_turn_) break;
            continue;
        }
        if (loop_.stdin_eof() || exit_after_turn_) break;
        loop_.run_once(-1);
    }
    if (session_started_) run_hooks("SessionEnd", "other", {{"reason", "other"}}, false);
    if (exit_after_turn_) return 0; // SIGINT, as claude: a final result, then 0
    return last_is_error_ ? 1 : 0;
}

bool Agent::wait(const std::function<bool()>& done, int64_t deadline_ms) {
    while (!done()) {
        int64_t now = fab::monotonic_ms();
        if (deadline_ms >= 0 && now >= deadline_ms) return false;
        // Short polls: hook deadlines are checked by done() itself.
        int64_t t = 200;
        if (deadline_ms >= 0) t = std::min<int64_t>(t, deadline_ms - now);
        loop_.run_once(static_cast<int>(t));
    }
    return true;
}

void Agent::on_line(std::string line) {
    if (fab::trim(line).empty()) return;
    json msg = json::parse(line, nullptr, false);
    if (msg.is_discarded() || !msg.is_object()) {
        // claude treats a bad input line as fatal (AGENT-CLIS.md §1.2).
        std::fprintf(stderr, "Error: Error parsing streaming input line: %s\n",
                     line.substr(0, 200).c_str());
        _exit(1);
    }
    std::string type = str_field(msg, "type");
    if (type == "user") {
        queue_.push_back(message_text(msg));
    } else if (type == "control_request") {
        on_control_request(msg);
    } else if (type == "control_response") {
        if (msg.contains("response") && msg["response"].is_object()) {
            std::string id = str_field(msg["response"], "request_id");
            if (!id.empty()) responses_[id] = msg["response"];
        }
    }
    // Anything else (keep_alive, control_cancel_request, ...) is ignored, as claude does.
}

void Agent::on_control_request(const json& msg) {
    std::string rid = str_field(msg, "request_id");
    json req = msg.contains("request") && msg["request"].is_object() ? msg["request"] : json{};
    std::string sub = str_field(req, "subtype");
    auto ok = [&](json response) {
        emit({{"type", "control_response"},
              {"response", {{"subtype", "success"}, {"request_id", rid}, {"response", response}}}});
    };
    auto error = [&](const std::string& e) {
        emit({{"type", "control_response"},
              {"response", {{"subtype", "error"}, {"request_id", rid}, {"error", e}}}});
    };
    if (sub == "initialize") {
        ok({{"commands", json::array()},
            {"output_style", "default"},
            {"available_output_styles", {"default"}},
            {"models",
             {{{"value", "fab-scripted-agent"},
               {"displayName", "fab-scripted-agent"},
               {"description", "Scripted stand-in for tests; not a real model"}}}},
            {"account", json::object()},
            {"pid", static_cast<int>(getpid())}});
    } else if (sub == "interrupt") {
        ok(json::object());
        if (in_turn_) interrupt_requested_ = true;
    } else if (sub == "set_permission_mode") {
        std::string m = str_field(req, "mode");
        for (auto v : {"acceptEdits", "bypassPermissions", "default", "dontAsk", "plan", "auto"})
            if (m == v) {
                mode_ = m;
                ok({{"mode", m}});
                emit_status();
                return;
            }
        error("Invalid permission mode: " + m);
    } else if (sub == "set_model") {
        ok(json::object()); // the model stays the script
    } else {
        error("Unsupported control request subtype: " + sub);
    }
}

void Agent::on_signal(int sig) {
    if (sig == SIGTERM) _exit(143); // claude: 143, no result; children die with their owners
    if (sig == SIGINT) {
        exit_after_turn_ = true;
        if (in_turn_) interrupt_requested_ = true;
    }
}

nlohmann::json Agent::hook_base(const std::string& event) const {
    return {{"session_id", record_.id},
            {"transcript_path", transcript_},
            {"cwd", cwd_},
            {"hook_event_name", event},
            {"permission_mode", mode_}};
}

std::vector<HookOutcome> Agent::run_hooks(const std::string& event, const std::string& query,
                                          json input, bool interruptible) {
    auto cmds = hooks_.matching(event, query);
    if (cmds.empty()) return {};
    json full = hook_base(event);
    full.update(input);
    HookBatch batch(loop_, std::move(cmds), full, cwd_, hook_env_);
    wait([&] { return batch.done() || (interruptible && interrupted()); });
    if (!batch.done()) batch.cancel();
    return batch.outcomes();
}

void Agent::run_turn(const std::string& text) {
    in_turn_ = true;
    interrupt_requested_ = false;
    turn_ = Turn{};
    turn_.started_ms = fab::now_ms();
    history_at_turn_start_ = record_.messages.size();
    if (!session_started_) {
        session_started_ = true;
        std::string src = resumed_ ? "resume" : "startup";
        run_hooks("SessionStart", src, {{"source", src}}, false);
    }
    record_.messages.push_back({{"role", "user"}, {"text", text}});
    append_transcript(transcript_, {{"type", "user"},
                                    {"message", {{"role", "user"}, {"content", text}}},
                                    {"session_id", record_.id},
                                    {"cwd", cwd_},
                                    {"uuid", make_uuid()}});
    emit_init();
    if (emit_state_events_) emit_state("running");
    // The stand-in follows tests/e2e/fake-model-server.mjs: a model named
    // unknown-* does not exist, so every turn fails as claude's does.
    Flow flow = opts_.model.rfind("unknown-", 0) == 0 ? unknown_model() : run_script(text);
    if (flow == Flow::Next)
        run_stop_hooks(flow);
    else if (flow == Flow::Failed)
        run_hooks("StopFailure", "server_error",
                  {{"error", "server_error"}, {"last_assistant_message", turn_.last_text}});
    finish_turn(flow);
}

// Stop hooks: a block feeds its reason back as the next instruction, once;
// claude then passes stop_hook_active:true to the next Stop.
void Agent::run_stop_hooks(Flow& flow) {
    bool active = false;
    for (;;) {
        auto outs =
            run_hooks("Stop", "",
                      {{"stop_hook_active", active}, {"last_assistant_message", turn_.last_text}});
        if (interrupted()) {
            flow = Flow::Interrupted;
            return;
        }
        auto reason = stop_block_reason(outs);
        if (!reason || active) return;
        active = true;
        flow = run_script(*reason);
        if (flow != Flow::Next) {
            if (flow == Flow::Failed)
                run_hooks("StopFailure", "server_error",
                          {{"error", "server_error"}, {"last_assistant_message", turn_.last_text}});
            return;
        }
    }
}

void Agent::finish_turn(Flow flow) {
    if (flow == Flow::Interrupted) emit_user_text("[Request interrupted by user]");
    emit_result(flow);
    record_.messages.push_back({{"role", "assistant"}, {"text", turn_.last_text}});
    record_.turns++;
    if (auto st = save_record(record_); !st)
        std::fprintf(stderr, "fab-scripted-agent: cannot save session: %s\n", st.error().c_str());
    in_turn_ = false;
    interrupt_requested_ = false;
    if (emit_state_events_ && queue_.empty()) emit_state("idle");
}

} // namespace scripted
