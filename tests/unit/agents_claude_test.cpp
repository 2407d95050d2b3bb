// The claude adapter against real Claude Code 2.1.197 output, captured
// from runs against tests/e2e/fake-model-server.mjs (see
// tests/fixtures/agents/README), plus hand-made lines for the edge cases a
// real run cannot produce on demand (bad JSON, invalid UTF-8, huge output).
#include "agents/backend.hpp"
#include "agents/claude.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using namespace fab;
using json = nlohmann::json;

namespace {

// ChatKind has no operator<<; Boost.Test prints strings.
std::string kind(const ChatEntry& e) {
    return chat_kind_name(e.kind);
}

std::vector<std::string> fixture_lines(const std::string& name) {
    std::ifstream f(std::string(FAB_SOURCE_ROOT) + "/tests/fixtures/agents/" + name);
    BOOST_TEST_REQUIRE(f.good(), "missing fixture " << name);
    std::vector<std::string> lines;
    for (std::string line; std::getline(f, line);) lines.push_back(line);
    return lines;
}

std::vector<ChatEntry> parse_all(OutputParser& p, const std::vector<std::string>& lines) {
    std::vector<ChatEntry> out;
    for (const auto& l : lines) p.parse_line(l, out);
    return out;
}

std::vector<ChatEntry> parse_fixture(const std::string& name) {
    ClaudeParser p;
    return parse_all(p, fixture_lines(name));
}

// Entries compared as their stable JSON form: one readable diff on failure.
void check_entries(const std::vector<ChatEntry>& got, const std::vector<json>& want) {
    json g = json::array();
    for (const auto& e : got) g.push_back(to_json(e));
    BOOST_TEST(g == json(want), "got:\n" << g.dump(1) << "\nwant:\n" << json(want).dump(1));
}

json usage(int64_t in, int64_t out, double cost) {
    return {{"input_tokens", in},
            {"output_tokens", out},
            {"cache_read_tokens", 0},
            {"cache_creation_tokens", 0},
            {"cost_usd", cost}};
}

const std::string kSid1 = "11111111-1111-4111-8111-111111111111";
const std::string kSid4 = "44444444-4444-4444-8444-444444444444";

std::string arg_after(const std::vector<std::string>& argv, const std::string& flag) {
    for (size_t i = 0; i + 1 < argv.size(); ++i)
        if (argv[i] == flag) return argv[i + 1];
    return "<absent>";
}

} // namespace

BOOST_AUTO_TEST_SUITE(agents_claude)

BOOST_AUTO_TEST_CASE(tool_turn_with_permission_request) {
    json input = {{"command", "touch a.txt"}, {"description", "Run touch a.txt"}};
    check_entries(
        parse_fixture("claude-tool.jsonl"),
        {{{"kind", "system"},
          {"subtype", "init"},
          {"session_id", kSid1},
          {"text", "session started: model claude-opus-4-8[1m], cwd /tmp/agcap/c-tool/repo, "
                   "mode default"}},
         {{"kind", "tool_use"},
          {"session_id", kSid1},
          {"tool_name", "Bash"},
          {"tool_id", "toolu_fakejkt2c6okm8"},
          {"tool_input", input}},
         {{"kind", "permission"},
          {"request_id", "62835a03-7cbd-40d7-91a9-15dd8b319234"},
          {"tool_name", "Bash"},
          {"tool_id", "toolu_fakejkt2c6okm8"},
          {"tool_input", input},
          {"text", "Run touch a.txt"}},
         {{"kind", "tool_result"},
          {"session_id", kSid1},
          {"tool_id", "toolu_fakejkt2c6okm8"},
          {"text", "(Bash completed with no output)"}},
         {{"kind", "assistant_text"},
          {"session_id", kSid1},
          {"text", "Ran it. Result: (Bash completed with no output)"}},
         // Three billed requests (title + tool step + answer) in the first turn.
         {{"kind", "turn_result"},
          {"session_id", kSid1},
          {"subtype", "success"},
          {"text", "Ran it. Result: (Bash completed with no output)"},
          {"usage", usage(240, 40, 0.0033)}}});
}

