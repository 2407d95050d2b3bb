#include "daemon/handlers/project_remove.hpp"

#include "daemon/agents/attic.hpp"
#include "daemon/agents/porcelain.hpp"
#include "daemon/agents/supervisor.hpp"
#include "daemon/agents/worktree.hpp"
#include "daemon/daemon.hpp"
#include "daemon/git/worktree_link.hpp"
#include "daemon/orchestrator/git_cmd.hpp"
#include "daemon/orchestrator/merge.hpp"
#include "ev/stream.hpp"
#include "ev/timer.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <memory>
#include <unistd.h>

namespace fab {

namespace {

// How long --force waits for the project's agents (and every process they
// started) to be gone before it gives up and deletes nothing.
constexpr int64_t kStopTimeoutMs = 30000;
constexpr uint64_t kStopPollMs = 50;

bool pid_alive(int pid) {
    return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
}

// Processes that carry one of `ids` as FAB_AGENT_ID: an agent's CLI and
// everything it started (they inherit it), wherever their host is. Reads
// /proc; blocks, so thread pool only.
std::vector<int> processes_of(const std::vector<std::string>& ids) {
    std::vector<int> pids;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("/proc", ec)) {
        auto pid = parse_int(e.path().filename().string());
        if (!pid || *pid == ::getpid()) continue; // a daemon started by an agent inherits its id
        auto env = read_file(e.path().string() + "/environ"); // fails for others' processes
        if (!env) continue;
        for (const auto& id : ids)
            if (env->find("FAB_AGENT_ID=" + id + std::string(1, '\0')) != std::string::npos ||
                env->rfind("FAB_AGENT_ID=" + id, 0) == 0) {
                pids.push_back(static_cast<int>(*pid));
                break;
            }
    }
    return pids;
}

std::string plural(int64_t n, const std::string& one) {
    return std::to_string(n) + " " + one + (n == 1 ? "" : "s");
}

struct AgentItem {
    std::string id, kind, state, worktree;
    int host_pid = 0, cli_pid = 0;
};
struct DirtyTree {
    std::string path, branch;
    std::vector<std::string> files;
};
// A worktree on a detached HEAD with commits no branch or remote has (a
// rebase in progress, a checkout of a commit): saved from its HEAD.
struct DetachedTree {
    std::string path, head;
    int64_t commits = 0;
};
struct AtRiskBranch {
    std::string ref; // refs/heads/…
    int64_t commits = 0;
    bool main = false; // counted against origin, not against main
};

struct Removal : std::enable_shared_from_this<Removal> {
    Daemon& d;
    std::string name, repo, dir;
    bool force;
    std::function<void(Result<Json>)> done;

    std::vector<AgentItem> stopping;
    std::shared_ptr<ev::Timer> poll; // its callback holds this Removal: see drop_poll
    int64_t deadline_ms = 0;
    bool scanning = false; // a /proc scan is on the thread pool

    std::function<void()> release; // the exclusive sections (merges, worktrees)
    std::vector<porcelain::WorktreeEntry> trees;
    size_t tree_ix = 0;
    std::vector<DirtyTree> dirty;
    std::vector<DetachedTree> detached;
    std::vector<std::string> stashes; // "stash@{0}", …: kept in the clone's reflog only
    std::string main_ref;
    bool has_remote = false;
    std::vector<std::string> refs;
    size_t ref_ix = 0;
    std::vector<AtRiskBranch> branches;
    // What no git command can save: directories under worktrees/ and
    // manager/ that git does not know as worktrees (metadata pruned, a copy
    // made by hand) and the project's own permission rules. Moved, not deleted.
    struct Stray {
        std::string path, what;
    };
    std::vector<Stray> strays;

    std::string attic_dir;
    std::vector<attic::Item> saved;
    size_t save_ix = 0, detached_ix = 0, stash_ix = 0;

    Removal(Daemon& dd, std::string n, bool f, std::function<void(Result<Json>)> fn)
        : d(dd), name(std::move(n)), repo(d.paths().project_repo(name)),
          dir(d.paths().project_dir(name)), force(f), done(std::move(fn)) {}

