// agent.done (`fab agent done`, from inside an agent) and branch.cleanup.
// The git work is in daemon/orchestrator/merge.cpp; here: who may merge,
// the commit log, events, claims, and ending the agent.
#include "daemon/orchestrator/merge.hpp"
#include "daemon/agents/supervisor.hpp"
#include "daemon/daemon.hpp"
#include "daemon/git/runner.hpp"
#include "daemon/orchestrator/branch_cleanup.hpp"
#include "ev/stream.hpp"
#include "protocol/messages.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <filesystem>
#include <memory>
#include <set>
#include <unistd.h>

namespace fab {

namespace {

// The `# Title` of the first ticket file that has one (worktree first: the
// agent's copy travels on its branch). Runs on the thread pool.
std::string ticket_title(const std::string& worktree, const std::vector<std::string>& tickets) {
    for (const auto& t : tickets) {
        auto text = read_file(worktree + "/.tickets/" + t + ".md");
        if (!text) continue;
        bool in_front = false;
        int n = 0;
        for (const auto& raw : split(*text, '\n', false)) {
            std::string_view l = trim(raw);
            if (n++ == 0 && l == "---") {
                in_front = true;
                continue;
            }
            if (in_front) {
                if (l == "---") in_front = false;
                continue;
            }
            if (l.rfind("# ", 0) == 0) return std::string(trim(l.substr(2)));
        }
    }
    return {};
}

std::string journal_path(Daemon& d, const std::string& project, const std::string& agent_id) {
    return d.paths().project_dir(project) + "/merging-" + agent_id + ".json";
}

Json commits_json(const std::vector<merge::Commit>& cs) {
    Json out = Json::array();
    for (const auto& c : cs) out.push_back({{"sha", c.sha}, {"subject", c.subject}});
    return out;
}

// The commit log (`fab status` recent work) and `commit.merged` events. A
// commit logged already (by a merge the daemon was killed in) is not again.
void record_merged(Daemon& d, const std::string& project, const std::string& agent_id,
                   const std::string& branch, const std::string& tickets,
                   const std::vector<merge::Commit>& commits) {
    int64_t ts = now_ms();
    for (const auto& c : commits) {
        CommitRecord rec;
        rec.project = project;
        rec.agent_id = agent_id;
        rec.ticket = tickets;
        rec.sha = c.sha;
        rec.subject = c.subject;
        rec.branch = branch;
        rec.ts_ms = ts;
        auto added = d.store().record_commit(rec);
        if (!added) log::error(added.error());
        if (!added || !*added) continue;
        d.supervisor().events().publish(project, agent_id,
                                        {{"event", msg::kEvCommitMerged},
                                         {"project", project},
                                         {"agent_id", agent_id},
                                         {"sha", c.sha},
                                         {"subject", c.subject},
                                         {"ticket", tickets},
                                         {"ts_ms", ts}});
    }
}

// API backends: the tickets the agent claimed are closed upstream now that
// its work is on main (tk tickets were closed on the agent's branch and
// arrived with the merge). A failure is logged and published; the issue
// stays open and counts as claimed; the orchestrator retries the close on
// each poll (IssueBackends::add_pending_close).
void close_upstream(Daemon& d, const std::string& project, const std::string& agent_id,
                    const std::vector<std::string>& tickets) {
    const ProjectConfig* pc = d.registry().config().project(project);
    if (tickets.empty() || !pc || !IssueBackends::is_api(*pc)) return;
    auto b = d.issues().get(*pc, d.paths().project_repo(project) + "/.tickets");
    if (!b) {
        log::error("project " + project + ": cannot close " + join(tickets, ", ") + ": " +
                   b.error());
        return;
    }
    struct Failed {
        std::string ticket, error;
    };
    auto failed = std::make_shared<std::vector<Failed>>();
    ev::queue_work(
        d.loop(),
        [backend = *b, tickets, agent_id, failed] {
            for (const auto& t : tickets) {
                // The note first: a close that fails is retried, the note is not.
                (void)backend->comment(t, "Merged by fab (agent " + agent_id + ").");
                if (auto c = backend->close(t); !c) failed->push_back({t, c.error()});
            }
        },
        [&d, project, agent_id, tickets, failed, where = (*b)->where()] {
            for (const auto& f : *failed) {
                log::error("project " + project + ": closing issue " + f.ticket + ": " + f.error +
                           " (retried on the next poll)");
                (void)d.store().record_event("issue.close.failed", project + " " + f.ticket);
                d.issues().add_pending_close(project, f.ticket);
            }
            if (failed->empty())
                log::info("project " + project + ": closed " + join(tickets, ", ") + " in " +
                          where + " (agent " + agent_id + ")");
        });
}

void on_outcome(Daemon& d, const merge::Request& req, const std::vector<std::string>& tickets,
                merge::Outcome o, const Reply& r) {
    using K = merge::Outcome::Kind;
    Supervisor& sup = d.supervisor();
    std::string id = req.agent_id;
    int64_t ts = now_ms();
    Json answer = {{"agent_id", id},           {"project", req.project},
                   {"branch", req.branch},     {"main", o.main_branch},
                   {"strategy", req.strategy}, {"message", o.message},
                   {"pushed", o.pushed},       {"commits", commits_json(o.commits)}};
    switch (o.kind) {
    case K::merged:
        record_merged(d, req.project, id, req.branch, join(tickets, ","), o.commits);
        close_upstream(d, req.project, id, tickets);
        [[fallthrough]];
    case K::nothing:
        (void)d.store().record_event("merge", id + " " + o.message);
        d.orchestrators().release_claims(req.project, id); // publishes `claim` events
        answer["merged"] = o.kind == K::merged;
        r.ok(answer);
        sup.retire(id); // after the answer: the agent reads it, ends its turn, then stops
        return;
    case K::pull_request:
        if (!o.pr_existed && req.existing_pr_url.empty()) {
            CommitRecord rec;
            rec.project = req.project;
            rec.agent_id = id;
            rec.ticket = join(tickets, ",");
            rec.sha = o.commits.empty() ? "" : o.commits.back().sha;
            rec.subject =
                req.title.empty() && !o.commits.empty() ? o.commits.front().subject : req.title;
            rec.branch = req.branch;
            rec.strategy = "pull-request";
            rec.pr_url = o.pr_url;
            rec.ts_ms = ts;
            if (auto s = d.store().record_commit(rec); !s) log::error(s.error());
            sup.events().publish(req.project, id,
                                 {{"event", msg::kEvPullRequestOpened},
                                  {"project", req.project},
                                  {"agent_id", id},
                                  {"sha", rec.sha},
                                  {"subject", rec.subject},
                                  {"pr_url", o.pr_url},
                                  {"ts_ms", ts}});
        }
        (void)d.store().record_event("merge", id + " " + o.message);
        d.orchestrators().pull_requests().watch(req.project, id, o.pr_url);
        answer["merged"] = false;
        answer["pr_url"] = o.pr_url;
        r.ok(answer); // the agent stays, with its claims, for review feedback
        return;
    case K::conflict:
        (void)d.store().record_event("merge.conflict", id + " " + join(o.conflicts, " "));
        r.fail(o.message);
        // Also as a message: the agent reads it after the current turn even
        // when the tool output of `fab agent done` got lost.
        sup.send(id, o.message, [id](Status s) {
            if (!s) log::warn("agent " + id + ": conflict message: " + s.error());
        });
        return;
    case K::failed:
        (void)d.store().record_event("merge.failed", id + " " + o.message);
        r.fail("merge failed: " + o.message);
        return;
    }
}

} // namespace

void recover_interrupted_merges(Daemon& d) {
    for (const auto& p : d.registry().config().projects) {
        std::string dir = d.paths().project_dir(p.name);
        std::error_code ec;
        std::vector<std::string> journals;
        for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
            std::string name = e.path().filename().string();
            if (name.rfind("merging-", 0) == 0 && name.size() > 13 &&
                name.compare(name.size() - 5, 5, ".json") == 0)
                journals.push_back(e.path().string());
        }
        for (const auto& path : journals) {
            auto text = read_file(path);
            Json j = text ? Json::parse(*text, nullptr, false) : Json();
            std::string agent = j.is_object() ? j.value("agent_id", "") : "";
            std::string branch = j.is_object() ? j.value("branch", "") : "";
            std::string main = j.is_object() ? j.value("main", "") : "";
            std::string old_main = j.is_object() ? j.value("old_main", "") : "";
            if (agent.empty() || branch.empty() || main.empty() || old_main.empty()) {
                log::warn("merge journal " + path + " is unreadable; removed");
                ::unlink(path.c_str());
                continue;
            }
            std::string repo = d.paths().project_repo(p.name), project = p.name;
            // Did main reach the branch before the daemon died? Then the
            // branch's commits are merged: log them (the push, if it did not
            // happen, is made by the agent's next `fab agent done`).
            // `merge-base --is-ancestor branch main`, then `log --reverse
            // old_main..branch`: both through libgit2, on the thread pool.
            struct Found {
                Result<bool> merged = false;
                Result<std::vector<merge::Commit>> commits = std::vector<merge::Commit>{};
            };
            d.git().query<Found>(
                [repo, branch, main, old_main]() -> Result<Found> {
                    Found f{gitq::is_ancestor(repo, branch, main), std::vector<merge::Commit>{}};
                    if (f.merged && *f.merged) f.commits = gitq::log(repo, old_main, branch);
                    return f;
                },
                [&d, project, agent, branch, path](Result<Found> f) {
                    if (!f->merged || !*f->merged) {
                        ::unlink(path.c_str()); // main never moved: nothing to log
                        return;
                    }
                    if (!f->commits) return; // kept for the next start
                    std::string tickets;
                    if (auto cl = d.store().claims(project); cl)
                        for (const auto& c : *cl)
                            if (c.agent_id == agent)
                                tickets += (tickets.empty() ? "" : ",") + c.ticket;
                    const auto& commits = *f->commits;
                    log::info("merge of " + branch + " was interrupted after main moved; " +
                              "logging its " + std::to_string(commits.size()) + " commit(s)");
                    record_merged(d, project, agent, branch, tickets, commits);
                    ::unlink(path.c_str());
                });
        }
    }
}

