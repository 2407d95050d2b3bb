// Shared by the benchmarks: spawning and waiting, the monotonic clock,
// percentiles and the latency table, Ctrl-C handling, the daemon's socket and
// a daemon in a temp FAB_DIR. Each benchmark is one translation unit, so
// everything here is inline.
#pragma once

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace bench {

// ---- time ------------------------------------------------------------------

inline double mono_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// ---- Ctrl-C ------------------------------------------------------------------

// Set by SIGINT/SIGTERM/SIGHUP: the benchmark stops at its next check and
// cleans up (daemon stopped, temp dir removed) instead of dying half-way.
// Lock-free, so both signal-safe and readable from reader threads.
inline std::atomic<bool> g_stop{false};

struct Interrupted {};

inline void check_stop() {
    if (g_stop) throw Interrupted{};
}

inline void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = [](int) { g_stop = true; };
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGHUP, &sa, nullptr);
}

// ---- processes ---------------------------------------------------------------

struct SpawnOptions {
    // Files for stdin, stdout and stderr; outputs are created and truncated.
    std::string in = "/dev/null", out = "/dev/null", err = "/dev/null";
    // "KEY=value" entries; nullptr: this process's environment.
    const std::vector<std::string>* env = nullptr;
    // posix_spawnp: argv[0] may be a bare name looked up on PATH.
    bool search_path = false;
};

// Starts argv; returns its pid, or -1 (and the posix_spawn error in *error).
inline pid_t spawn(const std::vector<std::string>& args, const SpawnOptions& o = {},
                   int* error = nullptr) {
    std::vector<char*> argv, envp;
    argv.reserve(args.size() + 1);
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    if (o.env) {
        for (const auto& e : *o.env) envp.push_back(const_cast<char*>(e.c_str()));
        envp.push_back(nullptr);
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, o.in.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, o.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, o.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = 0;
    char** env = o.env ? envp.data() : environ;
    int rc = o.search_path ? ::posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), env)
                           : ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), env);
    posix_spawn_file_actions_destroy(&fa);
    if (error) *error = rc;
    return rc == 0 ? pid : -1;
}

// The raw wait status of `pid`, or -1 (errno set) when it cannot be waited for.
inline int wait_status(pid_t pid) {
    if (pid <= 0) return -1;
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    return st;
}