    // Stops the poll and frees it from a later callback: the timer's own
    // callback may be running now, and it holds the last reference to us.
    void drop_poll() {
        if (!poll) return;
        poll->stop();
        ev::queue_work(
            d.loop(), [] {}, [t = std::move(poll)] {});
    }

    void end(Result<Json> r) {
        drop_poll();
        if (release) std::exchange(release, nullptr)();
        if (done) std::exchange(done, nullptr)(std::move(r));
    }
    void fail(const std::string& why) { end(make_error(why)); }

    // Agents bound to the project: its own (any kind), and any working under
    // its directory. Live = may still run a process: not ended, or failed
    // with its CLI still up.
    std::vector<AgentItem> live_agents() {
        std::vector<AgentItem> out;
        for (const auto& j : d.supervisor().list_json("")) {
            Agent* a = d.supervisor().find(j.value("id", ""));
            if (!a) continue;
            bool bound = a->rec.project == name || a->rec.worktree.rfind(dir + "/", 0) == 0;
            bool live = !is_final(a->state) || (a->state == AgentState::failed && a->link &&
                                                a->link->connected() && !a->cli_exited);
            if (bound && live)
                out.push_back({a->rec.id, a->rec.kind, a->rec.state, a->rec.worktree, 0, 0});
        }
        return out;
    }

    void start() {
        if (force) return stop_agents();
        locked();
    }

    // ---- --force: stop every agent, wait until no process of theirs is left ----

    void stop_agents() {
        stopping = live_agents();
        if (stopping.empty()) return locked();
        // No new task agent while the project goes away (a no-op when stopped).
        if (auto s = d.orchestrators().stop_project(name); !s)
            log::warn("project " + name + ": " + s.error());
        auto self = shared_from_this();
        auto left = std::make_shared<size_t>(stopping.size());
        auto one_done = [self, left] {
            if (--*left == 0) self->wait_stopped();
        };
        for (size_t i = 0; i < stopping.size(); ++i) {
            std::string id = stopping[i].id;
            auto abort = [self, id, one_done] {
                log::info("project " + self->name + ": stopping agent " + id);
                self->d.supervisor().abort(id, true, [self, id, one_done](Status s) {
                    if (!s) log::warn("project " + self->name + ": abort " + id + ": " + s.error());
                    one_done();
                });
            };
            Agent* a = d.supervisor().find(id);
            if (!a || !a->link || !a->link->connected()) {
                abort();
                continue;
            }
            // The pids first: the host is gone only when they are.
            a->link->request("host.status", Json::object(), [self, i, abort](Result<Json> r) {
                if (r) {
                    self->stopping[i].host_pid = r->value("pid", 0);
                    self->stopping[i].cli_pid = r->value("cli_pid", 0);
                }
                abort();
            });
        }
    }

    std::vector<std::string> still_running() {
        std::vector<std::string> ids;
        for (const auto& s : stopping) {
            Agent* a = d.supervisor().find(s.id);
            bool ended = !a || is_final(a->state);
            if (!ended || pid_alive(s.host_pid) || pid_alive(s.cli_pid)) ids.push_back(s.id);
        }
        return ids;
    }

    void wait_stopped() {
        deadline_ms = monotonic_ms() + kStopTimeoutMs;
        poll = std::make_shared<ev::Timer>(d.loop());
        auto self = shared_from_this();
        poll->start(0, kStopPollMs, [self] { self->check_stopped(); });
    }

