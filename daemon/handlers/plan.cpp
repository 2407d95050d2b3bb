// agent.plan, agent.plan.stop (planner agents) and plan.write|list|read|
// tickets|run (stored plans, daemon/roles/plan_store). Plan files are read and written
// on the thread pool: an atomic write fsyncs.
#include "daemon/agents/supervisor.hpp"
#include "daemon/daemon.hpp"
#include "daemon/roles/plan_store.hpp"
#include "daemon/roles/roles.hpp"
#include "ev/stream.hpp"
#include "issues/backend.hpp"
#include "protocol/messages.hpp"
#include "util/fs.hpp"
#include "util/ids.hpp"
#include "util/log.hpp"

#include <memory>

namespace fab {

namespace {

Json plan_json(const plans::Plan& p, bool with_body) {
    Json j = {{"id", p.id},           {"agent", p.agent}, {"project", p.project},
              {"created", p.created}, {"title", p.title}, {"source", p.source},
              {"path", p.path}};
    if (with_body) j["body"] = p.body;
    return j;
}

// Runs `work` on the thread pool and replies with its result.
template <typename T>
void on_pool(Daemon& d, std::function<Result<T>()> work, std::function<void(Result<T>)> done) {
    auto out = std::make_shared<Result<T>>(make_error("not run"));
    ev::queue_work(
        d.loop(), [out, work] { *out = work(); }, [out, done] { done(std::move(*out)); });
}

// The prompt of a task agent that carries out a stored plan.
std::string run_prompt(const plans::Plan& p) {
    return "Carry out this plan (fab plan " + p.id +
           "). Work through its steps in order, commit your work with clear messages, and say "
           "when you are done or what stopped you.\n\n" +
           p.body;
}

// An epic holding the plan, and one child per top-level step, through the
// project's issue backend (tk: <clone>/.tickets, where the orchestrator looks). Each step depends
// on the one before (a plan's steps are in order) and the epic on every step, so no agent is handed
// the whole plan while its steps are open. Blocking: on the thread pool.
Result<Json> make_tickets(const plans::Plan* p, const std::string& id, const std::string& project,
                          const Paths& paths, issues::Backend& backend) {
    auto steps = plans::top_level_steps(p->body);
    if (steps.empty())
        return make_error("plan " + id +
                          " has no numbered top-level steps (`1. …`) to make "
                          "tickets of");
    if (!path_exists(paths.project_repo(project)))
        return make_error("no project \"" + project + "\" (no clone at " +
                          paths.project_repo(project) + ")");
    issues::NewTicket epic;
    epic.title = p->title;
    epic.type = "epic";
    epic.description = p->body + "\n(fab plan " + p->id + ")\n";
    auto e = backend.create(epic);
    if (!e) return make_error(e.error());
    Json children = Json::array();
    std::vector<std::string> ids;
    for (const auto& s : steps) {
        issues::NewTicket t;
        t.title = s.title;
        t.parent = e->id;
        t.description = s.body.empty() ? s.title : s.body;
        t.description += "\n\nA step of plan " + p->id + " (epic " + e->id + "): `fab plan read " +
                         p->id + "`.\n";
        if (!ids.empty()) t.deps = {ids.back()};
        auto c = backend.create(t);
        if (!c)
            return make_error(c.error() + " (epic " + e->id + " and " + std::to_string(ids.size()) +
                              " step ticket(s) were made)");
        ids.push_back(c->id);
        children.push_back({{"id", c->id}, {"title", c->title}, {"path", c->path}});
    }
    issues::TicketUpdate u;
    u.deps = ids;
    if (auto s = backend.update(e->id, u); !s) return make_error(s.error());
    return Json{{"epic", {{"id", e->id}, {"title", e->title}, {"path", e->path}}},
                {"children", children},
                {"project", project}};
}

bool is_planner(Daemon& d, const std::string& id) {
    Agent* a = d.supervisor().find(id);
    return a && a->rec.kind == "plan";
}

} // namespace

Status register_plan_handlers(Router& router, Daemon& d) {
    auto plan_start = [&d](const Request& q, const Reply& r) {
        std::string project = require(q, "project", r);
        if (project.empty()) return;
        std::string prompt = require(q, "prompt", r);
        if (prompt.empty()) return;
        roles::start_planner(d, project, field_string(q.payload, "backend"),
                             field_string(q.payload, "model"), prompt, [r](Result<Json> a) {
                                 a ? r.ok({{"agent", *a}}) : r.fail(a.error());
                             });
    };

    auto plan_stop = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        if (!is_planner(d, id)) return r.fail("no planner \"" + id + "\"");
        d.supervisor().abort(id, field_bool(q.payload, "force", false),
                             [r](Status s) { s ? r.ok() : r.fail(s.error()); });
    };

