// fab project add|list|remove|config show|get|set: thin clients of the
// daemon's project.* requests (the daemon owns the registry and the clones).
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "protocol/messages.hpp"
#include "util/fs.hpp"

#include <cstdio>
#include <unistd.h>

namespace fab::cli {

namespace {

// URLs and scp-like remotes ("git@host:org/repo") go to git as they are;
// anything else is a local path, made absolute here because the daemon's
// working directory is not the user's.
bool looks_remote(const std::string& s) {
    if (s.find("://") != std::string::npos) return true;
    auto colon = s.find(':');
    auto slash = s.find('/');
    return colon != std::string::npos && (slash == std::string::npos || colon < slash) &&
           s.front() != '.' && s.front() != '/';
}

// A line from git (and the remote, through it) for the terminal: control
// characters shown as '?' so no escape sequence reaches it.
std::string printable(std::string s) {
    for (char& ch : s)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
    return s;
}

constexpr const char* kSettingFlags[] = {"max-agents",         "issue-backend",  "agent-backend",
                                         "planner-backend",    "coding-backend", "merge-strategy",
                                         "permissions-checker"};

} // namespace

int cmd_project_add(Invocation& inv) {
    std::string source = inv.args[0];
    if (!looks_remote(source)) source = absolute_path(source);
    Json settings = Json::object();
    for (const char* f : kSettingFlags)
        if (inv.has(f)) settings[f] = inv.flag(f);
    if (inv.has("autostart")) settings["autostart"] = "true";
    Json payload = {{"source", source}, {"settings", settings}};
    if (inv.has("name")) payload["name"] = inv.flag("name");
    int rc = Exit::ok;
    // On a terminal, git's progress as one updating line on stderr (the
    // daemon runs the clone and sends it); otherwise nothing until the end.
    bool tty = looks_remote(source) && ::isatty(STDERR_FILENO);
    if (tty) payload["progress"] = true;
    auto c = connect_daemon_socket(inv, rc);
    if (!c) return rc;
    bool shown = false;
    if (tty)
        c->on_event([&shown](const Json& ev) {
            if (ev.value("event", "") != "progress") return;
            // \r and clear to the end of the line: the next state overwrites it.
            std::fprintf(stderr, "\r%s\033[K", printable(ev.value("text", "")).c_str());
            std::fflush(stderr);
            shown = true;
        });
    // A clone can take long; the daemon answers when git is done.
    auto r = c->call(msg::kProjectAdd, payload, 30 * 60 * 1000);
    if (shown) std::fprintf(stderr, "\r\033[K");
    if (!r) return fail(r.error());
    std::printf("added project %s (%s)\n", r->value("name", "").c_str(),
                r->value("repo", "").c_str());
    return Exit::ok;
}

int cmd_project_list(Invocation& inv) {
    int rc = Exit::ok;
    auto r = call_daemon(inv, msg::kProjectList, Json::object(), rc);
    if (!r) return rc;
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(*r).c_str());
        return Exit::ok;
    }
    const Json& projects = (*r)["projects"];
    if (projects.empty()) {
        std::printf("no projects; add one with: fab project add <path-or-url>\n");
        return Exit::ok;
    }
    std::printf("%-20s %-8s %-7s %-10s %s\n", "NAME", "STATE", "AGENTS", "AUTOSTART", "REMOTE");
    for (const auto& p : projects)
        std::printf("%-20s %-8s %-7d %-10s %s\n", p.value("name", "").c_str(),
                    p.value("state", "").c_str(), p.value("max_agents", 0),
                    p.value("autostart", false) ? "yes" : "no", p.value("remote_url", "").c_str());
    return Exit::ok;
}

int cmd_project_remove(Invocation& inv) {
    int rc = Exit::ok;
    Json payload = {
        {"name", inv.args[0]}, {"force", inv.has("force")}, {"keep_files", inv.has("keep-files")}};
    auto r = call_daemon(inv, msg::kProjectRemove, payload, rc, 10 * 60 * 1000);
    if (!r) return rc;
    // Saved work first: it is what the user must know where to find.
    if (std::string attic = r->value("attic", ""); !attic.empty()) {
        std::printf("saved work in %s/\n", attic.c_str());
        for (const auto& it : (*r)["saved"])
            std::printf("  %s: %s (%s)\n", it.value("file", "").c_str(),
                        it.value("what", "").c_str(), it.value("detail", "").c_str());
    }
    if (!r->value("error", "").empty()) {
        std::fprintf(stderr, "fab: removed project %s but could not delete all of %s: %s\n",
                     inv.args[0].c_str(), r->value("dir", "").c_str(),
                     r->value("error", "").c_str());
        return Exit::failure;
    }
    if (r->value("deleted", false))
        std::printf("removed project %s and deleted %s\n", inv.args[0].c_str(),
                    r->value("dir", "").c_str());
    else
        std::printf("removed project %s (files kept in %s)\n", inv.args[0].c_str(),
                    r->value("dir", "").c_str());
    return Exit::ok;
}

int cmd_project_config_show(Invocation& inv) {
    int rc = Exit::ok;
    Json payload = Json::object();
    if (!inv.args.empty()) payload["name"] = inv.args[0];
    auto r = call_daemon(inv, msg::kProjectConfigShow, payload, rc);
    if (!r) return rc;
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(*r).c_str());
        return Exit::ok;
    }
    std::printf("# %s\n", r->value("config_file", "").c_str());
    bool first = true;
    for (const auto& p : (*r)["projects"]) {
        std::printf("%s[project \"%s\"]\n", first ? "" : "\n", p.value("name", "").c_str());
        first = false;
        for (const auto& v : p["values"]) {
            std::string src = v.value("source", "");
            std::string val = v.value("value", "");
            if (src == "project")
                std::printf("%s = %s\n", v.value("key", "").c_str(), val.c_str());
            else
                std::printf("# %s = %s  (%s)\n", v.value("key", "").c_str(), val.c_str(),
                            src.c_str());
        }
    }
    return Exit::ok;
}

int cmd_project_config_get(Invocation& inv) {
    int rc = Exit::ok;
    auto r =
        call_daemon(inv, msg::kProjectConfigGet, {{"name", inv.args[0]}, {"key", inv.args[1]}}, rc);
    if (!r) return rc;
    std::printf("%s\n", r->value("value", "").c_str());
    return Exit::ok;
}

int cmd_project_config_set(Invocation& inv) {
    int rc = Exit::ok;
    auto r = call_daemon(inv, msg::kProjectConfigSet,
                         {{"name", inv.args[0]}, {"key", inv.args[1]}, {"value", inv.args[2]}}, rc);
    if (!r) return rc;
    std::printf("%s.%s = %s\n", inv.args[0].c_str(), inv.args[1].c_str(), inv.args[2].c_str());
    return Exit::ok;
}

} // namespace fab::cli
