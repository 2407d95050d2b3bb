// The codex adapter against real Codex CLI 0.169.0 output. `codex app-server`
// (the backend fab runs): codex-app-*.jsonl. The older `codex exec --json`
// events (still read for old transcripts): one thread,
// six processes (tool turn, then `exec resume` turns: echo, apply_patch, a
// failing command, an HTTP 500 turn, an echo after it), plus an unknown
// model slug. Captured against tests/e2e/fake-model-server.mjs.
#include "agents/backend.hpp"

#include <boost/test/unit_test.hpp>
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

const std::string kThread = "01a1fd12-8576-7142-a262-cb0693dc84e0";

std::vector<ChatEntry> parse_fixture(OutputParser& p, const std::string& name) {
    std::ifstream f(std::string(FAB_SOURCE_ROOT) + "/tests/fixtures/agents/" + name);
    BOOST_TEST_REQUIRE(f.good(), "missing fixture " << name);
    std::vector<ChatEntry> out;
    for (std::string line; std::getline(f, line);) p.parse_line(line, out);
    return out;
}

// One process = one parser, as the agent host does it; the baseline is
// handed from one to the next like the daemon stores it per thread.
std::vector<ChatEntry> parse_turn(const std::string& name, Usage& baseline) {
    auto p = make_backend("codex")->make_parser();
    p->set_usage_baseline(baseline);
    auto out = parse_fixture(*p, name);
    baseline = p->usage_baseline();
    return out;
}

void check_entries(const std::vector<ChatEntry>& got, const std::vector<json>& want) {
    json g = json::array();
    for (const auto& e : got) g.push_back(to_json(e));
    BOOST_TEST(g == json(want), "got:\n" << g.dump(1) << "\nwant:\n" << json(want).dump(1));
}

json usage(int64_t in, int64_t cached, int64_t out) {
    return {{"input_tokens", in},
            {"output_tokens", out},
            {"cache_read_tokens", cached},
            {"cache_creation_tokens", 0},
            {"cost_usd", 0.0}};
}

json thread_started(const std::string& id = kThread) {
    return {{"kind", "system"},
            {"subtype", "thread_started"},
            {"session_id", id},
            {"text", "thread " + id}};
}

json turn_result(const std::string& text, json u) {
    return {{"kind", "turn_result"},
            {"subtype", "success"},
            {"session_id", kThread},
            {"text", text},
            {"usage", std::move(u)}};
}

AgentParams params() {
    AgentParams p;
    p.agent_id = "a9";
    p.project = "api";
    p.worktree = "/w/api/a9";
    p.fab_bin = "/usr/local/bin/fab";
    p.socket_path = "/run/fab.sock";
    p.fab_dir = "/home/u/.fab";
    return p;
}

} // namespace

BOOST_AUTO_TEST_SUITE(agents_codex)

BOOST_AUTO_TEST_CASE(tool_turn) {
    Usage base;
    // usage 2004 in (400 cached) for the tool step + the answer.
    check_entries(
        parse_turn("codex-tool.jsonl", base),
        {thread_started(),
         {{"kind", "tool_use"},
          {"tool_name", "shell"},
          {"tool_id", "item_0"},
          {"tool_input", {{"command", "/bin/bash -lc 'touch b.txt'"}}}},
         {{"kind", "tool_result"}, {"tool_id", "item_0"}, {"text", "(no output, exit 0)"}},
         {{"kind", "assistant_text"}, {"text", "Ran it. Result: exit 0: "}},
         turn_result("Ran it. Result: exit 0: ", usage(1604, 400, 100))});
    BOOST_TEST(base.input_tokens == 1604);
    BOOST_TEST(base.cache_read_tokens == 400);
    BOOST_TEST(base.output_tokens == 100);
}

