// fab agent plan [list|stop] (planner agents) and fab plan write|list|read|
// tickets|run (stored plans).
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "protocol/messages.hpp"
#include "util/strings.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace fab::cli {

namespace {

constexpr size_t kMaxPlanInput = 1 << 20; // the daemon's limit for a plan

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// --project, else the project of the agent this runs in.
std::string project_of(const Invocation& inv) {
    return inv.has("project") ? inv.flag("project") : env("FAB_PROJECT");
}

// Reads stdin up to `max` bytes; false (with `why`) on error or overflow.
bool read_all_stdin(std::string& out, size_t max, std::string& why) {
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(0, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            why = "cannot read stdin: " + errno_string(errno);
            return false;
        }
        if (n == 0) return true;
        out.append(buf, static_cast<size_t>(n));
        if (out.size() > max) {
            why = "the plan on stdin is larger than " + std::to_string(max) + " bytes";
            return false;
        }
    }
}

void print_agent_created(const Json& a, const char* what) {
    std::string how = a.value("backend", "");
    if (!a.value("model", "").empty()) how += ", model " + a.value("model", "");
    std::printf("started %s %s (%s) in %s\n", what, a.value("id", "").c_str(), how.c_str(),
                a.value("worktree", "").c_str());
}

} // namespace

int cmd_agent_plan(Invocation& inv) {
    std::string project = project_of(inv);
    if (project.empty())
        return fail("agent plan needs --project NAME (or run it inside a fab agent)", Exit::usage);
    Json payload = {{"project", project}, {"prompt", join(inv.args, " ")}};
    if (inv.has("backend")) payload["backend"] = inv.flag("backend");
    if (inv.has("model")) payload["model"] = inv.flag("model");
    int rc = Exit::ok;
    auto r = call_daemon(inv, msg::kPlanStart, payload, rc, 120000);
    if (!r) return rc;
    if (inv.has("json")) {
        std::printf("%s\n", dump_json((*r)["agent"]).c_str());
        return Exit::ok;
    }
    print_agent_created((*r)["agent"], "planner");
    return Exit::ok;
}

int cmd_agent_plan_list(Invocation& inv) {
    int rc = Exit::ok;
    Json payload = Json::object();
    if (inv.has("project")) payload["project"] = inv.flag("project");
    auto r = call_daemon(inv, msg::kAgentList, payload, rc);
    if (!r) return rc;
    Json planners = Json::array();
    for (const auto& a : (*r)["agents"])
        if (a.value("kind", "") == "plan") planners.push_back(a);
    if (inv.has("json")) {
        std::printf("%s\n", dump_json({{"agents", planners}}).c_str());
        return Exit::ok;
    }
    if (planners.empty()) {
        std::printf("no planners\n");
        return Exit::ok;
    }
    std::printf("%-8s %-14s %-9s %-9s %-9s %s\n", "ID", "PROJECT", "BACKEND", "STATE", "RUNNING",
                "DOING");
    for (const auto& a : planners) {
        std::string doing = a.value("description", "");
        if (doing.empty()) doing = a.value("error", "");
        std::printf("%-8s %-14s %-9s %-9s %-9s %s\n", a.value("id", "").c_str(),
                    a.value("project", "").c_str(), a.value("backend", "").c_str(),
                    a.value("state", "").c_str(),
                    format_duration(a.value("running_s", int64_t{0})).c_str(), doing.c_str());
    }
    return Exit::ok;
}

namespace {
// Fails unless `id` is a planner, so `agent plan send` never talks to another kind.
bool is_planner(Invocation& inv, const std::string& id, int& rc) {
    auto r = call_daemon(inv, msg::kAgentList, Json::object(), rc);
    if (!r) return false;
    for (const auto& a : (*r)["agents"])
        if (a.value("id", "") == id) {
            if (a.value("kind", "") == "plan") return true;
            rc = fail("agent " + id + " is a " + a.value("kind", "") +
                      " agent, not a planner (fab agent send talks to any agent)");
            return false;
        }
    rc = fail("no planner \"" + id + "\" (fab agent plan list shows them)");
    return false;
}
} // namespace

int cmd_agent_plan_send(Invocation& inv) {
    int rc = Exit::ok;
    if (!is_planner(inv, inv.args[0], rc)) return rc;
    std::vector<std::string> words(inv.args.begin() + 1, inv.args.end());
    return send_to_agent(inv, inv.args[0], join(words, " "));
}

int cmd_agent_plan_history(Invocation& inv) {
    int rc = Exit::ok;
    if (!is_planner(inv, inv.args[0], rc)) return rc;
    return print_agent_history(inv, inv.args[0]);
}