    // Every tick: the agents ended and their host and CLI pids are gone; then
    // one scan of /proc for anything left that they started.
    void check_stopped() {
        if (scanning) return;
        auto left = still_running();
        if (!left.empty()) return give_up_maybe("agent(s) " + join(left, ", "));
        scanning = true;
        std::vector<std::string> ids;
        for (const auto& a : stopping) ids.push_back(a.id);
        auto found = std::make_shared<std::vector<int>>();
        auto self = shared_from_this();
        ev::queue_work(
            d.loop(), [ids, found] { *found = processes_of(ids); },
            [self, found] {
                self->scanning = false;
                if (!self->done) return; // gave up meanwhile
                if (!found->empty()) {
                    std::vector<std::string> pids;
                    for (int p : *found) pids.push_back(std::to_string(p));
                    return self->give_up_maybe("process(es) " + join(pids, ", ") +
                                               " the agents started");
                }
                self->drop_poll();
                log::info("project " + self->name + ": its agents are stopped");
                self->locked();
            });
    }

    void give_up_maybe(const std::string& who) {
        if (monotonic_ms() < deadline_ms) return;
        fail(who + " did not stop within " + std::to_string(kStopTimeoutMs / 1000) +
             " s; nothing was deleted");
    }

    // ---- the survey, under the project's merge queue and worktree queue ----

    void locked() {
        auto self = shared_from_this();
        merge::run_exclusive(name, [self](std::function<void()> merges_done) {
            worktree::exclusive(self->repo, [self, merges_done](std::function<void()> trees_done) {
                self->release = [merges_done, trees_done] {
                    trees_done();
                    merges_done();
                };
                self->survey();
            });
        });
    }

    void git(std::vector<std::string> args, const safegit::Where& in,
             std::function<void(ev::ProcessResult)> next) {
        gitcmd::run(d.loop(), in, std::move(args),
                    [self = shared_from_this(), next](ev::ProcessResult r) { next(std::move(r)); });
    }

    void survey() {
        if (!path_exists(repo)) return decide(); // a half-made project: nothing in git
        git({"worktree", "list", "--porcelain", "-z"}, repo, [this](ev::ProcessResult r) {
            if (!r.ok()) return fail(gitcmd::failure("git worktree list in " + repo, r));
            for (auto& t : porcelain::parse_worktrees(r.out))
                if (!t.bare && path_exists(t.path)) trees.push_back(std::move(t));
            find_strays();
        });
    }

    void find_strays() {
        std::vector<std::string> known;
        for (const auto& t : trees) known.push_back(t.path);
        auto found = std::make_shared<std::vector<Stray>>();
        std::string root = dir;
        auto self = shared_from_this();
        ev::queue_work(
            d.loop(),
            [root, known, found] {
                namespace fs = std::filesystem;
                std::error_code ec;
                std::vector<fs::path> git_knows;
                for (const auto& k : known) git_knows.push_back(fs::weakly_canonical(k, ec));
                for (const char* sub : {"/worktrees", "/manager"}) {
                    for (const auto& e : fs::directory_iterator(root + sub, ec)) {
                        if (!e.is_directory(ec) || e.is_symlink(ec)) continue;
                        fs::path p = fs::weakly_canonical(e.path(), ec);
                        bool is_known = false;
                        for (const auto& g : git_knows) is_known = is_known || g == p;
                        if (!is_known)
                            found->push_back({e.path().string(), "not a worktree git knows"});
                    }
                }
                // Rules the user wrote (`fab permission allow --always` too).
                if (fs::exists(root + "/permissions.ini", ec))
                    found->push_back({root + "/permissions.ini", "the project's permission rules"});
            },
            [self, found] {
                self->strays = std::move(*found);
                self->tree_ix = 0;
                self->next_tree();
            });
    }