BOOST_AUTO_TEST_CASE(denied_tool_is_an_error_result) {
    auto got = parse_fixture("claude-deny.jsonl");
    BOOST_TEST_REQUIRE(got.size() == 6u);
    BOOST_TEST(kind(got[2]) == "permission");
    BOOST_TEST(kind(got[3]) == "tool_result");
    BOOST_TEST(got[3].is_error);
    BOOST_TEST(got[3].text == "human said no");
    BOOST_TEST(kind(got[5]) == "turn_result");
    BOOST_TEST(!got[5].is_error);
}

BOOST_AUTO_TEST_CASE(api_error_turn) {
    const std::string sid = "22222222-2222-4222-8222-222222222222";
    const std::string msg = "API Error: 500 fake 500 error. This is a server-side issue, usually "
                            "temporary — try again in a moment. If it persists, check your "
                            "inference gateway (127.0.0.1:34549).";
    auto got = parse_fixture("claude-api-error.jsonl");
    BOOST_TEST_REQUIRE(got.size() == 4u);
    check_entries(
        {got.begin() + 1, got.end()},
        {{{"kind", "system"},
          {"subtype", "api_retry"},
          {"session_id", sid},
          {"text", "API retry 1/1 in 618 ms (status 500, server_error)"}},
         {{"kind", "error"}, {"subtype", "server_error"}, {"session_id", sid}, {"text", msg}},
         // subtype stays "success" for API errors; is_error says it failed.
         {{"kind", "turn_result"},
          {"subtype", "success"},
          {"is_error", true},
          {"session_id", sid},
          {"text", msg},
          {"usage", usage(0, 0, 0.0011)}}});
}

// `--model unknown-model-x`: the API's 404 becomes claude's own advice, and
// the turn fails with it (what fab shows as the agent's error).
BOOST_AUTO_TEST_CASE(unknown_model_turn) {
    const std::string sid = "df7882f4-33a3-4e7f-a9a0-a633491ea47f";
    const std::string msg = "There's an issue with the selected model (unknown-model-x). It may "
                            "not exist or you may not have access to it. Run --model to pick a "
                            "different model.";
    auto got = parse_fixture("claude-unknown-model.jsonl");
    BOOST_TEST_REQUIRE(got.size() == 3u);
    check_entries(
        {got.begin() + 1, got.end()},
        {{{"kind", "error"}, {"subtype", "model_not_found"}, {"session_id", sid}, {"text", msg}},
         {{"kind", "turn_result"},
          {"subtype", "success"},
          {"is_error", true},
          {"session_id", sid},
          {"text", msg}}}); // no usage: nothing was billed
}

BOOST_AUTO_TEST_CASE(interrupted_turn) {
    const std::string sid = "33333333-3333-4333-8333-333333333333";
    auto got = parse_fixture("claude-interrupt.jsonl");
    BOOST_TEST_REQUIRE(got.size() == 4u);
    // The control_response to our interrupt produces nothing.
    check_entries({got.begin() + 1, got.end()},
                  {{{"kind", "assistant_text"}, {"session_id", sid}, {"text", "Working.."}},
                   {{"kind", "system"},
                    {"subtype", "note"},
                    {"session_id", sid},
                    {"text", "[Request interrupted by user]"}},
                   {{"kind", "turn_result"},
                    {"subtype", "error_during_execution"},
                    {"is_error", true},
                    {"session_id", sid},
                    {"text", "aborted_streaming"},
                    {"usage", usage(0, 0, 0.0011)}}});
}