BOOST_AUTO_TEST_CASE(resumed_turns_report_the_difference_of_cumulative_usage) {
    Usage base;
    (void)parse_turn("codex-tool.jsonl", base); // cumulative 2004/400/100
    // Cumulative 3006/600/150 after the echo turn: this turn is 1002/200/50.
    check_entries(parse_turn("codex-resume.jsonl", base),
                  {thread_started(),
                   {{"kind", "assistant_text"}, {"text", "Echo: hello"}},
                   turn_result("Echo: hello", usage(802, 200, 50))});
    // Without the baseline the whole thread would be billed to one turn.
    auto fresh = make_backend("codex")->make_parser();
    auto wrong = parse_fixture(*fresh, "codex-resume.jsonl");
    BOOST_TEST(wrong.back().usage.input_tokens == 2406);

    auto patch = parse_turn("codex-file-change.jsonl", base); // 5010/1000/250
    check_entries(
        {patch.begin() + 1, patch.begin() + 3},
        {{{"kind", "tool_use"},
          {"tool_name", "apply_patch"},
          {"tool_id", "item_0"},
          {"tool_input",
           {{"changes", json::array({{{"path", "/tmp/agcap/cx/repo/w.txt"}, {"kind", "add"}}})}}}},
         {{"kind", "tool_result"}, {"tool_id", "item_0"}, {"text", "A /tmp/agcap/cx/repo/w.txt"}}});
    BOOST_TEST(patch.size() == 5u); // item.started and item.completed: one tool_use
    BOOST_TEST(to_json(patch.back())["usage"] == usage(1604, 400, 100));

    auto failed_cmd = parse_turn("codex-command-failed.jsonl", base); // 7014/1400/350
    BOOST_TEST_REQUIRE(failed_cmd.size() == 5u);
    check_entries({failed_cmd[2]}, {{{"kind", "tool_result"},
                                     {"tool_id", "item_0"},
                                     {"is_error", true},
                                     {"text", "(no output, exit 1)"}}});
    BOOST_TEST(to_json(failed_cmd.back())["usage"] == usage(1604, 400, 100));

    // HTTP 500: retry note, final error note, failed turn; no usage.
    const std::string busy = "We\u2019re currently experiencing high demand, which may cause "
                             "temporary errors.";
    check_entries(
        parse_turn("codex-turn-failed.jsonl", base),
        {thread_started(),
         {{"kind", "system"}, {"subtype", "retry"}, {"text", "Reconnecting... 1/1 (" + busy + ")"}},
         {{"kind", "system"}, {"subtype", "api_error"}, {"text", busy}},
         {{"kind", "turn_result"},
          {"subtype", "failed"},
          {"is_error", true},
          {"session_id", kThread},
          {"text", busy}}});
    // The failed turn left the baseline alone: 8016/1600/400 - 7014/1400/350.
    auto after = parse_turn("codex-after-failure.jsonl", base);
    check_entries({after.back()}, {turn_result("Echo: after the failure", usage(802, 200, 50))});
    BOOST_TEST(base.input_tokens == 8016 - 1600);
}

BOOST_AUTO_TEST_CASE(unknown_model_warning_and_hand_made_items) {
    Usage base;
    auto got = parse_turn("codex-unknown-model.jsonl", base);
    BOOST_TEST_REQUIRE(got.size() == 4u);
    check_entries({got[1]},
                  {{{"kind", "system"},
                    {"subtype", "warning"},
                    {"text", "Model metadata for `gpt-5` not found. Defaulting to fallback "
                             "metadata; this can degrade performance and cause issues."}}});
    // The fake server sends no reasoning; the shape is per AGENT-CLIS.md.
    auto p = make_backend("codex")->make_parser();
    std::vector<ChatEntry> out;
    p->parse_line(
        R"({"type":"item.completed","item":{"id":"item_3","type":"reasoning","text":"**Plan**"}})",
        out);
    p->parse_line(R"({"type":"item.updated","item":{"id":"item_4","type":"todo_list","items":[]}})",
                  out);
    p->parse_line(R"({"type":"something.new"})", out);
    // Completed without a started line: the tool_use still comes first.
    p->parse_line(
        R"({"type":"item.completed","item":{"id":"item_5","type":"command_execution","command":"ls","aggregated_output":"x\n","exit_code":0,"status":"completed"}})",
        out);
    BOOST_TEST_REQUIRE(out.size() == 3u);
    check_entries({out[0]}, {{{"kind", "system"}, {"subtype", "reasoning"}, {"text", "**Plan**"}}});
    BOOST_TEST(kind(out[1]) == "tool_use");
    BOOST_TEST(out[2].text == "x\n");
    BOOST_TEST(!out[2].is_error);
}

BOOST_AUTO_TEST_CASE(bad_lines) {
    auto p = make_backend("codex")->make_parser();
    std::vector<ChatEntry> out;
    p->parse_line("Reading additional input from stdin...", out);
    p->parse_line("{\"type\":\"item.completed\",\"item\":{\"id\":\"i\",\"type\":\"agent_message\","
                  "\"text\":\"caf\xe9\"}}",
                  out);
    BOOST_TEST_REQUIRE(out.size() == 2u);
    BOOST_TEST(kind(out[0]) == "error");
    BOOST_TEST(out[1].text == "caf\xEF\xBF\xBD");
    BOOST_CHECK_NO_THROW((void)to_json(out[1]).dump());
}

