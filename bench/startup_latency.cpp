// bench-startup-latency: wall time of whole commands, start to exit.
//
// Each command is run N times with posix_spawn + waitpid (stdio on /dev/null)
// and timed with CLOCK_MONOTONIC. Prints median, p90, p99, min and max in ms.
// It prints figures; it never fails because something is slow.
//
//   bench-startup-latency --fab build/fab [-n 200] [--warmup 10]
//       /bin/true (the floor), fab --help (no socket), then, with a daemon
//       started in a temp FAB_DIR: fab version, fab status, fab status --json.
//   bench-startup-latency [-n 200] -- CMD [ARGS...]
//       one command, as given.
#include <algorithm>
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
#include <optional>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int) {
    g_stop = 1;
}

double now_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

struct RunResult {
    int status = -1; // waitpid status, or -1 when the spawn failed
    double ms = 0;
};

// Spawns argv with stdio on /dev/null (or inherited when quiet is false),
// waits for it, returns its wait status and wall time.
RunResult run_once(const std::vector<std::string>& args, bool quiet = true) {
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (quiet) {
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    }
    RunResult r;
    pid_t pid = 0;
    double t0 = now_ms();
    int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        std::fprintf(stderr, "cannot run %s: %s\n", argv[0], std::strerror(rc));
        return r;
    }
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            std::perror("waitpid");
            return r;
        }
    }
    r.ms = now_ms() - t0;
    r.status = st;
    return r;
}

