// bench-fanout: agent line → attached client latency, throughput and memory
// with many agents talking at once and several clients attached.
//
// In a temp FAB_DIR/HOME: starts the daemon (`fab server start`), adds a
// project, opens CLIENTS connections that `attach` (one reader thread each),
// then creates AGENTS scripted agents (`fab agent create --backend scripted`),
// each told `SCRIPT:flood LINES RATE`: LINES assistant texts at RATE a second,
// each stamped by the agent with its send time (µs since the epoch). Every
// client times every flood line it receives: fan-out latency = receive time −
// send time, i.e. agent stdout → host (transcript) → daemon → client socket.
// Offsets are checked per agent and client (gaps, duplicates, and at the end
// against the host's transcript). Memory: the daemon's and every host's
// /proc/<pid>/status before, every 2 s during, and after the run; the
// daemon's CPU time (utime+stime) over the run.
//
// Stops the daemon and kills every process started with this FAB_DIR (hosts
// outlive the daemon by design) and removes the temp dir on every path out.
// It prints figures; it never fails because something is slow or big.
//
//   bench-fanout --build build [--agents 50] [--clients 5] [--lines 2000] [--rate 200]
#include "bench_util.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using json = nlohmann::json;
using bench::check_stop;
using bench::Interrupted;
using bench::mono_ms;
using bench::percentile;
using bench::read_all;
using bench::wait_rc;

// Wall clock, as the agent stamps its lines with (same machine, same clock).
int64_t wall_us() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

void sleep_ms(int ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

// ---- processes -------------------------------------------------------------

// Runs argv with `env` (argv[0] looked up on PATH), stdout/stderr to the given
// files (or /dev/null) and stdin from `in`. Returns the pid; wait_rc() collects it.
pid_t spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
            const std::string& out = "/dev/null", const std::string& err = "/dev/null",
            const std::string& in = "/dev/null") {
    return bench::spawn(args, {in, out, err, &env, true});
}

int run(const std::vector<std::string>& args, const std::vector<std::string>& env,
        const std::string& out = "/dev/null", const std::string& err = "/dev/null") {
    return wait_rc(spawn(args, env, out, err));
}

// ---- /proc -------------------------------------------------------------------

struct Status {
    long rss_anon = -1, vm_rss = -1, vm_hwm = -1; // KiB
};

Status read_status(pid_t pid) {
    Status s;
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("RssAnon:", 0) == 0) s.rss_anon = std::atol(line.c_str() + 8);
        if (line.rfind("VmRSS:", 0) == 0) s.vm_rss = std::atol(line.c_str() + 6);
        if (line.rfind("VmHWM:", 0) == 0) s.vm_hwm = std::atol(line.c_str() + 6);
    }
    return s;
}

// utime + stime in seconds.
double cpu_seconds(pid_t pid) {
    long ticks = bench::cpu_ticks(pid);
    if (ticks < 0) return -1;
    return static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::vector<std::string> nul_split(const std::string& s) {
    std::vector<std::string> v;
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i)
        if (s[i] == '\0') v.push_back(s.substr(start, i - start)), start = i + 1;
    if (start < s.size()) v.push_back(s.substr(start));
    return v;
}

// Every process (but us) whose environment has exactly `FAB_DIR=<dir>`.
std::vector<pid_t> processes_of(const std::string& fab_dir) {
    std::vector<pid_t> pids;
    std::string want = "FAB_DIR=" + fab_dir;
    DIR* d = ::opendir("/proc");
    if (!d) return pids;
    while (dirent* e = ::readdir(d)) {
        pid_t pid = static_cast<pid_t>(std::atol(e->d_name));
        if (pid <= 0 || pid == ::getpid()) continue;
        for (const auto& kv : nul_split(read_all("/proc/" + std::to_string(pid) + "/environ")))
            if (kv == want) {
                pids.push_back(pid);
                break;
            }
    }
    ::closedir(d);
    return pids;
}

enum class Role { daemon, host, agent, other };

Role role_of(pid_t pid, pid_t daemon) {
    if (pid == daemon) return Role::daemon;
    auto argv = nul_split(read_all("/proc/" + std::to_string(pid) + "/cmdline"));
    if (argv.empty()) return Role::other;
    std::string exe = argv[0].substr(argv[0].rfind('/') + 1);
    if (exe == "fab-host") return Role::host;
    if (exe == "fab-scripted-agent") return Role::agent;
    return Role::other;
}

// One memory sample: the daemon, and the sums over hosts and agent CLIs.
struct Sample {
    double t_s = 0; // since the first agent was created
    Status daemon;
    long hosts = 0, hosts_anon = 0, hosts_rss = 0;
    long agents = 0, agents_anon = 0;
};

Sample sample(const std::string& fab_dir, pid_t daemon, double t_s) {
    Sample s;
    s.t_s = t_s;
    s.daemon = read_status(daemon);
    for (pid_t p : processes_of(fab_dir)) {
        Role r = role_of(p, daemon);
        if (r == Role::host) {
            Status st = read_status(p);
            if (st.rss_anon < 0) continue; // gone meanwhile
            s.hosts++, s.hosts_anon += st.rss_anon, s.hosts_rss += st.vm_rss;
        } else if (r == Role::agent) {
            Status st = read_status(p);
            if (st.rss_anon < 0) continue;
            s.agents++, s.agents_anon += st.rss_anon;
        }
    }
    return s;
}