// ---------- codex app-server (tests/fixtures/agents/codex-app-*.jsonl) ----------

std::vector<ChatEntry> parse_app(const std::string& name) {
    auto p = make_backend("codex")->make_parser();
    return parse_fixture(*p, "codex-app-" + name + ".jsonl");
}

const ChatEntry* first_of(const std::vector<ChatEntry>& es, const std::string& k,
                          const std::string& subtype = "") {
    for (const auto& e : es)
        if (kind(e) == k && (subtype.empty() || e.subtype == subtype)) return &e;
    return nullptr;
}

BOOST_AUTO_TEST_CASE(app_tool_turn) {
    auto p = make_backend("codex")->make_parser();
    auto out = parse_fixture(*p, "codex-app-tool.jsonl");
    const std::string thread = "01a23b55-5b04-7ba3-b233-7df6782cef01";
    const ChatEntry* ready = first_of(out, "system", "session_ready");
    BOOST_TEST_REQUIRE(ready != nullptr);
    BOOST_TEST(ready->session_id == thread);
    BOOST_TEST(p->model() == "gpt-5.5");
    BOOST_TEST(p->turn_id().empty()); // the turn is over
    const ChatEntry* use = first_of(out, "tool_use");
    BOOST_TEST_REQUIRE(use != nullptr);
    BOOST_TEST(use->tool_name == "shell");
    BOOST_TEST(use->tool_input["command"] == "/bin/bash -c 'touch b.txt'");
    const ChatEntry* res = first_of(out, "tool_result");
    BOOST_TEST_REQUIRE(res != nullptr);
    BOOST_TEST(res->tool_id == use->tool_id);
    BOOST_TEST(!res->is_error);
    BOOST_TEST(res->text == "(no output, exit 0)");
    check_entries({out.back()}, {{{"kind", "turn_result"},
                                  {"subtype", "success"},
                                  {"session_id", thread},
                                  {"text", "Ran it. Result: exit 0: "},
                                  {"usage", usage(1604, 400, 100)}}});
    // Deltas, rate limits and status changes produce nothing.
    BOOST_TEST(out.size() == 6u);
}

BOOST_AUTO_TEST_CASE(app_command_approval_and_decline) {
    auto out = parse_app("decline");
    const ChatEntry* perm = first_of(out, "permission");
    BOOST_TEST_REQUIRE(perm != nullptr);
    // Matched as claude's Bash, the bash -lc wrapper stripped: one rule file for both.
    BOOST_TEST(perm->tool_name == "Bash");
    BOOST_TEST(perm->tool_input["command"] == "touch d.txt");
    BOOST_TEST(perm->tool_input["cwd"] == "/tmp/cx/wt2");
    BOOST_TEST(perm->request_id == "call_fakeiox1fveo3qg#0");
    BOOST_TEST(perm->text == "Run touch d.txt outside the sandbox?");
    const ChatEntry* resolved = first_of(out, "system", "control_cancel_request");
    BOOST_TEST_REQUIRE(resolved != nullptr);
    BOOST_TEST(resolved->request_id == perm->request_id);
    const ChatEntry* res = first_of(out, "tool_result");
    BOOST_TEST_REQUIRE(res != nullptr);
    BOOST_TEST(res->is_error);
    BOOST_TEST(res->text == "(declined)");
}

BOOST_AUTO_TEST_CASE(app_file_change_approval_is_write_with_its_path) {
    auto out = parse_app("patch-outside");
    const ChatEntry* perm = first_of(out, "permission");
    BOOST_TEST_REQUIRE(perm != nullptr);
    BOOST_TEST(perm->tool_name == "Write"); // an added file
    BOOST_TEST(perm->tool_input["file_path"] == "/opt/fab-fixture.txt");
    BOOST_TEST(perm->tool_input["file_paths"] == json::array({"/opt/fab-fixture.txt"}));
    const ChatEntry* res = first_of(out, "tool_result");
    BOOST_TEST_REQUIRE(res != nullptr);
    BOOST_TEST(res->is_error);
    BOOST_TEST(res->text == "A /opt/fab-fixture.txt (declined)");
}

