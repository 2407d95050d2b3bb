// The scripted "model": each user message is a script, one directive a line.
//   SCRIPT:say <text>              an assistant text
//   SCRIPT:bash <command>          a Bash tool call (PreToolUse, permission, run)
//   SCRIPT:write <path> <text>     a Write tool call (\n \t \\ escapes in <text>)
//   SCRIPT:ask <q>|<opt1>|<opt2>…  an AskUserQuestion tool call
//   SCRIPT:plan <text>             an ExitPlanMode tool call
//   SCRIPT:sleep <seconds>         a slow model call; an interrupt ends it
//   SCRIPT:flood <lines> <per_sec> <lines> assistant texts at <per_sec> a second, each
//                                  stamped with its send time (bench/fanout measures
//                                  agent line -> attached client latency with it)
//   SCRIPT:fail <message>          an API error (`API Error: 500 <message>`); the turn ends
//   SCRIPT:exit <code>             the process exits at once (a crash)
//   SCRIPT:recall                  quotes the session's history (resume checks)
// A message without any SCRIPT: line is answered `Echo: <message>`, like the
// fake model server. After a tool call ends the script, the "model" says what
// the tool returned (`Ran it. Result: …`), again as the fake server does.
#include "agent.hpp"

#include "emit.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <cstdlib>
#include <ctime>
#include <unistd.h>

