// bench-codex-approval: the round trip of a Codex approval request through fab —
// request line on the agent's stdout → host (transcript) → daemon → the rules
// (rules/tool_decision, on the thread pool) → host.respond → the answer line on
// the agent's stdin — with AGENTS agents streaming output at the same time.
//
// The agents are bench/codex-standin.py, installed as `codex` first on PATH: a
// stand-in that speaks enough of `codex app-server` (handshake, turn/start,
// item/commandExecution/requestApproval) and times each request itself. It is
// for this benchmark only; tests/e2e/test-agents-codex.sh runs the real CLI.
// Every request is `echo bench N`, which a rule allows: this measures fab's
// own path, not a human. Prints median/p95/p99/max over every decision and how
// many were not "accept"; never fails because something is slow.
//
//   bench-codex-approval --build build [--agents 20] [--decisions 500] [--rate 50]
#include "bench_util.hpp"

#include <dirent.h>
#include <iterator>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

using bench::mono_ms;

struct Options {
    std::string build = "build";
    long agents = 20, decisions = 500, rate = 50;
};

// Every process (but us) whose environment holds exactly FAB_DIR=<dir>.
std::vector<pid_t> fab_dir_pids(const std::string& dir) {
    std::vector<pid_t> out;
    std::string want = "FAB_DIR=" + dir;
    DIR* d = ::opendir("/proc");
    if (!d) return out;
    while (dirent* e = ::readdir(d)) {
        pid_t pid = static_cast<pid_t>(std::atol(e->d_name));
        if (pid <= 0 || pid == ::getpid()) continue;
        std::ifstream env(std::string("/proc/") + e->d_name + "/environ");
        for (std::string kv; std::getline(env, kv, '\0');)
            if (kv == want) {
                out.push_back(pid);
                break;
            }
    }
    ::closedir(d);
    return out;
}

