// fab agent list|create|send|abort|rm|describe|history.
#include "agents/record_entries.hpp"
#include "cli/chat_format.hpp"
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "cli/tty_text.hpp"
#include "protocol/messages.hpp"
#include "util/strings.hpp"

#include <cstdio>
#include <cstdlib>

namespace fab::cli {

namespace {

std::string money(double usd) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "$%.4f", usd);
    return buf;
}

// FAB_AGENT_ID: set by fab in every agent's environment.
std::optional<std::string> own_agent_id(int& rc) {
    const char* id = std::getenv("FAB_AGENT_ID");
    if (!id || !*id) {
        rc = fail("FAB_AGENT_ID is not set: this command runs inside a fab agent");
        return std::nullopt;
    }
    return std::string(id);
}

} // namespace

int cmd_agent_list(Invocation& inv) {
    int rc = Exit::ok;
    Json payload = Json::object();
    if (inv.has("project")) payload["project"] = inv.flag("project");
    auto r = call_daemon(inv, msg::kAgentList, payload, rc);
    if (!r) return rc;
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(*r).c_str());
        return Exit::ok;
    }
    const Json& agents = (*r)["agents"];
    if (agents.empty()) {
        std::printf("no agents\n");
        return Exit::ok;
    }
    std::printf("%-8s %-8s %-14s %-9s %-16s %-9s %-9s %-10s %s\n", "ID", "KIND", "PROJECT",
                "BACKEND", "MODEL", "STATE", "RUNNING", "COST", "DOING");
    for (const auto& a : agents) {
        std::string doing = a.value("description", "");
        if (doing.empty()) doing = a.value("error", "");
        doing = tty_safe(doing, 1, false); // set by the agent (fab agent describe)
        std::string model = a.value("model", "");
        std::printf("%-8s %-8s %-14s %-9s %-16s %-9s %-9s %-10s %s\n", a.value("id", "").c_str(),
                    a.value("kind", "").c_str(), a.value("project", "").c_str(),
                    a.value("backend", "").c_str(), model.empty() ? "default" : model.c_str(),
                    a.value("state", "").c_str(),
                    format_duration(a.value("running_s", int64_t{0})).c_str(),
                    money(a["usage"].value("cost_usd", 0.0)).c_str(), doing.c_str());
    }
    return Exit::ok;
}

int cmd_agent_create(Invocation& inv) {
    if (!inv.has("project")) return fail("agent create needs --project NAME", Exit::usage);
    int rc = Exit::ok;
    Json payload = {{"project", inv.flag("project")}};
    if (inv.has("backend")) payload["backend"] = inv.flag("backend");
    if (inv.has("model")) payload["model"] = inv.flag("model");
    if (inv.has("prompt")) payload["prompt"] = inv.flag("prompt");
    auto r = call_daemon(inv, msg::kAgentCreate, payload, rc, 120000);
    if (!r) return rc;
    const Json& a = (*r)["agent"];
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(a).c_str());
        return Exit::ok;
    }
    std::string how = a.value("backend", "");
    if (!a.value("model", "").empty()) how += ", model " + a.value("model", "");
    std::printf("created agent %s (%s) in %s\n", a.value("id", "").c_str(), how.c_str(),
                a.value("worktree", "").c_str());
    return Exit::ok;
}

int send_to_agent(Invocation& inv, const std::string& id, const std::string& text) {
    int rc = Exit::ok;
    auto r = call_daemon(inv, msg::kAgentSendMessage, {{"id", id}, {"text", text}}, rc, 120000);
    return r ? Exit::ok : rc;
}

int cmd_agent_send(Invocation& inv) {
    std::vector<std::string> words(inv.args.begin() + 1, inv.args.end());
    return send_to_agent(inv, inv.args[0], join(words, " "));
}

int cmd_agent_abort(Invocation& inv) {
    int rc = Exit::ok;
    auto r =
        call_daemon(inv, msg::kAgentAbort, {{"id", inv.args[0]}, {"force", inv.has("force")}}, rc);
    if (!r) return rc;
    std::printf("stopping agent %s\n", inv.args[0].c_str());
    return Exit::ok;
}

int cmd_agent_rm(Invocation& inv) {
    int rc = Exit::ok;
    for (const auto& id : inv.args) {
        auto r = call_daemon(inv, msg::kAgentDelete, {{"id", id}, {"force", inv.has("force")}}, rc,
                             120000);
        if (!r) return rc;
        if (inv.has("json")) {
            std::printf("%s\n", dump_json(*r).c_str());
            continue;
        }
        std::printf("removed agent %s (%s freed)\n", id.c_str(),
                    format_bytes(r->value("freed_bytes", uint64_t{0})).c_str());
        if (!r->value("attic", "").empty()) {
            std::printf("its work was saved in %s:\n", r->value("attic", "").c_str());
            for (const auto& s : (*r)["saved"])
                std::printf("  %s: %s (%s)\n", s.value("file", "").c_str(),
                            s.value("what", "").c_str(), s.value("detail", "").c_str());
        }
    }
    return Exit::ok;
}

int cmd_agent_describe(Invocation& inv) {
    int rc = Exit::ok;
    auto id = own_agent_id(rc);
    if (!id) return rc;
    auto r =
        call_daemon(inv, msg::kAgentDescribe, {{"id", *id}, {"text", join(inv.args, " ")}}, rc);
    return r ? Exit::ok : rc;
}

int cmd_agent_history(Invocation& inv) {
    return print_agent_history(inv, inv.args[0]);
}

int print_agent_history(Invocation& inv, const std::string& id) {
    int rc = Exit::ok;
    auto r = call_daemon(inv, msg::kAgentChatHistory, {{"id", id}}, rc, 120000);
    if (!r) return rc;
    auto backend = make_backend(r->value("backend", "claude"));
    auto parser = backend ? backend->make_parser() : nullptr;
    for (const auto& rec : (*r)["records"]) {
        std::vector<ChatEntry> entries;
        std::string src = rec.value("src", "");
        std::string data = rec.value("data", "");
        if (src == "host") {
            // A new claude process restarts its cost totals (codex's run on
            // per thread).
            Json note = Json::parse(data, nullptr, false);
            if (note.is_object() && note.value("event", "") == "cli_started" && backend &&
                backend->persistent() && backend->usage_per_process())
                parser = backend->make_parser();
        }
        record_entries(src, data, parser.get(), entries);
        if (inv.has("json")) {
            Json list = Json::array();
            for (const auto& e : entries) list.push_back(to_json(e));
            std::printf("%s\n", dump_json({{"offset", rec["o"]},
                                           {"ts", rec["ts"]},
                                           {"src", src},
                                           {"data", data},
                                           {"entries", list}})
                                    .c_str());
            continue;
        }
        for (const auto& e : entries) std::printf("%s\n", tty_safe(format_entry("", e)).c_str());
    }
    return Exit::ok;
}

} // namespace fab::cli