BOOST_AUTO_TEST_CASE(app_user_input_is_a_question) {
    auto out = parse_app("question");
    const ChatEntry* perm = first_of(out, "permission");
    BOOST_TEST_REQUIRE(perm != nullptr);
    BOOST_TEST(perm->tool_name == "AskUserQuestion");
    const json& q = perm->tool_input["questions"][0];
    BOOST_TEST(q["id"] == "q1");
    BOOST_TEST(q["question"] == "Which color?");
    BOOST_TEST(q["options"][1]["label"] == "Blue");
}

BOOST_AUTO_TEST_CASE(app_failed_turn) {
    auto out = parse_app("failed");
    const ChatEntry* retry = first_of(out, "system", "retry");
    BOOST_TEST_REQUIRE(retry != nullptr);
    BOOST_TEST(retry->text == "Reconnecting... 1/1");
    const ChatEntry& last = out.back();
    BOOST_TEST(kind(last) == "turn_result");
    BOOST_TEST(last.is_error);
    BOOST_TEST(last.subtype == "failed");
    BOOST_TEST(last.text.find("high demand") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(app_errors_unknown_requests_and_wrappers) {
    auto p = make_backend("codex")->make_parser();
    std::vector<ChatEntry> out;
    // A failed resume, a failed turn/start (the turn ends: nothing else will),
    // a request fab does not handle (the host answers it with an error), a
    // wrapper that is not one quoted word (kept whole), an embedded quote.
    p->parse_line(R"({"id":"thread/resume:0","error":{"code":-32600,"message":"no rollout"}})",
                  out);
    p->parse_line(R"({"id":"turn/start:3","error":{"code":-32600,"message":"busy"}})", out);
    p->parse_line(R"({"id":5,"method":"item/tool/call","params":{"tool":"x"}})", out);
    p->parse_line(R"({"id":6,"method":"item/commandExecution/requestApproval","params":)"
                  R"({"itemId":"c","command":"/bin/bash -lc 'a' && b","turnId":"t"}})",
                  out);
    p->parse_line(R"({"id":7,"method":"item/commandExecution/requestApproval","params":)"
                  R"({"itemId":"d","command":"/bin/bash -lc 'echo '\\''hi'\\'''","turnId":"t"}})",
                  out);
    // Codex double-quotes a command that holds single quotes (a planner's
    // `fab plan write <<'PLAN'`); an expansion in it is not a literal.
    p->parse_line(R"({"id":8,"method":"item/commandExecution/requestApproval","params":)"
                  R"({"itemId":"e","command":"/bin/bash -c \"fab plan write <<'PLAN'\n# P\n)"
                  R"(say \\\"hi\\\" \\$5\nPLAN\"","turnId":"t"}})",
                  out);
    p->parse_line(R"({"id":9,"method":"item/commandExecution/requestApproval","params":)"
                  R"({"itemId":"f","command":"/bin/bash -c \"echo $HOME 'x'\"","turnId":"t"}})",
                  out);
    p->parse_line(R"({"id":10,"method":"item/commandExecution/requestApproval","params":)"
                  R"({"itemId":"g","command":"/bin/bash -c 'a'\\''b'\"c d\"","turnId":"t"}})",
                  out);
    BOOST_TEST_REQUIRE(out.size() == 9u);
    BOOST_TEST(out[0].subtype == "session_failed");
    BOOST_TEST(kind(out[2]) == "turn_result");
    BOOST_TEST(out[2].is_error);
    BOOST_TEST(out[3].subtype == "control_request");
    BOOST_TEST(out[3].request_id == "#5");
    BOOST_TEST(out[4].tool_input["command"] == "/bin/bash -lc 'a' && b");
    BOOST_TEST(out[5].tool_input["command"] == "echo 'hi'");
    BOOST_TEST(out[6].tool_input["command"] == "fab plan write <<'PLAN'\n# P\nsay \"hi\" $5\nPLAN");
    BOOST_TEST(out[7].tool_input["command"] == "/bin/bash -c \"echo $HOME 'x'\"");
    BOOST_TEST(out[8].tool_input["command"] == "a'bc d");
}

