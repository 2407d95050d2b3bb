// fab agent done (from inside an agent) and fab branch cleanup.
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "cli/tty_text.hpp"
#include "protocol/messages.hpp"
#include "util/strings.hpp"

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

// fab gc [--dry-run]: what the daemon reclaimed (or would), with sizes.
int cmd_gc(Invocation& inv) {
    int rc = Exit::ok;
    auto r = call_daemon(inv, msg::kGc, {{"dry_run", inv.has("dry-run")}}, rc, 300000);
    if (!r) return rc;
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(*r).c_str());
        return Exit::ok;
    }
    const Json& items = (*r)["items"];
    for (const auto& i : items) {
        std::string why = i.value("why", "");
        std::printf("%-12s %-10s %9s  %s%s\n", i.value("action", "").c_str(),
                    i.value("kind", "").c_str(),
                    format_bytes(i.value("bytes", uint64_t{0})).c_str(),
                    tty_safe(i.value("path", ""), 1, false).c_str(),
                    why.empty() ? "" : (": " + tty_safe(why, 1, false)).c_str());
    }
    if (items.empty()) std::printf("nothing to reclaim\n");
    std::printf("%s %s\n", r->value("dry_run", false) ? "would free" : "freed",
                format_bytes(r->value("freed_bytes", uint64_t{0})).c_str());
    return Exit::ok;
}

// fab pr check [agent-id]: poll the pull requests now.
int cmd_pr_check(Invocation& inv) {
    int rc = Exit::ok;
    Json payload = Json::object();
    if (!inv.args.empty()) payload["agent_id"] = inv.args[0];
    auto r = call_daemon(inv, msg::kPullRequestCheck, payload, rc, 120000);
    if (!r) return rc;
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(*r).c_str());
        return Exit::ok;
    }
    const Json& prs = (*r)["pull_requests"];
    if (prs.empty()) std::printf("no pull requests to watch\n");
    for (const auto& p : prs) {
        std::string err = p.value("error", "");
        std::printf("%-8s %-7s %s (%zu new comment(s))%s\n", p.value("agent_id", "").c_str(),
                    p.value("state", "").c_str(), p.value("url", "").c_str(),
                    static_cast<size_t>(p.value("new_feedback", 0)),
                    err.empty() ? "" : (": " + tty_safe(err, 1, false)).c_str());
    }
    return Exit::ok;
}

} // namespace fab::cli
