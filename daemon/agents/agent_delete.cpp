#include "daemon/agents/agent_delete.hpp"

#include "daemon/agents/attic.hpp"
#include "daemon/agents/supervisor.hpp"
#include "daemon/agents/worktree.hpp"
#include "daemon/daemon.hpp"
#include "daemon/git/worktree_link.hpp"
#include "daemon/roles/roles.hpp"
#include "ev/stream.hpp"
#include "protocol/messages.hpp"
#include "util/disk_usage.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

#include <filesystem>
#include <memory>

namespace fab {

std::string live_reason(const Agent& a) {
    if (!is_final(a.state)) return "is " + a.rec.state + ": stop it first (fab agent abort)";
    if (a.link && a.link->connected() && !a.cli_exited)
        return "still has a running host: stop it first (fab agent abort)";
    return {};
}

namespace {

// One removal: survey, save (with force), remove; shared by its callbacks.
struct Deletion : std::enable_shared_from_this<Deletion> {
    Daemon& d;
    DeleteAgent req;
    std::function<void(Result<Json>)> done;
    std::string project, repo, worktree, branch;
    bool git_owned = false; // a worktree and branch of its own (not a manager's place)
    worktree::Leftover what;
    std::string attic_dir;
    std::vector<attic::Item> saved;
    uint64_t freed = 0; // bytes: the worktree and the transcript directory

    Deletion(Daemon& dm, DeleteAgent r, std::function<void(Result<Json>)> cb)
        : d(dm), req(std::move(r)), done(std::move(cb)) {}

    void fail(const std::string& why) { done(make_error("agent " + req.id + ": " + why)); }

    // Still there and still ended: each step may wait, and the agent may
    // have been resumed meanwhile (`fab agent send`).
    bool still_ended() {
        Agent* a = d.supervisor().find(req.id);
        if (!a) {
            fail("vanished while being removed");
            return false;
        }
        if (std::string why = live_reason(*a); !why.empty()) {
            fail(why + "; nothing was deleted");
            return false;
        }
        return true;
    }

    void start() {
        Agent* a = d.supervisor().find(req.id);
        if (!a) return done(make_error("no agent \"" + req.id + "\""));
        if (!still_ended()) return;
        project = a->rec.project;
        repo = d.paths().project_repo(project);
        worktree = a->rec.worktree;
        branch = a->rec.branch;
        git_owned =
            roles::owns_worktree(a->rec.kind) && !worktree.empty() && std::filesystem::exists(repo);
        if (!git_owned) return drop_files();
        auto self = shared_from_this();
        worktree::inspect(d.git(), repo, worktree, branch, [self](Result<worktree::Leftover> r) {
            if (!r) return self->fail(r.error() + "; nothing was deleted");
            self->what = *r;
            self->surveyed();
        });
    }

    void surveyed() {
        if (!still_ended()) return;
        if (!what.refused.empty())
            return fail(what.refused + "; fab runs no git there, nothing was deleted");
        if (!what.at_risk()) return remove_git();
        if (!req.force)
            return fail(worktree + " (" + branch + ") holds " + what.describe() +
                        "; nothing was deleted (merge it, or --force saves it in " +
                        d.paths().fab_dir + "/attic first)");
        auto made = attic::make_dir(d.paths().fab_dir, "agent-" + req.id);
        if (!made) return fail("cannot save the work: " + made.error() + "; nothing was deleted");
        attic_dir = *made;
        save_branch();
    }

    void save_failed(const std::string& why) {
        fail("saving the work in " + attic_dir + " failed: " + why + "; nothing was deleted");
    }

    void save_branch() {
        if (what.unmerged == 0) return save_changes();
        auto self = shared_from_this();
        attic::save_refs(d.git(), repo, {"refs/heads/" + branch}, attic_dir + "/branch.bundle",
                         [self](Status s) {
                             if (!s) return self->save_failed(s.error());
                             self->saved.push_back({"branch " + self->branch + " (" +
                                                        std::to_string(self->what.unmerged) +
                                                        " unmerged commit(s))",
                                                    "branch.bundle", "a git bundle"});
                             self->save_changes();
                         });
    }