BOOST_AUTO_TEST_CASE(app_server_argv_and_env) {
    ::setenv("PATH", "/usr/bin", 1);
    auto b = make_backend("codex");
    BOOST_TEST(b->name() == "codex");
    BOOST_TEST(b->default_program() == "codex");
    BOOST_TEST(b->persistent());
    BOOST_TEST(b->handshake());
    BOOST_TEST(!b->has_hooks()); // the daemon runs the rules on its approval requests
    AgentParams p = params();
    p.permission_mode = "default";
    auto spec = b->launch(p, "ignored");
    BOOST_TEST_REQUIRE(spec.ok(), (spec.ok() ? std::string() : spec.error()));
    std::vector<std::string> want = {"codex",    "app-server",
                                     "-c",       "approval_policy=\"on-request\"",
                                     "-c",       "sandbox_mode=\"workspace-write\"",
                                     "-c",       "allow_login_shell=false",
                                     "--enable", "default_mode_request_user_input",
                                     "-c",       "suppress_unstable_features_warning=true"};
    BOOST_TEST(spec->argv == want, boost::test_tools::per_element());
    std::vector<std::string> env = {"FAB_AGENT_ID=a9",
                                    "FAB_PROJECT=api",
                                    "FAB_SOCKET_PATH=/run/fab.sock",
                                    "FAB_DIR=/home/u/.fab",
                                    "FAB_WORKTREE=/w/api/a9",
                                    "FAB_AGENT_KIND=task",
                                    "FAB_BIN=/usr/local/bin/fab",
                                    "GIT_EDITOR=true",
                                    "PATH=/usr/local/bin:/usr/bin"};
    BOOST_TEST(spec->env == env, boost::test_tools::per_element());
    BOOST_TEST(spec->stdin_pipe);
    p.worktree.clear();
    BOOST_TEST(!b->launch(p, "x").ok());
    p = params();
    p.permission_mode = "yolo";
    BOOST_TEST(!b->launch(p, "x").ok());
    p = params();
    p.resume = true;
    p.session_id.clear();
    BOOST_TEST(!b->launch(p, "x").ok());
}

std::vector<json> lines_of(const std::string& text) {
    std::vector<json> out;
    size_t start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
        out.push_back(json::parse(text.substr(start, nl - start)));
    BOOST_TEST(start == text.size()); // every line ends with \n
    return out;
}

BOOST_AUTO_TEST_CASE(handshake_new_and_resumed_thread) {
    auto b = make_backend("codex");
    AgentParams p = params();
    p.permission_mode = "default";
    p.append_system_prompt = "You are a task agent.";
    p.model = "gpt-5.5";
    auto l = lines_of(b->startup_lines(p));
    BOOST_TEST_REQUIRE(l.size() == 3u);
    BOOST_TEST(l[0]["method"] == "initialize");
    BOOST_TEST(l[0]["id"] == "initialize:0");
    BOOST_TEST(l[1] == json({{"method", "initialized"}}));
    BOOST_TEST(l[2]["method"] == "thread/start");
    BOOST_TEST(l[2]["id"] == "thread/start:0");
    BOOST_TEST(l[2]["params"]["cwd"] == "/w/api/a9");
    // Every command asks (the config key cannot say "untrusted"; the thread can).
    BOOST_TEST(l[2]["params"]["approvalPolicy"] == "untrusted");
    BOOST_TEST(l[2]["params"]["sandbox"] == "workspace-write");
    BOOST_TEST(l[2]["params"]["model"] == "gpt-5.5");
    BOOST_TEST(l[2]["params"]["developerInstructions"] == "You are a task agent.");
    p.resume = true;
    p.session_id = kThread;
    p.permission_mode = "plan";
    l = lines_of(b->startup_lines(p));
    BOOST_TEST_REQUIRE(l.size() == 3u);
    BOOST_TEST(l[2]["method"] == "thread/resume");
    BOOST_TEST(l[2]["params"]["threadId"] == kThread);
    BOOST_TEST(l[2]["params"]["approvalPolicy"] == "untrusted");
    BOOST_TEST(l[2]["params"]["sandbox"] == "read-only");
}