// Anonymous KiB per mapping (file, [heap], [anonymous]…) from /proc/<pid>/smaps,
// largest first: what a process's RssAnon is made of.
std::vector<std::pair<long, std::string>> anon_by_mapping(pid_t pid) {
    std::map<std::string, long> by;
    std::ifstream f("/proc/" + std::to_string(pid) + "/smaps");
    std::string line, current;
    while (std::getline(f, line)) {
        if (line.rfind("Anonymous:", 0) == 0) {
            by[current] += std::atol(line.c_str() + 10);
            continue;
        }
        auto sp = line.find(' ');
        if (sp == std::string::npos || line.find('-') > sp || line.find(':') < sp) continue;
        std::istringstream h(line); // "start-end perms offset dev inode [path]"
        std::string range, perms, off, dev, inode, path;
        h >> range >> perms >> off >> dev >> inode >> path;
        current = path.empty() ? "[anonymous]" : path.substr(path.rfind('/') + 1);
    }
    std::vector<std::pair<long, std::string>> v;
    for (auto& [k, n] : by)
        if (n > 0) v.push_back({n, k});
    std::sort(v.rbegin(), v.rend());
    return v;
}

void print_anon(const char* who, pid_t pid) {
    auto v = anon_by_mapping(pid);
    long total = 0;
    for (auto& [n, k] : v) total += n;
    std::printf("  %s (pid %d): %ld KiB anonymous:", who, static_cast<int>(pid), total);
    for (size_t i = 0; i < v.size() && i < 7; ++i)
        std::printf(" %s %ld,", v[i].second.c_str(), v[i].first);
    std::printf(" ...\n");
}

double cpu_of_role(const std::string& fab_dir, pid_t daemon, Role want) {
    double sum = 0;
    for (pid_t p : processes_of(fab_dir))
        if (role_of(p, daemon) == want) sum += std::max(0.0, cpu_seconds(p));
    return sum;
}

// ---- statistics ----------------------------------------------------------------

std::string dist_ms(std::vector<double> us) {
    if (us.empty()) return "no samples";
    std::sort(us.begin(), us.end());
    char b[160];
    std::snprintf(b, sizeof b, "p50 %7.2f  p90 %7.2f  p99 %7.2f  max %8.2f ms",
                  percentile(us, 0.5) / 1e3, percentile(us, 0.9) / 1e3, percentile(us, 0.99) / 1e3,
                  us.back() / 1e3);
    return b;
}

// ---- attached clients ------------------------------------------------------------

struct Lat {
    int64_t sent_us;  // the agent's stamp
    float total_us;   // client receive − agent send
    float to_host_us; // host record ts (whole ms; +0.5 ms to centre it) − agent send
    bool replay;      // re-sent by a catch-up after a resync, not live
};

struct AgentSeen {
    int64_t next = 0; // offset expected next
    long events = 0, gaps = 0, missing = 0, dups = 0;
    bool result = false;
};

// One attached connection, read by its own thread. Everything but the atomics
// is read by the main thread only after join().
class Reader {
  public:
    Reader(std::string path, std::atomic<int>& attached)
        : path_(std::move(path)), attached_(attached) {}

    void start() {
        th_ = std::thread([this] { body(); });
    }
    void stop() {
        quit_ = true;
        if (th_.joinable()) th_.join();
    }

    std::atomic<long> results{0}; // agents whose turn_result arrived
    std::atomic<long> events{0};
    std::string error;
    long resyncs = 0, replayed = 0, other_events = 0, bytes = 0, bad_lines = 0;
    std::map<std::string, AgentSeen> agents;
    std::vector<Lat> lat;
    int64_t first_sent_us = INT64_MAX, last_recv_us = 0;

  private:
    void body() {
        try {
            connect_and_attach();
            attached_++;
            while (!quit_) read_some(100);
        } catch (const std::exception& e) {
            error = e.what();
            attached_++; // do not leave the main thread waiting
        }
        if (fd_ >= 0) ::close(fd_);
    }

    void connect_and_attach() {
        fd_ = bench::connect_unix(path_);
        send_line(R"({"type":"ping","id":"1","payload":{"protocol":1}})");
        await_response("1");
        send_line(R"({"type":"attach","id":"2","payload":{}})");
        await_response("2");
    }

    void send_line(std::string s) {
        s += '\n';
        bench::send_all(fd_, s);
    }

    void await_response(const std::string& id) {
        double deadline = mono_ms() + 10000;
        while (!quit_ && mono_ms() < deadline) {
            awaited_ = id;
            read_some(100);
            if (got_response_) {
                got_response_ = false;
                return;
            }
        }
        throw std::runtime_error("no response to request " + id + " within 10 s");
    }

    // One read; the receive time is taken as soon as the bytes are ours, so
    // parsing never counts as fan-out latency.
    void read_some(int timeout_ms) {
        pollfd p{fd_, POLLIN, 0};
        int pr = ::poll(&p, 1, timeout_ms);
        if (pr <= 0) return;
        char tmp[65536];
        ssize_t n = ::read(fd_, tmp, sizeof tmp);
        int64_t recv = wall_us();
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
        if (n < 0) throw std::runtime_error(std::string("read: ") + std::strerror(errno));
        if (n == 0) throw std::runtime_error("connection closed by the daemon");
        bytes += n;
        buf_.append(tmp, static_cast<size_t>(n));
        size_t start = 0, nl;
        while ((nl = buf_.find('\n', start)) != std::string::npos) {
            on_line(std::string_view(buf_).substr(start, nl - start), recv);
            start = nl + 1;
        }
        buf_.erase(0, start);
    }

