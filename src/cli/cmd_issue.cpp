// fab issue list|show|ready|create|update|close|comment|plan|commit: thin
// clients of the daemon's issue.* requests. Inside an agent FAB_AGENT_ID is
// sent along, so the daemon works in that agent's worktree. Malformed ticket
// files are printed to stderr as `path:line: message`; the rest still lists.
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "cli/tty_text.hpp"
#include "protocol/messages.hpp"
#include "util/strings.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>

namespace fab::cli {

namespace {

// The project (--project, else $FAB_PROJECT) and the calling agent.
Json base_payload(const Invocation& inv) {
    Json p = Json::object();
    std::string project = inv.flag("project");
    if (project.empty())
        if (const char* e = std::getenv("FAB_PROJECT")) project = e;
    if (!project.empty()) p["project"] = project;
    if (const char* a = std::getenv("FAB_AGENT_ID"); a && *a) p["agent_id"] = a;
    return p;
}

void print_problems(const Json& r) {
    auto it = r.find("problems");
    if (it == r.end() || !it->is_array()) return;
    // Paths and messages quote the files' text: escaped on a terminal too.
    for (const auto& p : *it)
        std::fprintf(stderr, "%s:%d: %s\n", tty_safe(p.value("path", ""), 2, false).c_str(),
                     p.value("line", 0), tty_safe(p.value("message", ""), 2, false).c_str());
}

// `--body -` (or --description -) reads the text from stdin.
std::string text_flag(const Invocation& inv, const char* name) {
    std::string v = inv.flag(name);
    if (v != "-") return v;
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

void print_table(const Json& tickets) {
    // Every field as shown (escaped on a terminal), so the columns line up.
    auto field = [](const Json& t, const char* key) { return tty_safe(t.value(key, "")); };
    size_t wid = 2, wst = 6, wty = 4;
    for (const auto& t : tickets) {
        wid = std::max(wid, field(t, "id").size());
        wst = std::max(wst, field(t, "status").size());
        wty = std::max(wty, field(t, "type").size());
    }
    int id = static_cast<int>(wid), st = static_cast<int>(wst), ty = static_cast<int>(wty);
    std::printf("%-*s  %-*s  %s  %-*s  %s\n", id, "ID", st, "STATUS", "P", ty, "TYPE", "TITLE");
    for (const auto& t : tickets) {
        std::string title = t.value("title", "");
        std::vector<std::string> deps = t.value("deps", std::vector<std::string>{});
        if (!deps.empty()) title += "  (deps: " + join(deps, ", ") + ")";
        std::printf("%-*s  %-*s  %d  %-*s  %s\n", id, field(t, "id").c_str(), st,
                    field(t, "status").c_str(), t.value("priority", 2), ty,
                    field(t, "type").c_str(), tty_safe(title).c_str());
    }
}

void print_ticket(const Json& t) {
    auto list = [&](const char* key) {
        return tty_safe(join(t.value(key, std::vector<std::string>{}), ", "));
    };
    auto field = [&](const char* key) { return tty_safe(t.value(key, "")); };
    std::printf("id:       %s\n", field("id").c_str());
    std::printf("title:    %s\n", field("title").c_str());
    std::printf("status:   %s\n", field("status").c_str());
    std::printf("type:     %s\n", field("type").c_str());
    std::printf("priority: %d\n", t.value("priority", 2));
    if (!list("deps").empty()) std::printf("deps:     %s\n", list("deps").c_str());
    if (!list("links").empty()) std::printf("links:    %s\n", list("links").c_str());
    if (!list("labels").empty()) std::printf("labels:   %s\n", list("labels").c_str());
    if (!t.value("parent", "").empty()) std::printf("parent:   %s\n", field("parent").c_str());
    if (!t.value("created", "").empty()) std::printf("created:  %s\n", field("created").c_str());
    if (auto e = t.find("extra"); e != t.end() && e->is_object())
        for (const auto& [k, v] : e->items())
            std::printf("%-9s %s\n", tty_safe(k + ":").c_str(),
                        v.is_string() ? tty_safe(v.get<std::string>()).c_str() : "");
    std::printf("file:     %s\n", field("path").c_str());
    std::string body = field("body");
    if (!body.empty()) std::printf("\n%s%s", body.c_str(), body.back() == '\n' ? "" : "\n");
}

// Sends `type`; prints the JSON or calls `human` with the reply.
template <typename Human>
int request(Invocation& inv, const char* type, const Json& payload, Human human) {
    int rc = Exit::ok;
    auto r = call_daemon(inv, type, payload, rc);
    if (!r) return rc;
    print_problems(*r);
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(*r).c_str());
        return Exit::ok;
    }
    human(*r);
    return Exit::ok;
}

int ticket_change(Invocation& inv, const char* type, Json payload, const char* verb) {
    return request(inv, type, payload, [verb](const Json& r) {
        const Json& t = r["ticket"];
        if (r.value("deferred", false)) { // an API backend: closed by `fab agent done`
            std::printf("%s\n", tty_safe(r.value("note", "")).c_str());
            return;
        }
        std::printf("%s %s: %s\n", verb, tty_safe(t.value("id", "")).c_str(),
                    tty_safe(t.value("title", "")).c_str());
    });
}

} // namespace