BOOST_AUTO_TEST_CASE(turns_interrupt_and_answers) {
    auto b = make_backend("codex");
    AgentParams p = params();
    p.permission_mode = "default";
    p.writable_roots = {"/r/.git/worktrees/a9", "/r/.git/objects"};
    SessionState s;
    BOOST_TEST(b->format_input("hi", s).empty()); // no thread yet: nothing to send
    s.session_id = kThread;
    s.params = &p;
    auto l = lines_of(b->format_input("hi", s));
    BOOST_TEST_REQUIRE(l.size() == 1u);
    BOOST_TEST(l[0]["method"] == "turn/start");
    BOOST_TEST(l[0]["params"]["threadId"] == kThread);
    BOOST_TEST(l[0]["params"]["input"][0]["text"] == "hi");
    json sandbox = {{"type", "workspaceWrite"},
                    {"writableRoots", {"/r/.git/worktrees/a9", "/r/.git/objects"}},
                    {"networkAccess", true}};
    BOOST_TEST(l[0]["params"]["sandboxPolicy"] == sandbox);
    BOOST_TEST(l[0]["params"]["approvalPolicy"] == "untrusted");
    // While a turn runs, a message joins it.
    s.turn_running = true;
    s.turn_id = "turn-1";
    l = lines_of(b->format_input("more", s));
    BOOST_TEST(l[0]["method"] == "turn/steer");
    BOOST_TEST(l[0]["params"]["expectedTurnId"] == "turn-1");
    l = lines_of(b->interrupt_line("int-3", s));
    BOOST_TEST(l[0] == json({{"id", "turn/interrupt:int-3"},
                             {"method", "turn/interrupt"},
                             {"params", {{"threadId", kThread}, {"turnId", "turn-1"}}}}));
    // Approvals: the JSON-RPC id comes back from the request id.
    l = lines_of(b->permission_response("call_1#0", true, json::object(), "", s));
    BOOST_TEST_REQUIRE(l.size() == 1u);
    BOOST_TEST(l[0] == json({{"id", 0}, {"result", {{"decision", "accept"}}}}));
    // A denial: decline, then the reason into the same turn for the model.
    l = lines_of(b->permission_response("call_1#\"x\"", false, json(), "rule says no", s));
    BOOST_TEST_REQUIRE(l.size() == 2u);
    BOOST_TEST(l[0] == json({{"id", "x"}, {"result", {{"decision", "decline"}}}}));
    BOOST_TEST(l[1]["method"] == "turn/steer");
    BOOST_TEST(l[1]["params"]["input"][0]["text"] == "fab denied that: rule says no");
    // A question: answers by question text (the AskUserQuestion form) → by id.
    json in = {{"questions", {{{"id", "q1"}, {"question", "Which?"}, {"options", json::array()}}}},
               {"answers", {{"Which?", "Blue"}}}};
    l = lines_of(b->permission_response("item#4", true, in, "", s));
    BOOST_TEST(l[0] ==
               json({{"id", 4}, {"result", {{"answers", {{"q1", {{"answers", {"Blue"}}}}}}}}}));
    l = lines_of(b->unsupported_request_response("#7"));
    BOOST_TEST(l[0]["id"] == 7);
    BOOST_TEST(l[0]["error"]["code"] == -32601);
}

BOOST_AUTO_TEST_SUITE_END()

// The chat model both backends produce: its stable JSON form.
BOOST_AUTO_TEST_SUITE(agents_chat)

BOOST_AUTO_TEST_CASE(chat_entry_json_round_trip) {
    ChatEntry e;
    e.kind = ChatKind::permission;
    e.tool_name = "Bash";
    e.tool_id = "toolu_1";
    e.tool_input = {{"command", "ls"}};
    e.request_id = "r1";
    json j = to_json(e);
    BOOST_TEST(j == json({{"kind", "permission"},
                          {"tool_name", "Bash"},
                          {"tool_id", "toolu_1"},
                          {"tool_input", {{"command", "ls"}}},
                          {"request_id", "r1"}}));
    ChatEntry back = chat_entry_from_json(j);
    BOOST_TEST(to_json(back) == j);
    ChatEntry r;
    r.kind = ChatKind::turn_result;
    r.is_error = true;
    r.usage.output_tokens = 5;
    r.usage.cost_usd = 0.25;
    r.session_id = "s";
    r.subtype = "success";
    r.text = "t";
    BOOST_TEST(to_json(chat_entry_from_json(to_json(r))) == to_json(r));
    BOOST_TEST(to_json(r)["usage"].size() == 5u);
    for (ChatKind k :
         {ChatKind::assistant_text, ChatKind::tool_use, ChatKind::tool_result, ChatKind::user_input,
          ChatKind::system, ChatKind::turn_result, ChatKind::error, ChatKind::permission}) {
        ChatEntry k_entry;
        k_entry.kind = k;
        BOOST_TEST(kind(chat_entry_from_json(to_json(k_entry))) == chat_kind_name(k));
    }
    BOOST_TEST(std::string(chat_kind_name(ChatKind::tool_result)) == "tool_result");
    // Rows from elsewhere never throw: wrong types read as defaults.
    ChatEntry odd = chat_entry_from_json(json::parse(R"({"kind":"nope","text":5,"usage":[1]})"));
    BOOST_TEST(kind(odd) == "system");
    BOOST_TEST(odd.text.empty());
    BOOST_TEST(kind(chat_entry_from_json(json::array())) == "system");
}

BOOST_AUTO_TEST_SUITE_END()
