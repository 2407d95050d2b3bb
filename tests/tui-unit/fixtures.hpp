// A model filled as the daemon would fill it: the same JSON a snapshot and
// events carry. Shared by the model, golden-screen tests and the benchmark.
#pragma once

#include "tui/model.hpp"

#include <string>

namespace fab::tui::testing {

constexpr int64_t kT0 = 1790000000000; // created_ms of the first agent

inline Json agent_json(const std::string& id, const std::string& kind, const std::string& project,
                       const std::string& backend, const std::string& state, int64_t created_ms,
                       const std::string& description = "", int64_t last_offset = -1) {
    return {{"id", id},
            {"kind", kind},
            {"project", project},
            {"backend", backend},
            {"state", state},
            {"description", description},
            {"created_ms", created_ms},
            {"last_offset", last_offset},
            {"usage", {{"input_tokens", 1200}, {"output_tokens", 300}, {"cost_usd", 0.0123}}}};
}

inline Json output(const std::string& id, int64_t offset, Json entries, bool replay = false) {
    Json ev = {{"type", "event"},
               {"event", "agent.output"},
               {"agent_id", id},
               {"offset", offset},
               {"ts", kT0 + offset},
               {"src", "out"},
               {"entries", std::move(entries)}};
    if (replay) ev["replay"] = true;
    return ev;
}

inline Json text_entry(const std::string& kind, const std::string& text) {
    return {{"kind", kind}, {"text", text}};
}

inline Json tool_use(const std::string& tool, Json input, const std::string& id = "t1") {
    return {{"kind", "tool_use"}, {"tool_name", tool}, {"tool_id", id}, {"tool_input", input}};
}

inline Json tool_result(const std::string& text, bool error = false, const std::string& id = "t1") {
    Json j = {{"kind", "tool_result"}, {"tool_id", id}, {"text", text}};
    if (error) j["is_error"] = true;
    return j;
}

inline Json permission_event(const std::string& agent, const std::string& req,
                             const std::string& tool, Json input) {
    return {{"type", "event"},
            {"event", "permission.request"},
            {"agent_id", agent},
            {"request",
             {{"kind", "permission"},
              {"request_id", req},
              {"tool_name", tool},
              {"tool_input", input}}}};
}

// Three agents in two projects, a chat with every kind of entry, a pending
// permission, recent work.
inline void fill_demo(Model& m) {
    m.set_agents(Json::array({
        agent_json("a7k2p", "task", "web", "claude", "running", kT0, "Fix the flaky login test", 9),
        agent_json("b3m9q", "plan", "api", "codex", "idle", kT0 + 1000, "plan: split the API"),
        agent_json("c5x1z", "task", "web", "scripted", "done", kT0 + 2000, "Update the changelog"),
    }));
    m.set_status({{"usage", {{"input_tokens", 12000}, {"output_tokens", 3400}, {"cost_usd", 1.5}}},
                  {"projects", Json::array({{{"name", "web"}}, {{"name", "api"}}})},
                  {"recent_work", Json::array({{{"sha", "1a2b3c4d5e"},
                                                {"subject", "Fix the flaky login test"},
                                                {"agent_id", "a7k2p"},
                                                {"project", "web"},
                                                {"ts_ms", kT0 + 60000}},
                                               {{"sha", "9f8e7d6c5b"},
                                                {"subject", "Löschen: Unicode-Überschrift 日本語"},
                                                {"agent_id", "c5x1z"},
                                                {"project", "web"},
                                                {"ts_ms", kT0 + 30000}}})},
                  {"commits_merged", 2}});
    m.apply_event(
        output("a7k2p", 0, Json::array({text_entry("user_input", "Fix the flaky login test")})));
    m.apply_event(output(
        "a7k2p", 1,
        Json::array({text_entry("assistant_text", "Let me look at the test first. It seems to "
                                                  "depend on the wall clock, which is why it fails "
                                                  "around midnight.")})));
    m.apply_event(
        output("a7k2p", 2, Json::array({tool_use("Bash", {{"command", "npm test -- login"}})})));
    m.apply_event(output(
        "a7k2p", 3, Json::array({tool_result("FAIL login.test.js\n  expected 200\n  got 401\n")})));
    m.apply_event(output(
        "a7k2p", 4,
        Json::array({text_entry("assistant_text", "The fix:\n```js\nconst now = clock.now();\n```\n"
                                                  "Done — 日本語 works too.")})));
    m.apply_event(output("a7k2p", 5,
                         Json::array({tool_use("Write", {{"file_path", "src/login.js"}}, "t2")})));
    m.apply_event(permission_event("a7k2p", "req-1", "Bash", {{"command", "touch /tmp/x"}}));
}

} // namespace fab::tui::testing