    void on_line(std::string_view line, int64_t recv) {
        json j = json::parse(line, nullptr, false);
        if (!j.is_object()) {
            bad_lines++;
            return;
        }
        if (j.value("type", "") != "event") {
            if (j.value("id", "") == awaited_) got_response_ = true;
            on_attached(j);
            return;
        }
        std::string ev = j.value("event", "");
        if (ev == "resync") {
            // As the TUI must: attach again, asking for what we missed.
            resyncs++;
            reattach();
            return;
        }
        if (ev != "agent.output") {
            other_events++;
            return;
        }
        events++;
        bool replay = j.value("replay", false);
        replayed += replay;
        AgentSeen& a = agents[j.value("agent_id", "")];
        a.events++;
        int64_t off = j.value("offset", int64_t{-1});
        if (off < a.next) {
            a.dups++;
        } else {
            if (off > a.next) a.gaps++, a.missing += off - a.next;
            a.next = off + 1;
        }
        int64_t ts_ms = j.value("ts", int64_t{0});
        auto es = j.find("entries");
        if (es == j.end() || !es->is_array()) return;
        for (const auto& e : *es) {
            std::string kind = e.value("kind", "");
            if (kind == "turn_result" && !a.result) {
                a.result = true;
                results++;
            }
            if (kind != "assistant_text") continue;
            std::string text = e.value("text", "");
            auto t = text.find(" t=");
            if (text.rfind("flood ", 0) != 0 || t == std::string::npos) continue;
            int64_t sent = std::atoll(text.c_str() + t + 3);
            lat.push_back({sent, static_cast<float>(recv - sent),
                           static_cast<float>(ts_ms * 1000 + 500 - sent), replay});
            first_sent_us = std::min(first_sent_us, sent);
            last_recv_us = std::max(last_recv_us, recv);
        }
    }

    // Every agent in an attach snapshot is one we must follow; one that
    // appeared while we were cut off (resync) is asked for from offset 0.
    void on_attached(const json& resp) {
        auto p = resp.find("payload");
        if (p == resp.end() || !p->is_object() || !p->contains("agents")) return;
        bool unknown = false;
        for (const auto& a : (*p)["agents"])
            if (a.is_object() && !agents.count(a.value("id", ""))) {
                agents[a.value("id", "")];
                unknown = true;
            }
        if (unknown && reattached_) reattach();
    }

    void reattach() {
        json since = json::object();
        for (const auto& [id, a] : agents) since[id] = a.next;
        reattached_ = true;
        send_line(json{{"type", "attach"},
                       {"id", "r" + std::to_string(++reattach_id_)},
                       {"payload", {{"since", since}}}}
                      .dump());
    }

    std::string path_;
    std::atomic<int>& attached_;
    std::atomic<bool> quit_{false};
    std::thread th_;
    int fd_ = -1;
    std::string buf_;
    std::string awaited_;
    bool got_response_ = false;
    bool reattached_ = false;
    long reattach_id_ = 0;
};

// ---- the temp world ---------------------------------------------------------------

class World {
  public:
    explicit World(std::string build) : build_(std::move(build)) {}
    World(const World&) = delete;
    World& operator=(const World&) = delete;
    ~World() { teardown(); }

    void setup() {
        char tmpl[] = "/tmp/fabf-XXXXXX";
        if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        root_ = tmpl;
        fab_dir_ = root_ + "/fab";
        std::filesystem::create_directories(root_ + "/home");
        std::filesystem::create_directories(root_ + "/out");
        make_env();
        std::string repo = root_ + "/repo";
        std::filesystem::create_directories(repo);
        std::ofstream(repo + "/README") << "fan-out bench\n";
        if (run({"git", "-C", repo, "init", "-q", "-b", "main"}, env_) != 0 ||
            run({"git", "-C", repo, "add", "README"}, env_) != 0 ||
            run({"git", "-C", repo, "-c", "user.name=bench", "-c", "user.email=bench@localhost",
                 "commit", "-q", "-m", "init"},
                env_) != 0)
            throw std::runtime_error("cannot create the git repository " + repo);
        if (fab({"server", "start"}) != 0)
            throw std::runtime_error("fab server start failed" + log_tail());
        std::ifstream(fab_dir_ + "/fab.pid") >> daemon_;
        if (daemon_ <= 0) throw std::runtime_error("no pid in " + fab_dir_ + "/fab.pid");
    }

    void add_project(long max_agents) {
        std::string err = root_ + "/out/project.err";
        if (fab({"project", "add", root_ + "/repo", "--name", "p", "--max-agents",
                 std::to_string(std::clamp(max_agents, 1L, 100L))},
                "/dev/null", err) != 0)
            throw std::runtime_error("fab project add failed: " + read_all(err));
    }

