#include "daemon/agents/disk_gc.hpp"

#include "daemon/agents/agent_delete.hpp"
#include "daemon/agents/supervisor.hpp"
#include "daemon/agents/worktree.hpp"
#include "daemon/daemon.hpp"
#include "daemon/orchestrator/branch_cleanup.hpp"
#include "daemon/roles/roles.hpp"
#include "ev/stream.hpp"
#include "util/disk_usage.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>

namespace fab::gc {

namespace fs = std::filesystem;

std::vector<std::string> expired_agents(Supervisor& s, int days, int64_t now) {
    std::vector<std::pair<int64_t, std::string>> old;
    if (days <= 0) return {};
    int64_t cutoff = now - int64_t{days} * 86400 * 1000;
    for (const auto& a : s.list_json("")) {
        Agent* ag = s.find(a.value("id", ""));
        if (!ag || !live_reason(*ag).empty()) continue;
        if (ag->rec.updated_ms < cutoff) old.emplace_back(ag->rec.updated_ms, ag->rec.id);
    }
    std::sort(old.begin(), old.end());
    std::vector<std::string> ids;
    for (auto& [t, id] : old) ids.push_back(std::move(id));
    return ids;
}

namespace {

Json item(const std::string& kind, const std::string& path, const std::string& project,
          uint64_t bytes, const std::string& action, const std::string& why = "") {
    Json j = {
        {"kind", kind}, {"path", path}, {"project", project}, {"bytes", bytes}, {"action", action}};
    if (!why.empty()) j["why"] = why;
    return j;
}

// Sizes of `paths`, summed, on the thread pool.
void measure(Daemon& d, std::vector<std::string> paths, std::function<void(uint64_t)> done) {
    auto bytes = std::make_shared<uint64_t>(0);
    ev::queue_work(
        d.loop(),
        [paths = std::move(paths), bytes] {
            for (const auto& p : paths) *bytes += disk_usage(p);
        },
        [bytes, done = std::move(done)] { done(*bytes); });
}

// Expired agents, one after the other.
struct Sweep : std::enable_shared_from_this<Sweep> {
    Daemon& d;
    bool dry_run;
    std::function<void(Json)> done;
    std::vector<std::string> ids;
    size_t ix = 0;
    Json items = Json::array();

    Sweep(Daemon& dd, bool dry, std::function<void(Json)> fn)
        : d(dd), dry_run(dry), done(std::move(fn)) {}

    void next() {
        if (ix >= ids.size()) return done(items);
        std::string id = ids[ix++];
        Agent* a = d.supervisor().find(id);
        if (!a) return next();
        std::string project = a->rec.project;
        std::string transcript = d.paths().agents_dir + "/" + id;
        auto self = shared_from_this();
        if (!dry_run) {
            return delete_agent(d, {id, false}, [self, id, project, transcript](Result<Json> r) {
                if (r) {
                    self->items.push_back(item("agent", transcript, project,
                                               (*r).value("freed_bytes", uint64_t{0}), "removed"));
                } else {
                    log::info("retention: agent " + id + " kept: " + r.error());
                    self->items.push_back(item("agent", transcript, project, 0, "kept", r.error()));
                }
                self->next();
            });
        }
        // Dry run: what delete_agent would refuse, and what it would free.
        std::string wt = a->rec.worktree, branch = a->rec.branch;
        std::string repo = d.paths().project_repo(project);
        bool owned = roles::owns_worktree(a->rec.kind) && !wt.empty() && fs::exists(repo);
        auto sized = [self, transcript, project, wt, owned](const std::string& why) {
            std::vector<std::string> paths = {transcript};
            if (owned) paths.push_back(wt);
            measure(self->d, paths, [self, transcript, project, why](uint64_t bytes) {
                self->items.push_back(item("agent", transcript, project, why.empty() ? bytes : 0,
                                           why.empty() ? "would remove" : "kept", why));
                self->next();
            });
        };
        if (!owned) return sized("");
        worktree::inspect(d.git(), repo, wt, branch, [sized, wt](Result<worktree::Leftover> r) {
            if (!r) return sized(r.error());
            sized(r->at_risk() ? wt + " holds " + r->describe() : "");
        });
    }
};

// fab gc: retention, then orphaned transcripts, orphaned worktrees, merged branches.
struct Collect : std::enable_shared_from_this<Collect> {
    Daemon& d;
    bool dry_run;
    std::function<void(Json)> done;
    Json items = Json::array();
    std::vector<std::pair<std::string, std::string>> orphan_trees; // project, path
    size_t tree_ix = 0;

    Collect(Daemon& dd, bool dry, std::function<void(Json)> fn)
        : d(dd), dry_run(dry), done(std::move(fn)) {}

    const char* removing() const { return dry_run ? "would remove" : "removed"; }
    bool known(const std::string& id) { return d.supervisor().find(id) != nullptr; }

    void start() {
        auto self = shared_from_this();
        sweep_retention(d, dry_run, [self](Json swept) {
            for (auto& i : swept) self->items.push_back(std::move(i));
            self->transcripts();
        });
    }

