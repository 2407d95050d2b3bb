// bench-hook-latency: wall time of `fab hook PreToolUse`, which Claude Code
// runs before every tool call of every agent.
//
// Each case feeds one hook input on stdin (from a file) and times posix_spawn
// .. waitpid with CLOCK_MONOTONIC, N times (default 500). A temp FAB_DIR gets
// the default rules (`fab permissions init`) so that:
//   rule allow     `git status` is allowed by a rule: no daemon contact
//   rule deny      `sudo …` is denied by a rule: no daemon contact
//   daemon down    `make` matches no deciding rule; the socket is absent
//   daemon         `make` again, with a daemon started in the temp FAB_DIR:
//                  one connect + hook.event round trip (skipped when the
//                  daemon does not start)
// It prints figures; it never fails because something is slow.
//
//   bench-hook-latency --fab build/fab [-n 500] [--warmup 20]
#include "bench_util.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

// Runs argv with stdin from `in` and stdout to `out` ("" = /dev/null);
// returns the wait status (-1 when it could not run) and the wall time.
int run_once(const std::vector<std::string>& args, const std::string& in, const std::string& out,
             double* ms = nullptr) {
    bench::SpawnOptions o;
    if (!in.empty()) o.in = in;
    if (!out.empty()) o.out = out;
    double t0 = bench::mono_ms();
    int st = bench::wait_status(bench::spawn(args, o));
    if (ms && st >= 0) *ms = bench::mono_ms() - t0;
    return st;
}

struct Case {
    std::string label;
    std::string command; // the Bash command in the hook input; "" = /bin/true
    std::string expect;  // text the hook's answer must contain
};

void measure(const std::string& fab, const std::string& dir, const Case& c, int runs, int warmup) {
    std::vector<std::string> argv = {"/bin/true"};
    std::string in;
    if (!c.command.empty()) {
        argv = {fab, "hook", "PreToolUse"};
        in = dir + "/input.json";
        std::ofstream(in) << R"({"session_id":"s","cwd":")" << dir
                          << R"(/wt","hook_event_name":"PreToolUse","tool_name":"Bash",)"
                          << R"("tool_input":{"command":")" << c.command
                          << R"("},"tool_use_id":"toolu_bench"})";
        std::string out = dir + "/out.json";
        run_once(argv, in, out);
        std::string answer = bench::read_all(out);
        if (answer.find(c.expect) == std::string::npos) {
            std::printf("%-14s (skipped: expected %s, the hook printed %s)\n", c.label.c_str(),
                        c.expect.c_str(), answer.c_str());
            return;
        }
    }
    for (int i = 0; i < warmup; ++i) run_once(argv, in, "");
    std::vector<double> t;
    int failures = 0;
    for (int i = 0; i < runs; ++i) {
        double ms = 0;
        int st = run_once(argv, in, "", &ms);
        if (bench::exit_code(st) != 0) ++failures;
        t.push_back(ms);
    }
    bench::print_latency_row("", 14, c.label, bench::summarize(std::move(t)));
    std::printf("%s\n", failures ? "  !! some runs exited non-zero" : "");
    std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
    int runs = 500, warmup = 20;
    std::string fab;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if ((a == "-n" || a == "--runs") && i + 1 < argc)
            runs = std::max(1, std::atoi(argv[++i]));
        else if (a == "--warmup" && i + 1 < argc)
            warmup = std::max(0, std::atoi(argv[++i]));
        else if (a == "--fab" && i + 1 < argc)
            fab = argv[++i];
        else {
            std::fprintf(stderr, "usage: bench-hook-latency --fab PATH [-n RUNS] [--warmup N]\n");
            return a == "-h" || a == "--help" ? 0 : 2;
        }
    }
    if (fab.empty()) {
        std::fprintf(stderr, "usage: bench-hook-latency --fab PATH [-n RUNS] [--warmup N]\n");
        return 2;
    }
    fab = std::filesystem::absolute(fab).string();
    char tmpl[] = "/tmp/fabh-XXXXXX";
    if (!::mkdtemp(tmpl)) {
        std::perror("mkdtemp");
        return 1;
    }
    std::string dir = tmpl;
    std::filesystem::create_directories(dir + "/wt");
    ::setenv("FAB_DIR", (dir + "/fab").c_str(), 1);
    ::setenv("FAB_AGENT_ID", "bench", 1);
    ::setenv("FAB_WORKTREE", (dir + "/wt").c_str(), 1);
    for (const char* v : {"FAB_SOCKET_PATH", "FAB_PID_PATH", "FAB_PROJECT", "FAB_AGENT_KIND"})
        ::unsetenv(v);
    // SIGINT would leave the daemon behind: ignore it while one may run.
    std::signal(SIGINT, SIG_IGN);

    int rc = 0;
    if (run_once({fab, "permissions", "init"}, "", "") != 0) {
        std::fprintf(stderr, "fab permissions init failed\n");
        rc = 1;
    } else {
        std::printf("fab hook PreToolUse, wall time per run (spawn .. exit), ms; %d runs after "
                    "%d warm-up runs\n",
                    runs, warmup);
        bench::print_latency_header("", 14, "case");
        measure(fab, dir, {"/bin/true", "", ""}, runs, warmup);
        measure(fab, dir, {"rule allow", "git status", "\"allow\""}, runs, warmup);
        measure(fab, dir, {"rule deny", "sudo id", "\"deny\""}, runs, warmup);
        measure(fab, dir, {"daemon down", "make", "not reachable"}, runs, warmup);
        if (run_once({fab, "server", "start"}, "", "") == 0) {
            // Whatever the daemon answers (ask, or deny for this unknown
            // agent) is one full round trip; only "not reachable" is wrong.
            measure(fab, dir, {"daemon", "make", "permissionDecision"}, runs, warmup);
            run_once({fab, "server", "stop"}, "", "");
        } else {
            std::printf("%-14s (skipped: the daemon did not start)\n", "daemon");
        }
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    return rc;
}
