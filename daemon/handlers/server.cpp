// ping, status, server.stop, gc: the daemon's own family of requests.
#include "daemon/agents/disk_gc.hpp"
#include "daemon/daemon.hpp"
#include "daemon/orchestrator/commit_log.hpp"
#include "protocol/version.hpp"
#include "util/log.hpp"
#include "util/time.hpp"

#include <unistd.h>

namespace fab {

namespace {

Json project_summary(Daemon& d, const ProjectConfig& p, const Paths& paths) {
    return {{"name", p.name},
            {"remote_url", p.remote_url},
            {"repo", paths.project_repo(p.name)},
            {"max_agents", p.max_agents},
            {"autostart", p.autostart},
            {"state", d.orchestrators().state(p.name)},
            {"ready_tickets", d.orchestrators().ready_count(p.name)}, // stopped: filled in later
            {"agents_running", d.supervisor().running_count(p.name)},
            {"usage", d.supervisor().usage_json(p.name)}};
}

} // namespace

Status register_server_handlers(Router& router, Daemon& d) {
    auto ping = [](const Request& req, const Reply& reply) {
        int64_t major = field_int(req.payload, "protocol", kProtocolMajor);
        if (major != kProtocolMajor) {
            reply.fail("protocol mismatch: daemon speaks " + std::to_string(kProtocolMajor) +
                       ", client speaks " + std::to_string(major));
            return;
        }
        reply.ok({{"version", kVersion},
                  {"protocol", kProtocolMajor},
                  {"protocol_minor", kProtocolMinor},
                  {"pid", ::getpid()}});
    };

    auto status = [&d](const Request& req, const Reply& reply) {
        bool all = field_bool(req.payload, "all", false);
        if (auto s = d.registry().reload_if_changed(); !s) log::warn("config: " + s.error());
        Json projects = Json::array();
        for (const auto& p : d.registry().config().projects)
            projects.push_back(project_summary(d, p, d.paths()));
        int64_t now = now_ms();
        Json agents = Json::array();
        for (auto& a : d.supervisor().list_json(""))
            if (all || (a["state"] != "done" && a["state"] != "aborted")) agents.push_back(a);
        Json out = {
            {"daemon",
             {{"pid", ::getpid()},
              {"version", kVersion},
              {"protocol", kProtocolMajor},
              {"started_ms", d.started_ms()},
              {"uptime_s", (now - d.started_ms()) / 1000},
              {"socket", d.paths().socket},
              {"fab_dir", d.paths().fab_dir},
              {"config_file", d.paths().config_file},
              {"log_file", d.paths().log_file},
              {"clients", d.server().client_count()},
              {"requests", d.server().requests_served()}}},
            {"projects", projects},
            {"agents", agents},
            {"usage", d.supervisor().usage_json("")},
            {"recent_work", recent_work_json(d.store(), 10)},
            {"commits_merged", commits_merged(d.store())},
        };
        if (all) {
            Json events = Json::array();
            if (auto ev = d.store().recent_events(20); ev)
                for (const auto& e : *ev)
                    events.push_back({{"ts_ms", e.ts_ms}, {"kind", e.kind}, {"detail", e.detail}});
            out["events"] = events;
        }
        // Stopped projects' ready tickets are counted now, off the loop; then
        // the disk used under $FAB_DIR, measured on the thread pool.
        d.orchestrators().fill_ready_counts(std::move(out), [&d, reply](Json full) {
            gc::disk_used(d, [reply, full = std::move(full)](Json disk) mutable {
                full["disk"] = std::move(disk);
                reply.ok(full);
            });
        });
    };

    auto shutdown = [&d](const Request&, const Reply& reply) {
        log::info("stop requested by a client");
        reply.ok({{"pid", ::getpid()}});
        d.request_stop();
    };

    // Aggregated usage (the fab design's `stats`): what `status` sums up,
    // without the daemon's own details.
    auto stats = [&d](const Request& req, const Reply& reply) {
        std::string project = field_string(req.payload, "project");
        Json states = Json::object();
        for (const auto& a : d.supervisor().list_json(project)) {
            std::string s = a.value("state", "");
            states[s] = states.value(s, 0) + 1;
        }
        reply.ok({{"project", project},
                  {"usage", d.supervisor().usage_json(project)},
                  {"agents", states},
                  {"commits_merged", commits_merged(d.store(), project)}});
    };
    // gc {dry_run}: see daemon/agents/disk_gc.hpp.
    auto gc = [&d](const Request& req, const Reply& reply) {
        gc::collect(d, field_bool(req.payload, "dry_run", false),
                    [reply](Json out) { reply.ok(out); });
    };

    return router.add({
        {msg::kGc, gc},
        {msg::kPing, ping},
        {msg::kStatus, status},
        {msg::kStats, stats},
        {msg::kShutdown, shutdown},
    });
}

} // namespace fab