    // Creates `n` agents, `parallel` `fab agent create` at a time; their ids
    // in creation order. A failed create is retried once, alone; every
    // failure is kept for the report (concurrent creates are part of the test).
    std::vector<std::string> create_agents(long n, const std::string& prompt, int parallel) {
        std::vector<std::string> ids(static_cast<size_t>(n));
        auto launch = [&](long i) {
            std::string base = root_ + "/out/create-" + std::to_string(i);
            return spawn({build_ + "/fab", "agent", "create", "--project", "p", "--backend",
                          "scripted", "--prompt", prompt, "--json"},
                         env_, base + ".out", base + ".err");
        };
        auto reap = [&](pid_t pid, long i, bool retry) {
            int rc = wait_rc(pid);
            std::string base = root_ + "/out/create-" + std::to_string(i);
            json a = json::parse(read_all(base + ".out"), nullptr, false);
            if (rc == 0 && a.is_object()) {
                ids[static_cast<size_t>(i)] = a.value("id", "");
                return;
            }
            std::string err = read_all(base + ".err");
            while (!err.empty() && err.back() == '\n') err.pop_back();
            errors_.push_back("agent " + std::to_string(i) + (retry ? " (retry)" : "") + ": exit " +
                              std::to_string(rc) + ": " + err.substr(0, 300));
        };
        std::vector<std::pair<pid_t, long>> running;
        for (long i = 0; i < n; ++i) {
            check_stop();
            if (static_cast<int>(running.size()) >= parallel) {
                reap(running.front().first, running.front().second, false);
                running.erase(running.begin());
            }
            running.push_back({launch(i), i});
        }
        for (auto& [pid, i] : running) reap(pid, i, false);
        for (long i = 0; i < n; ++i)
            if (ids[static_cast<size_t>(i)].empty()) reap(launch(i), i, true);
        return ids;
    }

    // Records in the host's transcript, and bytes of the agent's stdout lines.
    struct Transcript {
        long records = 0, out_lines = 0;
        long long out_bytes = 0;
    };
    Transcript transcript(const std::string& id) const {
        Transcript t;
        std::ifstream f(fab_dir_ + "/agents/" + id + "/transcript.jsonl");
        std::string line;
        while (std::getline(f, line)) {
            json j = json::parse(line, nullptr, false);
            if (!j.is_object()) continue;
            t.records++;
            if (j.value("src", "") == "out") {
                t.out_lines++;
                t.out_bytes += static_cast<long long>(j.value("data", "").size()) + 1;
            }
        }
        return t;
    }

    // Warnings and errors in fab.log (clients dropped, resyncs, host trouble).
    std::vector<std::string> log_problems() const {
        std::vector<std::string> v;
        std::ifstream f(fab_dir_ + "/fab.log");
        std::string line;
        while (std::getline(f, line))
            if (line.find("WARN") != std::string::npos || line.find("ERROR") != std::string::npos ||
                line.find("warn") != std::string::npos || line.find("error") != std::string::npos)
                v.push_back(line);
        return v;
    }

    void teardown() {
        if (root_.empty()) return;
        stop_rc_ = fab({"server", "stop"});
        // Hosts and agents outlive the daemon by design: end every process
        // that carries this FAB_DIR, politely first.
        auto left = processes_of(fab_dir_);
        killed_ = static_cast<long>(left.size());
        for (pid_t p : left) ::kill(p, SIGTERM);
        for (int i = 0; i < 100 && !processes_of(fab_dir_).empty(); ++i) sleep_ms(20);
        for (pid_t p : processes_of(fab_dir_)) ::kill(p, SIGKILL), forced_++;
        for (int i = 0; i < 100 && !processes_of(fab_dir_).empty(); ++i) sleep_ms(20);
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
        root_.clear();
    }

    // The hook as Claude Code runs it for agent `id`: its env, its worktree.
    std::vector<std::string> hook_env(const std::string& id) const {
        auto env = env_;
        env.push_back("FAB_AGENT_ID=" + id);
        env.push_back("FAB_PROJECT=p");
        env.push_back("FAB_WORKTREE=" + worktree(id));
        env.push_back("FAB_SOCKET_PATH=" + socket());
        return env;
    }
    std::string worktree(const std::string& id) const {
        return fab_dir_ + "/projects/p/worktrees/wt-" + id;
    }
    int install_rules() { return fab({"permissions", "init"}); }
    const std::string& root() const { return root_; }

    pid_t daemon() const { return daemon_; }
    std::string socket() const { return fab_dir_ + "/fab.sock"; }
    const std::string& fab_dir() const { return fab_dir_; }
    const std::vector<std::string>& errors() const { return errors_; }
    int stop_rc() const { return stop_rc_; }
    long killed() const { return killed_; }
    long forced() const { return forced_; }

  private:
    // Our environment minus anything that would reach the user's fab or
    // Claude setup; FAB_DIR/HOME/XDG_CONFIG_HOME in the temp dir; the build
    // dir (fab, fabd, fab-scripted-agent) first on PATH.
    void make_env() {
        env_.clear();
        for (char** e = environ; *e; ++e) {
            std::string kv = *e;
            std::string key = kv.substr(0, kv.find('='));
            if (key == "FAB_DIR" || key == "HOME" || key == "XDG_CONFIG_HOME" || key == "PATH" ||
                key.rfind("CLAUDE", 0) == 0 || key.rfind("ANTHROPIC", 0) == 0 ||
                key.rfind("FAB_", 0) == 0)
                continue;
            env_.push_back(kv);
        }
        const char* path = std::getenv("PATH");
        env_.push_back("FAB_DIR=" + fab_dir_);
        env_.push_back("HOME=" + root_ + "/home");
        env_.push_back("XDG_CONFIG_HOME=" + root_ + "/home/.config");
        env_.push_back("PATH=" + build_ + ":" + build_ +
                       "/scripted:" + (path ? path : "/usr/bin:/bin"));
    }