int cmd_issue_list(Invocation& inv) {
    Json p = base_payload(inv);
    if (inv.has("status")) p["status"] = inv.flag("status");
    return request(inv, msg::kIssueList, p, [&](const Json& r) {
        if (r["tickets"].empty())
            std::printf(inv.has("status") ? "no %s tickets\n" : "no tickets%s\n",
                        inv.has("status") ? inv.flag("status").c_str() : "");
        else
            print_table(r["tickets"]);
    });
}

int cmd_issue_show(Invocation& inv) {
    Json p = base_payload(inv);
    p["id"] = inv.args[0];
    return request(inv, msg::kIssueShow, p, [](const Json& r) { print_ticket(r["ticket"]); });
}

int cmd_issue_ready(Invocation& inv) {
    return request(inv, msg::kIssueReady, base_payload(inv), [](const Json& r) {
        if (r["tickets"].empty())
            std::printf("no ready tickets\n");
        else
            print_table(r["tickets"]);
    });
}

int cmd_issue_create(Invocation& inv) {
    Json p = base_payload(inv);
    p["title"] = join(inv.args, " ");
    for (const char* k : {"type", "priority", "deps", "parent", "labels"})
        if (inv.has(k)) p[k] = inv.flag(k);
    if (inv.has("description")) p["description"] = text_flag(inv, "description");
    return request(inv, msg::kIssueCreate, p,
                   [](const Json& r) { std::printf("%s\n", r["ticket"].value("id", "").c_str()); });
}

int cmd_issue_update(Invocation& inv) {
    Json p = base_payload(inv);
    p["id"] = inv.args[0];
    bool any = false;
    for (const char* k : {"status", "title", "type", "priority", "deps", "parent", "labels"})
        if (inv.has(k)) {
            p[k] = inv.flag(k);
            any = true;
        }
    if (inv.has("description")) {
        p["description"] = text_flag(inv, "description");
        any = true;
    }
    if (!any)
        return fail("nothing to change: give at least one of --status, --title, --type, "
                    "--priority, --deps, --parent, --labels, --description",
                    Exit::usage);
    return ticket_change(inv, msg::kIssueUpdate, p, "updated");
}

int cmd_issue_close(Invocation& inv) {
    Json p = base_payload(inv);
    p["id"] = inv.args[0];
    return ticket_change(inv, msg::kIssueClose, p, "closed");
}

int cmd_issue_comment(Invocation& inv) {
    if (!inv.has("body")) return fail("--body is required (--body - reads stdin)", Exit::usage);
    Json p = base_payload(inv);
    p["id"] = inv.args[0];
    p["body"] = text_flag(inv, "body");
    return ticket_change(inv, msg::kIssueComment, p, "commented on");
}

int cmd_issue_plan(Invocation& inv) {
    if (!inv.has("body")) return fail("--body is required (--body - reads stdin)", Exit::usage);
    Json p = base_payload(inv);
    p["id"] = inv.args[0];
    p["body"] = text_flag(inv, "body");
    return ticket_change(inv, msg::kIssuePlan, p, "planned");
}

int cmd_issue_commit(Invocation& inv) {
    Json p = base_payload(inv);
    if (inv.has("message")) p["message"] = inv.flag("message");
    return request(inv, msg::kIssueCommit, p, [](const Json& r) {
        if (!r.value("committed", false)) {
            std::printf("nothing to commit\n");
            return;
        }
        std::string sha = r.value("sha", "");
        std::printf("committed %s%s\n", sha.substr(0, 12).c_str(),
                    r.value("pushed", false) ? " and pushed to origin" : "");
        if (r.contains("warning"))
            std::fprintf(stderr, "fab: %s\n", r.value("warning", "").c_str());
    });
}

} // namespace fab::cli
