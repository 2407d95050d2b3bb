// project.start|stop (orchestrators), agent.claim, claim.list, commit.list.
#include "daemon/orchestrator/orchestrator.hpp"
#include "daemon/daemon.hpp"
#include "daemon/orchestrator/commit_log.hpp"
#include "util/strings.hpp"

#include <algorithm>

namespace fab {

namespace {

// {name} or {all:true}; with neither, the only project there is.
Result<std::vector<std::string>> target_projects(Daemon& d, const Request& q) {
    if (auto s = d.registry().reload_if_changed(); !s) return make_error(s.error());
    std::vector<std::string> all;
    for (const auto& p : d.registry().config().projects) all.push_back(p.name);
    if (field_bool(q.payload, "all", false)) return all;
    std::string name = field_string(q.payload, "name");
    if (!name.empty()) return std::vector<std::string>{name};
    if (all.size() == 1) return all;
    if (all.empty()) return make_error("no projects; add one with: fab project add <path-or-url>");
    return make_error("name a project or use --all (projects: " + join(all, ", ") + ")");
}

void start_or_stop(Daemon& d, const Request& q, const Reply& r, bool start) {
    auto names = target_projects(d, q);
    if (!names) return r.fail(names.error());
    Json out = Json::array();
    for (const auto& n : *names) {
        bool was = d.orchestrators().running(n);
        auto s = start ? d.orchestrators().start_project(n) : d.orchestrators().stop_project(n);
        if (!s) return r.fail(s.error());
        out.push_back({{"name", n},
                       {"state", d.orchestrators().state(n)},
                       {"changed", was != d.orchestrators().running(n)}});
    }
    r.ok({{"projects", out}});
}

} // namespace

Status register_orchestrator_handlers(Router& router, Daemon& d) {
    auto project_start = [&d](const Request& q, const Reply& r) { start_or_stop(d, q, r, true); };
    auto project_stop = [&d](const Request& q, const Reply& r) { start_or_stop(d, q, r, false); };

    // From `fab agent claim` inside an agent.
    auto agent_claim = [&d](const Request& q, const Reply& r) {
        std::string agent = field_string(q.payload, "agent_id");
        std::string ticket = field_string(q.payload, "ticket");
        if (agent.empty()) return r.fail("missing \"agent_id\"");
        if (ticket.empty()) return r.fail("missing \"ticket\"");
        d.orchestrators().claim(agent, ticket,
                                [r](Result<Json> c) { c ? r.ok(*c) : r.fail(c.error()); });
    };

    auto claim_list = [&d](const Request& q, const Reply& r) {
        auto claims = d.store().claims(field_string(q.payload, "project"));
        if (!claims) return r.fail(claims.error());
        Json out = Json::array();
        for (const auto& c : *claims) {
            Agent* a = d.supervisor().find(c.agent_id);
            out.push_back({{"project", c.project},
                           {"ticket", c.ticket},
                           {"agent_id", c.agent_id},
                           {"agent_state", a ? a->rec.state : ""},
                           {"claimed_ms", c.claimed_ms}});
        }
        r.ok({{"claims", out}});
    };

    // The commits fab merged (or opened pull requests for), newest first.
    auto commit_list = [&d](const Request& q, const Reply& r) {
        int64_t limit = std::clamp<int64_t>(field_int(q.payload, "limit", 50), 1, 1000);
        r.ok({{"commits", recent_work_json(d.store(), static_cast<int>(limit),
                                           field_string(q.payload, "project"))}});
    };
    return router.add({
        {msg::kProjectStart, project_start},
        {msg::kProjectStop, project_stop},
        {msg::kAgentClaim, agent_claim},
        {msg::kClaimList, claim_list},
        {msg::kCommitList, commit_list},
    });
}

} // namespace fab
