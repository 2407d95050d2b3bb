// fab server start|stop|restart|run.
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "config/paths.hpp"
#include "protocol/messages.hpp"
#include "util/fd.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/file.h>
#include <unistd.h>

extern char** environ;

namespace fab::cli {

namespace {

constexpr int kStartTimeoutMs = 15000;
constexpr int kStopTimeoutMs = 15000;

std::vector<std::string> daemon_args(const Invocation& inv, const char* mode) {
    std::vector<std::string> a = {sibling_program("fabd"), mode};
    if (inv.has("log-level")) {
        a.push_back("--log-level");
        a.push_back(inv.flag("log-level"));
    }
    for (const char* f : {"http", "max-concurrent-runs"}) {
        if (!inv.has(f)) continue;
        a.push_back(std::string("--") + f);
        a.push_back(inv.flag(f));
    }
    return a;
}

// True when some process holds the pid file's lock.
bool lock_held(const std::string& pid_file) {
    UniqueFd fd(::open(pid_file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return false;
    return ::flock(fd.get(), LOCK_SH | LOCK_NB) != 0;
}

std::optional<int> running_pid(const Invocation& inv) {
    auto c = Connection::open(inv.paths.socket);
    if (!c) return std::nullopt;
    auto h = c->handshake();
    if (!h) return std::nullopt;
    return h->value("pid", 0);
}

// Spawns fabd detached (own session, stdio on /dev/null) and waits for its
// readiness report on a pipe: "ok <pid>" or "error: <why>".
int start_daemon(const Invocation& inv) {
    if (auto s = ensure_state_dirs(inv.paths); !s) return fail(s.error());
    if (auto pid = running_pid(inv)) {
        std::printf("daemon already running (pid %d)\n", *pid);
        return Exit::ok;
    }
    int pfd[2];
    if (::pipe2(pfd, O_CLOEXEC) != 0) return fail("pipe: " + errno_string(errno));
    UniqueFd rd(pfd[0]), wr(pfd[1]);

    auto args = daemon_args(inv, "--daemon");
    args.push_back("--ready-fd");
    args.push_back("3");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, wr.get(), 3); // dup2 clears CLOEXEC on fd 3
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, argv[0], &fa, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) return fail("cannot run " + args[0] + ": " + errno_string(rc));
    wr.reset();

    std::string report;
    int64_t deadline = monotonic_ms() + kStartTimeoutMs;
    for (;;) {
        int left = static_cast<int>(deadline - monotonic_ms());
        if (left <= 0)
            return fail("daemon did not report ready within 15 s; see " + inv.paths.log_file);
        pollfd p{rd.get(), POLLIN, 0};
        if (::poll(&p, 1, left) <= 0) continue;
        char buf[512];
        ssize_t n = ::read(rd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        report.append(buf, static_cast<size_t>(n));
    }
    report = std::string(trim(report));
    if (report.rfind("ok", 0) == 0) {
        std::printf("daemon started (pid %s)\n", std::string(trim(report.substr(2))).c_str());
        return Exit::ok;
    }
    if (report.find("already running") != std::string::npos) {
        std::printf("daemon already running\n");
        return Exit::ok;
    }
    if (report.rfind("error: ", 0) == 0) report = report.substr(7);
    if (report.empty()) report = "daemon exited during start-up; see " + inv.paths.log_file;
    return fail("cannot start daemon: " + report);
}

int stop_daemon(const Invocation& inv, bool quiet_if_absent) {
    ConnectError why{};
    auto c = Connection::open(inv.paths.socket, &why);
    if (!c && why == ConnectError::busy)
        return fail("daemon not responding (" + c.error() + "); see " + inv.paths.pid_file +
                        " for its pid",
                    Exit::no_daemon);
    if (!c) {
        if (quiet_if_absent) return Exit::ok;
        return fail("daemon not running", Exit::no_daemon);
    }
    auto r = c->request(msg::kShutdown, Json::object(), 5000);
    // A daemon of the previous release (still running after an upgrade,
    // until this very stop) knows the message by its old name.
    if (!r && r.error().find("unknown request type") != std::string::npos)
        r = c->request(msg::deprecated::kServerStop, Json::object(), 5000);
    if (!r) return fail("stop: " + r.error());
    int pid = r->value("pid", 0);
    // The daemon closes every connection as it shuts down; then its lock goes.
    (void)c->read_line(kStopTimeoutMs);
    int64_t deadline = monotonic_ms() + kStopTimeoutMs;
    while (lock_held(inv.paths.pid_file)) {
        if (monotonic_ms() > deadline)
            return fail("daemon (pid " + std::to_string(pid) + ") did not stop within 15 s");
        ::usleep(10 * 1000);
    }
    std::printf("daemon stopped (pid %d)\n", pid);
    return Exit::ok;
}

} // namespace

int cmd_server_start(Invocation& inv) {
    return start_daemon(inv);
}

int cmd_server_stop(Invocation& inv) {
    return stop_daemon(inv, false);
}

int cmd_server_restart(Invocation& inv) {
    if (int rc = stop_daemon(inv, true); rc != Exit::ok) return rc;
    return start_daemon(inv);
}

// `fab serve`: Fabro's `fabro serve` — the daemon in the foreground with
// the HTTP API (at the default address unless --http says where).
int cmd_serve(Invocation& inv) {
    if (!inv.has("http")) inv.flags["http"] = "-";
    return cmd_server_run(inv);
}

int cmd_server_run(Invocation& inv) {
    if (auto s = ensure_state_dirs(inv.paths); !s) return fail(s.error());
    auto args = daemon_args(inv, "--foreground");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    return fail("cannot run " + args[0] + ": " + errno_string(errno));
}

} // namespace fab::cli
