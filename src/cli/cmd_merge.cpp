// fab agent done (from inside an agent) and fab branch cleanup.
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "protocol/messages.hpp"

#include <cstdio>
#include <cstdlib>

namespace fab::cli {

namespace {
// A merge waits behind the project's other merges and may fetch and push:
// minutes, not seconds.
constexpr int kDoneTimeoutMs = 15 * 60 * 1000;
} // namespace

int cmd_agent_done(Invocation& inv) {
    const char* id = std::getenv("FAB_AGENT_ID");
    if (!id || !*id) return fail("FAB_AGENT_ID is not set: this command runs inside a fab agent");
    int rc = Exit::ok;
    auto r = call_daemon(inv, msg::kAgentDone, {{"id", id}}, rc, kDoneTimeoutMs);
    if (!r) return rc; // the conflict (or why the merge failed) is already printed
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(*r).c_str());
        return Exit::ok;
    }
    std::printf("%s\n", r->value("message", "").c_str());
    for (const auto& c : (*r)["commits"])
        std::printf("  %s %s\n", c.value("sha", "").substr(0, 10).c_str(),
                    c.value("subject", "").c_str());
    if (r->value("merged", false))
        std::printf("Your work is merged; this agent ends after this turn.\n");
    else if (!r->value("pr_url", "").empty())
        std::printf("The pull request waits for review; this agent stays for the feedback.\n");
    return Exit::ok;
}

int cmd_branch_cleanup(Invocation& inv) {
    int rc = Exit::ok;
    Json payload = {{"dry_run", inv.has("dry-run")}};
    if (inv.has("project")) payload["project"] = inv.flag("project");
    auto r = call_daemon(inv, msg::kBranchCleanup, payload, rc, 120000);
    if (!r) return rc;
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(*r).c_str());
        return Exit::ok;
    }
    bool dry = r->value("dry_run", false);
    const Json& removed = (*r)["removed"];
    for (const auto& b : removed)
        std::printf("%s %s (%s)\n", dry ? "would remove" : "removed", b.value("branch", "").c_str(),
                    b.value("project", "").c_str());
    for (const auto& b : (*r)["kept"])
        std::printf("kept %s (%s): %s\n", b.value("branch", "").c_str(),
                    b.value("project", "").c_str(), b.value("why", "").c_str());
    if (removed.empty()) std::printf("no merged fab/ branches to remove\n");
    return Exit::ok;
}

} // namespace fab::cli