Status register_merge_handlers(Router& router, Daemon& d) {
    auto agent_done = [&d](const Request& q, const Reply& r) {
        std::string id = require(q, "id", r);
        if (id.empty()) return;
        Agent* a = d.supervisor().find(id);
        if (!a) return r.fail("no agent \"" + id + "\"");
        if (is_final(a->state)) return r.fail("agent " + id + " has already " + a->rec.state);
        if (a->rec.retiring) return r.fail("agent " + id + " is done: its work is merged already");
        if (d.merges().in_progress(id) || d.merges().preparing(id))
            return r.fail("a merge of agent " + id + "'s branch is already in progress");
        if (a->rec.branch.rfind("fab/", 0) != 0)
            return r.fail("agent " + id + " works on " + a->rec.branch +
                          ", not on a fab/ branch: nothing to merge");
        if (auto s = d.registry().reload_if_changed(); !s) log::warn("config: " + s.error());
        const ProjectConfig* p = d.registry().config().project(a->rec.project);
        if (!p) return r.fail("no project \"" + a->rec.project + "\"");

        auto req = std::make_shared<merge::Request>();
        req->project = a->rec.project;
        req->agent_id = id;
        req->repo = d.paths().project_repo(a->rec.project);
        req->worktree = a->rec.worktree;
        req->branch = a->rec.branch;
        req->strategy = p->merge_strategy.empty() ? "direct" : p->merge_strategy;
        req->journal = journal_path(d, req->project, id);
        auto tickets = std::make_shared<std::vector<std::string>>();
        if (auto cl = d.store().claims(req->project); cl)
            for (const auto& c : *cl)
                if (c.agent_id == id) tickets->push_back(c.ticket);
        if (req->strategy == "pull-request") {
            if (auto cs = d.store().recent_commits(req->project, 1000); cs)
                for (const auto& c : *cs)
                    if (c.strategy == "pull-request" && c.agent_id == id && !c.pr_url.empty()) {
                        req->existing_pr_url = c.pr_url;
                        break;
                    }
            req->body = tickets->empty() ? "" : "Tickets: " + join(*tickets, ", ");
        }
        log::info("agent " + id + ": done; merging " + req->branch + " (" + req->strategy + ")");
        d.merges().mark_preparing(id);
        ev::queue_work(
            d.loop(), [req, tickets] { req->title = ticket_title(req->worktree, *tickets); },
            [&d, req, tickets, r] {
                d.merges().unmark_preparing(req->agent_id);
                d.merges().submit(*req, [&d, req, tickets, r](merge::Outcome o) {
                    on_outcome(d, *req, *tickets, std::move(o), r);
                });
            });
    };

    // pull_request.check {agent_id}: daemon/orchestrator/pr_watch.hpp.
    auto pull_request_check = [&d](const Request& q, const Reply& r) {
        d.orchestrators().pull_requests().check_now(
            field_string(q.payload, "agent_id"),
            [r](Result<Json> out) { out ? r.ok(*out) : r.fail(out.error()); });
    };

    auto branch_cleanup = [&d](const Request& q, const Reply& r) {
        std::vector<std::string> projects;
        std::string only = field_string(q.payload, "project");
        if (auto s = d.registry().reload_if_changed(); !s) log::warn("config: " + s.error());
        for (const auto& p : d.registry().config().projects)
            if (only.empty() || p.name == only) projects.push_back(p.name);
        if (!only.empty() && projects.empty()) return r.fail("no project \"" + only + "\"");
        cleanup_branches(d, projects, field_bool(q.payload, "dry_run", false),
                         [r](Json result) { r.ok(result); });
    };

    return router.add({
        {msg::kAgentDone, agent_done},
        {msg::kBranchCleanup, branch_cleanup},
        {msg::kPullRequestCheck, pull_request_check},
    });
}

} // namespace fab
