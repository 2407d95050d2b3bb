// fab run submit|list|show|cancel|pause|unpause|events: the run queue of the
// local daemon over its socket (server mode's runs; the HTTP API serves the
// same handlers).
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "cli/run_print.hpp"
#include "cli/tty_text.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <cstdio>
#include <unistd.h>

namespace fab::cli {

namespace {

bool is_final(const std::string& status) {
    return status == "succeeded" || status == "failed" || status == "archived";
}

void print_run(const Json& r) {
    std::printf("%s  %s  %s%s\n", r.value("id", "").c_str(), r.value("project", "").c_str(),
                r.value("status", "").c_str(),
                r.contains("status_reason") ? (" (" + r.value("status_reason", "") + ")").c_str()
                                            : "");
    std::printf("  goal:    %s\n", tty_safe(r.value("goal", ""), 1, false).c_str());
    if (!r.value("agent_id", "").empty())
        std::printf("  agent:   %s\n", r.value("agent_id", "").c_str());
    if (r["queue_position"].is_number())
        std::printf("  queued:  position %lld\n",
                    static_cast<long long>(r["queue_position"].get<int64_t>()));
    std::printf("  created: %s\n", r.value("created_at", "").c_str());
    if (r.contains("error"))
        std::printf("  error:   %s\n", tty_safe(r.value("error", ""), 1, false).c_str());
}

int print_or_json(const Invocation& inv, const Json& run) {
    if (inv.has("json"))
        std::printf("%s\n", dump_json(run).c_str());
    else
        print_run(run);
    return Exit::ok;
}

int action(Invocation& inv, const char* type) {
    int rc = Exit::ok;
    auto r = call_daemon(inv, type, {{"id", inv.args[0]}}, rc);
    if (!r) return rc;
    if (inv.has("json")) return print_or_json(inv, (*r)["run"]);
    std::printf("run %s: %s\n", inv.args[0].c_str(), (*r)["run"].value("status", "").c_str());
    return Exit::ok;
}

} // namespace

int cmd_run_submit(Invocation& inv) {
    if (!inv.has("project")) return fail("run submit needs -p/--project NAME", Exit::usage);
    std::string goal;
    for (const auto& a : inv.args) goal += (goal.empty() ? "" : " ") + a;
    Json payload = {{"project", inv.flag("project")}, {"goal", goal}};
    for (const char* k : {"workflow", "backend", "model"})
        if (inv.has(k)) payload[k] = inv.flag(k);
    int rc = Exit::ok;
    auto r = call_daemon(inv, "run.submit", payload, rc);
    if (!r) return rc;
    std::string id = r->value("id", "");
    if (!inv.has("wait")) {
        if (inv.has("json"))
            std::printf("%s\n", dump_json(*r).c_str());
        else
            std::printf("run %s %s\n", id.c_str(), r->value("status", "").c_str());
        return Exit::ok;
    }
    // --wait: until the run is succeeded or failed (one request a second;
    // the socket's attach streams agents, not runs).
    Json run;
    for (;;) {
        auto s = call_daemon(inv, "run.show", {{"id", id}}, rc);
        if (!s) return rc;
        run = (*s)["run"];
        if (is_final(run.value("status", ""))) break;
        ::usleep(200 * 1000);
    }
    print_or_json(inv, run);
    return run.value("status", "") == "succeeded" ? Exit::ok : Exit::failure;
}

int cmd_run_list(Invocation& inv) {
    Json payload = Json::object();
    if (inv.has("status")) payload["status"] = inv.flag("status");
    if (inv.has("project")) payload["project"] = inv.flag("project");
    if (inv.has("limit")) {
        auto n = parse_int(inv.flag("limit"));
        if (!n) return fail("--limit must be a number", Exit::usage);
        payload["limit"] = *n;
    }
    int rc = Exit::ok;
    auto r = call_daemon(inv, "run.list", payload, rc);
    if (!r) return rc;
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(*r).c_str());
        return Exit::ok;
    }
    const Json& runs = (*r)["data"];
    if (runs.empty()) {
        std::printf("no runs\n");
        return Exit::ok;
    }
    std::printf("%-16s %-14s %-10s %-8s %s\n", "ID", "PROJECT", "STATUS", "AGENT", "GOAL");
    for (const auto& run : runs) {
        std::string goal = tty_safe(run.value("goal", ""), 1, false);
        if (goal.size() > 60) goal = goal.substr(0, 57) + "...";
        std::printf("%-16s %-14s %-10s %-8s %s\n", run.value("id", "").c_str(),
                    run.value("project", "").c_str(), run.value("status", "").c_str(),
                    run.value("agent_id", "").c_str(), goal.c_str());
    }
    if ((*r)["meta"].value("has_more", false)) std::printf("(more: --limit N shows up to 100)\n");
    return Exit::ok;
}

int cmd_run_show(Invocation& inv) {
    int rc = Exit::ok;
    auto r = call_daemon(inv, "run.show", {{"id", inv.args[0]}}, rc);
    if (!r) return rc;
    return print_or_json(inv, (*r)["run"]);
}

int cmd_run_cancel(Invocation& inv) {
    return action(inv, "run.cancel");
}
int cmd_run_pause(Invocation& inv) {
    return action(inv, "run.pause");
}
int cmd_run_unpause(Invocation& inv) {
    return action(inv, "run.unpause");
}

int cmd_run_events(Invocation& inv) {
    Json payload = {{"id", inv.args[0]}};
    if (inv.has("since")) {
        auto n = parse_int(inv.flag("since"));
        if (!n) return fail("--since must be a number", Exit::usage);
        payload["since_seq"] = *n;
    }
    int rc = Exit::ok;
    auto r = call_daemon(inv, "run.events", payload, rc);
    if (!r) return rc;
    for (const auto& e : (*r)["data"]) print_run_event(e, inv.has("json"));
    return Exit::ok;
}

void print_run_event(const Json& e, bool json) {
    if (json) {
        std::printf("%s\n", dump_json(e).c_str());
        return;
    }
    std::string props = dump_json(e["properties"]);
    if (props.size() > 100) props = props.substr(0, 97) + "...";
    std::printf("%5lld %s %-22s %s\n", static_cast<long long>(e.value("seq", int64_t{0})),
                e.value("ts", "").c_str(), e.value("event", "").c_str(),
                tty_safe(props, 1, false).c_str());
}

} // namespace fab::cli