    int fab(const std::vector<std::string>& args, const std::string& out = "/dev/null",
            const std::string& err = "/dev/null") {
        std::vector<std::string> argv{build_ + "/fab"};
        argv.insert(argv.end(), args.begin(), args.end());
        return run(argv, env_, out, err);
    }

    std::string log_tail() const {
        std::string s = read_all(fab_dir_ + "/fab.log");
        return s.empty() ? "" : "; fab.log:\n" + s.substr(s.size() > 2000 ? s.size() - 2000 : 0);
    }

    std::string build_, root_, fab_dir_;
    std::vector<std::string> env_;
    std::vector<std::string> errors_;
    pid_t daemon_ = 0;
    int stop_rc_ = 0;
    long killed_ = 0, forced_ = 0;
};

// ---- report ----------------------------------------------------------------------

std::string mib(long kib) {
    char b[32];
    std::snprintf(b, sizeof b, "%7.2f", static_cast<double>(kib) / 1024.0);
    return b;
}

void print_samples(const std::vector<std::pair<std::string, Sample>>& samples, long agents) {
    std::printf("  %-16s %9s %9s %9s %6s %10s %10s %12s %12s\n", "", "daemon", "daemon", "daemon",
                "hosts", "hosts", "hosts", "(daemon+", "agent CLIs");
    std::printf("  %-16s %9s %9s %9s %6s %10s %10s %12s %12s\n", "", "RssAnon", "VmRSS", "VmHWM",
                "", "RssAnon", "VmRSS", "hosts)/agent", "RssAnon");
    std::printf("  %-16s %9s %9s %9s %6s %10s %10s %12s %12s\n", "", "MiB", "MiB", "MiB", "", "MiB",
                "MiB", "MiB", "MiB (info)");
    for (const auto& [label, s] : samples) {
        long priv = s.daemon.rss_anon + s.hosts_anon;
        std::printf("  %-16s %9s %9s %9s %6ld %10s %10s %12s %12s\n", label.c_str(),
                    mib(s.daemon.rss_anon).c_str(), mib(s.daemon.vm_rss).c_str(),
                    mib(s.daemon.vm_hwm).c_str(), s.hosts, mib(s.hosts_anon).c_str(),
                    mib(s.hosts_rss).c_str(), agents > 0 ? mib(priv / agents).c_str() : "n/a",
                    mib(s.agents_anon).c_str());
    }
}

void usage() {
    std::fprintf(stderr, "usage: bench-fanout --build DIR [--agents N] [--clients N] [--lines N] "
                         "[--rate N] [--hook-runs N]\n");
}

struct Config {
    std::string build;
    long agents = 50, clients = 5, lines = 2000, rate = 200;
    long hook_runs = 0; // > 0: also time `fab hook PreToolUse` while the agents stream
};

// `fab hook PreToolUse` for a live agent while every agent streams: one case
// a rule decides in the hook process, one that goes to the daemon (no rule
// decides `make`: the hook checks the agent with the daemon, answers "ask").
void hook_under_load(World& w, const std::string& build, const std::string& agent, long runs) {
    struct Case {
        const char* label;
        const char* command;
        const char* expect;
    };
    const Case cases[] = {{"rule-decided", "git status", "\"allow\""},
                          {"daemon-decided", "make", "\"ask\""}};
    auto env = w.hook_env(agent);
    std::printf("\nfab hook PreToolUse while the agents stream, wall time per run (spawn .. "
                "exit), %ld runs each after 20 warm-up runs (agent %s):\n",
                runs, agent.c_str());
    bench::print_latency_header("  ", 16, "case", "targets");
    for (const Case& c : cases) {
        std::string in = w.root() + "/out/hook-input.json", out = w.root() + "/out/hook-out.json";
        std::ofstream(in) << R"({"session_id":"s","cwd":")" << w.worktree(agent)
                          << R"(","hook_event_name":"PreToolUse","tool_name":"Bash",)"
                          << R"("tool_input":{"command":")" << c.command
                          << R"("},"tool_use_id":"toolu_bench"})";
        std::vector<std::string> argv{build + "/fab", "hook", "PreToolUse"};
        wait_rc(spawn(argv, env, out, "/dev/null", in));
        std::string answer = read_all(out);
        if (answer.find(c.expect) == std::string::npos) {
            std::printf("  %-16s (skipped: expected %s, the hook printed %s)\n", c.label, c.expect,
                        answer.c_str());
            continue;
        }
        std::vector<double> t;
        long failures = 0;
        for (long i = 0; i < runs + 20; ++i) {
            check_stop();
            double t0 = mono_ms();
            int rc = wait_rc(spawn(argv, env, "/dev/null", "/dev/null", in));
            double ms = mono_ms() - t0;
            if (i < 20) continue;
            failures += rc != 0;
            t.push_back(ms);
        }
        bool rule = c.command == std::string("git status");
        bench::Latency l = bench::summarize(std::move(t));
        bench::print_latency_row("  ", 16, c.label, l);
        std::printf("   %s%s\n",
                    !rule                             ? "(none: one daemon round trip)"
                    : l.median <= 1.5 && l.p99 <= 4.0 ? "median <= 1.5 ms, p99 <= 4 ms: met"
                                                      : "median <= 1.5 ms, p99 <= 4 ms: MISSED",
                    failures ? "  !! some runs exited non-zero" : "");
        std::fflush(stdout);
    }
}

