// issue.list|show|ready|create|update|close|comment|plan|commit: the
// tickets of a project, through its issue backend (daemon/issues/): the
// in-repo `.tickets/` (tk), GitHub Issues or Linear. For API backends the
// directory rules below do not apply and `issue.commit` has nothing to do.
//
// Which directory: a request from a task agent (payload agent_id names a
// known task agent of the project) works in that agent's worktree, so its
// ticket changes travel on its branch and are merged with its work; any
// other request works in the project's clone — also the manager's, the
// director's and a planner's, whose branches are never merged: tickets they
// file must reach the orchestrator. File reads and writes run on the
// thread pool, git as child processes of the loop; the loop never blocks.
#include "daemon/daemon.hpp"
#include "daemon/git/runner.hpp"
#include "daemon/git/worktree_link.hpp"
#include "daemon/orchestrator/merge.hpp"
#include "issues/backend.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

#include <map>
#include <memory>
#include <optional>
#include <set>

namespace fab {

namespace {

using issues::Ticket;
using issues::TicketSet;

struct Target {
    std::string project;
    std::string repo; // the git work tree holding `dir`
    std::string dir;  // <repo>/.tickets (tk), or where the backend keeps them
    bool agent_worktree = false;
    std::shared_ptr<issues::Backend> backend;
    std::vector<std::string> allowed_authors; // API backends: whose issues are ready
};

// Project: payload, else the agent's, else the only one registered.
Result<Target> resolve(Daemon& d, const Json& payload) {
    std::string project = field_string(payload, "project");
    std::string agent_id = field_string(payload, "agent_id");
    const Agent* agent = agent_id.empty() ? nullptr : d.supervisor().find(agent_id);
    if (project.empty() && agent) project = agent->rec.project;
    if (auto s = d.registry().reload_if_changed(); !s) return make_error(s.error());
    const auto& projects = d.registry().config().projects;
    if (project.empty()) {
        if (projects.size() == 1) {
            project = projects.front().name;
        } else if (projects.empty()) {
            return make_error("no projects; add one with `fab project add <repo>`");
        } else {
            std::vector<std::string> names;
            for (const auto& p : projects) names.push_back(p.name);
            return make_error("which project? use --project (one of: " + join(names, ", ") + ")");
        }
    }
    const ProjectConfig* pc = d.registry().config().project(project);
    if (!pc) return make_error("unknown project \"" + project + "\"");
    Target t;
    t.project = project;
    if (agent && agent->rec.kind == "task" && agent->rec.project == project &&
        !agent->rec.worktree.empty()) {
        t.repo = agent->rec.worktree;
        t.agent_worktree = true;
    } else {
        t.repo = d.paths().project_repo(project);
    }
    t.dir = t.repo + "/.tickets";
    auto b = d.issues().get(*pc, t.dir);
    if (!b) return make_error(b.error());
    t.backend = *b;
    if (!t.backend->in_repo()) {
        t.dir = t.backend->where();
        t.allowed_authors = pc->allowed_authors;
    }
    return t;
}

Json problems_json(const std::vector<issues::ParseProblem>& problems) {
    Json out = Json::array();
    for (const auto& p : problems)
        out.push_back({{"path", p.path}, {"line", p.line}, {"message", p.message}});
    return out;
}

void log_problems(const std::vector<issues::ParseProblem>& problems) {
    for (const auto& p : problems)
        log::warn("tickets: " + p.path + ":" + std::to_string(p.line) + ": " + p.message);
}

Json ticket_json(const Ticket& t, bool with_body) {
    Json extra = Json::object();
    for (const auto& [k, v] : t.extra) extra[k] = v;
    Json j = {{"id", t.id},           {"status", t.status},     {"title", t.title},
              {"type", t.type},       {"priority", t.priority}, {"deps", t.deps},
              {"links", t.links},     {"labels", t.labels},     {"parent", t.parent},
              {"created", t.created}, {"path", t.path},         {"extra", extra}};
    if (!t.author.empty()) j["author"] = t.author;
    if (with_body) j["body"] = t.body;
    return j;
}

std::optional<std::vector<std::string>> list_field(const Json& payload, const char* key) {
    return field_list(payload, key);
}

std::optional<std::string> string_field(const Json& payload, const char* key) {
    return field_optional_string(payload, key);
}

Result<std::optional<int>> priority_field(const Json& payload) {
    auto it = payload.find("priority");
    if (it == payload.end() || it->is_null()) return std::optional<int>();
    if (it->is_number_integer()) return std::optional<int>(it->get<int>());
    if (it->is_string()) {
        if (auto n = parse_int(trim(it->get<std::string>())))
            return std::optional<int>(static_cast<int>(*n));
    }
    return make_error("invalid priority (0, 1 or 2)");
}

// Runs `work` (which returns a Result<Json>) on the pool and replies with it.
template <typename Work>
void on_pool(Daemon& d, const Reply& r, Work work) {
    auto out = std::make_shared<Result<Json>>(make_error("not run"));
    ev::queue_work(
        d.loop(), [out, work = std::move(work)]() mutable { *out = work(); },
        [out, r] { out->ok() ? r.ok(out->value()) : r.fail(out->error()); });
}

Json ticket_reply(const Target& t, const Ticket& ticket) {
    return {{"project", t.project}, {"dir", t.dir}, {"ticket", ticket_json(ticket, true)}};
}

// ---- issue.commit -----------------------------------------------------------

// Owned by the callbacks of its git children (each holds `self`): it lives
// until the last one has run.
struct CommitJob : std::enable_shared_from_this<CommitJob> {
    git::Runner* runner = nullptr;
    Target t;
    safegit::Where where; // t.repo; an agent's worktree with its verified git dir
    std::string message;
    std::function<void(Result<Json>)> reply; // also lets the project's next job in
    std::vector<std::string> identity;       // `-c user.name=…` when git has none
    std::string branch;