int cmd_agent_plan_stop(Invocation& inv) {
    int rc = Exit::ok;
    auto r =
        call_daemon(inv, msg::kPlanStop, {{"id", inv.args[0]}, {"force", inv.has("force")}}, rc);
    if (!r) return rc;
    std::printf("stopping planner %s\n", inv.args[0].c_str());
    return Exit::ok;
}

int cmd_plan_write(Invocation& inv) {
    std::string text, why;
    if (!read_all_stdin(text, kMaxPlanInput, why)) return fail(why);
    if (trim(text).empty())
        return fail("no plan on stdin (write the plan to fab plan write's stdin)");
    Json payload = {{"text", text}};
    std::string agent = env("FAB_AGENT_ID");
    if (!agent.empty()) {
        payload["agent_id"] = agent;
    } else {
        std::string project = project_of(inv);
        if (project.empty())
            return fail("plan write needs --project NAME outside a fab agent", Exit::usage);
        payload["project"] = project;
    }
    if (inv.has("title")) payload["title"] = inv.flag("title");
    int rc = Exit::ok;
    auto r = call_daemon(inv, msg::kPlanWrite, payload, rc);
    if (!r) return rc;
    const Json& p = (*r)["plan"];
    std::printf("plan %s saved: %s\n", p.value("id", "").c_str(), p.value("path", "").c_str());
    return Exit::ok;
}

int cmd_plan_list(Invocation& inv) {
    int rc = Exit::ok;
    Json payload = Json::object();
    if (inv.has("project")) payload["project"] = inv.flag("project");
    auto r = call_daemon(inv, msg::kPlanList, payload, rc);
    if (!r) return rc;
    for (const auto& p : (*r)["problems"])
        std::fprintf(stderr, "fab: skipped %s\n", p.get<std::string>().c_str());
    if (inv.has("json")) {
        std::printf("%s\n", dump_json({{"plans", (*r)["plans"]}}).c_str());
        return Exit::ok;
    }
    if ((*r)["plans"].empty()) {
        std::printf("no plans\n");
        return Exit::ok;
    }
    std::printf("%-8s %-14s %-20s %s\n", "ID", "PROJECT", "CREATED", "TITLE");
    for (const auto& p : (*r)["plans"])
        std::printf("%-8s %-14s %-20s %s\n", p.value("id", "").c_str(),
                    p.value("project", "").c_str(), p.value("created", "").substr(0, 19).c_str(),
                    p.value("title", "").c_str());
    return Exit::ok;
}

int cmd_plan_read(Invocation& inv) {
    int rc = Exit::ok;
    auto r = call_daemon(inv, msg::kPlanRead, {{"id", inv.args[0]}}, rc);
    if (!r) return rc;
    const Json& p = (*r)["plan"];
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(p).c_str());
        return Exit::ok;
    }
    std::string body = p.value("body", "");
    std::fwrite(body.data(), 1, body.size(), stdout);
    if (!body.empty() && body.back() != '\n') std::printf("\n");
    return Exit::ok;
}

int cmd_plan_tickets(Invocation& inv) {
    int rc = Exit::ok;
    Json payload = {{"id", inv.args[0]}};
    if (inv.has("project")) payload["project"] = inv.flag("project");
    auto r = call_daemon(inv, msg::kPlanTickets, payload, rc, 60000);
    if (!r) return rc;
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(*r).c_str());
        return Exit::ok;
    }
    const Json& e = (*r)["epic"];
    std::printf("epic %s  %s\n", e.value("id", "").c_str(), e.value("title", "").c_str());
    for (const auto& c : (*r)["children"])
        std::printf("  %s  %s\n", c.value("id", "").c_str(), c.value("title", "").c_str());
    return Exit::ok;
}

int cmd_plan_run(Invocation& inv) {
    int rc = Exit::ok;
    Json payload = {{"id", inv.args[0]}};
    if (inv.has("project")) payload["project"] = inv.flag("project");
    if (inv.has("backend")) payload["backend"] = inv.flag("backend");
    if (inv.has("model")) payload["model"] = inv.flag("model");
    auto r = call_daemon(inv, msg::kPlanRun, payload, rc, 120000);
    if (!r) return rc;
    if (inv.has("json")) {
        std::printf("%s\n", dump_json((*r)["agent"]).c_str());
        return Exit::ok;
    }
    print_agent_created((*r)["agent"], "agent");
    return Exit::ok;
}

} // namespace fab::cli
