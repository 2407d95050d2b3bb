#include "daemon/roles/roles.hpp"

#include "config/schema.hpp"
#include "daemon/agents/supervisor.hpp"
#include "daemon/agents/worktree.hpp"
#include "daemon/daemon.hpp"
#include "daemon/roles/plan_store.hpp"
#include "daemon/roles/prompts.hpp"
#include "ev/stream.hpp"
#include "protocol/messages.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"

#include <memory>
#include <set>

namespace fab::roles {

namespace {

bool live(const Agent& a) {
    return !is_final(a.state) && !a.stop_requested;
}

// The newest agent of `kind` (of `project`, for a manager), live or not.
Agent* newest(Daemon& d, const std::string& kind, const std::string& project) {
    Agent* best = nullptr;
    for (const auto& j : d.supervisor().list_json("")) {
        if (j.value("kind", "") != kind) continue;
        if (kind == "manager" && j.value("project", "") != project) continue;
        Agent* a = d.supervisor().find(j.value("id", ""));
        if (a && (!best || a->rec.created_ms > best->rec.created_ms ||
                  (a->rec.created_ms == best->rec.created_ms && a->rec.id > best->rec.id)))
            best = a;
    }
    return best;
}

std::string what(const std::string& kind, const std::string& project) {
    return kind == "manager" ? "the manager of " + project : "the director";
}

Status check_kind(Daemon& d, const std::string& kind, const std::string& project) {
    if (kind == "director") return {};
    if (kind != "manager") return make_error("unknown role \"" + kind + "\"");
    if (project.empty()) return make_error("missing \"project\"");
    if (!d.registry().config().project(project))
        return make_error("no project \"" + project + "\"");
    return {};
}

// The directory a role works in, made when missing: a worktree of the
// project kept across sessions for a manager (on branch fab-manager, outside
// fab/*, which the merge queue and the orphan report own), a plain
// directory for the director (claude needs no repository).
void prepare_place(Daemon& d, const std::string& kind, const std::string& project,
                   std::function<void(Result<std::string>)> done) {
    if (kind == "director") {
        std::string dir = d.paths().fab_dir + "/director";
        if (auto s = make_dirs(dir, 0700); !s) return done(make_error(s.error()));
        return done(dir);
    }
    std::string dir = d.paths().project_dir(project) + "/manager/wt-manager";
    if (path_exists(dir + "/.git")) return done(dir);
    std::string repo = d.paths().project_repo(project);
    if (!path_exists(repo)) return done(make_error("project repository missing: " + repo));
    log::info("manager of " + project + ": making its worktree " + dir);
    worktree::add(d.git(), repo, dir, "fab-manager", [dir, done](Status s) {
        if (!s) return done(make_error(s.error()));
        done(dir);
    });
}

// A new agent for the role: a fresh session with the role's prompt, or the
// session `resume_session` continued (same place, so claude finds it).
// Roles being created, by kind/project (Supervisor::roles_starting): a second
// `start` while the first is still making the worktree would race it (the
// TUI may send two).
void create_role_agent(Daemon& d, const std::string& kind, const std::string& project,
                       const std::string& resume_session, const std::string& model,
                       std::function<void(Result<Json>)> done) {
    std::string key = kind + "/" + project;
    if (!d.supervisor().roles_starting().insert(key).second)
        return done(make_error(what(kind, project) + " is being started; try again shortly"));
    done = [&d, key, done](Result<Json> r) {
        d.supervisor().roles_starting().erase(key);
        done(std::move(r));
    };
    prepare_place(d, kind, project,
                  [&d, kind, project, resume_session, model, done](Result<std::string> place) {
                      if (!place) return done(make_error(place.error()));
                      CreateAgent c;
                      c.kind = kind;
                      c.project = kind == "manager" ? project : "";
                      c.worktree = *place;
                      c.branch = kind == "manager" ? "fab-manager" : "";
                      c.resume_session = resume_session;
                      c.model = model;
                      if (resume_session.empty()) c.prompt = role_prompt(kind, project);
                      d.supervisor().create(
                          c, [resumed = !resume_session.empty(), done](Result<Json> a) {
                              if (!a) return done(make_error(a.error()));
                              done(Json{{"agent", *a}, {"existing", false}, {"resumed", resumed}});
                          });
                  });
}

} // namespace

bool owns_worktree(std::string_view kind) {
    return kind != "manager" && kind != "director";
}

void on_entry(Daemon& d, Agent& a, const ChatEntry& e) {
    if (a.rec.kind != "plan") return;
    std::string body, source;
    if (e.kind == ChatKind::tool_use && e.tool_name == "ExitPlanMode" && e.tool_input.is_object() &&
        e.tool_input.contains("plan") && e.tool_input["plan"].is_string()) {
        body = e.tool_input["plan"].get<std::string>();
        source = "ExitPlanMode";
    }
    // Codex has no ExitPlanMode: a codex planner stores its plan with `fab
    // plan write` (its read-only sandbox has network access, so fab.sock is
    // reachable), like a claude planner may.
    if (trim(body).empty()) return;
    plans::Plan p;
    p.id = a.rec.id;
    p.agent = a.rec.id;
    p.project = a.rec.project;
    p.source = source;
    p.body = body;
    auto out = std::make_shared<Result<plans::Plan>>(make_error("not written"));
    std::string dir = d.paths().plans_dir;
    ev::queue_work(
        d.loop(), [out, dir, p] { *out = plans::write_plan(dir, p); },
        [&d, out, id = a.rec.id, project = a.rec.project, source] {
            if (!*out) return log::warn("agent " + id + ": plan not stored: " + out->error());
            log::info("agent " + id + ": plan stored (" + source + ") in " + (*out)->path);
            d.supervisor().events().publish(project, id,
                                            {{"event", msg::kEvPlanWritten},
                                             {"plan_id", (*out)->id},
                                             {"agent_id", id},
                                             {"project", project},
                                             {"title", (*out)->title}});
        });
}

void start_planner(Daemon& d, const std::string& project, const std::string& backend,
                   const std::string& model, const std::string& prompt,
                   std::function<void(Result<Json>)> done) {
    CreateAgent c;
    c.kind = "plan";
    c.project = project;
    c.backend = backend;
    c.model = model;
    c.permission_mode = "plan";
    c.prompt = role_prompt("plan", project) + "\n" + prompt;
    d.supervisor().create(c, std::move(done));
}

void start_role(Daemon& d, const std::string& kind, const std::string& project,
                const std::string& model, std::function<void(Result<Json>)> done) {
    if (auto s = check_kind(d, kind, project); !s) return done(make_error(s.error()));
    Agent* a = newest(d, kind, project);
    if (a && live(*a))
        return done(
            Json{{"agent", d.supervisor().agent_json(*a)}, {"existing", true}, {"resumed", false}});
    // Its host or CLI is gone (a reboot, a crash): the same agent, history
    // and all, continues its session with a new host.
    if (a && a->state == AgentState::failed && !a->rec.session_id.empty() &&
        !(a->link && a->link->connected() && !a->cli_exited)) {
        std::string id = a->rec.id;
        if (auto s = check_model_name(model); !s) return done(make_error(s.error()));
        if (!model.empty()) a->rec.model = model; // the session goes on with this model
        log::info(what(kind, project) + ": resuming agent " + id);
        return d.supervisor().resume(id, [&d, id, done](Status s) {
            Agent* ag = d.supervisor().find(id);
            if (!s || !ag) return done(make_error(s ? "agent vanished" : s.error()));
            done(Json{
                {"agent", d.supervisor().agent_json(*ag)}, {"existing", false}, {"resumed", true}});
        });
    }
    // Stopped by a human: a new agent, same session (the model keeps its
    // context; `clear` is the way to drop it).
    std::string session = a ? a->rec.session_id : "";
    create_role_agent(d, kind, project, session, model, std::move(done));
}

void stop_role(Daemon& d, const std::string& kind, const std::string& project,
               std::function<void(Result<Json>)> done) {
    if (auto s = check_kind(d, kind, project); !s) return done(make_error(s.error()));
    Agent* a = newest(d, kind, project);
    if (!a || !live(*a)) return done(Json{{"stopped", false}});
    std::string id = a->rec.id;
    d.supervisor().abort(id, false, [id, done](Status s) {
        if (!s) return done(make_error(s.error()));
        done(Json{{"stopped", true}, {"agent_id", id}});
    });
}

void clear_role(Daemon& d, const std::string& kind, const std::string& project,
                const std::string& model, std::function<void(Result<Json>)> done) {
    if (auto s = check_kind(d, kind, project); !s) return done(make_error(s.error()));
    auto fresh = [&d, kind, project, model, done](std::string old) {
        create_role_agent(d, kind, project, "", model, [old, done](Result<Json> r) {
            if (!r) return done(r);
            Json out = *r;
            out["previous"] = old;
            done(out);
        });
    };
    Agent* a = newest(d, kind, project);
    if (!a || !live(*a)) return fresh(a ? a->rec.id : "");
    // The old session stops while the new one starts: nothing waits on a
    // model that may take a while to notice the interrupt.
    std::string id = a->rec.id;
    d.supervisor().abort(id, false, [id, fresh, done](Status s) {
        if (!s) return done(make_error(s.error()));
        fresh(id);
    });
}

Result<Json> role_status(Daemon& d, const std::string& kind, const std::string& project) {
    if (auto s = check_kind(d, kind, project); !s) return make_error(s.error());
    Agent* a = newest(d, kind, project);
    Json out = {{"running", a && live(*a)}, {"agent", nullptr}};
    if (a) out["agent"] = d.supervisor().agent_json(*a);
    return out;
}

} // namespace fab::roles