    void done(Result<Json> out) {
        auto f = std::move(reply);
        reply = nullptr;
        if (f) f(std::move(out));
    }
    void fail(const std::string& why) { done(make_error(why)); }

    void start() {
        // A fresh HOME (CI, tests) has no identity; do not override a real one.
        runner->run(where, {"config", "user.email"},
                    [this, self = shared_from_this()](ev::ProcessResult r) {
                        if (!r.ok())
                            identity = {"-c", "user.name=fab", "-c", "user.email=fab@localhost"};
                        add();
                    });
    }

    void add() {
        // Ticket files only: a temp file a crash left behind (…md.tmp.<pid>)
        // must not be committed. The pattern also matches deleted tickets.
        runner->run(where, {"add", "--all", "--", ".tickets/*.md"},
                    [this, self = shared_from_this()](ev::ProcessResult r) {
                        // No .tickets at all: nothing to commit.
                        if (!r.ok() && r.err.find("did not match") != std::string::npos)
                            return nothing();
                        if (!r.ok()) return fail(git::failure("git add .tickets", r));
                        runner->run(where, {"diff", "--cached", "--quiet", "--", ".tickets"},
                                    [this, self = shared_from_this()](ev::ProcessResult r2) {
                                        if (r2.ok()) return nothing();
                                        if (r2.exit_status != 1)
                                            return fail(git::failure("git diff --cached", r2));
                                        commit();
                                    });
                    });
    }

    void nothing() {
        done(Json{{"committed", false},
                  {"pushed", false},
                  {"repo", t.repo},
                  {"message", "nothing to commit"}});
    }

    void commit() {
        std::vector<std::string> args = identity;
        // Only .tickets: whatever else is staged (an agent's work) stays staged.
        for (const char* a : {"commit", "--quiet", "-m"}) args.emplace_back(a);
        args.push_back(message);
        args.emplace_back("--");
        args.emplace_back(".tickets");
        runner->run(where, std::move(args), [this, self = shared_from_this()](ev::ProcessResult r) {
            if (!r.ok()) return fail(git::failure("git commit", r));
            // An agent's worktree: the commit rides on its branch and is
            // merged (and pushed) with its work by `fab agent done`.
            if (t.agent_worktree) return finish(false, "");
            runner->run(where, {"remote", "get-url", "origin"},
                        [this, self = shared_from_this()](ev::ProcessResult o) {
                            if (!o.ok()) return finish(false, "");
                            runner->run(where, {"rev-parse", "--abbrev-ref", "HEAD"},
                                        [this, self = shared_from_this()](ev::ProcessResult b) {
                                            branch = git::first_line(b.out);
                                            if (!b.ok() || branch.empty() || branch == "HEAD")
                                                return finish(false, "detached HEAD: not pushed");
                                            push(true);
                                        });
                        });
        });
    }

    void push(bool first) {
        runner->run(
            where, {"push", "--quiet", "origin", "HEAD:refs/heads/" + branch},
            [this, self = shared_from_this(), first](ev::ProcessResult r) {
                if (r.ok()) return finish(true, "");
                if (!first) return finish(false, git::failure("git push", r));
                // origin moved on: replay the ticket commit on top, once.
                std::vector<std::string> args = identity;
                for (const char* a : {"pull", "--rebase", "--quiet", "origin"})
                    args.emplace_back(a);
                args.push_back(branch);
                runner->run(
                    where, std::move(args), [this, self = shared_from_this()](ev::ProcessResult p) {
                        if (!p.ok()) {
                            runner->run(where, {"rebase", "--abort"},
                                        [this, self, p](ev::ProcessResult) {
                                            finish(false, git::failure("git pull --rebase", p));
                                        });
                            return;
                        }
                        push(false);
                    });
            });
    }