    void save_changes() {
        if (!what.dirty) return write_manifest();
        auto link = safegit::verify_worktree(repo, worktree);
        if (!link) return save_failed(link.error());
        auto self = shared_from_this();
        attic::save_changes(
            d.git(), safegit::Where(worktree, *link), attic_dir + "/worktree.patch",
            [self](Result<attic::Changes> c) {
                if (!c) return self->save_failed(c.error());
                if (c->saved)
                    self->saved.push_back({"uncommitted changes of " + self->worktree,
                                           "worktree.patch",
                                           c->base.empty() ? "applies on an empty tree"
                                                           : "applies on commit " + c->base});
                if (!c->ignored_list.empty())
                    self->saved.push_back({"ignored files of " + self->worktree, c->ignored_list,
                                           std::to_string(c->ignored_entries) + " listed, " +
                                               std::to_string(c->ignored_copied) + " copied"});
                self->write_manifest();
            });
    }

    void write_manifest() {
        auto self = shared_from_this();
        attic::write_manifest(d.loop(), attic_dir,
                              "Work saved by `fab agent rm " + req.id + " --force` from " +
                                  worktree + " at " + format_iso8601_ms(now_ms()),
                              saved, [self](Status s) {
                                  if (!s) return self->save_failed(s.error());
                                  log::info("agent " + self->req.id + ": work saved in " +
                                            self->attic_dir);
                                  self->remove_git();
                              });
    }

    void remove_git() {
        if (!still_ended()) return;
        auto self = shared_from_this();
        // Measured before it goes: what `fab agent rm` reports as freed.
        auto bytes = std::make_shared<uint64_t>(0);
        ev::queue_work(
            d.loop(), [bytes, path = worktree] { *bytes = disk_usage(path); },
            [self, bytes] {
                self->freed += *bytes;
                worktree::remove(self->d.git(), self->repo, self->worktree, self->branch,
                                 [self](Status s) {
                                     if (!s) return self->fail(s.error());
                                     self->drop_files();
                                 });
            });
    }

    void drop_files() {
        std::string dir = d.paths().agents_dir + "/" + req.id;
        std::string sock = d.paths().hosts_dir + "/" + req.id + ".sock";
        auto bytes = std::make_shared<uint64_t>(0);
        auto self = shared_from_this();
        ev::queue_work(
            d.loop(),
            [dir, sock, bytes] {
                *bytes = disk_usage(dir);
                std::error_code ec;
                std::filesystem::remove_all(dir, ec);
                std::filesystem::remove(sock, ec);
            },
            [self, bytes] {
                self->freed += *bytes;
                self->forget();
            });
    }

    void forget() {
        d.orchestrators().release_claims(project, req.id);
        if (auto s = d.store().delete_agent(req.id); !s)
            return fail(s.error()); // the files are gone; the record stays, retried later
        (void)d.store().record_event("agent.delete",
                                     req.id + (attic_dir.empty() ? "" : " saved " + attic_dir));
        d.supervisor().forget(req.id);
        d.supervisor().events().publish(
            project, req.id,
            {{"event", msg::kEvAgentDeleted}, {"agent_id", req.id}, {"project", project}});
        log::info("agent " + req.id + ": removed (" + std::to_string(freed) + " bytes freed)");
        Json items = Json::array();
        for (const auto& s : saved)
            items.push_back({{"what", s.what}, {"file", s.file}, {"detail", s.detail}});
        done(Json{{"id", req.id},
                  {"project", project},
                  {"freed_bytes", freed},
                  {"attic", attic_dir},
                  {"saved", items}});
    }
};

} // namespace

void delete_agent(Daemon& d, const DeleteAgent& req, std::function<void(Result<Json>)> done) {
    std::make_shared<Deletion>(d, req, std::move(done))->start();
}

} // namespace fab