    void next_tree() {
        if (tree_ix >= trees.size()) return find_main();
        const auto& t = trees[tree_ix++];
        // A worktree whose .git link an agent rewrote is not run git in (its
        // git dir could name an fsmonitor or a filter): it is kept whole, as
        // a stray that --force moves to the attic as it is.
        safegit::Where where(t.path);
        if (t.path != repo) {
            auto link = safegit::verify_worktree(repo, t.path);
            if (!link) {
                strays.push_back({t.path, link.error()});
                return next_tree();
            }
            where = safegit::Where(t.path, *link);
        }
        git({"status", "--porcelain", "-z"}, where, [this, t](ev::ProcessResult r) {
            if (!r.ok()) return fail(gitcmd::failure("git status in " + t.path, r));
            auto files = porcelain::status_paths(r.out);
            std::string branch = t.branch.rfind("refs/heads/", 0) == 0 ? t.branch.substr(11) : "";
            if (!files.empty()) dirty.push_back({t.path, branch, std::move(files)});
            if (!t.branch.empty() || t.head.empty()) return next_tree();
            git({"rev-list", "--count", t.head, "--not", "--branches", "--remotes"}, repo,
                [this, t](ev::ProcessResult c) {
                    auto n = parse_int(gitcmd::first_line(c.out));
                    if (!c.ok() || !n) return fail(gitcmd::failure("git rev-list " + t.head, c));
                    if (*n > 0) detached.push_back({t.path, t.head, *n});
                    next_tree();
                });
        });
    }

    void find_main() {
        git({"symbolic-ref", "--quiet", "HEAD"}, repo, [this](ev::ProcessResult r) {
            main_ref = r.ok() ? gitcmd::first_line(r.out) : "";
            git({"remote"}, repo, [this](ev::ProcessResult rm) {
                has_remote = rm.ok() && !gitcmd::lines(rm.out).empty();
                git({"for-each-ref", "--format=%(refname)", "refs/heads/"}, repo,
                    [this](ev::ProcessResult fr) {
                        if (!fr.ok()) return fail(gitcmd::failure("git for-each-ref", fr));
                        refs = gitcmd::lines(fr.out); // ref names hold no spaces
                        git({"stash", "list", "--format=%gd"}, repo, [this](ev::ProcessResult sl) {
                            if (sl.ok()) stashes = gitcmd::lines(sl.out);
                            ref_ix = 0;
                            next_ref();
                        });
                    });
            });
        });
    }

    void next_ref() {
        if (ref_ix >= refs.size()) return decide();
        std::string ref = refs[ref_ix++];
        bool is_main = ref == main_ref;
        std::vector<std::string> args = {"rev-list", "--count"};
        if (is_main) {
            // What origin lacks; with no remote at all, every commit is only here.
            args.push_back(ref);
            if (has_remote) args.insert(args.end(), {"--not", "--remotes"});
        } else {
            args.push_back((main_ref.empty() ? std::string("HEAD") : main_ref) + ".." + ref);
        }
        git(args, repo, [this, ref, is_main](ev::ProcessResult r) {
            auto n = parse_int(gitcmd::first_line(r.out));
            if (!r.ok() || !n) return fail(gitcmd::failure("git rev-list " + ref, r));
            if (*n > 0) branches.push_back({ref, *n, is_main});
            next_ref();
        });
    }

    // ---- refuse, save, delete ----

    std::string main_name() const {
        return main_ref.empty() ? "HEAD" : main_ref.substr(main_ref.rfind('/') + 1);
    }

    std::string describe(const std::vector<AgentItem>& agents) const {
        std::string s = "project \"" + name + "\" has work that deleting " + dir + " would lose:";
        for (const auto& a : agents)
            s += "\n  agent " + a.id + " (" + a.kind + ", " + a.state + ") is running in " +
                 a.worktree;
        for (const auto& t : dirty) {
            std::vector<std::string> files = t.files;
            if (files.size() > 10) {
                files.resize(10);
                files.push_back("…");
            }
            s += "\n  uncommitted changes in " + t.path +
                 (t.branch.empty() ? "" : " (branch " + t.branch + ")") + ": " + join(files, ", ");
        }
        for (const auto& t : detached)
            s += "\n  detached HEAD of " + t.path + ": " + plural(t.commits, "commit") +
                 " on no branch";
        for (const auto& p : strays) s += "\n  " + p.path + ": " + p.what;
        if (!stashes.empty())
            s += "\n  the stash of " + repo + ": " + std::to_string(stashes.size()) +
                 (stashes.size() == 1 ? " entry" : " entries");
        for (const auto& b : branches) {
            std::string br = b.ref.substr(11);
            s += "\n  branch " + br + ": " + plural(b.commits, "commit") +
                 (b.main ? (has_remote ? " that origin lacks" : " and the clone has no remote")
                         : " not merged into " + main_name());
        }
        s += "\n--force stops the project's agents, saves the branches (a git bundle) and the "
             "uncommitted changes (patches) in " +
             d.paths().fab_dir + "/attic/" + name + "-<time>/, then deletes " + dir +
             "; --keep-files forgets the project and leaves its files as they are";
        return s;
    }