    void finish(bool pushed, const std::string& warning) {
        runner->run(where, {"rev-parse", "HEAD"},
                    [this, self = shared_from_this(), pushed, warning](ev::ProcessResult r) {
                        Json j = {{"committed", true},
                                  {"pushed", pushed},
                                  {"repo", t.repo},
                                  {"sha", git::first_line(r.out)},
                                  {"message", message}};
                        if (!warning.empty()) j["warning"] = warning;
                        done(j);
                    });
    }
};

// issue.comment / issue.plan: {id, body} → an edit of that ticket's body.
template <typename Edit>
Router::Handler body_edit(Daemon& d, Edit edit) {
    return [&d, edit](const Request& q, const Reply& r) {
        auto t = resolve(d, q.payload);
        if (!t) return r.fail(t.error());
        std::string id = field_string(q.payload, "id");
        std::string body = field_string(q.payload, "body");
        if (id.empty()) return r.fail("missing \"id\"");
        on_pool(d, r, [t = *t, id, body, edit]() -> Result<Json> {
            auto tk = edit(*t.backend, id, body);
            if (!tk) return make_error(tk.error());
            return ticket_reply(t, *tk);
        });
    };
}

} // namespace

Status register_issue_handlers(Router& router, Daemon& d) {
    auto issue_list = [&d](const Request& q, const Reply& r) {
        auto t = resolve(d, q.payload);
        if (!t) return r.fail(t.error());
        std::string status = field_string(q.payload, "status");
        if (!status.empty() && status != "open" && status != "in_progress" && status != "closed" &&
            status != "blocked")
            return r.fail("invalid status \"" + status +
                          "\" (open, in_progress, closed or blocked)");
        on_pool(d, r, [t = *t, status]() -> Result<Json> {
            auto got = t.backend->list(status);
            if (!got) return make_error(got.error());
            TicketSet& set = *got;
            log_problems(set.problems);
            Json list = Json::array();
            for (const auto& tk : set.tickets)
                if (status.empty() || tk.status == status) list.push_back(ticket_json(tk, false));
            return Json{{"project", t.project},
                        {"dir", t.dir},
                        {"tickets", list},
                        {"problems", problems_json(set.problems)}};
        });
    };

    auto issue_show = [&d](const Request& q, const Reply& r) {
        auto t = resolve(d, q.payload);
        if (!t) return r.fail(t.error());
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        on_pool(d, r, [t = *t, id]() -> Result<Json> {
            auto tk = t.backend->get(id);
            if (!tk) return make_error(tk.error());
            Json j = ticket_reply(t, *tk);
            j["problems"] = Json::array();
            if (t.backend->in_repo()) {
                // The other tickets' problems, as `issue list` shows them.
                auto set = t.backend->list("");
                if (set) {
                    log_problems(set->problems);
                    j["problems"] = problems_json(set->problems);
                }
            }
            return j;
        });
    };

    auto issue_ready = [&d](const Request& q, const Reply& r) {
        auto t = resolve(d, q.payload);
        if (!t) return r.fail(t.error());
        auto claims = d.store().claims(t->project);
        if (!claims) return r.fail(claims.error());
        std::map<std::string, std::string> claimed; // ticket → agent
        for (const auto& c : *claims) claimed[c.ticket] = c.agent_id;
        for (const auto& id : d.issues().pending_close(t->project))
            claimed.emplace(id, "(merged; closing)");
        on_pool(d, r, [t = *t, claimed]() -> Result<Json> {
            auto got = t.backend->list("");
            if (!got) return make_error(got.error());
            TicketSet& set = *got;
            log_problems(set.problems);
            std::set<std::string> ids;
            for (const auto& [ticket, agent] : claimed) ids.insert(ticket);
            Json list = Json::array();
            for (const Ticket* tk : issues::ready_for_agents(set, ids, t.allowed_authors))
                list.push_back(ticket_json(*tk, false));
            Json claims_json = Json::object();
            for (const auto& [ticket, agent] : claimed) claims_json[ticket] = agent;
            return Json{{"project", t.project},
                        {"dir", t.dir},
                        {"tickets", list},
                        {"claims", claims_json},
                        {"problems", problems_json(set.problems)}};
        });
    };

    auto issue_create = [&d](const Request& q, const Reply& r) {
        auto t = resolve(d, q.payload);
        if (!t) return r.fail(t.error());
        issues::NewTicket n;
        n.title = field_string(q.payload, "title");
        if (auto v = string_field(q.payload, "type"); v && !v->empty()) n.type = *v;
        auto prio = priority_field(q.payload);
        if (!prio) return r.fail(prio.error());
        if (*prio) n.priority = **prio;
        if (auto v = list_field(q.payload, "deps")) n.deps = *v;
        if (auto v = list_field(q.payload, "links")) n.links = *v;
        if (auto v = list_field(q.payload, "labels")) n.labels = *v;
        if (auto v = string_field(q.payload, "parent")) n.parent = *v;
        if (auto v = string_field(q.payload, "description")) n.description = *v;
        if (auto s = issues::validate(n); !s) return r.fail(s.error());
        on_pool(d, r, [t = *t, n]() -> Result<Json> {
            auto created = t.backend->create(n);
            if (!created) return make_error(created.error());
            log::info("tickets: created " + created->id + " in " + t.dir);
            return ticket_reply(t, *created);
        });
    };

    auto issue_update = [&d](const Request& q, const Reply& r) {
        auto t = resolve(d, q.payload);
        if (!t) return r.fail(t.error());
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        issues::TicketUpdate u;
        u.status = string_field(q.payload, "status");
        u.title = string_field(q.payload, "title");
        u.type = string_field(q.payload, "type");
        u.parent = string_field(q.payload, "parent");
        u.description = string_field(q.payload, "description");
        auto prio = priority_field(q.payload);
        if (!prio) return r.fail(prio.error());
        u.priority = *prio;
        u.deps = list_field(q.payload, "deps");
        u.links = list_field(q.payload, "links");
        u.labels = list_field(q.payload, "labels");
        if (auto s = issues::validate(u); !s) return r.fail(s.error());
        on_pool(d, r, [t = *t, id, u]() -> Result<Json> {
            auto tk = t.backend->update(id, u);
            if (!tk) return make_error(tk.error());
            return ticket_reply(t, *tk);
        });
    };

    auto issue_close = [&d](const Request& q, const Reply& r) {
        auto t = resolve(d, q.payload);
        if (!t) return r.fail(t.error());
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        // An agent's close on an API backend would be final before its work
        // is merged: `fab agent done` closes the issue once it is.
        if (!t->backend->in_repo() && t->agent_worktree)
            return on_pool(d, r, [t = *t, id]() -> Result<Json> {
                auto tk = t.backend->get(id);
                if (!tk) return make_error(tk.error());
                Json j = ticket_reply(t, *tk);
                j["deferred"] = true;
                j["note"] = "issue " + id + " is closed in " + t.backend->where() +
                            " when `fab agent done` has merged your work";
                return j;
            });
        on_pool(d, r, [t = *t, id]() -> Result<Json> {
            auto tk = t.backend->close(id);
            if (!tk) return make_error(tk.error());
            log::info("tickets: closed " + id + " in " + t.dir);
            return ticket_reply(t, *tk);
        });
    };

    auto issue_comment = body_edit(d, [](issues::Backend& b, const std::string& id,
                                         const std::string& body) { return b.comment(id, body); });
    auto issue_plan = body_edit(d, [](issues::Backend& b, const std::string& id,
                                      const std::string& body) { return b.set_plan(id, body); });

    auto issue_commit = [&d](const Request& q, const Reply& r) {
        auto t = resolve(d, q.payload);
        if (!t) return r.fail(t.error());
        if (!t->backend->in_repo())
            return r.ok(Json{{"committed", false},
                             {"pushed", false},
                             {"repo", t->dir},
                             {"message", std::string("nothing to commit: the ") +
                                             t->backend->kind() + " backend writes at once"}});
        std::string message = field_string(q.payload, "message");
        if (trim(message).empty()) message = "tickets: update";
        auto job = std::make_shared<CommitJob>();
        job->runner = &d.git();
        job->t = *t;
        job->where = t->repo;
        if (t->agent_worktree) {
            // Git runs there only through the git dir fab made for it.
            auto link = safegit::verify_worktree(d.paths().project_repo(t->project), t->repo);
            if (!link) return r.fail(link.error());
            job->where = safegit::Where(t->repo, *link);
        }
        job->message = message;
        auto run = [job, r](std::function<void()> release) {
            job->reply = [r, release](Result<Json> out) {
                out ? r.ok(*out) : r.fail(out.error());
                release();
            };
            job->start();
        };
        // The clone's main is shared with merges: take the project's turn.
        // An agent's worktree is its own; no other job touches it.
        if (t->agent_worktree) {
            run([] {});
        } else {
            d.git().jobs().run(d.paths().project_repo(t->project), git::RepoJobs::Lane::main_line,
                               run);
        }
    };

    return router.add({
        {msg::kIssueList, issue_list},
        {msg::kIssueShow, issue_show},
        {msg::kIssueReady, issue_ready},
        {msg::kIssueCreate, issue_create},
        {msg::kIssueUpdate, issue_update},
        {msg::kIssueClose, issue_close},
        {msg::kIssueComment, issue_comment},
        {msg::kIssuePlan, issue_plan},
        {msg::kIssueCommit, issue_commit},
    });
}

} // namespace fab