// An interrupt that lands after the final text, while the Stop hook runs,
// does not fail the turn: `result` is "" with subtype success and
// terminal_reason stop_hook_prevented. The answer is only in the text entry.
BOOST_AUTO_TEST_CASE(interrupt_during_the_stop_hook) {
    auto got = parse_fixture("claude-interrupt-stop-hook.jsonl");
    BOOST_TEST_REQUIRE(got.size() == 4u);
    BOOST_TEST(got[1].text == "Working... Slow reply done after 3 s.");
    BOOST_TEST(got[2].text == "[Request interrupted by user]");
    BOOST_TEST(kind(got[3]) == "turn_result");
    BOOST_TEST(got[3].subtype == "success");
    BOOST_TEST(!got[3].is_error);
    BOOST_TEST(got[3].text == "stop_hook_prevented");
    BOOST_TEST(got[3].usage.cost_usd == 0.0022);
}

BOOST_AUTO_TEST_CASE(two_turns_cost_is_the_difference_of_process_totals) {
    auto got = parse_fixture("claude-two-turns.jsonl");
    std::vector<ChatEntry> results;
    int inits = 0, states = 0;
    for (const auto& e : got) {
        if (e.kind == ChatKind::turn_result) results.push_back(e);
        if (e.subtype == "init") ++inits;
        if (e.subtype == "session_state_changed") ++states;
    }
    BOOST_TEST(inits == 1); // repeated unchanged init lines are not reported
    BOOST_TEST(states == 4);
    check_entries(results, {{{"kind", "turn_result"},
                             {"subtype", "success"},
                             {"session_id", kSid4},
                             {"text", "Echo: first message"},
                             {"usage", usage(120, 20, 0.0022)}}, // + the title request
                            {{"kind", "turn_result"},
                             {"subtype", "success"},
                             {"session_id", kSid4},
                             {"text", "Echo: second message"},
                             {"usage", usage(120, 20, 0.0011)}}});
    BOOST_TEST(got.back().text == "state: idle");
}

BOOST_AUTO_TEST_CASE(baseline_carries_over_within_one_process) {
    auto lines = fixture_lines("claude-two-turns.jsonl");
    ClaudeParser first;
    size_t i = 0;
    std::vector<ChatEntry> out;
    for (; i < lines.size() && (out.empty() || out.back().kind != ChatKind::turn_result); ++i)
        first.parse_line(lines[i], out);
    BOOST_TEST(first.usage_baseline().cost_usd == 0.0022);
    ClaudeParser second; // e.g. rebuilt while the same claude process runs on
    second.set_usage_baseline(first.usage_baseline());
    out.clear();
    for (; i < lines.size(); ++i) second.parse_line(lines[i], out);
    int results = 0;
    for (const auto& e : out)
        if (e.kind == ChatKind::turn_result) {
            ++results;
            BOOST_TEST(e.usage.cost_usd == 0.0011);
        }
    BOOST_TEST(results == 1);
}

BOOST_AUTO_TEST_CASE(resumed_process_totals_restart_from_zero) {
    // A --resume process reports only its own cost (0.0011 for one echo
    // turn, no title request), so a fresh parser must start at 0 ...
    auto got = parse_fixture("claude-resume.jsonl");
    BOOST_TEST_REQUIRE(got.size() == 3u);
    BOOST_TEST(
        got[0].text ==
        "session started: model claude-opus-4-8, cwd /tmp/agcap/c-twoturn/repo, mode default");
    BOOST_TEST(got[2].usage.cost_usd == 0.0011);
    // ... and a stale baseline from the previous process (0.0033) is
    // recognised as such instead of yielding a negative cost.
    ClaudeParser p;
    Usage stale;
    stale.cost_usd = 0.0033;
    p.set_usage_baseline(stale);
    auto again = parse_all(p, fixture_lines("claude-resume.jsonl"));
    BOOST_TEST(again.back().usage.cost_usd == 0.0011);
}

