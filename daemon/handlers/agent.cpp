// agent.create|list|send|abort|describe|history, attach|detach, hook.event.
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

void register_agent_handlers(Router& router, Daemon& d) {
    router.add("agent.create", [&d](const Request& q, const Reply& r) {
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
    });

    router.add("agent.list", [&d](const Request& q, const Reply& r) {
        r.ok({{"agents", d.supervisor().list_json(field_string(q.payload, "project"))}});
    });

    router.add("agent.send", [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        std::string text = require(q, "text", r);
        if (text.empty()) return;
        d.orchestrators().on_user_message(id); // a human is talking: no kickstart nudge now
        d.supervisor().send(id, text, status_reply(r));
    });

    router.add("agent.abort", [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        d.supervisor().abort(id, field_bool(q.payload, "force", false), status_reply(r));
    });

    router.add("agent.describe", [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        auto s = d.supervisor().describe(id, field_string(q.payload, "text"));
        s ? r.ok() : r.fail(s.error());
    });

    router.add("agent.history", [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        int64_t since = field_int(q.payload, "since");
        int64_t wanted = field_int(q.payload, "limit", 100000);
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
        if (q.payload.contains("before") && !q.payload["before"].is_null())
            return d.supervisor().history_before(id, field_int(q.payload, "before"), limit, reply);
        d.supervisor().history(id, since, limit, reply);
    });

    // attach {projects:[…], agent, since:{id:offset}}: a snapshot now, then
    // events; agents named in `since` first get their records from there.
    router.add("attach", [&d](const Request& q, const Reply& r) {
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
    });

    router.add("detach", [&d](const Request&, const Reply& r) {
        d.supervisor().events().unsubscribe(r.client());
        r.ok();
    });

    // From `fab hook …` inside an agent: is this agent known, and what happened.
    router.add("hook.event", [&d](const Request& q, const Reply& r) {
        auto s = d.supervisor().hook_event(q.payload);
        if (!s) {
            log::warn("hook.event: " + s.error());
            return r.fail(s.error());
        }
        r.ok({{"known", true}});
    });
}

} // namespace fab