bool exited_ok(int st) {
    return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

// Nearest-rank percentile of a sorted sample.
double percentile(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return 0;
    auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    rank = std::clamp<size_t>(rank, 1, sorted.size());
    return sorted[rank - 1];
}

struct Case {
    std::string label;
    std::vector<std::string> argv;
    std::optional<double> target_median_ms;
};

struct Stats {
    size_t runs = 0;
    size_t failures = 0;
    double median = 0, p90 = 0, p99 = 0, min = 0, max = 0, mean = 0;
};

Stats measure(const Case& c, int runs, int warmup) {
    Stats s;
    for (int i = 0; i < warmup && !g_stop; ++i) (void)run_once(c.argv);
    std::vector<double> t;
    t.reserve(static_cast<size_t>(runs));
    for (int i = 0; i < runs && !g_stop; ++i) {
        RunResult r = run_once(c.argv);
        if (r.status == -1) {
            ++s.failures;
            break; // cannot spawn at all: no point going on
        }
        if (!exited_ok(r.status)) ++s.failures;
        t.push_back(r.ms);
    }
    if (t.empty()) return s;
    double sum = 0;
    for (double x : t) sum += x;
    std::sort(t.begin(), t.end());
    s.runs = t.size();
    s.median = percentile(t, 0.5);
    s.p90 = percentile(t, 0.9);
    s.p99 = percentile(t, 0.99);
    s.min = t.front();
    s.max = t.back();
    s.mean = sum / static_cast<double>(t.size());
    return s;
}

void print_header() {
    std::printf("%-22s %5s %8s %8s %8s %8s %8s   %s\n", "command", "runs", "median", "p90", "p99",
                "min", "max", "target");
}

void print_row(const Case& c, const Stats& s, const std::optional<double>& floor_median) {
    if (s.runs == 0) {
        std::printf("%-22s (not measured%s)\n", c.label.c_str(), g_stop ? ": interrupted" : "");
        return;
    }
    std::printf("%-22s %5zu %8.3f %8.3f %8.3f %8.3f %8.3f", c.label.c_str(), s.runs, s.median,
                s.p90, s.p99, s.min, s.max);
    if (c.target_median_ms) {
        double t = *c.target_median_ms;
        if (s.median <= t)
            std::printf("   median <= %.2f ms: met (%.2f ms to spare)", t, t - s.median);
        else
            std::printf("   median <= %.2f ms: MISSED by %.3f ms (%.0f%%)", t, s.median - t,
                        100.0 * (s.median - t) / t);
    }
    if (floor_median && c.label != "/bin/true")
        std::printf("%s[+%.3f over floor]", c.target_median_ms ? "  " : "   ",
                    s.median - *floor_median);
    std::printf("\n");
    if (s.failures)
        std::printf("%-22s   !! %zu of %zu runs exited non-zero (figures above are suspect)\n", "",
                    s.failures, s.runs);
}

// A daemon in a temp FAB_DIR, stopped and removed on every path out.
class TempDaemon {
  public:
    explicit TempDaemon(std::string fab) : fab_(std::move(fab)) {}
    TempDaemon(const TempDaemon&) = delete;
    TempDaemon& operator=(const TempDaemon&) = delete;
    ~TempDaemon() { stop(); }

    bool start() {
        char tmpl[] = "/tmp/fabb-XXXXXX";
        if (!::mkdtemp(tmpl)) {
            std::perror("mkdtemp");
            return false;
        }
        dir_ = tmpl;
        ::setenv("FAB_DIR", dir_.c_str(), 1);
        RunResult r = run_once({fab_, "server", "start"});
        if (!exited_ok(r.status)) {
            std::fprintf(stderr, "fab server start failed (FAB_DIR=%s); fab.log:\n", dir_.c_str());
            std::ifstream log(dir_ + "/fab.log");
            std::string line;
            while (std::getline(log, line)) std::fprintf(stderr, "  %s\n", line.c_str());
            return false;
        }
        std::ifstream pf(dir_ + "/fab.pid");
        pf >> pid_;
        return true;
    }

    pid_t pid() const { return pid_; }
    const std::string& dir() const { return dir_; }

    void stop() {
        if (dir_.empty()) return;
        (void)run_once({fab_, "server", "stop"});
        if (pid_ > 0 && is_fabd(pid_)) {
            // Did not go: it is ours (started for this run), so end it.
            for (int i = 0; i < 200 && is_fabd(pid_); ++i) ::usleep(10000);
            if (is_fabd(pid_)) ::kill(pid_, SIGTERM);
            for (int i = 0; i < 200 && is_fabd(pid_); ++i) ::usleep(10000);
            if (is_fabd(pid_)) ::kill(pid_, SIGKILL);
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
        ::unsetenv("FAB_DIR");
        dir_.clear();
        pid_ = 0;
    }

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
};

void usage() {
    std::fprintf(stderr, "usage: bench-startup-latency --fab PATH [-n RUNS] [--warmup N]\n"
                         "       bench-startup-latency [-n RUNS] [--warmup N] -- CMD [ARGS...]\n");
}

} // namespace

int main(int argc, char** argv) {
    int runs = 200;
    int warmup = 10;
    std::string fab;
    std::vector<std::string> cmd;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if ((a == "-n" || a == "--runs") && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else if (a == "--warmup" && i + 1 < argc) {
            warmup = std::max(0, std::atoi(argv[++i]));
        } else if (a == "--fab" && i + 1 < argc) {
            fab = argv[++i];
        } else if (a == "--") {
            for (++i; i < argc; ++i) cmd.emplace_back(argv[i]);
        } else if (a == "-h" || a == "--help") {
            usage();
            return 0;
        } else {
            usage();
            return 2;
        }
    }
    if (fab.empty() == cmd.empty()) {
        usage();
        return 2;
    }

    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGHUP, &sa, nullptr);

    std::printf("wall time per run (posix_spawn .. waitpid, CLOCK_MONOTONIC), ms; "
                "%d runs each after %d warm-up runs\n",
                runs, warmup);

    if (!cmd.empty()) {
        std::string label;
        for (const auto& c : cmd) label += (label.empty() ? "" : " ") + c;
        Case c{label, cmd, std::nullopt};
        print_header();
        print_row(c, measure(c, runs, warmup), std::nullopt);
        return 0;
    }

    if (fab.find('/') == std::string::npos) fab = "./" + fab;
    fab = std::filesystem::absolute(fab).string();
    if (::access(fab.c_str(), X_OK) != 0) {
        std::fprintf(stderr, "%s: not executable\n", fab.c_str());
        return 2;
    }

    TempDaemon daemon(fab);
    // fab --help first, before any daemon exists: pure start-up.
    std::vector<Case> cases = {
        {"/bin/true", {"/bin/true"}, std::nullopt},
        {"fab --help", {fab, "--help"}, std::nullopt},
    };
    print_header();
    std::optional<double> floor;
    {
        // --help must not find a daemon even by accident: point it at an empty dir.
        char tmpl[] = "/tmp/fabb-XXXXXX";
        std::string empty = ::mkdtemp(tmpl) ? tmpl : "";
        if (!empty.empty()) ::setenv("FAB_DIR", empty.c_str(), 1);
        for (const auto& c : cases) {
            Stats s = measure(c, runs, warmup);
            if (c.label == "/bin/true") floor = s.median;
            print_row(c, s, floor);
            std::fflush(stdout);
        }
        ::unsetenv("FAB_DIR");
        if (!empty.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(empty, ec);
        }
    }
    if (g_stop) return 130;

    if (!daemon.start()) {
        std::printf("(daemon did not start: fab version / fab status not measured)\n");
        return 1;
    }
    std::vector<Case> with_daemon = {
        {"fab version", {fab, "version"}, std::nullopt},
        {"fab status", {fab, "status"}, 1.5},
        {"fab status --json", {fab, "status", "--json"}, std::nullopt},
    };
    for (const auto& c : with_daemon) {
        if (g_stop) break;
        print_row(c, measure(c, runs, warmup), floor);
        std::fflush(stdout);
    }
    std::printf("(daemon pid %d in %s; stopped and removed on exit)\n",
                static_cast<int>(daemon.pid()), daemon.dir().c_str());
    daemon.stop();
    return g_stop ? 130 : 0;
}