// The exit code of a wait status; -1 when it did not run or was killed.
inline int exit_code(int status) {
    return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline int wait_rc(pid_t pid) {
    return exit_code(wait_status(pid));
}

// Runs argv (stdio on /dev/null unless told otherwise) and returns its exit code.
inline int run_quiet(const std::vector<std::string>& args, const SpawnOptions& o = {}) {
    return wait_rc(spawn(args, o));
}

// ---- files and /proc -----------------------------------------------------------

inline std::string read_all(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

// utime + stime in clock ticks, from /proc/<pid>/stat (fields 14 and 15); -1
// when the process is gone.
inline long cpu_ticks(pid_t pid) {
    std::string stat = read_all("/proc/" + std::to_string(pid) + "/stat");
    auto rp = stat.rfind(')'); // comm may hold spaces
    if (rp == std::string::npos) return -1;
    std::istringstream in(stat.substr(rp + 2));
    std::string field;
    long ut = 0, st = 0;
    for (int i = 3; i <= 15 && in >> field; ++i) {
        if (i == 14) ut = std::atol(field.c_str());
        if (i == 15) st = std::atol(field.c_str());
    }
    return ut + st;
}

// ---- statistics ----------------------------------------------------------------

// Nearest-rank percentile of a sorted sample.
inline double percentile(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return 0;
    auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

// The columns every wall-time table shares, in ms.
struct Latency {
    size_t runs = 0;
    double median = 0, p90 = 0, p99 = 0, min = 0, max = 0;
};

inline Latency summarize(std::vector<double> ms) {
    Latency l;
    if (ms.empty()) return l;
    std::sort(ms.begin(), ms.end());
    l.runs = ms.size();
    l.median = percentile(ms, 0.5);
    l.p90 = percentile(ms, 0.9);
    l.p99 = percentile(ms, 0.99);
    l.min = ms.front();
    l.max = ms.back();
    return l;
}

// "<indent><first> runs median p90 p99 min max[   <last>]\n": the header of a
// latency table whose first column is `width` wide.
inline void print_latency_header(const char* indent, int width, const char* first,
                                 const char* last = "") {
    std::printf("%s%-*s %5s %8s %8s %8s %8s %8s", indent, width, first, "runs", "median", "p90",
                "p99", "min", "max");
    if (*last) std::printf("   %s", last);
    std::printf("\n");
}

// One row under print_latency_header, without the newline: the caller adds
// its verdict.
inline void print_latency_row(const char* indent, int width, const std::string& label,
                              const Latency& l) {
    std::printf("%s%-*s %5zu %8.3f %8.3f %8.3f %8.3f %8.3f", indent, width, label.c_str(), l.runs,
                l.median, l.p90, l.p99, l.min, l.max);
}

// ---- the daemon's socket ---------------------------------------------------------

// A connected AF_UNIX stream socket (CLOEXEC); throws std::runtime_error.
inline int connect_unix(const std::string& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) {
        ::close(fd);
        throw std::runtime_error("socket path too long: " + path);
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        int e = errno;
        ::close(fd);
        throw std::runtime_error("connect " + path + ": " + std::strerror(e));
    }
    return fd;
}

// Writes all of `s`; throws std::runtime_error.
inline void send_all(int fd, std::string_view s) {
    for (size_t off = 0; off < s.size();) {
        ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(std::string("send: ") + std::strerror(errno));
        off += static_cast<size_t>(n);
    }
}

// ---- a daemon in a temp FAB_DIR ----------------------------------------------------

// `fab server start` with FAB_DIR set (in this process's environment) to a
// fresh temp dir; stopped, and the dir removed, on every path out.
class TempDaemon {
  public:
    explicit TempDaemon(std::string fab) : fab_(std::move(fab)) {}
    TempDaemon(const TempDaemon&) = delete;
    TempDaemon& operator=(const TempDaemon&) = delete;
    ~TempDaemon() { stop(); }

    // False when it did not start, with why (and fab.log) in `error`.
    bool start(std::string& error) {
        char tmpl[] = "/tmp/fabb-XXXXXX";
        if (!::mkdtemp(tmpl)) {
            error = std::string("mkdtemp: ") + std::strerror(errno);
            return false;
        }
        dir_ = tmpl;
        ::setenv("FAB_DIR", dir_.c_str(), 1);
        if (run_quiet({fab_, "server", "start"}) != 0) {
            error = "fab server start failed (FAB_DIR=" + dir_ + "); fab.log:";
            std::ifstream log(dir_ + "/fab.log");
            std::string line;
            while (std::getline(log, line)) error += "\n  " + line;
            return false;
        }
        std::ifstream(dir_ + "/fab.pid") >> pid_;
        if (pid_ <= 0) {
            error = "no pid in " + dir_ + "/fab.pid";
            return false;
        }
        return true;
    }

    void stop() {
        if (dir_.empty()) return;
        stop_rc_ = run_quiet({fab_, "server", "stop"});
        if (pid_ > 0 && is_fabd(pid_)) {
            // Still there: it is the one this run started, so end it.
            for (int i = 0; i < 200 && is_fabd(pid_); ++i) ::usleep(10000);
            if (is_fabd(pid_)) ::kill(pid_, SIGTERM), forced_ = true;
            for (int i = 0; i < 200 && is_fabd(pid_); ++i) ::usleep(10000);
            if (is_fabd(pid_)) ::kill(pid_, SIGKILL);
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
        ::unsetenv("FAB_DIR");
        dir_.clear();
    }

    pid_t pid() const { return pid_; }
    std::string socket() const { return dir_ + "/fab.sock"; }
    const std::string& dir() const { return dir_; }
    int stop_rc() const { return stop_rc_; } // of `fab server stop`
    bool forced() const { return forced_; }  // it needed SIGTERM

  private:
    static bool is_fabd(pid_t pid) {
        std::ifstream f("/proc/" + std::to_string(pid) + "/cmdline");
        std::string cmd;
        std::getline(f, cmd, '\0');
        return cmd.find("fabd") != std::string::npos;
    }

    std::string fab_;
    std::string dir_;
    pid_t pid_ = 0;
    int stop_rc_ = 0;
    bool forced_ = false;
};

} // namespace bench
