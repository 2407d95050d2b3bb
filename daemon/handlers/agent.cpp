// agent.create|list|send_message|abort|describe|chat_history|idle|delete, attach|detach,
// hook.event; and the send/history every agent-like family shares.
#include "daemon/agents/agent_delete.hpp"
#include "daemon/agents/supervisor.hpp"
#include "daemon/daemon.hpp"
#include "util/log.hpp"

#include <algorithm>

namespace fab {

namespace {
std::function<void(Status)> status_reply(const Reply& r) {
    return [r](Status s) { s ? r.ok() : r.fail(s.error()); };
}
} // namespace

void send_message(Daemon& d, const std::string& id, const std::string& text, const Reply& r) {
    d.orchestrators().on_user_message(id); // a human is talking: no kickstart nudge now
    d.supervisor().send(id, text, status_reply(r));
}

// {since, before, limit}: see agent.chat_history in the protocol table.
void send_history(Daemon& d, const std::string& id, const Json& payload, const Reply& r) {
    int64_t since = field_int(payload, "since");
    int64_t wanted = field_int(payload, "limit", 100000);
    size_t limit = static_cast<size_t>(std::clamp<int64_t>(wanted, 0, 100000));
    Agent* a = d.supervisor().find(id);
    std::string backend = a ? a->rec.backend : "";
    auto reply = [r, backend](Result<Json> h) {
        if (!h) return r.fail(h.error());
        Json out = *h;
        out["backend"] = backend;
        r.ok(out);
    };
    // "before": the last `limit` records before that offset, read from
    // the end of the transcript (paging back without reading it all).
    if (payload.contains("before") && !payload["before"].is_null())
        return d.supervisor().history_before(id, field_int(payload, "before"), limit, reply);
    d.supervisor().history(id, since, limit, reply);
}

Status register_agent_handlers(Router& router, Daemon& d) {
    auto agent_create = [&d](const Request& q, const Reply& r) {
        CreateAgent c;
        c.project = require(q, "project", r);
        if (c.project.empty()) return;
        c.backend = field_string(q.payload, "backend");
        c.model = field_string(q.payload, "model");
        c.prompt = field_string(q.payload, "prompt");
        c.kind = field_string(q.payload, "kind", "task");
        d.supervisor().create(c, [r](Result<Json> a) {
            a ? r.ok({{"agent", *a}}) : r.fail(a.error());
        });
    };

    auto agent_list = [&d](const Request& q, const Reply& r) {
        r.ok({{"agents", d.supervisor().list_json(field_string(q.payload, "project"))}});
    };

    auto agent_send_message = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        std::string text = require(q, "text", r);
        if (text.empty()) return;
        send_message(d, id, text, r);
    };

    auto agent_abort = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        d.supervisor().abort(id, field_bool(q.payload, "force", false), status_reply(r));
    };

    auto agent_describe = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        auto s = d.supervisor().describe(id, field_string(q.payload, "text"));
        s ? r.ok() : r.fail(s.error());
    };

    auto agent_chat_history = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        send_history(d, id, q.payload, r);
    };

    // attach {projects:[…], agent, since:{id:offset}}: a snapshot now, then
    // events; agents named in `since` first get their records from there.
    auto attach = [&d](const Request& q, const Reply& r) {
        EventHub::Filter f;
        if (auto names = field_list(q.payload, "projects"))
            f.projects.insert(names->begin(), names->end());
        f.agent = field_string(q.payload, "agent");
        const Json* since = field_object(q.payload, "since"); // read before replying
        d.supervisor().events().subscribe(r.client(), f);
        Json agents = Json::array();
        for (const auto& a : d.supervisor().list_json(""))
            if ((f.projects.empty() || f.projects.count(a.value("project", ""))) &&
                (f.agent.empty() || f.agent == a.value("id", "")))
                agents.push_back(a);
        r.ok({{"agents", agents}});
        if (since)
            for (auto& [id, off] : since->items())
                if (off.is_number_integer() && d.supervisor().find(id))
                    d.supervisor().catch_up(r.client(), id, off.get<int64_t>());
    };

    auto detach = [&d](const Request&, const Reply& r) {
        d.supervisor().events().unsubscribe(r.client());
        r.ok();
    };

    // From `fab hook …` inside an agent: is this agent known, and what happened.
    auto hook_event = [&d](const Request& q, const Reply& r) {
        auto s = d.supervisor().hook_event(q.payload);
        if (!s) {
            log::warn("hook.event: " + s.error());
            return r.fail(s.error());
        }
        r.ok({{"known", true}});
    };

    // What the Stop hook reports, as its own message (the fab design's).
    auto agent_idle = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "agent_id", r);
        if (id.empty()) return;
        auto s = d.supervisor().hook_event({{"event", "Stop"}, {"agent_id", id}});
        s ? r.ok() : r.fail(s.error());
    };

    // agent.delete {id, force}: an ended agent's worktree, branch, transcript
    // and record (daemon/agents/agent_delete.hpp).
    auto agent_delete = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        delete_agent(d, {id, field_bool(q.payload, "force", false)},
                     [r](Result<Json> out) { out ? r.ok(*out) : r.fail(out.error()); });
    };

    return router.add({
        {msg::kAgentCreate, agent_create},
        {msg::kAgentDelete, agent_delete},
        {msg::kAgentList, agent_list},
        {msg::kAgentSendMessage, agent_send_message},
        {msg::kAgentAbort, agent_abort},
        {msg::kAgentDescribe, agent_describe},
        {msg::kAgentChatHistory, agent_chat_history},
        {msg::kAgentIdle, agent_idle},
        {msg::kAttach, attach},
        {msg::kDetach, detach},
        {msg::kHookEvent, hook_event},
    });
}

} // namespace fab
