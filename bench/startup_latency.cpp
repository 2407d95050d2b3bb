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
#include "bench_util.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

using bench::g_stop;

struct RunResult {
    int status = -1; // waitpid status, or -1 when the spawn failed
    double ms = 0;
};

// Spawns argv with stdio on /dev/null, waits for it, returns its wait status
// and wall time.
RunResult run_once(const std::vector<std::string>& args) {
    RunResult r;
    int err = 0;
    double t0 = bench::mono_ms();
    pid_t pid = bench::spawn(args, {}, &err);
    if (pid < 0) {
        std::fprintf(stderr, "cannot run %s: %s\n", args[0].c_str(), std::strerror(err));
        return r;
    }
    int st = bench::wait_status(pid);
    if (st < 0) {
        std::perror("waitpid");
        return r;
    }
    r.ms = bench::mono_ms() - t0;
    r.status = st;
    return r;
}

bool exited_ok(int st) {
    return bench::exit_code(st) == 0;
}

struct Case {
    std::string label;
    std::vector<std::string> argv;
    std::optional<double> target_median_ms;
};

bench::Latency measure(const Case& c, int runs, int warmup, size_t& failures) {
    for (int i = 0; i < warmup && !g_stop; ++i) (void)run_once(c.argv);
    std::vector<double> t;
    t.reserve(static_cast<size_t>(runs));
    for (int i = 0; i < runs && !g_stop; ++i) {
        RunResult r = run_once(c.argv);
        if (r.status == -1) {
            ++failures;
            break; // cannot spawn at all: no point going on
        }
        if (!exited_ok(r.status)) ++failures;
        t.push_back(r.ms);
    }
    return bench::summarize(std::move(t));
}

void print_header() {
    bench::print_latency_header("", 22, "command", "target");
}

void print_row(const Case& c, const bench::Latency& s, size_t failures,
               const std::optional<double>& floor_median) {
    if (s.runs == 0) {
        std::printf("%-22s (not measured%s)\n", c.label.c_str(), g_stop ? ": interrupted" : "");
        return;
    }
    bench::print_latency_row("", 22, c.label, s);
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
    if (failures)
        std::printf("%-22s   !! %zu of %zu runs exited non-zero (figures above are suspect)\n", "",
                    failures, s.runs);
}

// measure() then print_row().
bench::Latency measure_and_print(const Case& c, int runs, int warmup,
                                 const std::optional<double>& floor_median) {
    size_t failures = 0;
    bench::Latency s = measure(c, runs, warmup, failures);
    print_row(c, s, failures, floor_median);
    return s;
}

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

    bench::install_stop_handlers();

    std::printf("wall time per run (posix_spawn .. waitpid, CLOCK_MONOTONIC), ms; "
                "%d runs each after %d warm-up runs\n",
                runs, warmup);

    if (!cmd.empty()) {
        std::string label;
        for (const auto& c : cmd) label += (label.empty() ? "" : " ") + c;
        Case c{label, cmd, std::nullopt};
        print_header();
        measure_and_print(c, runs, warmup, std::nullopt);
        return 0;
    }

    if (fab.find('/') == std::string::npos) fab = "./" + fab;
    fab = std::filesystem::absolute(fab).string();
    if (::access(fab.c_str(), X_OK) != 0) {
        std::fprintf(stderr, "%s: not executable\n", fab.c_str());
        return 2;
    }

    bench::TempDaemon daemon(fab);
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
            bench::Latency s = measure_and_print(c, runs, warmup, floor);
            if (c.label == "/bin/true") floor = s.median;
            std::fflush(stdout);
        }
        ::unsetenv("FAB_DIR");
        if (!empty.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(empty, ec);
        }
    }
    if (g_stop) return 130;

    if (std::string error; !daemon.start(error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
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
        measure_and_print(c, runs, warmup, floor);
        std::fflush(stdout);
    }
    std::printf("(daemon pid %d in %s; stopped and removed on exit)\n",
                static_cast<int>(daemon.pid()), daemon.dir().c_str());
    daemon.stop();
    return g_stop ? 130 : 0;
}