    bool at_risk() const {
        return !dirty.empty() || !detached.empty() || !branches.empty() || !strays.empty() ||
               !stashes.empty();
    }

    void decide() {
        // Checked again here, synchronously: an agent may have started while git ran.
        auto agents = live_agents();
        if (!force) {
            if (!agents.empty() || at_risk()) return fail(describe(agents));
            return remove();
        }
        if (!agents.empty())
            return fail("agent " + agents.front().id + " started in project " + name +
                        " meanwhile; nothing was deleted");
        if (!at_risk()) return remove();
        auto made = attic::make_dir(d.paths().fab_dir, name);
        if (!made) return fail("cannot save the work: " + made.error() + "; nothing was deleted");
        attic_dir = *made;
        save_branches();
    }

    void save_failed(const std::string& why) {
        fail("saving the work in " + attic_dir + " failed: " + why + "; nothing was deleted" +
             (stopping.empty() ? "" : " (its agents and its orchestrator are stopped)"));
    }

    void save_branches() {
        std::vector<std::string> at_risk;
        std::vector<std::string> names;
        for (const auto& b : branches) {
            at_risk.push_back(b.ref);
            names.push_back(b.ref.substr(11) + " (" + plural(b.commits, "commit") + ")");
        }
        if (at_risk.empty()) return save_next_detached();
        std::string file = attic_dir + "/branches.bundle";
        attic::save_refs(d.loop(), repo, at_risk, file,
                         [self = shared_from_this(), names](Status s) {
                             if (!s) return self->save_failed(s.error());
                             self->saved.push_back({"branches " + join(names, ", "),
                                                    "branches.bundle", "a git bundle"});
                             self->save_next_detached();
                         });
    }

    void save_next_detached() {
        if (detached_ix >= detached.size()) return save_next_tree();
        const DetachedTree& t = detached[detached_ix++];
        std::string file = label_of(t.path) + "-HEAD.bundle";
        // Run in the worktree: its HEAD is the ref the bundle records.
        attic::save_refs(d.loop(), t.path, {"HEAD"}, attic_dir + "/" + file,
                         [self = shared_from_this(), t, file](Status s) {
                             if (!s) return self->save_failed(s.error());
                             self->saved.push_back({"detached HEAD of " + t.path + " (" +
                                                        plural(t.commits, "commit") +
                                                        " on no branch)",
                                                    file, "a git bundle of commit " + t.head});
                             self->save_next_detached();
                         });
    }

    std::string label_of(const std::string& path) const {
        return path == repo ? "repo" : std::filesystem::path(path).filename().string();
    }

    void save_next_tree() {
        if (save_ix >= dirty.size()) return save_next_stash();
        const DirtyTree& t = dirty[save_ix++];
        std::string file = label_of(t.path) + ".patch";
        safegit::Where where(t.path);
        if (t.path != repo) {
            auto link = safegit::verify_worktree(repo, t.path);
            if (!link) return save_failed(link.error());
            where = safegit::Where(t.path, *link);
        }
        attic::save_changes(d.loop(), where, attic_dir + "/" + file,
                            [self = shared_from_this(), t, file](Result<attic::Changes> c) {
                                if (!c) return self->save_failed(c.error());
                                if (c->saved)
                                    self->saved.push_back(
                                        {"uncommitted changes of " + t.path +
                                             (t.branch.empty() ? "" : " (branch " + t.branch + ")"),
                                         file,
                                         c->base.empty() ? "applies on an empty tree"
                                                         : "applies on commit " + c->base});
                                if (!c->ignored_list.empty())
                                    self->saved.push_back(
                                        {"ignored files of " + t.path, c->ignored_list,
                                         std::to_string(c->ignored_entries) + " listed, " +
                                             std::to_string(c->ignored_copied) +
                                             " copied beside it (.ignored/)"});
                                self->save_next_tree();
                            });
    }

