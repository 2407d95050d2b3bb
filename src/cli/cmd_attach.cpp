// fab attach [projects…] [--json]: follow every agent's output live.
#include "cli/chat_format.hpp"
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"

#include <csignal>
#include <cstdio>

namespace fab::cli {

int cmd_attach(Invocation& inv) {
    int rc = Exit::ok;
    auto c = open_daemon(inv, rc);
    if (!c) return rc;
    Json payload = {{"projects", inv.args}};
    if (inv.has("agent")) payload["agent"] = inv.flag("agent");
    auto snap = c->request("attach", payload);
    if (!snap) return fail(snap.error());
    bool json = inv.has("json");
    if (json) {
        std::printf("%s\n",
                    dump_json({{"type", "snapshot"}, {"agents", (*snap)["agents"]}}).c_str());
    } else {
        std::printf("attached: %zu agent(s); Ctrl-C to stop\n", (*snap)["agents"].size());
    }
    std::fflush(stdout);
    for (;;) {
        auto line = c->read_line(-1);
        if (!line) {
            if (json) return fail(line.error());
            std::printf("daemon connection closed\n");
            return Exit::failure;
        }
        Json ev = Json::parse(*line, nullptr, false);
        if (!ev.is_object() || ev.value("type", "") != "event") continue;
        if (json) {
            std::printf("%s\n", line->c_str());
        } else {
            std::string kind = ev.value("event", "");
            std::string id = ev.value("agent_id", "");
            if (kind == "agent.output") {
                for (const auto& e : ev["entries"])
                    std::printf("%s\n", format_entry(id, chat_entry_from_json(e)).c_str());
            } else if (kind == "agent.state") {
                std::printf(
                    "[%s] state: %s%s\n", id.c_str(), ev.value("state", "").c_str(),
                    ev.value("error", "").empty() ? "" : (" — " + ev.value("error", "")).c_str());
            } else if (kind == "agent.created") {
                std::printf("[%s] created (%s)\n", ev["agent"].value("id", "").c_str(),
                            ev["agent"].value("backend", "").c_str());
            } else if (kind == "resync") {
                std::printf("(too far behind: some output was skipped; re-attaching)\n");
                if (!c->request("attach", payload)) return Exit::failure;
            }
        }
        std::fflush(stdout);
    }
}

} // namespace fab::cli
