// project.add|list|remove, project.config.show|get|set.
// Clones run as `git clone` children of the loop (never blocking it); a
// failed add removes everything it created.
#include "config/schema.hpp"
#include "daemon/daemon.hpp"
#include "daemon/git/safe_git.hpp"
#include "daemon/handlers/project_remove.hpp"
#include "ev/process.hpp"
#include "protocol/messages.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/progress_lines.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <cerrno>
#include <filesystem>
#include <memory>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace fab {

namespace {

// "https://host/org/web.git" → "web"; "/src/api/" → "api"; "git@h:o/x.git" → "x".
std::string name_from_source(std::string s) {
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    auto slash = s.find_last_of("/:");
    if (slash != std::string::npos) s = s.substr(slash + 1);
    if (s.size() > 4 && s.ends_with(".git")) s.resize(s.size() - 4);
    return s;
}

void remove_tree_async(uv_loop_t* loop, std::string dir, std::function<void()> done) {
    ev::queue_work(
        loop,
        [dir] {
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
        },
        std::move(done));
}

Json project_json(const Registry& reg, const ProjectConfig& p, const Paths& paths,
                  const std::string& state) {
    Json settings = Json::object();
    for (const auto& v : reg.effective(p)) settings[v.key] = v.value;
    return {{"name", p.name},
            {"remote_url", p.remote_url},
            {"repo", paths.project_repo(p.name)},
            {"max_agents", p.max_agents},
            {"autostart", p.autostart},
            {"state", state},
            {"settings", settings}};
}

// {"progress": true} (a terminal waits): git clone --progress instead of
// --quiet, its updating line sent to the client as "progress" events of the
// request. The returned object holds stderr for the error message.
std::shared_ptr<ProgressLines> want_progress(const Request& req, ev::SpawnOptions& o,
                                             const Reply& reply) {
    if (!req.payload.value("progress", false)) return nullptr;
    for (std::string& a : o.argv)
        if (a == "--quiet") a = "--progress";
    auto lines = std::make_shared<ProgressLines>();
    o.on_stderr = [lines, reply](const char* p, size_t n) {
        for (const std::string& l : lines->feed({p, n}, now_ms()))
            reply.event({{"event", msg::kEvProgress}, {"text", l}});
    };
    return lines;
}

struct ProjectHandlers {
    Daemon& d;
    std::set<std::string> adding; // names being cloned right now

    void add(const Request& req, const Reply& reply) {
        std::string source = field_string(req.payload, "source");
        if (source.empty()) return reply.fail("missing \"source\"");
        std::string name = field_string(req.payload, "name");
        if (name.empty()) name = name_from_source(source);
        if (!valid_project_name(name))
            return reply.fail("invalid project name \"" + name +
                              "\": use letters, digits, '.', '_' and '-' (max 64), or --name");
        if (auto s = d.registry().reload_if_changed(); !s) return reply.fail(s.error());
        std::string dir = d.paths().project_dir(name);
        if (d.registry().config().project(name) || adding.count(name))
            return reply.fail("project \"" + name + "\" already exists");
        if (path_exists(dir))
            return reply.fail(dir + " already exists; remove it or choose another --name");

        std::vector<std::pair<std::string, std::string>> settings;
        settings.emplace_back("remote-url", source);
        if (const Json* given = field_object(req.payload, "settings")) {
            for (auto& [k, v] : given->items()) {
                std::string value = v.is_string() ? v.get<std::string>() : v.dump();
                if (auto s = validate_value("project", k, value); !s) return reply.fail(s.error());
                settings.emplace_back(k, value);
            }
        }
        if (source.front() == '/') {
            if (!std::filesystem::is_directory(source))
                return reply.fail("no such directory: " + source);
            if (!path_exists(source + "/.git") && !path_exists(source + "/HEAD"))
                return reply.fail("not a git repository: " + source);
        }
        if (auto s = make_dirs(d.paths().projects_dir, 0700); !s) return reply.fail(s.error());
        // mkdir, not make_dirs: a failed clone removes `dir`, so it must be
        // one this add created, never a directory that was there before.
        if (::mkdir(dir.c_str(), 0700) != 0)
            return reply.fail(errno == EEXIST
                                  ? dir + " already exists; remove it or choose another --name"
                                  : "cannot create " + dir + ": " + errno_string(errno));
        adding.insert(name);
        ev::SpawnOptions o = d.git().command(
            std::string(), {"clone", "--quiet", "--", source, d.paths().project_repo(name)});
        auto progress = want_progress(req, o, reply);
        log::info("project " + name + ": cloning " + source);
        d.git().run(o, [this, name, dir, source, settings, reply, progress](ev::ProcessResult r) {
            if (progress) r.err = progress->text(); // stderr went through it
            if (!r.ok()) {
                std::string why = r.last_error_line();
                log::warn("project " + name + ": clone failed: " + why);
                remove_tree_async(d.loop(), dir, [this, name, why, reply] {
                    adding.erase(name);
                    reply.fail("git clone failed: " + why);
                });
                return;
            }
            auto s = d.registry().add_project(name, settings);
            if (!s) {
                remove_tree_async(d.loop(), dir, [this, name, err = s.error(), reply] {
                    adding.erase(name);
                    reply.fail(err);
                });
                return;
            }
            adding.erase(name);
            (void)d.store().upsert_project({name, source, d.paths().project_repo(name), now_ms()});
            (void)d.store().record_event("project.add", name + " " + source);
            log::info("project " + name + ": added");
            const ProjectConfig* p = d.registry().config().project(name);
            reply.ok(p ? project_json(d.registry(), *p, d.paths(), d.orchestrators().state(name))
                       : Json{{"name", name}});
        });
    }

