#include "daemon/daemon.hpp"

#include "daemon/http/http_server.hpp"

#include "agents/common.hpp"
#include "protocol/version.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <csignal>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <unistd.h>

namespace fab {

namespace {
std::string library_versions() {
    return std::string("libuv ") + uv_version_string() + ", SQLite " + sqlite3_libversion() +
           ", libgit2 " + gitq::Library::version() + ", nlohmann_json " +
           std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." +
           std::to_string(NLOHMANN_JSON_VERSION_MINOR) + "." +
           std::to_string(NLOHMANN_JSON_VERSION_PATCH);
}
// A path as typed at a shell prompt: bare when it is plain, quoted otherwise.
std::string as_typed(const std::string& path) {
    bool plain = path.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789/._-+,@") == std::string::npos;
    return plain ? path : agents::shell_quote(path);
}

// What to do about a damaged state.db, in the one line the starter shows.
// What it promises is what start-up does with a new database: projects come
// from config.ini (the registry), agents from their host specs and
// transcripts (Supervisor::rebuild_from_disk).
std::string damaged_store_advice(const Paths& p) {
    return "move it aside (mv " + as_typed(p.state_db) + " " + as_typed(p.state_db + ".bad") +
           ") and start again: fab rebuilds the projects from " + p.config_file +
           " and the agents from their transcripts in " + p.agents_dir +
           " (ticket claims and the log of merged work start empty)";
}
} // namespace

Status register_daemon_handlers(Router& r, Daemon& d) {
    for (auto family :
         {register_server_handlers, register_project_handlers, register_agent_handlers,
          register_permission_handlers, register_merge_handlers, register_plan_handlers,
          register_manager_handlers, register_orchestrator_handlers, register_issue_handlers,
          register_run_handlers})
        if (auto s = family(r, d); !s) return s;
    return r.check_complete();
}

Daemon::~Daemon() {
    http_server_.reset();
    runs_.reset();
    orchestrators_.reset();
    supervisor_.reset();
    server_.reset();
    http_client_.reset();
    sigterm_.reset();
    sigint_.reset();
    sighup_.reset();
    stop_timer_.reset();
    if (loop_.data == this) {
        int rc = ev::close_loop(&loop_);
        if (rc != 0) log::error("event loop closed with handles still open");
    }
}

void Daemon::report_ready(const std::string& msg) {
    if (opts_.ready_fd < 0) return;
    std::string line = msg + "\n";
    (void)::write(opts_.ready_fd, line.data(), line.size());
    ::close(opts_.ready_fd);
    opts_.ready_fd = -1;
}

Status Daemon::start() {
    auto p = resolve_paths();
    if (!p) return make_error(p.error());
    paths_ = *p;
    if (auto s = check_private_dirs(paths_); !s) return s;
    if (auto s = ensure_state_dirs(paths_); !s) return s;

    int log_fd = ::open(paths_.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    log::init("fabd", log_fd, opts_.foreground);
    log::Level level{};
    if (!log::parse_level(opts_.log_level, level))
        return make_error("unknown log level \"" + opts_.log_level +
                          "\"; use debug, info, warn or error");
    log::set_level(level);

    auto lock = PidFile::acquire(paths_.pid_file);
    if (!lock) return make_error(lock.error());
    pid_file_.emplace(std::move(*lock));

    log::info(std::string("fabd ") + kVersion + " (protocol " + std::to_string(kProtocolMajor) +
              ") starting, pid " + std::to_string(::getpid()) + ", FAB_DIR " + paths_.fab_dir);
    log::info("libraries: " + library_versions());

    StoreOpenFailure store_failure;
    auto store = Store::open(paths_.state_db, &store_failure);
    if (!store)
        return make_error(store.error() +
                          (store_failure.damaged ? "; " + damaged_store_advice(paths_) : ""));
    store_ = std::move(*store);
    if (store_->created()) log::info("created " + paths_.state_db);

    registry_ = std::make_unique<Registry>(paths_);
    if (auto s = registry_->reload(); !s) return s;
    if (store_->created()) // a new state.db: the registry snapshot comes from config.ini
        for (const auto& proj : registry_->config().projects)
            (void)store_->upsert_project(
                {proj.name, proj.remote_url, paths_.project_repo(proj.name), now_ms()});

    uv_loop_init(&loop_);
    loop_.data = this;
    git_ = std::make_unique<git::Runner>(&loop_);
    merges_ = std::make_unique<merge::Merges>(*git_);
    http_client_ = std::make_unique<net::HttpClient>(&loop_);
    if (auto s = register_daemon_handlers(router_, *this); !s)
        return make_error("protocol table: " + s.error());
    server_ = std::make_unique<IpcServer>(&loop_, router_);
    if (auto s = server_->listen(paths_.socket); !s) return s;
    supervisor_ = std::make_unique<Supervisor>(*this);
    server_->on_disconnect([this](uint64_t client) { supervisor_->events().unsubscribe(client); });
    orchestrators_ = std::make_unique<Orchestrators>(*this);
    orchestrators_->attach_to_supervisor(); // before start: agents that ended release claims
    supervisor_->start();
    recover_interrupted_merges(*this); // commits of a merge the last daemon died in
    orchestrators_->start();
    if (auto s = start_server_mode(); !s) return s;

    auto on_stop_signal = [this](int sig) {
        log::info(std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT"));
        stop();
    };
    sigterm_ = std::make_unique<ev::Signal>(&loop_);
    sigterm_->start(SIGTERM, on_stop_signal);
    sigint_ = std::make_unique<ev::Signal>(&loop_);
    sigint_->start(SIGINT, on_stop_signal);
    sighup_ = std::make_unique<ev::Signal>(&loop_);
    sighup_->start(SIGHUP, [this](int) {
        // SIGHUP re-reads the configuration (the terminal may be gone: we are detached).
        if (auto s = registry_->reload(); !s)
            log::error("config reload: " + s.error());
        else
            log::info("configuration reloaded");
    });
    ::signal(SIGPIPE, SIG_IGN);

    started_ms_ = now_ms();
    (void)store_->record_event("daemon.start", std::string("pid ") + std::to_string(::getpid()));
    log::info("listening on " + paths_.socket);
    return {};
}

// Server mode: the run engine always (runs submitted over the socket are
// served too); the HTTP API when asked for on the command line or in
// [server] http-listen.
Status Daemon::start_server_mode() {
    const ServerConfig& sc = registry_->config().server;
    int max_runs =
        opts_.max_concurrent_runs > 0 ? opts_.max_concurrent_runs : sc.max_concurrent_runs;
    runs_ = std::make_unique<RunEngine>(*this, max_runs > 0 ? max_runs : 5);
    runs_->start();
    std::string listen = opts_.http_listen == "-"     ? std::string(kDefaultHttpListen)
                         : !opts_.http_listen.empty() ? opts_.http_listen
                                                      : sc.http_listen;
    if (listen.empty()) return {};
    http_server_ = std::make_unique<HttpServer>(&loop_, *this);
    if (auto s = http_server_->listen(listen, sc); !s) return s;
    return {};
}

void Daemon::request_stop() {
    if (!stop_timer_) stop_timer_ = std::make_unique<ev::Timer>(&loop_);
    stop_timer_->start(0, 0, [this] { stop(); });
}

void Daemon::stop() {
    if (stopping_) return;
    stopping_ = true;
    log::info("shutting down");
    if (store_) (void)store_->record_event("daemon.stop", "");
    if (orchestrators_) orchestrators_->stop(); // started projects stay started
    if (http_server_) http_server_->close();    // streams ended, connections asked to close
    if (supervisor_) supervisor_->stop();       // persisted; agent hosts keep running
    server_->close();                           // socket removed, clients disconnected
    sigterm_.reset();
    sigint_.reset();
    sighup_.reset();
    stop_timer_.reset();
    // uv_run returns once the handles above have finished closing.
}

int Daemon::run() {
    if (auto s = start(); !s) {
        log::error(s.error());
        pid_file_.reset(); // unlocked before the starter hears of the failure
        report_ready("error: " + s.error());
        if (opts_.foreground) std::fprintf(stderr, "fabd: %s\n", s.error().c_str());
        return s.error().rfind("already running", 0) == 0 ? 3 : 1;
    }
    report_ready("ok " + std::to_string(::getpid()));
    uv_run(&loop_, UV_RUN_DEFAULT);
    http_server_.reset();
    runs_.reset();
    orchestrators_.reset();
    supervisor_.reset();
    server_.reset();
    http_client_.reset(); // closes kept connections; close_loop frees its handles
    int rc = ev::close_loop(&loop_);
    loop_.data = nullptr;
    if (rc != 0) {
        log::error("event loop closed with handles still open");
        return 1;
    }
    store_.reset();
    log::info("stopped");
    return 0;
}

} // namespace fab