int usage() {
    std::fprintf(stderr, "usage: bench-codex-approval --build DIR [--agents N] [--decisions N] "
                         "[--rate LINES_PER_S]\n");
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        const char* v = nullptr;
        if (a == "--build" && (v = next()))
            o.build = v;
        else if (a == "--agents" && (v = next()))
            o.agents = std::atol(v);
        else if (a == "--decisions" && (v = next()))
            o.decisions = std::atol(v);
        else if (a == "--rate" && (v = next()))
            o.rate = std::atol(v);
        else
            return usage();
    }
    if (o.agents < 1 || o.decisions < o.agents || o.rate < 1) return usage();
    bench::install_stop_handlers();
    std::string build = std::filesystem::absolute(o.build).string();
    std::string fab = build + "/fab";
    std::string source = std::string(FAB_SOURCE_ROOT) + "/bench";
    if (!std::filesystem::exists(source + "/codex-standin.py")) {
        std::fprintf(stderr, "bench-codex-approval: %s/codex-standin.py is missing\n",
                     source.c_str());
        return 1;
    }

    // The stand-in as `codex`, first on the PATH the daemon (and its hosts) get.
    char tmpl[] = "/tmp/fabbc-XXXXXX";
    if (!::mkdtemp(tmpl)) return std::perror("mkdtemp"), 1;
    std::string tmp = tmpl;
    std::filesystem::create_directories(tmp + "/bin");
    std::filesystem::create_directories(tmp + "/out");
    std::filesystem::copy_file(source + "/codex-standin.py", tmp + "/bin/codex");
    std::filesystem::permissions(tmp + "/bin/codex", std::filesystem::perms::owner_all);
    const char* path = std::getenv("PATH");
    ::setenv("PATH", (tmp + "/bin:" + build + ":" + (path ? path : "/usr/bin:/bin")).c_str(), 1);
    long per_agent = o.decisions / o.agents;
    ::setenv("FAB_BENCH_OUT", (tmp + "/out").c_str(), 1);
    ::setenv("FAB_BENCH_DECISIONS", std::to_string(per_agent).c_str(), 1);
    ::setenv("FAB_BENCH_RATE", std::to_string(o.rate).c_str(), 1);
    ::setenv("HOME", tmp.c_str(), 1);
    ::setenv("XDG_CONFIG_HOME", (tmp + "/config").c_str(), 1);

    int status = 0;
    std::string fab_dir;
    {
        bench::TempDaemon daemon(fab);
        std::string err;
        if (!daemon.start(err)) {
            std::fprintf(stderr, "%s\n", err.c_str());
            std::filesystem::remove_all(tmp);
            return 1;
        }
        fab_dir = daemon.dir();
        std::filesystem::create_directories(fab_dir + "/config");
        std::ofstream(fab_dir + "/config/permissions.ini")
            << "[rule \"bench-echo\"]\ntool = Bash\naction = allow\npattern = echo bench:*\n";
        std::string repo = tmp + "/repo";
        std::filesystem::create_directories(repo);
        std::ofstream(repo + "/README") << "bench\n";
        bench::SpawnOptions on_path;
        on_path.search_path = true; // git
        bool ok = bench::run_quiet({"git", "-C", repo, "init", "-q", "-b", "main"}, on_path) == 0 &&
                  bench::run_quiet({"git", "-C", repo, "add", "README"}, on_path) == 0 &&
                  bench::run_quiet({"git", "-C", repo, "-c", "user.name=b", "-c",
                                    "user.email=b@b.invalid", "commit", "-qm", "init"},
                                   on_path) == 0 &&
                  bench::run_quiet({fab, "project", "add", repo, "--name", "p", "--max-agents",
                                    std::to_string(o.agents + 1)}) == 0;
        if (!ok) {
            std::fprintf(stderr, "bench-codex-approval: cannot set up the project\n");
            status = 1;
        }
        double t0 = mono_ms();
        for (long i = 0; ok && i < o.agents; ++i)
            if (bench::run_quiet({fab, "agent", "create", "--project", "p", "--backend", "codex",
                                  "--prompt", "bench"}) != 0) {
                std::fprintf(stderr, "bench-codex-approval: fab agent create failed\n");
                status = 1;
                ok = false;
            }
        // Done when every stand-in marked its end (or after a generous limit).
        auto done_count = [&] {
            long n = 0;
            for (const auto& e : std::filesystem::directory_iterator(tmp + "/out"))
                if (e.path().filename().string().rfind("done-", 0) == 0) ++n;
            return n;
        };
        try {
            while (ok && done_count() < o.agents && mono_ms() - t0 < 180000) {
                bench::check_stop();
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        } catch (const bench::Interrupted&) {
            status = 1;
        }
        std::vector<double> ms;
        std::map<std::string, long> decisions;
        for (const auto& e : std::filesystem::directory_iterator(tmp + "/out")) {
            if (e.path().filename().string().rfind("lat-", 0) != 0) continue;
            std::ifstream f(e.path());
            double v;
            std::string d;
            while (f >> v >> d) {
                ms.push_back(v);
                decisions[d]++;
            }
        }
        std::printf("codex approval round trip: %ld agents streaming %ld lines/s each, %zu "
                    "decisions (%ld of %ld stand-ins finished)\n",
                    o.agents, o.rate, ms.size(), done_count(), o.agents);
        for (const auto& [d, n] : decisions) std::printf("  decision %-8s %ld\n", d.c_str(), n);
        if (!ms.empty()) {
            auto l = bench::summarize(ms);
            bench::print_latency_header("  ", 28, "request -> rule -> answer");
            bench::print_latency_row("  ", 28, "round trip", l);
            std::printf("\n  target: median <= 2 ms: %s\n", l.median <= 2.0 ? "met" : "NOT met");
        }
        // Agents first (their hosts outlive the daemon by design), then the daemon.
        auto list = tmp + "/out/list.json";
        bench::SpawnOptions lo;
        lo.out = list;
        (void)bench::run_quiet({fab, "agent", "list", "--json"}, lo);
        std::ifstream lf(list);
        std::string all((std::istreambuf_iterator<char>(lf)), std::istreambuf_iterator<char>());
        for (size_t p = all.find("\"id\":\""); p != std::string::npos;
             p = all.find("\"id\":\"", p + 1)) {
            std::string id = all.substr(p + 6, all.find('"', p + 6) - (p + 6));
            (void)bench::run_quiet({fab, "agent", "abort", "--force", id});
        }
    }
    for (int round = 0; round < 50; ++round) {
        auto pids = fab_dir_pids(fab_dir);
        if (pids.empty()) break;
        for (pid_t p : pids) ::kill(p, round < 10 ? SIGTERM : SIGKILL);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::filesystem::remove_all(tmp);
    return status;
}