BOOST_AUTO_TEST_CASE(invalid_json_becomes_a_bounded_error_entry) {
    ClaudeParser p;
    std::vector<ChatEntry> out;
    p.parse_line("", out);
    p.parse_line("  \r", out);
    BOOST_TEST(out.empty());
    p.parse_line("Error: Session ID x is already in use.", out);
    BOOST_TEST_REQUIRE(out.size() == 1u);
    BOOST_TEST(kind(out[0]) == "error");
    BOOST_TEST(out[0].text == "unparsable output line: Error: Session ID x is already in use.");
    std::string long_line = "{\"type\":" + std::string(1000, 'x');
    p.parse_line(long_line, out);
    BOOST_TEST_REQUIRE(out.size() == 2u);
    BOOST_TEST(out[1].text == "unparsable output line: " + long_line.substr(0, 200) + "…");
    p.parse_line("[1,2]", out); // JSON, but not an object
    BOOST_TEST(out.size() == 3u);
    p.parse_line("{\"no\":\"type\"}", out);
    p.parse_line(R"({"type":"stream_event","event":{}})", out);
    p.parse_line(R"({"type":"control_response","response":{"subtype":"success"}})", out);
    BOOST_TEST(out.size() == 3u);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_never_throws) {
    ClaudeParser p;
    std::vector<ChatEntry> out;
    std::string line = "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\","
                       "\"text\":\"bad \xff\xfe bytes \xe2\x82\"}]},\"session_id\":\"s\"}";
    BOOST_CHECK_NO_THROW(p.parse_line(line, out));
    BOOST_TEST_REQUIRE(out.size() == 1u);
    BOOST_TEST(kind(out[0]) == "assistant_text");
    BOOST_TEST(out[0].text == "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes \xEF\xBF\xBD\xEF\xBF\xBD");
    // Not JSON and not UTF-8: the quote must still dump.
    p.parse_line("oops \xc3(", out);
    BOOST_TEST_REQUIRE(out.size() == 2u);
    BOOST_CHECK_NO_THROW((void)to_json(out[1]).dump());
    BOOST_TEST(out[1].text == "unparsable output line: oops \xEF\xBF\xBD(");
    // A 200-byte cut inside a multi-byte character does not split it.
    std::string euros;
    for (int i = 0; i < 100; ++i) euros += "\xe2\x82\xac";
    p.parse_line(euros, out);
    BOOST_TEST_REQUIRE(out.size() == 3u);
    BOOST_CHECK_NO_THROW((void)to_json(out[2]).dump());
    BOOST_TEST(out[2].text == "unparsable output line: " + euros.substr(0, 198) + "…");
}

BOOST_AUTO_TEST_CASE(tool_result_blocks_and_cap) {
    ClaudeParser p;
    std::vector<ChatEntry> out;
    json line = {
        {"type", "user"},
        {"message",
         {{"role", "user"},
          {"content",
           json::array({{{"type", "tool_result"},
                         {"tool_use_id", "t1"},
                         {"is_error", true},
                         {"content", json::array({{{"type", "text"}, {"text", "a"}},
                                                  {{"type", "image"}},
                                                  {{"type", "text"}, {"text", "b"}}})}}})}}}};
    p.parse_line(line.dump(), out);
    BOOST_TEST_REQUIRE(out.size() == 1u);
    BOOST_TEST(out[0].text == "a\n[image]\nb");
    BOOST_TEST(out[0].is_error);
    line["message"]["content"][0]["content"] = std::string(100000, 'y');
    p.parse_line(line.dump(), out);
    BOOST_TEST_REQUIRE(out.size() == 2u);
    BOOST_TEST(out[1].text ==
               std::string(65536, 'y') + "\n[fab: output truncated, 100000 bytes in total]");
}

