// The daemon: owns the loop, the single-instance lock, the store, the
// project registry and the IPC server, and wires handlers to the router.
// Everything here runs on the loop thread.
#pragma once

#include "config/paths.hpp"
#include "daemon/agents/supervisor.hpp"
#include "daemon/git/runner.hpp"
#include "daemon/http/http_server.hpp"
#include "daemon/issues/backends.hpp"
#include "daemon/orchestrator/merge.hpp"
#include "daemon/orchestrator/orchestrator.hpp"
#include "daemon/pidfile.hpp"
#include "daemon/registry.hpp"
#include "daemon/router.hpp"
#include "daemon/runs/run_engine.hpp"
#include "daemon/server.hpp"
#include "ev/timer.hpp"
#include "net/http_client.hpp"
#include "store/store.hpp"

#include <memory>
#include <optional>

namespace fab {

struct DaemonOptions {
    bool foreground = false;
    int ready_fd = -1; // receives "ok <pid>" or "error: <why>", then closed
    std::string log_level = "info";
    // Server mode: "" = the config's [server] http-listen (unset: HTTP off);
    // "-" = HTTP asked for at the default address (127.0.0.1:3000).
    std::string http_listen;
    int max_concurrent_runs = 0; // 0 = the config's [server] max-concurrent-runs
};

class Daemon {
  public:
    explicit Daemon(DaemonOptions opts) : opts_(std::move(opts)) {}
    ~Daemon();
    int run(); // process exit code

    // Shared with handlers.
    uv_loop_t* loop() { return &loop_; }
    const Paths& paths() const { return paths_; }
    Store& store() { return *store_; }
    Registry& registry() { return *registry_; }
    IpcServer& server() { return *server_; }
    Supervisor& supervisor() { return *supervisor_; }
    Orchestrators& orchestrators() { return *orchestrators_; }
    git::Runner& git() { return *git_; }
    merge::Merges& merges() { return *merges_; }
    net::HttpClient& http() { return *http_client_; } // model APIs (llm checker)
    RunEngine& runs() { return *runs_; }
    IssueBackends& issues() { return issues_; }
    Router& router() { return router_; }
    int64_t started_ms() const { return started_ms_; }
    void request_stop(); // graceful, after the current callback returns

  private:
    Status start();
    Status start_server_mode();
    void stop();
    void report_ready(const std::string& msg);

    DaemonOptions opts_;
    uv_loop_t loop_{};
    Paths paths_;
    std::optional<PidFile> pid_file_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<Registry> registry_;
    std::unique_ptr<git::Runner> git_;             // every git, and the per-repository queue
    std::unique_ptr<merge::Merges> merges_;        // after git_: uses it
    std::unique_ptr<net::HttpClient> http_client_; // before supervisor_: its callbacks reach it
    Router router_;
    IssueBackends issues_{*this}; // per project; the backends outlive it on the pool
    std::unique_ptr<IpcServer> server_;
    std::unique_ptr<Supervisor> supervisor_;
    std::unique_ptr<Orchestrators> orchestrators_; // after supervisor_: listens to it
    std::unique_ptr<RunEngine> runs_;              // after supervisor_: listens to it
    std::unique_ptr<HttpServer> http_server_;      // server mode; null when HTTP is off
    std::unique_ptr<ev::Signal> sigterm_, sigint_, sighup_;
    std::unique_ptr<ev::Timer> stop_timer_;
    int64_t started_ms_ = 0;
    bool stopping_ = false;
};

// daemon/handlers/*.cpp: each family registers its {name, handler} table;
// Status errors (a name the protocol table lacks, a duplicate) stop start-up.
Status register_server_handlers(Router& r, Daemon& d);
Status register_project_handlers(Router& r, Daemon& d);
Status register_agent_handlers(Router& r, Daemon& d);
Status register_permission_handlers(Router& r, Daemon& d);
Status register_merge_handlers(Router& r, Daemon& d);        // handlers/merge.cpp
void recover_interrupted_merges(Daemon& d);                  // handlers/merge.cpp: at start
Status register_plan_handlers(Router& r, Daemon& d);         // handlers/plan.cpp
Status register_manager_handlers(Router& r, Daemon& d);      // handlers/manager.cpp
Status register_orchestrator_handlers(Router& r, Daemon& d); // handlers/orchestrator.cpp
Status register_issue_handlers(Router& r, Daemon& d);        // handlers/issue.cpp
Status register_run_handlers(Router& r, Daemon& d);          // handlers/run.cpp
// Every family, then the check that each request of the protocol table has a
// handler. Handlers only keep `d`; nothing is called until a request comes.
Status register_daemon_handlers(Router& r, Daemon& d);

// Shared by the agent-like families (agent, plan, manager): handlers/agent.cpp.
void send_message(Daemon& d, const std::string& id, const std::string& text, const Reply& r);
void send_history(Daemon& d, const std::string& id, const Json& payload, const Reply& r);

} // namespace fab
