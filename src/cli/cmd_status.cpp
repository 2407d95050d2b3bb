// fab status [-a] [--json]: the daemon, projects, agents, usage, recent work.
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "cli/tty_text.hpp"
#include "protocol/messages.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <cstdio>

namespace fab::cli {

namespace {

std::string money(double usd) {
    char buf[32];
    std::snprintf(buf, sizeof buf, usd < 1 ? "$%.4f" : "$%.2f", usd);
    return buf;
}

std::string tokens(const Json& usage) {
    int64_t in = usage.value("input_tokens", int64_t{0});
    int64_t out = usage.value("output_tokens", int64_t{0});
    return std::to_string(in) + " in / " + std::to_string(out) + " out";
}

void print_human(const Json& s, bool all) {
    const Json& d = s["daemon"];
    std::printf("daemon    running, pid %d, up %s (fabd %s, protocol %d)\n", d.value("pid", 0),
                format_duration(d.value("uptime_s", int64_t{0})).c_str(),
                d.value("version", "?").c_str(), d.value("protocol", 0));
    std::printf("socket    %s\n", d.value("socket", "").c_str());
    std::printf("config    %s\n", d.value("config_file", "").c_str());
    const Json& projects = s["projects"];
    std::printf("\nprojects  %zu\n", projects.size());
    if (!projects.empty()) {
        std::printf("  %-20s %-9s %-7s %-6s %-22s %s\n", "NAME", "STATE", "AGENTS", "READY",
                    "USAGE", "COST");
        for (const auto& p : projects) {
            std::string agents = std::to_string(p.value("agents_running", 0)) + "/" +
                                 std::to_string(p.value("max_agents", 0));
            int64_t ready = p.value("ready_tickets", int64_t{-1});
            std::string ready_s = ready < 0 ? "-" : std::to_string(ready);
            std::printf("  %-20s %-9s %-7s %-6s %-22s %s\n", p.value("name", "").c_str(),
                        p.value("state", "").c_str(), agents.c_str(), ready_s.c_str(),
                        tokens(p["usage"]).c_str(),
                        money(p["usage"].value("cost_usd", 0.0)).c_str());
        }
    }
    const Json& agents = s["agents"];
    std::printf("\nagents    %zu\n", agents.size());
    for (const auto& a : agents)
        std::printf("  %-12s %-10s %-10s %s\n", a.value("id", "").c_str(),
                    a.value("project", "").c_str(), a.value("state", "").c_str(),
                    tty_safe(a.value("description", ""), 1, false).c_str()); // the agent's words
    std::printf("\nusage     %s, %s\n", tokens(s["usage"]).c_str(),
                money(s["usage"].value("cost_usd", 0.0)).c_str());
    if (s.contains("disk") && s["disk"].is_object()) {
        const Json& disk = s["disk"];
        std::printf("disk      %s in %s (transcripts %s, worktrees %s, clones %s, attic %s)\n",
                    format_bytes(disk.value("total_bytes", uint64_t{0})).c_str(),
                    d.value("fab_dir", "").c_str(),
                    format_bytes(disk.value("transcripts_bytes", uint64_t{0})).c_str(),
                    format_bytes(disk.value("worktrees_bytes", uint64_t{0})).c_str(),
                    format_bytes(disk.value("clones_bytes", uint64_t{0})).c_str(),
                    format_bytes(disk.value("attic_bytes", uint64_t{0})).c_str());
    }
    const Json& work = s["recent_work"];
    int64_t merged = s.value("commits_merged", int64_t{0});
    std::printf("\nrecent work%s\n",
                work.empty() ? "  none yet"
                             : ("  (" + std::to_string(merged) + " merged in all)").c_str());
    int64_t now_s = now_ms() / 1000;
    for (const auto& w : work) {
        // A pull request also shows its URL.
        std::string what = w.value("subject", ""); // an agent's commit subject
        if (w.value("strategy", "") == "pull-request") what += "  " + w.value("pr_url", "");
        std::string age = format_duration(now_s - w.value("ts_ms", int64_t{0}) / 1000) + " ago";
        std::printf("  %-8s %-14s %-8s %-10s %s\n", w.value("sha", "").substr(0, 8).c_str(),
                    w.value("project", "").c_str(), w.value("agent_id", "").c_str(), age.c_str(),
                    tty_safe(what, 1, false).c_str());
    }
    if (all && s.contains("events")) {
        std::printf("\ndaemon events\n");
        for (const auto& e : s["events"])
            std::printf("  %s %-18s %s\n", format_iso8601_ms(e.value("ts_ms", int64_t{0})).c_str(),
                        e.value("kind", "").c_str(),
                        tty_safe(e.value("detail", ""), 1, false).c_str());
    }
}

} // namespace

int cmd_status(Invocation& inv) {
    bool json = inv.has("json");
    int rc = Exit::ok;
    auto c = connect_daemon_socket(inv, rc);
    if (!c) {
        if (json) std::printf("{\"daemon\":null,\"running\":false}\n");
        return rc;
    }
    auto s = c->call(msg::kStatus, {{"all", inv.has("all")}});
    if (!s) return fail(s.error());
    if (json) {
        (*s)["running"] = true;
        std::printf("%s\n", dump_json(*s).c_str());
    } else {
        print_human(*s, inv.has("all"));
    }
    return Exit::ok;
}

} // namespace fab::cli
