// fab permission list|allow|deny, fab question list|answer: the human side
// of agents' permission requests and questions.
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "protocol/messages.hpp"
#include "rules/match.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <cstdio>

namespace fab::cli {

namespace {
std::string age(int64_t created_ms) {
    return created_ms ? format_duration((now_ms() - created_ms) / 1000) : "?";
}

int respond(Invocation& inv, bool allow) {
    int rc = Exit::ok;
    Json payload = {{"id", inv.args[0]}, {"allow", allow}};
    if (inv.has("reason")) payload["reason"] = inv.flag("reason");
    if (inv.has("always")) payload["always"] = true;
    auto r = call_daemon(inv, msg::kPermissionRespond, payload, rc);
    if (!r) return rc;
    std::printf("%s %s%s\n", allow ? "allowed" : "denied", inv.args[0].c_str(),
                inv.has("always") ? " (and added a rule to allow it from now on)" : "");
    return Exit::ok;
}
} // namespace

int cmd_permission_list(Invocation& inv) {
    int rc = Exit::ok;
    auto r = call_daemon(inv, msg::kPermissionList, Json::object(), rc);
    if (!r) return rc;
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(*r).c_str());
        return Exit::ok;
    }
    const Json& reqs = (*r)["requests"];
    if (reqs.empty()) {
        std::printf("no pending permission requests\n");
        return Exit::ok;
    }
    std::printf("%-38s %-8s %-12s %-6s %-10s %s\n", "ID", "AGENT", "PROJECT", "AGE", "TOOL",
                "INPUT");
    for (const auto& q : reqs) {
        std::string tool = q.value("tool_name", "");
        std::string what = rules::primary_value(tool, q.value("tool_input", Json::object()));
        if (what.empty()) what = dump_json(q.value("tool_input", Json::object()));
        std::printf("%-38s %-8s %-12s %-6s %-10s %s\n", q.value("id", "").c_str(),
                    q.value("agent_id", "").c_str(), q.value("project", "").c_str(),
                    age(q.value("created_ms", int64_t{0})).c_str(), tool.c_str(), what.c_str());
    }
    return Exit::ok;
}

int cmd_permission_allow(Invocation& inv) {
    return respond(inv, true);
}
int cmd_permission_deny(Invocation& inv) {
    return respond(inv, false);
}

int cmd_question_list(Invocation& inv) {
    int rc = Exit::ok;
    auto r = call_daemon(inv, msg::kQuestionList, Json::object(), rc);
    if (!r) return rc;
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(*r).c_str());
        return Exit::ok;
    }
    const Json& qs = (*r)["questions"];
    if (qs.empty()) {
        std::printf("no pending questions\n");
        return Exit::ok;
    }
    for (const auto& q : qs) {
        std::printf("%s  (agent %s, project %s, %s ago)\n", q.value("id", "").c_str(),
                    q.value("agent_id", "").c_str(), q.value("project", "").c_str(),
                    age(q.value("created_ms", int64_t{0})).c_str());
        for (const auto& question : q["tool_input"].value("questions", Json::array())) {
            std::printf("  %s\n", question.value("question", "").c_str());
            int n = 1;
            for (const auto& o : question.value("options", Json::array()))
                std::printf("    %d. %s%s%s\n", n++, o.value("label", "").c_str(),
                            o.value("description", "").empty() ? "" : " — ",
                            o.value("description", "").c_str());
        }
    }
    std::printf("answer with: fab question answer <id> <number|text>\n");
    return Exit::ok;
}

int cmd_question_answer(Invocation& inv) {
    int rc = Exit::ok;
    std::vector<std::string> words(inv.args.begin() + 1, inv.args.end());
    auto r = call_daemon(inv, msg::kQuestionRespond,
                         {{"id", inv.args[0]}, {"answer", join(words, " ")}}, rc);
    if (!r) return rc;
    std::printf("answered %s\n", inv.args[0].c_str());
    return Exit::ok;
}

} // namespace fab::cli
