// fab manager start|stop|status|clear <project>, fab director start|stop|status|clear.
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "protocol/messages.hpp"

#include "util/strings.hpp"

#include <cstdio>

namespace fab::cli {

namespace {

// `role` is "manager" (args[0] = project) or "director".
int role_call(Invocation& inv, const std::string& role, const std::string& op, const char* type) {
    Json payload = Json::object();
    std::string who = "the director";
    if (role == "manager") {
        payload["project"] = inv.args[0];
        who = "the manager of " + inv.args[0];
    }
    if (inv.has("model")) payload["model"] = inv.flag("model");
    int rc = Exit::ok;
    auto r = call_daemon(inv, type, payload, rc, 120000);
    if (!r) return rc;
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(*r).c_str());
        return Exit::ok;
    }
    Json a = r->contains("agent") && (*r)["agent"].is_object() ? (*r)["agent"] : Json::object();
    std::string id = a.value("id", "");
    if (op == "start" || op == "clear") {
        const char* how = r->value("existing", false)  ? "already running"
                          : r->value("resumed", false) ? "resumed its session"
                          : op == "clear"              ? "started a fresh session"
                                                       : "started";
        std::string model = a.value("model", "");
        std::printf("%s: agent %s, %s (%s%s)\n", who.c_str(), id.c_str(), how,
                    model.empty() ? "" : ("model " + model + ", ").c_str(),
                    a.value("worktree", "").c_str());
        if (r->value("existing", false) && inv.has("model") && inv.flag("model") != model)
            std::fprintf(stderr,
                         "fab: %s keeps its model; `%s clear` starts a session with --model\n",
                         who.c_str(), role.c_str());
    } else if (op == "stop") {
        if (r->value("stopped", false))
            std::printf("stopping %s (agent %s)\n", who.c_str(), r->value("agent_id", "").c_str());
        else
            std::printf("%s is not running\n", who.c_str());
    } else if (id.empty()) {
        std::printf("%s: never started\n", who.c_str());
    } else {
        std::printf("%s: agent %s, %s, session %s\n", who.c_str(), id.c_str(),
                    a.value("state", "").c_str(), a.value("session_id", "").c_str());
        if (!a.value("error", "").empty()) std::printf("  %s\n", a.value("error", "").c_str());
    }
    return Exit::ok;
}

// The id of the role's newest agent, live or not; nullopt (after saying
// why) when it was never started.
std::optional<std::string> role_agent(Invocation& inv, const std::string& role, int& rc) {
    Json payload = Json::object();
    std::string who = "the director", start = "fab director start";
    if (role == "manager") {
        payload["project"] = inv.args[0];
        who = "the manager of " + inv.args[0];
        start = "fab manager start " + inv.args[0];
    }
    auto r = call_daemon(inv, role == "manager" ? msg::kManagerStatus : msg::kDirectorStatus,
                         payload, rc);
    if (!r) return std::nullopt;
    std::string id = (*r)["agent"].is_object() ? (*r)["agent"].value("id", "") : "";
    if (id.empty()) {
        rc = fail(who + " was never started; start it with: " + start);
        return std::nullopt;
    }
    return id;
}

// send: the words after the project (manager) or all of them (director).
int role_send(Invocation& inv, const std::string& role) {
    int rc = Exit::ok;
    auto id = role_agent(inv, role, rc);
    if (!id) return rc;
    size_t first = role == "manager" ? 1 : 0;
    std::vector<std::string> words(inv.args.begin() + static_cast<long>(first), inv.args.end());
    return send_to_agent(inv, *id, join(words, " "));
}

int role_history(Invocation& inv, const std::string& role) {
    int rc = Exit::ok;
    auto id = role_agent(inv, role, rc);
    return id ? print_agent_history(inv, *id) : rc;
}

} // namespace

int cmd_manager_send(Invocation& inv) {
    return role_send(inv, "manager");
}
int cmd_manager_history(Invocation& inv) {
    return role_history(inv, "manager");
}
int cmd_director_send(Invocation& inv) {
    return role_send(inv, "director");
}
int cmd_director_history(Invocation& inv) {
    return role_history(inv, "director");
}

int cmd_manager_start(Invocation& inv) {
    return role_call(inv, "manager", "start", msg::kManagerStart);
}
int cmd_manager_stop(Invocation& inv) {
    return role_call(inv, "manager", "stop", msg::kManagerStop);
}
int cmd_manager_status(Invocation& inv) {
    return role_call(inv, "manager", "status", msg::kManagerStatus);
}
int cmd_manager_clear(Invocation& inv) {
    return role_call(inv, "manager", "clear", msg::kManagerClearHistory);
}
int cmd_director_start(Invocation& inv) {
    return role_call(inv, "director", "start", msg::kDirectorStart);
}
int cmd_director_stop(Invocation& inv) {
    return role_call(inv, "director", "stop", msg::kDirectorStop);
}
int cmd_director_status(Invocation& inv) {
    return role_call(inv, "director", "status", msg::kDirectorStatus);
}
int cmd_director_clear(Invocation& inv) {
    return role_call(inv, "director", "clear", msg::kDirectorClearHistory);
}

} // namespace fab::cli