namespace scripted {

namespace {

constexpr int64_t kBashTimeoutMs = 30000;
constexpr int64_t kBashMaxTimeoutMs = 600000;
constexpr size_t kBashOutputLimit = 64 * 1024;

std::string clip(const std::string& s, size_t n = 200) {
    return s.size() > n ? s.substr(0, n) : s;
}

std::string unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            char c = s[++i];
            out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string without_trailing_newlines(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

std::string answer_text(const nlohmann::json& a) {
    if (a.is_string()) return a.get<std::string>();
    if (a.is_array()) {
        std::vector<std::string> parts;
        for (const auto& x : a) parts.push_back(x.is_string() ? x.get<std::string>() : dump(x));
        return fab::join(parts, ", ");
    }
    return dump(a);
}

// A flood line's text is padded to this size, about a short model reply.
constexpr size_t kFloodTextBytes = 200;
constexpr int64_t kFloodMaxLines = 10'000'000;
constexpr int64_t kFloodMaxRate = 1'000'000;

int64_t wall_us() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts); // the reader compares with its own wall clock
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

// `flood <i> t=<send time, us since the epoch> ` and padding.
std::string flood_text(int64_t i) {
    std::string t = "flood " + std::to_string(i) + " t=" + std::to_string(wall_us()) + " ";
    if (t.size() < kFloodTextBytes) t.append(kFloodTextBytes - t.size(), 'x');
    return t;
}

const char* kNoSuchTool = "<tool_use_error>Error: No such tool available: %s</tool_use_error>";

} // namespace

Agent::Flow Agent::run_script(const std::string& text) {
    auto lines = fab::split(text, '\n');
    bool scripted = false;
    for (const auto& l : lines)
        if (fab::trim(l).substr(0, 7) == "SCRIPT:") scripted = true;
    if (!scripted) return say("Echo: " + text);
    for (const auto& l : lines) {
        if (interrupted()) return Flow::Interrupted;
        std::string line(fab::trim(l));
        if (line.rfind("SCRIPT:", 0) != 0) continue; // prose around directives is ignored
        std::string rest = line.substr(7);
        auto sp = rest.find_first_of(" \t");
        std::string name = rest.substr(0, sp);
        std::string arg = sp == std::string::npos ? "" : std::string(fab::trim(rest.substr(sp)));
        Flow f;
        if (name == "say")
            f = say(arg);
        else if (name == "bash")
            f = bash(arg);
        else if (name == "write")
            f = write(arg);
        else if (name == "ask")
            f = ask(arg);
        else if (name == "plan")
            f = plan(arg);
        else if (name == "sleep")
            f = sleep_for(arg);
        else if (name == "flood")
            f = flood(arg);
        else if (name == "fail")
            f = fail(arg);
        else if (name == "recall")
            f = recall();
        else if (name == "exit")
            _exit(static_cast<int>(fab::parse_int(arg).value_or(1)) & 0xFF);
        else
            f = say("Unknown directive: SCRIPT:" + name);
        if (f == Flow::Next && turn_.hook_stop) f = Flow::Stopped;
        if (f != Flow::Next) return f;
    }
    if (!turn_.summary.empty()) say(std::string(turn_.summary)); // a copy: say() clears it
    return Flow::Next;
}

Agent::Flow Agent::say(const std::string& text) {
    emit_text(text);
    return Flow::Next;
}

Agent::Flow Agent::refused(const std::string& id, const Permission& p, const std::string& prefix) {
    if (p.kind == Permission::Interrupted) {
        emit_tool_result(id, "[Request interrupted by user for tool use]", true,
                         "Error: [Request interrupted by user for tool use]");
        return Flow::Interrupted;
    }
    emit_tool_result(id, p.message, true, "Error: " + p.message);
    turn_.summary = prefix + clip(p.message);
    return p.interrupt_after ? Flow::Interrupted : Flow::Next;
}

Agent::Flow Agent::bash(const std::string& command) {
    std::string id = next_tool_id();
    json input = {{"command", command}, {"description", "Run " + clip(command, 60)}};
    emit_tool_use(id, "Bash", input);
    auto p = request_permission("Bash", input, id);
    if (p.kind != Permission::Allow) return refused(id, p, "Ran it. Result: ");
    return run_bash(id, p.input);
}

Agent::Flow Agent::run_bash(const std::string& id, const json& input) {
    std::string command = str_field(input, "command");
    if (command.empty()) {
        std::string e = "<tool_use_error>InputValidationError: Bash failed due to the following "
                        "issue:\nThe required parameter `command` is missing</tool_use_error>";
        emit_tool_result(id, e, true, "Error: " + e);
        turn_.summary = "Ran it. Result: " + clip(e);
        return Flow::Next;
    }
    int64_t timeout = kBashTimeoutMs;
    if (input.contains("timeout") && input["timeout"].is_number_integer())
        timeout = std::clamp<int64_t>(input["timeout"].get<int64_t>(), 1, kBashMaxTimeoutMs);
    ChildSpec spec{{"/bin/bash", "-c", command}, cwd_, bash_env_, "", true, kBashOutputLimit};
    auto child = Child::spawn(spec);
    if (!child) {
        emit_tool_result(id, child.error(), true, "Error: " + child.error());
        turn_.summary = "Ran it. Result: " + clip(child.error());
        return Flow::Next;
    }
    Child& c = **child;
    loop_.add(&c);
    bool finished = wait([&] { return c.done() || interrupted(); }, fab::monotonic_ms() + timeout);
    loop_.remove(&c);
    if (!c.done()) c.kill(); // reaped by the destructor
    std::string output = without_trailing_newlines(c.out());
    if (c.truncated()) output += "\n\n[output truncated to 64 KiB]";
    if (c.done() && interrupted()) {
        // finished just as the interrupt came: report it, then stop
    } else if (interrupted()) {
        emit_tool_result(
            id, "[Request interrupted by user for tool use]", true,
            {{"stdout", output}, {"stderr", ""}, {"interrupted", true}, {"isImage", false}});
        return Flow::Interrupted;
    }
    bool error = false;
    std::string content;
    if (!finished) {
        error = true;
        content = (output.empty() ? "" : output + "\n") + "Command timed out after " +
                  std::to_string(timeout / 1000) + "s";
    } else if (c.exit_code() != 0) {
        error = true;
        content =
            "Exit code " + std::to_string(c.exit_code()) + (output.empty() ? "" : "\n") + output;
    } else {
        content = output.empty() ? "(Bash completed with no output)" : output;
    }
    json tur =
        error
            ? json("Error: " + content)
            : json{{"stdout", output}, {"stderr", ""}, {"interrupted", false}, {"isImage", false}};
    emit_tool_result(id, content, error, tur);
    turn_.summary = "Ran it. Result: " + clip(content);
    return interrupted() ? Flow::Interrupted : Flow::Next;
}

Agent::Flow Agent::write(const std::string& arg) {
    auto sp = arg.find_first_of(" \t");
    std::string path = arg.substr(0, sp);
    std::string text = sp == std::string::npos ? "" : unescape(arg.substr(sp + 1));
    if (path.empty()) path = "out.txt";
    if (path[0] != '/') path = cwd_ + "/" + path;
    std::string id = next_tool_id();
    json input = {{"file_path", path}, {"content", text}};
    emit_tool_use(id, "Write", input);
    auto p = request_permission("Write", input, id);
    if (p.kind != Permission::Allow) return refused(id, p, "Wrote it. Result: ");
    return run_write(id, p.input);
}

Agent::Flow Agent::run_write(const std::string& id, const json& input) {
    std::string path = str_field(input, "file_path");
    std::string content = str_field(input, "content");
    std::string err;
    if (path.empty() || path[0] != '/') {
        err = "<tool_use_error>InputValidationError: file_path must be an absolute "
              "path</tool_use_error>";
    } else {
        bool existed = fab::path_exists(path);
        auto dir = path.substr(0, path.rfind('/'));
        fab::Status st = dir.empty() ? fab::Status{} : fab::make_dirs(dir, 0755);
        if (st) st = fab::write_file_atomic(path, content, 0644);
        if (!st) {
            err = st.error();
        } else {
            std::string msg = existed ? "The file " + path + " has been updated successfully."
                                      : "File created successfully at: " + path;
            emit_tool_result(id, msg, false,
                             {{"type", existed ? "update" : "create"},
                              {"filePath", path},
                              {"content", content},
                              {"structuredPatch", json::array()}});
            turn_.summary = "Wrote it. Result: " + clip(msg);
            return Flow::Next;
        }
    }
    emit_tool_result(id, err, true, "Error: " + err);
    turn_.summary = "Wrote it. Result: " + clip(err);
    return Flow::Next;
}

Agent::Flow Agent::ask(const std::string& arg) {
    auto parts = fab::split(arg, '|', false);
    std::string question = parts.empty() ? "" : std::string(fab::trim(parts[0]));
    if (question.empty()) question = "Which option?";
    json options = json::array();
    for (size_t i = 1; i < parts.size() && options.size() < 4; ++i) {
        std::string o(fab::trim(parts[i]));
        if (!o.empty()) options.push_back({{"label", o}, {"description", ""}});
    }
    if (options.size() < 2)
        options = {{{"label", "Yes"}, {"description", ""}}, {{"label", "No"}, {"description", ""}}};
    json input = {{"questions",
                   {{{"question", question},
                     {"header", "Choice"},
                     {"options", options},
                     {"multiSelect", false}}}}};
    std::string id = next_tool_id();
    emit_tool_use(id, "AskUserQuestion", input);
    if (opts_.permission_prompt_tool != "stdio") { // the tool only exists with a prompt tool
        char buf[160];
        std::snprintf(buf, sizeof buf, kNoSuchTool, "AskUserQuestion");
        return refused(id, {Permission::Deny, input, buf, false}, "Got answer. Result: ");
    }
    auto p = request_permission("AskUserQuestion", input, id);
    if (p.kind != Permission::Allow) return refused(id, p, "Got answer. Result: ");
    json answers = p.input.contains("answers") && p.input["answers"].is_object()
                       ? p.input["answers"]
                       : json::object();
    std::vector<std::string> pairs;
    for (const auto& [q, a] : answers.items())
        pairs.push_back("\"" + q + "\"=\"" + answer_text(a) + "\"");
    if (pairs.empty())
        return refused(id,
                       {Permission::Deny, input, "The user did not answer the question.", false},
                       "Got answer. Result: ");
    // The wording claude 2.1.197 gives the model (AGENT-CLIS.md §1.8).
    std::string content = "Your questions have been answered: " + fab::join(pairs, ", ") +
                          ". You can now continue with these answers in mind.";
    json qs = p.input.contains("questions") ? p.input["questions"] : input["questions"];
    emit_tool_result(id, content, false, {{"questions", qs}, {"answers", answers}});
    turn_.summary = "Got answer. Result: " + clip(content);
    return Flow::Next;
}

Agent::Flow Agent::plan(const std::string& text) {
    std::string id = next_tool_id();
    json input = {{"plan", text}};
    emit_tool_use(id, "ExitPlanMode", input);
    if (opts_.permission_prompt_tool != "stdio") {
        char buf[160];
        std::snprintf(buf, sizeof buf, kNoSuchTool, "ExitPlanMode");
        return refused(id, {Permission::Deny, input, buf, false}, "Plan result: ");
    }
    auto p = request_permission("ExitPlanMode", input, id);
    if (p.kind != Permission::Allow) return refused(id, p, "Plan result: ");
    std::string approved = str_field(p.input, "plan");
    if (approved.empty()) approved = text;
    std::string path = config_dir() + "/plans/scripted-" + record_.id.substr(0, 8) + ".md";
    if (fab::make_dirs(config_dir() + "/plans"))
        (void)fab::write_file_atomic(path, approved + "\n");
    if (mode_ == "plan") {
        mode_ = "default";
        emit_status();
    }
    std::string content = "User has approved your plan. You can now start coding. Start with "
                          "updating your todo list if applicable\n\nYour plan has been saved to: " +
                          path +
                          "\nYou can refer back to it if needed during implementation.\n\n"
                          "## Approved Plan (edited by user):\n" +
                          approved;
    emit_tool_result(id, content, false, {{"plan", approved}, {"filePath", path}});
    turn_.summary = "Plan result: " + clip(content);
    return Flow::Next;
}

Agent::Flow Agent::sleep_for(const std::string& arg) {
    double secs = std::strtod(arg.c_str(), nullptr);
    secs = std::clamp(secs, 0.0, 3600.0);
    wait([&] { return interrupted(); }, fab::monotonic_ms() + static_cast<int64_t>(secs * 1000));
    return interrupted() ? Flow::Interrupted : Flow::Next;
}

// Line i is due at start + i/rate. Waiting is the poll timeout of the loop, so
// stdin (an interrupt, a control request) is served between lines; a late
// wakeup sends every line that is due at once, so the average rate holds.
Agent::Flow Agent::flood(const std::string& arg) {
    auto parts = fab::split(arg, ' ');
    int64_t lines = parts.size() > 0 ? fab::parse_int(parts[0]).value_or(0) : 0;
    int64_t rate = parts.size() > 1 ? fab::parse_int(parts[1]).value_or(0) : 0;
    if (lines <= 0 || rate <= 0) return say("Usage: SCRIPT:flood <lines> <per_second>");
    lines = std::min(lines, kFloodMaxLines);
    rate = std::min(rate, kFloodMaxRate);
    const int64_t start = fab::monotonic_ms();
    for (int64_t i = 0; i < lines;) {
        if (interrupted()) return Flow::Interrupted;
        int64_t due = start + i * 1000 / rate;
        if (fab::monotonic_ms() < due) {
            wait([&] { return interrupted(); }, due);
            continue;
        }
        for (int64_t now = fab::monotonic_ms(); i < lines && start + i * 1000 / rate <= now; ++i)
            emit_text(flood_text(i));
    }
    return Flow::Next;
}

Agent::Flow Agent::unknown_model() {
    return api_error(404,
                     "There's an issue with the selected model (" + opts_.model +
                         "). It may not exist or you may not have access to it. Run --model to "
                         "pick a different model.",
                     "model_not_found");
}

Agent::Flow Agent::fail(const std::string& message) {
    // claude's synthetic message for an API error that outlived its retries (§1.5).
    return api_error(500, "API Error: 500 " + message, "server_error");
}

Agent::Flow Agent::api_error(int status, const std::string& text, const char* kind) {
    json usage = {{"input_tokens", 0},
                  {"output_tokens", 0},
                  {"cache_creation_input_tokens", 0},
                  {"cache_read_input_tokens", 0}};
    emit_logged({{"type", "assistant"},
                 {"message",
                  {{"id", make_uuid()},
                   {"model", "<synthetic>"},
                   {"role", "assistant"},
                   {"type", "message"},
                   {"stop_reason", "stop_sequence"},
                   {"stop_sequence", ""},
                   {"usage", usage},
                   {"content", {{{"type", "text"}, {"text", text}}}}}},
                 {"parent_tool_use_id", nullptr},
                 {"session_id", record_.id},
                 {"uuid", make_uuid()},
                 {"error", kind}});
    turn_.last_text = text;
    turn_.error = text;
    turn_.api_status = status;
    return Flow::Failed;
}

Agent::Flow Agent::recall() {
    std::string last;
    size_t n = std::min(history_at_turn_start_, record_.messages.size());
    for (size_t i = n; i-- > 0;)
        if (str_field(record_.messages[i], "role") == "user") {
            last = str_field(record_.messages[i], "text");
            break;
        }
    if (n == 0) return say("Recall: no earlier messages");
    return say("Recall: " + std::to_string(n) + " earlier messages; last user message: " + last);
}

} // namespace scripted