    // From `fab plan write` (inside an agent: agent_id; by hand: project).
    auto plan_write = [&d](const Request& q, const Reply& r) {
        plans::Plan p;
        p.body = field_string(q.payload, "text");
        p.title = field_string(q.payload, "title");
        p.source = "fab plan write";
        std::string agent = field_string(q.payload, "agent_id");
        if (!agent.empty()) {
            Agent* a = d.supervisor().find(agent);
            if (!a) return r.fail("unknown agent \"" + agent + "\"");
            p.id = p.agent = agent;
            p.project = a->rec.project;
        } else {
            p.project = require(q, "project", r);
            if (p.project.empty()) return;
            if (!d.registry().config().project(p.project))
                return r.fail("no project \"" + p.project + "\"");
            p.id = random_id("p", 5);
        }
        std::string dir = d.paths().plans_dir;
        on_pool<plans::Plan>(
            d, [dir, p] { return plans::write_plan(dir, p); },
            [&d, r](Result<plans::Plan> w) {
                if (!w) return r.fail(w.error());
                log::info("plan " + w->id + " stored (" + w->source + ") in " + w->path);
                d.supervisor().events().publish(w->project, w->agent,
                                                {{"event", msg::kEvPlanWritten},
                                                 {"plan_id", w->id},
                                                 {"agent_id", w->agent},
                                                 {"project", w->project},
                                                 {"title", w->title}});
                r.ok({{"plan", plan_json(*w, false)}});
            });
    };

    auto plan_list = [&d](const Request& q, const Reply& r) {
        std::string dir = d.paths().plans_dir;
        std::string project = field_string(q.payload, "project");
        auto out = std::make_shared<plans::Listing>();
        ev::queue_work(
            d.loop(), [out, dir, project] { *out = plans::list_plans(dir, project); },
            [out, r] {
                Json list = Json::array();
                for (const auto& p : out->plans) list.push_back(plan_json(p, false));
                r.ok({{"plans", list}, {"problems", out->problems}});
            });
    };

    auto plan_read = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        std::string dir = d.paths().plans_dir;
        on_pool<plans::Plan>(
            d, [dir, id] { return plans::read_plan(dir, id); },
            [r](Result<plans::Plan> p) {
                p ? r.ok({{"plan", plan_json(*p, true)}}) : r.fail(p.error());
            });
    };

    auto plan_tickets = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        std::string dir = d.paths().plans_dir;
        std::string project = field_string(q.payload, "project");
        Paths paths = d.paths();
        // Read the plan (pool), pick the project's backend (loop), make the
        // tickets (pool).
        on_pool<plans::Plan>(
            d, [dir, id] { return plans::read_plan(dir, id); },
            [&d, r, id, project, paths](Result<plans::Plan> p) {
                if (!p) return r.fail(p.error());
                std::string name = project.empty() ? p->project : project;
                if (name.empty()) return r.fail("plan " + id + " names no project; pass --project");
                if (auto s = d.registry().reload_if_changed(); !s) return r.fail(s.error());
                const ProjectConfig* pc = d.registry().config().project(name);
                if (!pc)
                    return r.fail("no project \"" + name + "\" (no clone at " +
                                  paths.project_repo(name) + ")");
                auto b = d.issues().get(*pc, paths.project_repo(name) + "/.tickets");
                if (!b) return r.fail(b.error());
                auto plan = std::make_shared<plans::Plan>(std::move(*p));
                on_pool<Json>(
                    d,
                    [plan, id, name, paths, backend = *b] {
                        return make_tickets(plan.get(), id, name, paths, *backend);
                    },
                    [r](Result<Json> t) { t ? r.ok(*t) : r.fail(t.error()); });
            });
    };

    // A task agent whose prompt is the plan (counted against max-agents).
    auto plan_run = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        std::string dir = d.paths().plans_dir;
        std::string project = field_string(q.payload, "project");
        std::string backend = field_string(q.payload, "backend");
        std::string model = field_string(q.payload, "model");
        on_pool<plans::Plan>(
            d, [dir, id] { return plans::read_plan(dir, id); },
            [&d, r, project, backend, model](Result<plans::Plan> p) {
                if (!p) return r.fail(p.error());
                CreateAgent c;
                c.project = project.empty() ? p->project : project;
                if (c.project.empty())
                    return r.fail("plan " + p->id + " names no project; pass --project");
                c.backend = backend;
                c.model = model;
                c.prompt = run_prompt(*p);
                d.supervisor().create(c, [r, plan = p->id](Result<Json> a) {
                    a ? r.ok({{"agent", *a}, {"plan_id", plan}}) : r.fail(a.error());
                });
            });
    };

    // A planning agent is an agent of kind plan: the agent family's send and
    // history, refused for any other agent.
    auto plan_send_message = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        std::string text = require(q, "text", r);
        if (text.empty()) return;
        if (!is_planner(d, id)) return r.fail("no planner \"" + id + "\"");
        send_message(d, id, text, r);
    };
    auto plan_chat_history = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        if (!is_planner(d, id)) return r.fail("no planner \"" + id + "\"");
        send_history(d, id, q.payload, r);
    };
    return router.add({
        {msg::kPlanStart, plan_start},
        {msg::kPlanStop, plan_stop},
        {msg::kPlanSendMessage, plan_send_message},
        {msg::kPlanChatHistory, plan_chat_history},
        {msg::kPlanWrite, plan_write},
        {msg::kPlanList, plan_list},
        {msg::kPlanRead, plan_read},
        {msg::kPlanTickets, plan_tickets},
        {msg::kPlanRun, plan_run},
    });
}

} // namespace fab
