#include "daemon/orchestrator/project_orchestrator.hpp"

#include "daemon/daemon.hpp"
#include "daemon/git/safe_git.hpp"
#include "daemon/orchestrator/kickstart.hpp"
#include "daemon/orchestrator/merge.hpp"
#include "ev/stream.hpp"
#include "issues/backend.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

namespace fab {

size_t agents_to_spawn(const SpawnInputs& in) {
    if (in.active >= in.max_agents) return 0;
    size_t slots = in.max_agents - in.active;
    // Agents that have not claimed yet will take ready tickets: only the
    // tickets beyond them need a new agent (else a burst of events would
    // start several agents for one ticket).
    size_t wanted = in.ready > in.unclaimed ? in.ready - in.unclaimed : 0;
    return std::min(slots, wanted);
}

ProjectOrchestrator::ProjectOrchestrator(Daemon& d, std::string project)
    : d_(d), project_(std::move(project)) {}

ProjectOrchestrator::~ProjectOrchestrator() = default;

void ProjectOrchestrator::start() {
    log::info("project " + project_ + ": orchestrator started");
    // tk: kPollMs (and the watch); API backends: their poll-interval.
    uint64_t every = kPollMs;
    if (const ProjectConfig* p = d_.registry().config().project(project_))
        every = d_.issues().poll_ms(*p);
    poll_ = std::make_unique<ev::Timer>(d_.loop());
    poll_->start(every, every, [this] { scan(true); });
    debounce_ = std::make_unique<ev::Timer>(d_.loop());
    scan(true);
}

void ProjectOrchestrator::poke() {
    if (debounce_) debounce_->start(kDebounceMs, 0, [this] { scan(false); });
}

void ProjectOrchestrator::watch() {
    // (Re-)armed on every poll: a .tickets/ that was deleted and made again
    // (a checkout can do that) has a new inode the old watch does not see.
    std::string repo = d_.paths().project_repo(project_);
    if (!watch_) watch_ = std::make_unique<ev::FsEvent>(d_.loop());
    if (auto s = issues::check_tickets_dir(repo + "/.tickets"); !s) {
        // Not followed out of the clone; each scan reports it (load_dir).
        log::debug("project " + project_ + ": " + s.error());
        watch_->stop();
        watching_tickets_ = false;
        return;
    }
    if (watch_->start(repo + "/.tickets", [this](const std::string&) { poke(); }) == 0) {
        watching_tickets_ = true;
        return;
    }
    // No .tickets/ yet: watch the clone until one appears.
    watching_tickets_ = false;
    int rc = watch_->start(repo, [this](const std::string& name) {
        if (name == ".tickets") poke();
    });
    if (rc != 0)
        log::warn("project " + project_ + ": cannot watch " + repo + ": " + uv_strerror(rc) +
                  " (polling only)");
}

void ProjectOrchestrator::scan(bool sync_remote) {
    if (scanning_) {
        again_ = true;
        again_sync_ = again_sync_ || sync_remote;
        return;
    }
    if (auto s = d_.registry().reload_if_changed(); !s) log::warn("config: " + s.error());
    if (!d_.registry().config().project(project_)) {
        if (on_gone) on_gone(project_); // may destroy this: nothing after it
        return;
    }
    if (!IssueBackends::is_api(*d_.registry().config().project(project_)) &&
        (sync_remote || !watching_tickets_))
        watch();
    if (sync_remote && !syncing_) sync_remote_main();
    scanning_ = true;
    load();
}

// When the clone has an `origin`, bring its main line up to date first so
// tickets pushed elsewhere are seen; skipped when tracked files are modified
// (a merge would refuse or, worse, mix in someone's edit). Failures only
// delay the sync to the next poll. Exclusive with merges (the main_line lane of git::RepoJobs),
// which move the clone's main too; scans go on meanwhile.
void ProjectOrchestrator::sync_remote_main() {
    syncing_ = true;
    std::string repo = d_.paths().project_repo(project_);
    std::weak_ptr<ProjectOrchestrator> w = weak_from_this();
    git::Runner& g = d_.git();
    g.jobs().run(
        repo, git::RepoJobs::Lane::main_line,
        [w, &g, repo, name = project_](std::function<void()> release) {
            // A fast-forward that changes .tickets/ is seen by the watch.
            auto finish = [w, release](const std::string& why) {
                if (!why.empty()) log::debug(why);
                release();
                if (auto self = w.lock()) self->syncing_ = false;
            };
            if (w.expired()) return finish("");
            g.run(repo, {"remote"}, [=, &g](ev::ProcessResult r) {
                bool origin = false;
                for (size_t pos = 0; pos < r.out.size();) {
                    size_t nl = r.out.find('\n', pos);
                    if (r.out.substr(pos, nl - pos) == "origin") origin = true;
                    pos = nl == std::string::npos ? r.out.size() : nl + 1;
                }
                if (!r.ok() || !origin) return finish("");
                // The CLI, not libgit2: its scan of the work tree is no faster here
                // (bench-git-queries: 0.7-1.0x), and git runs in the clone next anyway.
                g.run(repo, {"status", "--porcelain", "-uno"}, [=, &g](ev::ProcessResult st) {
                    if (!st.ok() || !st.out.empty())
                        return finish("project " + name + ": clone has local changes; not syncing");
                    g.run(repo, {"fetch", "--quiet", "origin"}, [=, &g](ev::ProcessResult f) {
                        if (!f.ok())
                            return finish("project " + name +
                                          ": git fetch: " + f.last_error_line());
                        g.run(repo, {"merge", "--ff-only", "--quiet", "@{u}"},
                              [=](ev::ProcessResult m) {
                                  finish(m.ok() ? ""
                                                : "project " + name + ": git merge --ff-only: " +
                                                      m.last_error_line());
                              });
                    });
                });
            });
        });
}

void ProjectOrchestrator::load() {
    const ProjectConfig* p = d_.registry().config().project(project_);
    if (!p) return scan_done();
    struct Out {
        Result<issues::TicketSet> set = issues::TicketSet{};
        std::string kickstart, error;
        std::set<std::string> closed, still_open; // pending closes retried
    };
    auto out = std::make_shared<Out>();
    std::string kick_path = p->kickstart_prompt;
    auto backend = d_.issues().get(*p, d_.paths().project_repo(project_) + "/.tickets");
    if (!backend) {
        if (backend.error() != last_list_error_)
            log::error("project " + project_ + ": " + backend.error());
        last_list_error_ = backend.error();
        return scan_done();
    }
    std::set<std::string> pending = d_.issues().take_pending_close(project_);
    std::weak_ptr<ProjectOrchestrator> w = weak_from_this();
    ev::queue_work(
        d_.loop(),
        [out, b = *backend, kick_path, pending] {
            for (const auto& id : pending)
                (b->close(id) ? out->closed : out->still_open).insert(id);
            out->set = b->list("");
            if (kick_path.empty()) {
                out->kickstart = std::string(default_kickstart());
            } else if (auto t = read_file(kick_path); t) {
                out->kickstart = *t;
            } else {
                out->error = "kickstart-prompt " + kick_path + ": " + t.error();
            }
        },
        [w, out, &d = d_, name = project_] {
            for (const auto& id : out->still_open) d.issues().add_pending_close(name, id);
            for (const auto& id : out->closed)
                log::info("project " + name + ": closed issue " + id + " (a retry)");
            auto self = w.lock();
            if (!self) return;
            if (!out->set) {
                // Network down, bad token, rate limited: the last known list
                // stands (ready_ is kept) and nothing is started on a guess.
                if (out->set.error() != self->last_list_error_)
                    log::warn("project " + self->project_ + ": issues: " + out->set.error());
                self->last_list_error_ = out->set.error();
                return self->scan_done();
            }
            if (!self->last_list_error_.empty())
                log::info("project " + self->project_ + ": issues readable again");
            self->last_list_error_.clear();
            self->loaded(*out->set, out->kickstart, out->error);
        });
}

void ProjectOrchestrator::loaded(const issues::TicketSet& set, const std::string& kickstart,
                                 const std::string& kickstart_error) {
    for (const auto& pr : set.problems) {
        std::string line = pr.path + ":" + std::to_string(pr.line) + ": " + pr.message;
        if (reported_.insert(line).second) log::warn("project " + project_ + ": " + line);
    }
    // Merged work whose upstream close is still pending counts as claimed.
    std::set<std::string> claimed = d_.issues().pending_close(project_), holders;
    if (auto c = d_.store().claims(project_); c) {
        for (const auto& cl : *c) {
            claimed.insert(cl.ticket);
            holders.insert(cl.agent_id);
        }
    } else {
        log::error("project " + project_ + ": claims: " + c.error());
        return scan_done(); // without claims every ticket would look free
    }
    const ProjectConfig* pc = d_.registry().config().project(project_);
    if (!pc) return scan_done();
    // allowed-authors guards the API backends (an outsider's issue could
    // carry a prompt injection); tk tickets come through git, with no author.
    const std::vector<std::string> anyone;
    auto ready = issues::ready_for_agents(
        set, claimed, IssueBackends::is_api(*pc) ? pc->allowed_authors : anyone);
    bool changed = ready_ != static_cast<int64_t>(ready.size());
    ready_ = static_cast<int64_t>(ready.size());
    if (changed) log::debug("project " + project_ + ": " + std::to_string(ready_) + " ready");

    const ProjectConfig* p = d_.registry().config().project(project_);
    if (!p) return scan_done();
    SpawnInputs in;
    in.ready = ready.size();
    in.max_agents = static_cast<size_t>(p->max_agents);
    for (const auto& a : d_.supervisor().list_json(project_)) {
        AgentState st{};
        if (a.value("kind", "") != "task" || !parse_state(a.value("state", ""), st) || is_final(st))
            continue;
        ++in.active;
        if (!holders.count(a.value("id", ""))) ++in.unclaimed;
    }
    size_t n = agents_to_spawn(in);
    std::string why;
    if (n > 0 && now_ms() >= spawn_hold_until_) {
        if (!d_.orchestrators().may_spawn(project_, why)) {
            if (why != last_hold_) log::warn("project " + project_ + ": " + why);
            last_hold_ = why;
        } else if (!kickstart_error.empty()) {
            if (reported_.insert(kickstart_error).second)
                log::error("project " + project_ + ": " + kickstart_error +
                           "; no agents started until it can be read");
        } else {
            spawn(n, kickstart);
        }
    }
    scan_done();
}

void ProjectOrchestrator::spawn(size_t n, const std::string& prompt) {
    std::weak_ptr<ProjectOrchestrator> w = weak_from_this();
    for (size_t i = 0; i < n && now_ms() >= spawn_hold_until_; ++i) {
        CreateAgent c;
        c.project = project_;
        c.prompt = prompt;
        c.kind = "task";
        log::info("project " + project_ + ": starting a task agent for ready work");
        // create() counts the agent as live before it returns, so the next
        // scan sees it even while its worktree and host are being made.
        d_.supervisor().create(c, [w, name = project_](Result<Json> r) {
            if (r) {
                log::info("project " + name + ": started agent " + r->value("id", ""));
                return;
            }
            log::warn("project " + name + ": cannot start an agent: " + r.error());
            if (auto self = w.lock()) self->spawn_hold_until_ = now_ms() + kPollMs - 500;
        });
    }
}

void ProjectOrchestrator::scan_done() {
    scanning_ = false;
    if (!again_) return;
    bool sync = again_sync_;
    again_ = again_sync_ = false;
    if (sync)
        scan(true);
    else
        poke();
}

} // namespace fab