    void list(const Request&, const Reply& reply) {
        if (auto s = d.registry().reload_if_changed(); !s) return reply.fail(s.error());
        Json out = Json::array();
        for (const auto& p : d.registry().config().projects)
            out.push_back(
                project_json(d.registry(), p, d.paths(), d.orchestrators().state(p.name)));
        reply.ok({{"projects", out}});
    }

    void remove(const Request& req, const Reply& reply) {
        std::string name = field_string(req.payload, "name");
        bool force = field_bool(req.payload, "force", false);
        bool keep = field_bool(req.payload, "keep_files", false);
        if (auto s = d.registry().reload_if_changed(); !s) return reply.fail(s.error());
        if (!d.registry().config().project(name)) return reply.fail("no project \"" + name + "\"");
        if (!keep)
            return remove_project_safely(d, name, force, [reply](Result<Json> r) {
                if (!r) return reply.fail(r.error());
                reply.ok(*r);
            });
        // --keep-files: the project is forgotten, its directory stays as it is.
        if (auto s = d.registry().remove_project(name); !s) return reply.fail(s.error());
        (void)d.store().remove_project(name);
        (void)d.store().record_event("project.remove", name);
        log::info("project " + name + ": removed (files kept)");
        reply.ok({{"name", name}, {"deleted", false}, {"dir", d.paths().project_dir(name)}});
    }

    const ProjectConfig* lookup(const Request& req, const Reply& reply) {
        if (auto s = d.registry().reload_if_changed(); !s) {
            reply.fail(s.error());
            return nullptr;
        }
        std::string name = field_string(req.payload, "name");
        const ProjectConfig* p = d.registry().config().project(name);
        if (!p) reply.fail("no project \"" + name + "\"");
        return p;
    }

    void config_show(const Request& req, const Reply& reply) {
        if (field_string(req.payload, "name").empty()) {
            if (auto s = d.registry().reload_if_changed(); !s) return reply.fail(s.error());
            Json out = Json::array();
            for (const auto& p : d.registry().config().projects) out.push_back(show_one(p));
            return reply.ok({{"config_file", d.registry().path()}, {"projects", out}});
        }
        const ProjectConfig* p = lookup(req, reply);
        if (!p) return;
        reply.ok({{"config_file", d.registry().path()}, {"projects", Json::array({show_one(*p)})}});
    }

    Json show_one(const ProjectConfig& p) {
        Json vals = Json::array();
        for (const auto& v : d.registry().effective(p))
            vals.push_back({{"key", v.key}, {"value", v.value}, {"source", v.source}});
        return {{"name", p.name}, {"values", vals}};
    }

    void config_get(const Request& req, const Reply& reply) {
        const ProjectConfig* p = lookup(req, reply);
        if (!p) return;
        std::string key = field_string(req.payload, "key");
        for (const auto& v : d.registry().effective(*p))
            if (v.key == key)
                return reply.ok({{"key", key}, {"value", v.value}, {"source", v.source}});
        reply.fail(validate_value("project", key, "").error());
    }

    void config_set(const Request& req, const Reply& reply) {
        std::string name = field_string(req.payload, "name");
        std::string key = field_string(req.payload, "key");
        std::string value = field_string(req.payload, "value");
        if (auto s = d.registry().set_value(name, key, value); !s) return reply.fail(s.error());
        (void)d.store().record_event("project.config.set", name + " " + key);
        log::info("project " + name + ": " + key + " set");
        reply.ok({{"name", name}, {"key", key}, {"value", value}});
    }
};

} // namespace

Status register_project_handlers(Router& router, Daemon& d) {
    auto h = std::make_shared<ProjectHandlers>(ProjectHandlers{d, {}});
    auto project_add = [h](const Request& q, const Reply& p) { h->add(q, p); };
    auto project_list = [h](const Request& q, const Reply& p) { h->list(q, p); };
    auto project_remove = [h](const Request& q, const Reply& p) { h->remove(q, p); };
    auto project_config_show = [h](const Request& q, const Reply& p) { h->config_show(q, p); };
    auto project_config_get = [h](const Request& q, const Reply& p) { h->config_get(q, p); };
    auto project_config_set = [h](const Request& q, const Reply& p) { h->config_set(q, p); };

    return router.add({
        {msg::kProjectAdd, project_add},
        {msg::kProjectList, project_list},
        {msg::kProjectRemove, project_remove},
        {msg::kProjectConfigShow, project_config_show},
        {msg::kProjectConfigGet, project_config_get},
        {msg::kProjectConfigSet, project_config_set},
    });
}

} // namespace fab