    // Each stash entry as a patch against the commit it was made on, its
    // untracked files included.
    void save_next_stash() {
        if (stash_ix >= stashes.size()) return move_strays();
        size_t i = stash_ix++;
        std::string entry = stashes[i];
        std::string file = "stash-" + std::to_string(i) + ".patch";
        git({"stash", "show", "-p", "--binary", "--include-untracked", "--no-color",
             "--no-ext-diff", "--output=" + attic_dir + "/" + file, entry},
            repo, [this, entry, file](ev::ProcessResult r) {
                if (!r.ok()) return save_failed(gitcmd::failure("git stash show " + entry, r));
                git({"rev-parse", "--verify", "--quiet", entry + "^1"}, repo,
                    [this, entry, file](ev::ProcessResult b) {
                        saved.push_back({entry + " of " + repo, file,
                                         "applies on commit " + gitcmd::first_line(b.out)});
                        save_next_stash();
                    });
            });
    }

    void move_strays() {
        if (strays.empty()) return write_manifest();
        auto moved = std::make_shared<std::vector<attic::Item>>();
        auto err = std::make_shared<std::string>();
        std::vector<Stray> from = strays;
        std::string to = attic_dir;
        auto self = shared_from_this();
        ev::queue_work(
            d.loop(),
            [from, to, moved, err] {
                for (const auto& p : from) {
                    std::string base = std::filesystem::path(p.path).filename().string();
                    std::error_code ec;
                    // Same file system ($FAB_DIR): a rename, never a copy then delete.
                    std::filesystem::rename(p.path, to + "/" + base, ec);
                    if (ec) {
                        *err = "moving " + p.path + ": " + ec.message();
                        return;
                    }
                    moved->push_back({p.path + " (" + p.what + ")", base, "moved as it was"});
                }
            },
            [self, moved, err] {
                for (auto& m : *moved) self->saved.push_back(std::move(m));
                if (!err->empty()) return self->save_failed(*err);
                self->write_manifest();
            });
    }

    void write_manifest() {
        attic::write_manifest(d.loop(), attic_dir,
                              "Work saved by `fab project remove " + name + " --force` from " +
                                  dir + " at " + format_iso8601_ms(now_ms()),
                              saved, [self = shared_from_this()](Status s) {
                                  if (!s) return self->save_failed(s.error());
                                  log::info("project " + self->name + ": work saved in " +
                                            self->attic_dir);
                                  self->remove();
                              });
    }

    void remove() {
        if (auto s = d.registry().remove_project(name); !s) return fail(s.error());
        (void)d.store().remove_project(name);
        (void)d.store().record_event("project.remove",
                                     name + (attic_dir.empty() ? "" : " saved " + attic_dir));
        log::info("project " + name + ": removed; deleting " + dir);
        auto err = std::make_shared<std::string>();
        std::string path = dir;
        auto self = shared_from_this();
        ev::queue_work(
            d.loop(),
            [path, err] {
                std::error_code ec;
                std::filesystem::remove_all(path, ec);
                if (ec) *err = ec.message();
            },
            [self, err] {
                Json items = Json::array();
                for (const auto& it : self->saved)
                    items.push_back({{"file", it.file}, {"what", it.what}, {"detail", it.detail}});
                if (!err->empty()) log::warn("project " + self->name + ": deleting: " + *err);
                self->end(Json{{"name", self->name},
                               {"deleted", err->empty()},
                               {"dir", self->dir},
                               {"error", *err},
                               {"attic", self->attic_dir},
                               {"saved", items}});
            });
    }
};

} // namespace

void remove_project_safely(Daemon& d, const std::string& name, bool force,
                           std::function<void(Result<Json>)> done) {
    auto r = std::make_shared<Removal>(d, name, force, std::move(done));
    r->start();
}

} // namespace fab