int run_bench(const Config& cfg) {
    World w(cfg.build);
    w.setup();
    w.add_project(cfg.agents);
    if (cfg.hook_runs > 0 && w.install_rules() != 0)
        throw std::runtime_error("fab permissions init failed");
    pid_t daemon = w.daemon();
    std::printf("daemon pid %d, FAB_DIR %s\n", static_cast<int>(daemon), w.fab_dir().c_str());
    std::printf("%ld agents x SCRIPT:flood %ld %ld (%.1f s each, %ld lines/s in all), %ld attached "
                "clients\n",
                cfg.agents, cfg.lines, cfg.rate,
                static_cast<double>(cfg.lines) / static_cast<double>(cfg.rate),
                cfg.agents * cfg.rate, cfg.clients);
    std::printf("load avg before: %s", read_all("/proc/loadavg").c_str());

    sleep_ms(200); // let start-up settle
    std::vector<std::pair<std::string, Sample>> samples;
    samples.push_back({"before (idle)", sample(w.fab_dir(), daemon, 0)});

    std::atomic<int> attached{0};
    std::vector<std::unique_ptr<Reader>> readers;
    for (long i = 0; i < cfg.clients; ++i) {
        readers.push_back(std::make_unique<Reader>(w.socket(), attached));
        readers.back()->start();
    }
    auto stop_readers = [&] {
        for (auto& r : readers) r->stop();
    };
    struct Joiner { // readers are joined on every path out
        std::function<void()> f;
        ~Joiner() { f(); }
    } joiner{stop_readers};
    while (attached < cfg.clients) sleep_ms(5), check_stop();
    for (auto& r : readers)
        if (!r->error.empty()) throw std::runtime_error("client: " + r->error);

    // Sampler: memory every 2 s from the first agent on.
    std::mutex mu;
    std::atomic<bool> sampling{true};
    double t0 = mono_ms();
    double cpu0 = cpu_seconds(daemon);
    std::thread sampler([&] {
        for (int k = 1; sampling; ++k) {
            while (sampling && mono_ms() < t0 + 2000.0 * k) sleep_ms(20);
            if (!sampling) break;
            double t = (mono_ms() - t0) / 1000;
            Sample s = sample(w.fab_dir(), daemon, t);
            char label[32];
            std::snprintf(label, sizeof label, "during %5.1f s", t);
            std::lock_guard<std::mutex> l(mu);
            samples.push_back({label, s});
        }
    });
    struct SamplerStop {
        std::atomic<bool>& on;
        std::thread& th;
        ~SamplerStop() {
            on = false;
            if (th.joinable()) th.join();
        }
    } sampler_stop{sampling, sampler};

    std::string prompt =
        "SCRIPT:flood " + std::to_string(cfg.lines) + " " + std::to_string(cfg.rate);
    auto ids = w.create_agents(cfg.agents, prompt, 8);
    if (cfg.hook_runs > 0 && !ids.empty() && !ids[0].empty())
        hook_under_load(w, cfg.build, ids[0], cfg.hook_runs);
    double t_created = mono_ms();
    int64_t created_wall_us = wall_us();
    double cpu_created = cpu_seconds(daemon);
    long created = static_cast<long>(
        std::count_if(ids.begin(), ids.end(), [](auto& s) { return !s.empty(); }));

    // Done when every client has every created agent's turn result.
    double limit_ms =
        1000.0 * static_cast<double>(cfg.lines) / static_cast<double>(cfg.rate) + 60000;
    bool complete = false;
    while (mono_ms() < t_created + limit_ms) {
        check_stop();
        complete = std::all_of(readers.begin(), readers.end(),
                               [&](auto& r) { return r->results >= created; });
        if (complete) break;
        sleep_ms(20);
    }
    double t_end = mono_ms();
    double cpu1 = cpu_seconds(daemon);
    double hosts_cpu = cpu_of_role(w.fab_dir(), daemon, Role::host);
    double agents_cpu = cpu_of_role(w.fab_dir(), daemon, Role::agent);
    sampling = false;
    if (sampler.joinable()) sampler.join();
    samples.push_back({"after (done)", sample(w.fab_dir(), daemon, (mono_ms() - t0) / 1000)});
    sleep_ms(2000);
    samples.push_back({"after +2 s", sample(w.fab_dir(), daemon, (mono_ms() - t0) / 1000)});
    stop_readers();

    // ---- figures ----
    std::printf("load avg after:  %s", read_all("/proc/loadavg").c_str());
    std::printf("agents created: %ld of %ld in %.1f s (fab agent create, 8 at a time)\n", created,
                cfg.agents, (t_created - t0) / 1000);
    for (const auto& e : w.errors()) std::printf("  create failed: %s\n", e.c_str());
    if (!complete)
        std::printf("INCOMPLETE: not every client got every agent's turn result within %.0f s\n",
                    limit_ms / 1000);

    long long out_bytes = 0;
    long out_lines = 0, records = 0;
    std::map<std::string, long> transcript_records;
    for (const auto& id : ids) {
        if (id.empty()) continue;
        auto t = w.transcript(id);
        out_bytes += t.out_bytes, out_lines += t.out_lines, records += t.records;
        transcript_records[id] = t.records;
    }

    std::vector<double> all, live, to_host, host_to_client;
    int64_t first_sent = INT64_MAX, last_recv = 0;
    std::printf("\nper client (agent.output events; offsets checked per agent):\n");
    std::printf("  %-6s %9s %9s %10s %6s %8s %6s %8s %8s %8s  %s\n", "client", "events", "flood",
                "MiB recv", "gaps", "missing", "dups", "end-lost", "resyncs", "replayed",
                "fan-out latency");
    for (size_t c = 0; c < readers.size(); ++c) {
        Reader& r = *readers[c];
        long gaps = 0, missing = 0, dups = 0, end_lost = 0;
        for (const auto& [id, a] : r.agents) gaps += a.gaps, missing += a.missing, dups += a.dups;
        // Records the host wrote that this client never got (at the tail).
        for (const auto& [id, n] : transcript_records) {
            auto it = r.agents.find(id);
            int64_t next = it == r.agents.end() ? 0 : it->second.next;
            end_lost += std::max<int64_t>(0, n - next);
        }
        std::vector<double> lat;
        lat.reserve(r.lat.size());
        for (const auto& l : r.lat) {
            lat.push_back(l.total_us);
            all.push_back(l.total_us);
            if (!l.replay) live.push_back(l.total_us);
            to_host.push_back(l.to_host_us);
            host_to_client.push_back(l.total_us - l.to_host_us);
        }
        first_sent = std::min(first_sent, r.first_sent_us);
        last_recv = std::max(last_recv, r.last_recv_us);
        std::printf("  %-6zu %9ld %9zu %10.1f %6ld %8ld %6ld %8ld %8ld %8ld  %s\n", c,
                    r.events.load(), r.lat.size(), static_cast<double>(r.bytes) / 1048576.0, gaps,
                    missing, dups, end_lost, r.resyncs, r.replayed, dist_ms(lat).c_str());
        if (!r.error.empty()) std::printf("         client error: %s\n", r.error.c_str());
        if (r.bad_lines) std::printf("         %ld unparsable lines\n", r.bad_lines);
    }
    long expected = created * cfg.lines;
    std::printf("  expected per client: %ld flood lines, %ld records (host transcripts)\n",
                expected, records);

    std::printf("\nfan-out latency, agent line -> attached client (all clients, %zu samples):\n",
                all.size());
    std::printf("  %-36s %s\n", "agent -> client (total)", dist_ms(all).c_str());
    // Creating agents (git worktree add, spawning hosts and CLIs) competes for
    // the CPU; lines sent after the last create show the steady state.
    std::vector<double> steady;
    long steady_lines_c0 = 0;
    for (size_t c = 0; c < readers.size(); ++c)
        for (const auto& l : readers[c]->lat)
            if (l.sent_us >= created_wall_us)
                steady.push_back(l.total_us), steady_lines_c0 += c == 0;
    std::printf("  %-36s %s\n", "  lines sent after the last create", dist_ms(steady).c_str());
    if (live.size() != all.size())
        std::printf("  %-36s %s\n", "  live events only (no replays)", dist_ms(live).c_str());
    // The host stamps records in whole ms: these two halves are +-0.5 ms.
    std::printf("  %-36s %s\n", "  agent -> host record (+-0.5 ms)", dist_ms(to_host).c_str());
    std::printf("  %-36s %s\n", "  host record -> client (+-0.5 ms)",
                dist_ms(host_to_client).c_str());

    // Latency over time, by send time: does it climb (a backlog) or stay flat?
    if (!all.empty() && first_sent < last_recv) {
        std::map<long, std::vector<double>> by;
        for (auto& r : readers)
            for (const auto& l : r->lat)
                by[static_cast<long>((l.sent_us - first_sent) / 2'000'000)].push_back(l.total_us);
        std::printf("\n  by send time (2 s buckets):\n");
        for (auto& [b, v] : by)
            std::printf("    %3ld-%3ld s  %8zu lines  %s\n", b * 2, b * 2 + 2, v.size(),
                        dist_ms(v).c_str());
    }

    double window_s =
        first_sent < last_recv ? static_cast<double>(last_recv - first_sent) / 1e6 : 0;
    double run_s = (t_end - t0) / 1000;
    std::printf("\nthroughput (flood window %.2f s = first flood line sent -> last received):\n",
                window_s);
    if (window_s > 0) {
        std::printf(
            "  agent stdout lines into the daemon  %9.0f lines/s, %6.2f MiB/s of stream-json "
            "(%ld lines, %.1f MiB)\n",
            static_cast<double>(out_lines) / window_s,
            static_cast<double>(out_bytes) / 1048576.0 / window_s, out_lines,
            static_cast<double>(out_bytes) / 1048576.0);
        long ev = 0, by = 0;
        for (auto& r : readers) ev += r->events, by += r->bytes;
        std::printf(
            "  events out to %ld clients            %9.0f events/s, %6.2f MiB/s of event JSON\n",
            cfg.clients, static_cast<double>(ev) / window_s,
            static_cast<double>(by) / 1048576.0 / window_s);
    }
    std::printf(
        "  daemon CPU (utime+stime) over the run: %.2f s in %.1f s wall = %.0f%% of one core",
        cpu1 - cpu0, run_s, run_s > 0 ? 100.0 * (cpu1 - cpu0) / run_s : 0.0);
    if (out_lines > 0)
        std::printf(" (%.1f us per agent line)",
                    1e6 * (cpu1 - cpu0) / static_cast<double>(out_lines));
    double steady_s = (t_end - t_created) / 1000;
    if (steady_lines_c0 > 0 && steady_s > 0)
        std::printf("\n  daemon CPU after the last create: %.2f s in %.1f s = %.0f%% of one core "
                    "(%.1f us per "
                    "flood line)",
                    cpu1 - cpu_created, steady_s, 100.0 * (cpu1 - cpu_created) / steady_s,
                    1e6 * (cpu1 - cpu_created) / static_cast<double>(steady_lines_c0));
    std::printf("\n  for comparison, whole life: hosts %.2f s CPU in all, agent CLIs %.2f s\n",
                hosts_cpu, agents_cpu);

    std::printf("\nmemory (/proc/<pid>/status; hosts = every `fab-host` of this FAB_DIR):\n");
    {
        std::lock_guard<std::mutex> l(mu);
        print_samples(samples, created);
    }

    // Targets.
    std::printf("\nwhat RssAnon is made of (/proc/<pid>/smaps, KiB per mapping, largest first):\n");
    print_anon("daemon", daemon);
    for (pid_t p : processes_of(w.fab_dir()))
        if (role_of(p, daemon) == Role::host) {
            print_anon("a host", p);
            break;
        }

    std::printf("\ntargets:\n");
    std::vector<double> sorted = all;
    std::sort(sorted.begin(), sorted.end());
    double p99 = percentile(sorted, 0.99) / 1e3;
    std::printf("  %-36s %7.2f ms   <= 10 ms: %s\n", "p99 fan-out latency (whole run)", p99,
                sorted.empty() ? "n/a"
                : p99 <= 10    ? "met"
                               : "MISSED");
    std::sort(steady.begin(), steady.end());
    double sp99 = percentile(steady, 0.99) / 1e3;
    std::printf("  %-36s %7.2f ms   <= 10 ms: %s\n", "p99 fan-out latency (steady state)", sp99,
                steady.empty() ? "n/a"
                : sp99 <= 10   ? "met"
                               : "MISSED");
    long peak_priv = 0, first_priv = -1, last_priv = 0;
    for (const auto& [label, s] : samples) {
        if (s.hosts < created) continue; // still starting agents
        long priv = s.daemon.rss_anon + s.hosts_anon;
        peak_priv = std::max(peak_priv, priv);
        if (first_priv < 0) first_priv = priv;
        last_priv = priv;
    }
    if (created > 0 && first_priv >= 0) {
        double per = static_cast<double>(peak_priv) / 1024.0 / static_cast<double>(created);
        std::printf("  %-36s %7.3f MiB  <= 1 MiB per agent: %s (peak of the samples above)\n",
                    "private memory per agent", per, per <= 1.0 ? "met" : "MISSED");
        std::printf("  %-36s %+7.2f MiB from the first sample with every host to the last (%+.1f "
                    "KiB per agent)\n",
                    "flat over the run", static_cast<double>(last_priv - first_priv) / 1024.0,
                    static_cast<double>(last_priv - first_priv) / static_cast<double>(created));
    }
    long lost = 0, dups = 0, resyncs = 0;
    for (auto& r : readers) {
        resyncs += r->resyncs;
        for (const auto& [id, a] : r->agents) lost += a.missing, dups += a.dups;
    }
    std::printf("  %-36s %ld missing, %ld duplicate, %ld resync over %ld clients\n",
                "every event to every client", lost, dups, resyncs, cfg.clients);

    auto problems = w.log_problems();
    if (!problems.empty()) {
        std::printf("\nfab.log: %zu warning/error lines; the first:\n", problems.size());
        for (size_t i = 0; i < problems.size() && i < 8; ++i)
            std::printf("  %s\n", problems[i].substr(0, 200).c_str());
    }

    w.teardown();
    std::printf(
        "\ndaemon stopped (fab server stop exit %d), %ld leftover processes of this FAB_DIR "
        "ended (%ld needed SIGKILL), temp dir removed\n",
        w.stop_rc(), w.killed(), w.forced());
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    Config cfg;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto num = [&](long& v, long lo) {
            if (i + 1 >= argc) return false;
            v = std::max(lo, std::atol(argv[++i]));
            return true;
        };
        bool ok = true;
        if (a == "--build" && i + 1 < argc)
            cfg.build = argv[++i];
        else if (a == "--agents")
            ok = num(cfg.agents, 1);
        else if (a == "--clients")
            ok = num(cfg.clients, 1);
        else if (a == "--lines")
            ok = num(cfg.lines, 1);
        else if (a == "--rate")
            ok = num(cfg.rate, 1);
        else if (a == "--hook-runs")
            ok = num(cfg.hook_runs, 0);
        else if (a == "-h" || a == "--help") {
            usage();
            return 0;
        } else
            ok = false;
        if (!ok) {
            usage();
            return 2;
        }
    }
    if (cfg.build.empty()) {
        usage();
        return 2;
    }
    cfg.build = std::filesystem::absolute(cfg.build).lexically_normal().string();
    if (!cfg.build.empty() && cfg.build.back() == '/') cfg.build.pop_back();
    if (::access((cfg.build + "/fab").c_str(), X_OK) != 0) {
        std::fprintf(stderr, "bench-fanout: %s/fab not found\n", cfg.build.c_str());
        return 2;
    }

    bench::install_stop_handlers();

    try {
        return run_bench(cfg);
    } catch (const Interrupted&) {
        std::fprintf(stderr, "interrupted; daemon stopped, processes ended, temp dir removed\n");
        return 130;
    } catch (const std::exception& e) {
        std::fprintf(stderr,
                     "bench-fanout: %s (daemon stopped, processes ended, temp dir removed)\n",
                     e.what());
        return 1;
    }
}
