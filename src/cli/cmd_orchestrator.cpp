// fab project start|stop, fab agent claim, fab claims: thin clients of the
// daemon's orchestrator requests (project.start|stop, agent.claim, claims.list).
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "protocol/messages.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <cstdio>
#include <cstdlib>

namespace fab::cli {

namespace {

int start_or_stop(Invocation& inv, bool start) {
    if (inv.has("all") && !inv.args.empty())
        return fail("give a project name or --all, not both", Exit::usage);
    Json payload = {{"all", inv.has("all")}};
    if (!inv.args.empty()) payload["name"] = inv.args[0];
    int rc = Exit::ok;
    auto r = call_daemon(inv, start ? msg::kProjectStart : msg::kProjectStop, payload, rc);
    if (!r) return rc;
    for (const auto& p : (*r)["projects"]) {
        std::string name = p.value("name", "");
        bool changed = p.value("changed", false);
        if (start)
            std::printf(changed ? "started project %s\n" : "project %s is already running\n",
                        name.c_str());
        else
            std::printf(changed ? "stopped project %s (its agents keep running)\n"
                                : "project %s is not running\n",
                        name.c_str());
    }
    return Exit::ok;
}

} // namespace

int cmd_project_start(Invocation& inv) {
    return start_or_stop(inv, true);
}

int cmd_project_stop(Invocation& inv) {
    return start_or_stop(inv, false);
}

int cmd_agent_claim(Invocation& inv) {
    const char* id = std::getenv("FAB_AGENT_ID");
    if (!id || !*id) return fail("FAB_AGENT_ID is not set: this command runs inside a fab agent");
    int rc = Exit::ok;
    auto r = call_daemon(inv, msg::kAgentClaim, {{"agent_id", id}, {"ticket", inv.args[0]}}, rc);
    if (!r) return rc;
    std::string title = r->value("title", "");
    std::printf("claimed %s%s\n", inv.args[0].c_str(), title.empty() ? "" : (": " + title).c_str());
    return Exit::ok;
}

int cmd_claims(Invocation& inv) {
    Json payload = Json::object();
    if (inv.has("project")) payload["project"] = inv.flag("project");
    int rc = Exit::ok;
    auto r = call_daemon(inv, msg::kClaimList, payload, rc);
    if (!r) return rc;
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(*r).c_str());
        return Exit::ok;
    }
    const Json& claims = (*r)["claims"];
    if (claims.empty()) {
        std::printf("no claims\n");
        return Exit::ok;
    }
    int64_t now = now_ms();
    std::printf("%-16s %-14s %-8s %-9s %s\n", "PROJECT", "TICKET", "AGENT", "STATE", "FOR");
    for (const auto& c : claims)
        std::printf("%-16s %-14s %-8s %-9s %s\n", c.value("project", "").c_str(),
                    c.value("ticket", "").c_str(), c.value("agent_id", "").c_str(),
                    c.value("agent_state", "").c_str(),
                    format_duration((now - c.value("claimed_ms", now)) / 1000).c_str());
    return Exit::ok;
}

} // namespace fab::cli