    // agents/<id> directories whose agent the daemon no longer knows.
    void transcripts() {
        std::vector<std::string> orphans;
        std::error_code ec;
        for (auto& e : fs::directory_iterator(d.paths().agents_dir, ec))
            if (e.is_directory() && !known(e.path().filename().string()))
                orphans.push_back(e.path().string());
        auto sizes = std::make_shared<std::vector<uint64_t>>();
        auto self = shared_from_this();
        bool dry = dry_run;
        ev::queue_work(
            d.loop(),
            [orphans, sizes, dry] {
                for (const auto& p : orphans) {
                    sizes->push_back(disk_usage(p));
                    std::error_code e2;
                    if (!dry) fs::remove_all(p, e2);
                }
            },
            [self, orphans, sizes] {
                for (size_t i = 0; i < orphans.size(); ++i)
                    self->items.push_back(
                        item("transcript", orphans[i], "", (*sizes)[i], self->removing()));
                self->worktrees();
            });
    }

    // projects/<name>/worktrees/wt-<id> that no agent owns.
    void worktrees() {
        for (const auto& p : d.registry().config().projects) {
            std::error_code ec;
            for (auto& e :
                 fs::directory_iterator(d.paths().project_dir(p.name) + "/worktrees", ec)) {
                std::string name = e.path().filename().string();
                if (name.rfind("wt-", 0) == 0 && !known(name.substr(3)))
                    orphan_trees.emplace_back(p.name, e.path().string());
            }
        }
        next_tree();
    }

    void next_tree() {
        if (tree_ix >= orphan_trees.size()) return branches();
        auto [project, path] = orphan_trees[tree_ix++];
        std::string repo = d.paths().project_repo(project);
        std::string branch = "fab/" + fs::path(path).filename().string().substr(3);
        auto self = shared_from_this();
        worktree::inspect(
            d.git(), repo, path, branch,
            [self, project, path, repo, branch](Result<worktree::Leftover> r) {
                std::string why = !r ? r.error() : r->at_risk() ? "holds " + r->describe() : "";
                measure(self->d, {path}, [=](uint64_t bytes) {
                    self->tree_checked(project, path, repo, branch, bytes, why);
                });
            });
    }

    void tree_checked(const std::string& project, const std::string& path, const std::string& repo,
                      const std::string& branch, uint64_t bytes, const std::string& why) {
        if (!why.empty()) {
            items.push_back(item("worktree", path, project, bytes, "kept", why));
            return next_tree();
        }
        if (dry_run) {
            items.push_back(item("worktree", path, project, bytes, removing()));
            return next_tree();
        }
        auto self = shared_from_this();
        worktree::remove(d.git(), repo, path, branch, [=](Status s) {
            self->items.push_back(s ? item("worktree", path, project, bytes, "removed")
                                    : item("worktree", path, project, 0, "kept", s.error()));
            self->next_tree();
        });
    }

    void branches() {
        std::vector<std::string> names;
        for (const auto& p : d.registry().config().projects) names.push_back(p.name);
        auto self = shared_from_this();
        cleanup_branches(d, names, dry_run, [self](Json r) {
            for (const auto& b : r["removed"])
                self->items.push_back(item("branch", b.value("branch", ""), b.value("project", ""),
                                           0, self->removing()));
            for (const auto& b : r["kept"])
                if (!b.value("branch", "").empty())
                    self->items.push_back(item("branch", b.value("branch", ""),
                                               b.value("project", ""), 0, "kept",
                                               b.value("why", "")));
            uint64_t freed = 0;
            for (const auto& i : self->items)
                if (i.value("action", "") != "kept") freed += i.value("bytes", uint64_t{0});
            self->done(
                {{"dry_run", self->dry_run}, {"items", self->items}, {"freed_bytes", freed}});
        });
    }
};

} // namespace

void sweep_retention(Daemon& d, bool dry_run, std::function<void(Json)> done) {
    auto s = std::make_shared<Sweep>(d, dry_run, std::move(done));
    s->ids =
        expired_agents(d.supervisor(), d.registry().config().defaults.agent_retention, now_ms());
    s->next();
}

void collect(Daemon& d, bool dry_run, std::function<void(Json)> done) {
    std::make_shared<Collect>(d, dry_run, std::move(done))->start();
}

void disk_used(Daemon& d, std::function<void(Json)> done) {
    struct Figures {
        uint64_t transcripts = 0, worktrees = 0, clones = 0, attic = 0, total = 0;
    };
    auto f = std::make_shared<Figures>();
    std::vector<std::string> projects;
    for (const auto& p : d.registry().config().projects)
        projects.push_back(d.paths().project_dir(p.name));
    std::string fab_dir = d.paths().fab_dir, agents = d.paths().agents_dir;
    ev::queue_work(
        d.loop(),
        [f, projects, fab_dir, agents] {
            f->transcripts = disk_usage(agents);
            f->attic = disk_usage(fab_dir + "/attic");
            for (const auto& p : projects) {
                f->worktrees += disk_usage(p + "/worktrees") + disk_usage(p + "/manager");
                f->clones += disk_usage(p + "/repo");
            }
            f->total = disk_usage(fab_dir);
        },
        [f, done = std::move(done)] {
            done({{"total_bytes", f->total},
                  {"transcripts_bytes", f->transcripts},
                  {"worktrees_bytes", f->worktrees},
                  {"clones_bytes", f->clones},
                  {"attic_bytes", f->attic}});
        });
}

} // namespace fab::gc
