// fab manager start|stop|status|clear <project>, fab director start|stop|status|clear.
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"

#include <cstdio>

namespace fab::cli {

namespace {

// `role` is "manager" (args[0] = project) or "director".
int role_call(Invocation& inv, const std::string& role, const std::string& op) {
    Json payload = Json::object();
    std::string who = "the director";
    if (role == "manager") {
        payload["project"] = inv.args[0];
        who = "the manager of " + inv.args[0];
    }
    int rc = Exit::ok;
    auto r = call_daemon(inv, role + "." + op, payload, rc, 120000);
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
        std::printf("%s: agent %s, %s (%s)\n", who.c_str(), id.c_str(), how,
                    a.value("worktree", "").c_str());
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

} // namespace

int cmd_manager_start(Invocation& inv) {
    return role_call(inv, "manager", "start");
}
int cmd_manager_stop(Invocation& inv) {
    return role_call(inv, "manager", "stop");
}
int cmd_manager_status(Invocation& inv) {
    return role_call(inv, "manager", "status");
}
int cmd_manager_clear(Invocation& inv) {
    return role_call(inv, "manager", "clear");
}
int cmd_director_start(Invocation& inv) {
    return role_call(inv, "director", "start");
}
int cmd_director_stop(Invocation& inv) {
    return role_call(inv, "director", "stop");
}
int cmd_director_status(Invocation& inv) {
    return role_call(inv, "director", "status");
}
int cmd_director_clear(Invocation& inv) {
    return role_call(inv, "director", "clear");
}

} // namespace fab::cli
