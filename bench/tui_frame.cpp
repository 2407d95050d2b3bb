// bench-tui-frame: what a frame of fab-tui costs, and what the real program
// costs to start and to sit idle.
//
// 1. Frame time (in process, no terminal): a model with 100 agents, the
//    selected one holding a 10,000-entry chat, rendered to the text canvas
//    and diffed against the previous frame as the screen does (rows compared,
//    the frame kept). Scenarios: a spinner tick, a new chat entry per frame,
//    scrolling back one line per frame, re-wrapping (expand toggled).
// 2. Memory of that model in this process (VmRSS/VmHWM).
// 3. With --fab and --tui: a daemon in a temp FAB_DIR, then the real fab-tui
//    on a pseudo-terminal: exec → exit with --frames 1 (first frame), its
//    peak RSS, and CPU and RSS while it sits idle for 3 s connected to the
//    daemon. Then SIGTERM, which must end it with status 0.
// Prints figures; never fails because something is slow or big.
//
//   bench-tui-frame [--frames 2000] [--fab build/fab --tui build/fab-tui]
#include "bench_util.hpp"
#include "tui/canvas.hpp"
#include "tui/model.hpp"
#include "tui/modes.hpp"
#include "tui/views.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <vector>

extern char** environ;

using namespace fab;
using namespace fab::tui;

namespace {

constexpr int64_t kT0 = 1790000000000;

double now_us() {
    return std::chrono::duration<double, std::micro>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

long status_kib(pid_t pid, const char* key) {
    std::ifstream f(pid ? "/proc/" + std::to_string(pid) + "/status" : "/proc/self/status");
    std::string line;
    size_t n = std::strlen(key);
    while (std::getline(f, line))
        if (line.compare(0, n, key) == 0 && line.size() > n && line[n] == ':')
            return std::atol(line.c_str() + n + 1);
    return -1;
}

// ---- 1. frames -------------------------------------------------------------

Json entry(int64_t i) {
    switch (i % 6) {
    case 0:
        return {{"kind", "user_input"}, {"text", "Please look at item " + std::to_string(i)}};
    case 1:
        return {{"kind", "assistant_text"},
                {"text", "Looking at it now. The function returns early when the list is empty, "
                         "so the caller never sees the error; I will change that and add a test "
                         "for the empty case (" +
                             std::to_string(i) + ")."}};
    case 2:
        return {{"kind", "tool_use"},
                {"tool_name", "Bash"},
                {"tool_id", "t" + std::to_string(i)},
                {"tool_input", {{"command", "npm test -- --grep item" + std::to_string(i)}}}};
    case 3:
        return {{"kind", "tool_result"},
                {"tool_id", "t" + std::to_string(i - 1)},
                {"text", "PASS item.test.js\n  ✓ empty list\n  ✓ one item\n  ✓ 日本語 names\n"}};
    case 4:
        return {{"kind", "assistant_text"},
                {"text", "Fixed:\n```cpp\nif (items.empty()) return make_error(\"empty\");\n```\n"
                         "All tests pass."}};
    default:
        return {{"kind", "turn_result"},
                {"usage",
                 {{"input_tokens", 1200},
                  {"output_tokens", 300},
                  {"cache_read_tokens", 0},
                  {"cache_creation_tokens", 0},
                  {"cost_usd", 0.01}}}};
    }
}

Json output(const std::string& id, int64_t offset) {
    return {{"event", "agent.output"},
            {"agent_id", id},
            {"offset", offset},
            {"entries", Json::array({entry(offset)})}};
}

void build_model(Model& m, int agents, int64_t chat) {
    static const char* kStates[] = {"running", "idle", "running", "done", "failed", "starting"};
    static const char* kKinds[] = {"task", "task", "plan", "task", "manager"};
    Json list = Json::array();
    for (int i = 0; i < agents; ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "a%04d", i);
        list.push_back({{"id", id},
                        {"kind", kKinds[i % 5]},
                        {"project", i % 3 ? "web" : "api-gateway"},
                        {"backend", i % 2 ? "claude" : "codex"},
                        {"state", kStates[i % 6]},
                        {"description", "Ticket " + std::to_string(i) + ": make the thing work"},
                        {"created_ms", kT0 + i * 1000},
                        {"last_offset", i == 0 ? chat - 1 : -1}});
    }
    m.set_agents(list);
    m.set_focus("a0000"); // the selected agent keeps its whole chat
    m.set_status({{"projects", Json::array({{{"name", "web"}}, {{"name", "api-gateway"}}})}});
    for (int64_t o = 0; o < chat; ++o) m.apply_event(output("a0000", o));
}

struct Stats {
    double median = 0, p99 = 0, max = 0;
    long rows = 0; // rows that differed, per frame (mean)
};

template <typename Step>
Stats run_frames(Model& m, int rows, int cols, int frames, Step step) {
    Modes modes;
    ViewState vs;
    vs.selected = "a0000";
    vs.now_ms = kT0 + 3600 * 1000;
    Canvas cur(rows, cols), prev(rows, cols);
    std::vector<double> t;
    t.reserve(static_cast<size_t>(frames));
    long changed = 0;
    Context ctx;
    ctx.agent = "a0000";
    ctx.project = "api-gateway";
    for (int i = 0; i < frames; ++i) {
        step(m, vs, i);
        double t0 = now_us();
        Frame f{m, modes, ctx, vs, glyphs(true), filter_agents(m, modes.filter())};
        render(cur, f);
        for (int y = 0; y < rows; ++y)
            if (!cur.row_equal(prev, y)) ++changed;
        prev = cur; // what Screen::draw keeps for the next diff
        t.push_back(now_us() - t0);
    }
    std::sort(t.begin(), t.end());
    Stats s;
    s.median = t[t.size() / 2];
    s.p99 = t[std::min(t.size() - 1, t.size() * 99 / 100)];
    s.max = t.back();
    s.rows = changed / frames;
    return s;
}

void print(const char* what, int rows, int cols, const Stats& s) {
    std::printf("  %-34s %3dx%-3d  median %7.1f us  p99 %7.1f us  max %7.1f us  (%ld rows drawn)\n",
                what, cols, rows, s.median, s.p99, s.max, s.rows);
}

// ---- 3. the real fab-tui on a pty ---------------------------------------------

struct Pty {
    int master = -1;
    std::string slave;
    Pty(int rows, int cols) {
        master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) return;
        slave = ::ptsname(master);
        winsize ws{};
        ws.ws_row = static_cast<unsigned short>(rows);
        ws.ws_col = static_cast<unsigned short>(cols);
        ::ioctl(master, TIOCSWINSZ, &ws);
    }
    ~Pty() {
        if (master >= 0) ::close(master);
    }
    // Reads what the program drew (so it never blocks on a full pty).
    void drain(int ms) {
        pollfd p{master, POLLIN, 0};
        char buf[65536];
        if (::poll(&p, 1, ms) > 0 && (p.revents & POLLIN)) (void)!::read(master, buf, sizeof buf);
    }
};