BOOST_AUTO_TEST_CASE(control_lines_from_the_cli) {
    ClaudeParser p;
    std::vector<ChatEntry> out;
    p.parse_line(R"({"type":"control_cancel_request","request_id":"r9"})", out);
    p.parse_line(
        R"({"type":"control_request","request_id":"r10","request":{"subtype":"hook_callback"}})",
        out);
    p.parse_line(R"({"type":"system","subtype":"status","permissionMode":"plan","session_id":"s"})",
                 out);
    BOOST_TEST_REQUIRE(out.size() == 3u);
    BOOST_TEST(out[0].subtype == "control_cancel_request");
    BOOST_TEST(out[0].request_id == "r9");
    BOOST_TEST(kind(out[1]) == "system");
    BOOST_TEST(out[1].subtype == "control_request");
    BOOST_TEST(out[1].request_id == "r10");
    BOOST_TEST(out[2].text == "permission mode: plan");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(agents_claude_launch)

AgentParams params() {
    AgentParams p;
    p.agent_id = "a7";
    p.project = "web";
    p.kind = "task";
    p.worktree = "/w/web/a7";
    p.fab_bin = "/opt/my tools/it's/fab";
    p.socket_path = "/run/fab.sock";
    p.fab_dir = "/home/u/.fab";
    p.session_id = "0b6c1f9e-0000-4000-8000-000000000001";
    return p;
}

BOOST_AUTO_TEST_CASE(new_session_argv_and_env) {
    ::setenv("PATH", "/usr/bin:/bin", 1);
    auto b = make_backend("claude");
    BOOST_TEST_REQUIRE(b != nullptr);
    BOOST_TEST(b->name() == "claude");
    BOOST_TEST(b->default_program() == "claude");
    BOOST_TEST(b->persistent());
    auto spec = b->launch(params(), "ignored");
    BOOST_TEST_REQUIRE(spec.ok(), (spec.ok() ? std::string() : spec.error()));
    std::vector<std::string> want = {"claude",
                                     "-p",
                                     "--input-format",
                                     "stream-json",
                                     "--output-format",
                                     "stream-json",
                                     "--verbose",
                                     "--permission-mode",
                                     "default",
                                     "--permission-prompt-tool",
                                     "stdio",
                                     "--settings",
                                     ClaudeBackend::hook_settings("/opt/my tools/it's/fab"),
                                     "--session-id",
                                     "0b6c1f9e-0000-4000-8000-000000000001"};
    BOOST_TEST(spec->argv == want, boost::test_tools::per_element());
    std::vector<std::string> env = {"FAB_AGENT_ID=a7",
                                    "FAB_PROJECT=web",
                                    "FAB_SOCKET_PATH=/run/fab.sock",
                                    "FAB_DIR=/home/u/.fab",
                                    "FAB_WORKTREE=/w/web/a7",
                                    "FAB_AGENT_KIND=task",
                                    "FAB_BIN=/opt/my tools/it's/fab",
                                    "GIT_EDITOR=true",
                                    "PATH=/opt/my tools/it's:/usr/bin:/bin",
                                    "CLAUDE_CODE_EAGER_FLUSH=1"};
    BOOST_TEST(spec->env == env, boost::test_tools::per_element());
    BOOST_TEST(spec->stdin_pipe);
}

BOOST_AUTO_TEST_CASE(hook_settings_quote_the_fab_path_for_the_shell) {
    json s = json::parse(ClaudeBackend::hook_settings("/opt/my tools/it's/fab"));
    const std::string quoted = R"('/opt/my tools/it'\''s/fab')";
    for (const char* ev : {"PreToolUse", "Stop", "StopFailure", "SessionEnd"}) {
        json group = s["hooks"][ev].at(0);
        BOOST_TEST(group.contains("matcher") == (std::string(ev) == "PreToolUse"));
        json want = {{"type", "command"}, {"command", quoted + " hook " + ev}, {"timeout", 60}};
        BOOST_TEST(group["hooks"] == json::array({want}), group.dump());
    }
    BOOST_TEST(s["hooks"]["PreToolUse"][0]["matcher"] == "*");
    BOOST_TEST(s["hooks"].size() == 4u);
    // What a shell makes of the command: the path is one word, intact.
    std::string cmd =
        "printf '%s|' " + s["hooks"]["Stop"][0]["hooks"][0]["command"].get<std::string>();
    FILE* f = ::popen(cmd.c_str(), "r");
    BOOST_TEST_REQUIRE(f != nullptr);
    char buf[256] = {};
    size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    ::pclose(f);
    BOOST_TEST(std::string(buf, n) == "/opt/my tools/it's/fab|hook|Stop|");
}

BOOST_AUTO_TEST_CASE(resume_plan_model_prompt_and_program) {
    ::setenv("PATH", "/usr/bin", 1);
    AgentParams p = params();
    p.resume = true;
    p.permission_mode = "plan";
    p.model = "opus";
    p.append_system_prompt = "You are agent a7.";
    p.program = "/opt/claude/bin/claude";
    auto spec = make_backend("claude")->launch(p, "");
    BOOST_TEST_REQUIRE(spec.ok(), (spec.ok() ? std::string() : spec.error()));
    const auto& a = spec->argv;
    BOOST_TEST(a[0] == "/opt/claude/bin/claude");
    BOOST_TEST(arg_after(a, "--permission-mode") == "plan");
    BOOST_TEST(arg_after(a, "--resume") == p.session_id);
    BOOST_TEST(arg_after(a, "--session-id") == "<absent>");
    BOOST_TEST(arg_after(a, "--model") == "opus");
    BOOST_TEST(arg_after(a, "--append-system-prompt") == "You are agent a7.");
}

BOOST_AUTO_TEST_CASE(launch_refuses_what_it_cannot_supervise) {
    auto b = make_backend("claude");
    AgentParams p = params();
    p.fab_bin.clear();
    BOOST_TEST(!b->launch(p, "").ok()); // no hooks
    p = params();
    p.permission_mode = "bypassPermissions";
    BOOST_TEST(!b->launch(p, "").ok());
    p = params();
    p.resume = true;
    p.session_id.clear();
    BOOST_TEST(!b->launch(p, "").ok());
    p = params();
    p.session_id.clear(); // claude picks the id; init reveals it
    auto spec = b->launch(p, "");
    BOOST_TEST_REQUIRE(spec.ok());
    BOOST_TEST(arg_after(spec->argv, "--settings") != "<absent>");
    BOOST_TEST(spec->argv.back() == arg_after(spec->argv, "--settings"));
}

BOOST_AUTO_TEST_CASE(stdin_lines) {
    auto b = make_backend("claude");
    BOOST_TEST(
        b->format_input("Fix \"it\"\n", {}) ==
        R"({"message":{"content":[{"text":"Fix \"it\"\n","type":"text"}],"role":"user"},"type":"user"})"
        "\n");
    BOOST_TEST(b->interrupt_line("x1", {}) ==
               R"({"request":{"subtype":"interrupt"},"request_id":"x1","type":"control_request"})"
               "\n");
    json in = {{"command", "touch a.txt"}};
    BOOST_TEST(
        b->permission_response("r1", true, in, "", {}) ==
        R"({"response":{"request_id":"r1","response":{"behavior":"allow","updatedInput":{"command":"touch a.txt"}},"subtype":"success"},"type":"control_response"})"
        "\n");
    BOOST_TEST(
        b->permission_response("r2", false, nullptr, "human said no", {}) ==
        R"({"response":{"request_id":"r2","response":{"behavior":"deny","message":"human said no"},"subtype":"success"},"type":"control_response"})"
        "\n");
    // Invalid UTF-8 from a user is replaced, not thrown on.
    BOOST_TEST(b->format_input("a\xff", {}).find("a\xEF\xBF\xBD") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(scripted_is_claude_under_another_name) {
    auto b = make_backend("scripted");
    BOOST_TEST_REQUIRE(b != nullptr);
    BOOST_TEST(b->name() == "scripted");
    BOOST_TEST(b->default_program() == "fab-scripted-agent");
    BOOST_TEST(b->persistent());
    auto spec = b->launch(params(), "");
    BOOST_TEST_REQUIRE(spec.ok());
    BOOST_TEST(spec->argv[0] == "fab-scripted-agent");
    BOOST_TEST(make_backend("gpt") == nullptr);
    BOOST_TEST(make_backend("") == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