pid_t spawn_tui(const std::string& tui, const Pty& pty, const std::vector<std::string>& extra) {
    std::vector<std::string> args{tui};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    for (int fd = 0; fd < 3; ++fd)
        posix_spawn_file_actions_addopen(&fa, fd, pty.slave.c_str(), O_RDWR, 0);
    ::setenv("TERM", "xterm-256color", 1);
    pid_t pid = 0;
    int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    return rc == 0 ? pid : -1;
}

// Waits for `pid` while draining the pty; returns the wait status.
int wait_tui(pid_t pid, Pty& pty, rusage* ru, int timeout_ms = 10000) {
    double deadline = now_us() + timeout_ms * 1000.0;
    int st = 0;
    for (;;) {
        pid_t r = ::wait4(pid, &st, WNOHANG, ru);
        if (r == pid) return st;
        if (now_us() > deadline) {
            ::kill(pid, SIGKILL);
            ::wait4(pid, &st, 0, ru);
            return -1;
        }
        pty.drain(2);
    }
}

void real_tui(const std::string& fab, const std::string& tui) {
    bench::TempDaemon daemon(fab);
    if (std::string error; !daemon.start(error)) {
        std::printf("  %s\n", error.c_str());
        return;
    }
    for (auto [rows, cols] : {std::pair{24, 80}, std::pair{48, 160}}) {
        std::vector<double> t;
        int bad = 0;
        for (int i = 0; i < 15; ++i) {
            Pty pty(rows, cols);
            rusage ru{};
            double t0 = now_us();
            pid_t pid = spawn_tui(tui, pty, {"--frames", "1"});
            if (pid < 0) {
                std::printf("  cannot run %s\n", tui.c_str());
                break;
            }
            int st = wait_tui(pid, pty, &ru);
            t.push_back((now_us() - t0) / 1000.0);
            if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) ++bad;
        }
        if (t.empty()) break;
        std::sort(t.begin(), t.end());
        std::printf(
            "  first frame, exec -> exit with --frames 1 at %dx%d: median %.1f ms, min %.1f "
            "ms (target <= 30 ms)%s\n",
            cols, rows, t[t.size() / 2], t.front(), bad ? " — SOME RUNS FAILED" : "");
    }
    // Idle: connected, nothing happening.
    {
        Pty pty(24, 80);
        pid_t pid = spawn_tui(tui, pty, {});
        double until = now_us() + 1.5e6;
        while (now_us() < until) pty.drain(20);
        long c0 = bench::cpu_ticks(pid);
        double t0 = now_us();
        while (now_us() < t0 + 3e6) pty.drain(50);
        long c1 = bench::cpu_ticks(pid);
        double secs = (now_us() - t0) / 1e6;
        long hz = ::sysconf(_SC_CLK_TCK);
        // (ru_maxrss from wait4 is no use here: a posix_spawn child inherits
        // the parent's peak from before its exec.)
        std::printf("  idle for %.1f s, connected: CPU %.2f%% (%ld ticks; target 0%%); VmRSS %ld "
                    "KiB, VmHWM %ld KiB, RssAnon %ld KiB (target <= 8 MiB)\n",
                    secs, 100.0 * static_cast<double>(c1 - c0) / (secs * static_cast<double>(hz)),
                    c1 - c0, status_kib(pid, "VmRSS"), status_kib(pid, "VmHWM"),
                    status_kib(pid, "RssAnon"));
        ::kill(pid, SIGTERM);
        rusage ru{};
        int st = wait_tui(pid, pty, &ru);
        std::printf("  SIGTERM: %s\n", WIFEXITED(st)
                                           ? ("exit " + std::to_string(WEXITSTATUS(st))).c_str()
                                           : "killed (did not exit in 10 s)");
    }
}

} // namespace

int main(int argc, char** argv) {
    std::setlocale(LC_ALL, "C.UTF-8");
    int frames = 2000;
    std::string fab, tui;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--frames" && i + 1 < argc)
            frames = std::max(10, std::atoi(argv[++i]));
        else if (a == "--fab" && i + 1 < argc)
            fab = argv[++i];
        else if (a == "--tui" && i + 1 < argc)
            tui = argv[++i];
        else {
            std::fprintf(stderr, "usage: bench-tui-frame [--frames N] [--fab FAB --tui FAB_TUI]\n");
            return 2;
        }
    }
    long rss0 = status_kib(0, "VmRSS");
    double b0 = now_us();
    Model m;
    build_model(m, 100, 10000);
    std::printf(
        "model: 100 agents, a 10,000-entry chat, built in %.0f ms; this process VmRSS %ld -> "
        "%ld KiB\n",
        (now_us() - b0) / 1000.0, rss0, status_kib(0, "VmRSS"));
    std::printf("frame = render to the canvas + diff with the previous frame (target <= 2 ms):\n");
    int64_t next = 10000; // offsets of new entries, across both sizes
    for (auto [rows, cols] : {std::pair{24, 80}, std::pair{48, 160}}) {
        print("spinner tick (steady)", rows, cols,
              run_frames(m, rows, cols, frames, [](Model&, ViewState& vs, int) { ++vs.spinner; }));
        print("a new chat entry per frame", rows, cols,
              run_frames(m, rows, cols, frames / 4, [&next](Model& mm, ViewState&, int) {
                  mm.apply_event(output("a0000", next++));
              }));
        print(
            "scrolling back a line per frame", rows, cols,
            run_frames(m, rows, cols, frames, [](Model&, ViewState& vs, int i) { vs.scroll = i; }));
        print("re-wrap (expand toggled per frame)", rows, cols,
              run_frames(m, rows, cols, frames / 4,
                         [](Model&, ViewState& vs, int) { vs.expanded = !vs.expanded; }));
    }
    std::printf("this process after the frames: VmRSS %ld KiB, VmHWM %ld KiB\n",
                status_kib(0, "VmRSS"), status_kib(0, "VmHWM"));
    if (!fab.empty() && !tui.empty()) {
        std::printf("the real fab-tui on a pseudo-terminal, against a daemon in a temp FAB_DIR:\n");
        real_tui(fab, tui);
    }
    return 0;
}
