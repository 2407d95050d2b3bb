#include "harness.hpp"

#include <boost/test/unit_test.hpp>

#include "util/fd.hpp"
#include "util/strings.hpp"
#include "util/subprocess.hpp"
#include "util/time.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace fab::test {

std::string build_path(const std::string& program) {
    return std::string(FAB_BUILD_ROOT) + "/" + program;
}

bool process_alive(int pid) {
    if (pid <= 0 || (::kill(pid, 0) != 0 && errno != EPERM)) return false;
    // A zombie waiting for init to reap it is not alive.
    std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
    auto paren = stat.rfind(')');
    return paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'Z';
}

std::string read_text(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

bool wait_for(const std::function<bool()>& cond, int timeout_ms) {
    int64_t deadline = monotonic_ms() + timeout_ms;
    while (monotonic_ms() < deadline) {
        if (cond()) return true;
        ::usleep(5000);
    }
    return cond();
}

Sandbox::Sandbox() {
    // Short root: socket paths must fit in sun_path.
    char tmpl[] = "/tmp/fabit-XXXXXX";
    root_ = ::mkdtemp(tmpl);
    for (char** e = environ; *e; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq == std::string::npos) continue;
        std::string k = kv.substr(0, eq);
        if (k.rfind("FAB_", 0) == 0 || k == "XDG_CONFIG_HOME") continue;
        env_[k] = kv.substr(eq + 1);
    }
    std::filesystem::create_directories(root_ + "/home");
    env_["HOME"] = root_ + "/home";
    env_["FAB_DIR"] = fab_dir();
    env_["XDG_CONFIG_HOME"] = root_ + "/xdg";
    env_["GIT_CONFIG_NOSYSTEM"] = "1";
    // The programs under test first: fab, fabd and the scripted agent.
    env_["PATH"] = std::string(FAB_BUILD_ROOT) + ":" + FAB_BUILD_ROOT + "/scripted:" + env_["PATH"];
    env_["GIT_AUTHOR_NAME"] = env_["GIT_COMMITTER_NAME"] = "fab test";
    env_["GIT_AUTHOR_EMAIL"] = env_["GIT_COMMITTER_EMAIL"] = "test@fab.invalid";
}

int Sandbox::daemon_pid() const {
    UniqueFd fd(::open((fab_dir() + "/fab.pid").c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return 0;
    if (::flock(fd.get(), LOCK_SH | LOCK_NB) == 0) return 0;
    char buf[32] = {};
    if (::pread(fd.get(), buf, sizeof buf - 1, 0) <= 0) return 0;
    return std::atoi(buf);
}

std::vector<int> Sandbox::sandbox_processes() const {
    std::vector<int> out;
    std::string needle = "FAB_DIR=" + fab_dir();
    needle.push_back('\0');
    for (auto& e : std::filesystem::directory_iterator("/proc")) {
        std::string name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        int pid = std::atoi(name.c_str());
        if (pid == ::getpid()) continue;
        std::string env = read_text("/proc/" + name + "/environ");
        if (env.find(needle) != std::string::npos && process_alive(pid)) out.push_back(pid);
    }
    return out;
}

void Sandbox::kill_sandbox_processes() const {
    for (int pid : sandbox_processes()) ::kill(pid, SIGKILL);
}

Sandbox::~Sandbox() {
    // Leave nothing running: a stray daemon would keep CI's pipes open.
    if (int pid = daemon_pid()) {
        fab({"server", "stop"}, 20000);
        if (process_alive(pid)) ::kill(pid, SIGKILL);
        wait_for([&] { return !process_alive(pid); }, 5000);
    }
    kill_sandbox_processes();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
}

RunResult Sandbox::fab(const std::vector<std::string>& args, int timeout_ms) {
    std::vector<std::string> argv = {build_path("fab")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, "", timeout_ms);
}

RunResult Sandbox::run(const std::vector<std::string>& argv, const std::string& cwd,
                       int timeout_ms) {
    return spawn(argv, nullptr, cwd, timeout_ms);
}

RunResult Sandbox::run_input(const std::vector<std::string>& argv, const std::string& input,
                             const std::string& cwd, int timeout_ms) {
    return spawn(argv, &input, cwd, timeout_ms);
}

RunResult Sandbox::spawn(const std::vector<std::string>& argv, const std::string* input,
                         const std::string& cwd, int timeout_ms) {
    RunResult r;
    RunSpec spec;
    spec.argv = argv;
    spec.cwd = cwd;
    spec.env.emplace();
    for (auto& [k, v] : env_) spec.env->push_back(k + "=" + v);
    if (input) spec.input = *input;
    spec.timeout_ms = timeout_ms;
    spec.max_output = 64 * 1024 * 1024;
    spec.own_process_group = false; // as before: a test's commands share its group
    auto run = run_process(spec);
    if (!run) {
        r.err = "spawn failed: " + run.error();
        return r;
    }
    r.out = std::move(run->out);
    r.err = std::move(run->err);
    if (run->timed_out) r.err += "[harness: killed after timeout]";
    r.code = run->signal != 0 ? 128 + run->signal : run->exit_code;
    return r;
}

std::string Sandbox::make_repo(const std::string& name) {
    std::string dir = root_ + "/" + name;
    std::filesystem::create_directories(dir);
    run({"git", "init", "-q", "-b", "main", dir});
    std::ofstream(dir + "/README.md") << "# " << name << "\n";
    run({"git", "-C", dir, "add", "README.md"});
    run({"git", "-C", dir, "commit", "-q", "-m", "initial"});
    return dir;
}

std::string Sandbox::git(const std::string& dir, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"git", "-C", dir};
    argv.insert(argv.end(), args.begin(), args.end());
    return std::string(trim(run(argv).out));
}

void Sandbox::allow_all_bash() {
    std::filesystem::create_directories(fab_dir() + "/config");
    std::ofstream(fab_dir() + "/config/permissions.ini")
        << "[rule \"tests run anything\"]\ntool = Bash\naction = allow\n";
}

std::string Sandbox::make_origin() {
    std::string seed = make_repo("seed");
    std::string origin = root_ + "/origin.git";
    return run({"git", "clone", "-q", "--bare", seed, origin}).code == 0 ? origin : "";
}

std::string Sandbox::wait_question(int timeout_ms) {
    std::string id;
    wait_for(
        [&] {
            auto j = Json::parse(fab({"question", "list", "--json"}).out, nullptr, false);
            if (!j.is_object() || !j.contains("questions") || j["questions"].empty()) return false;
            id = j["questions"][0].value("id", "");
            return true;
        },
        timeout_ms);
    return id;
}

std::string AgentsFixture::start_project() {
    BOOST_TEST_REQUIRE(sb.fab({"server", "start"}).code == 0);
    std::string repo = sb.make_repo("web");
    auto r = sb.fab({"project", "add", repo});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    return repo;
}

std::string AgentsFixture::create(const std::string& prompt) {
    auto r = sb.fab({"agent", "create", "--project", "web", "--backend", "scripted", "--prompt",
                     prompt, "--json"});
    BOOST_TEST_REQUIRE(r.code == 0, r.err);
    return Json::parse(r.out).value("id", "");
}

Json AgentsFixture::agent(const std::string& id) {
    // Tolerates a daemon that is down for a moment (the restart tests).
    auto list = Json::parse(sb.fab({"agent", "list", "--json"}).out, nullptr, false);
    if (list.is_object() && list.contains("agents"))
        for (auto& a : list["agents"])
            if (a["id"] == id) return a;
    return Json::object();
}

std::string AgentsFixture::state(const std::string& id) {
    return agent(id).value("state", "");
}

std::string AgentsFixture::history(const std::string& id) {
    return sb.fab({"agent", "history", id}).out;
}

bool AgentsFixture::wait_history(const std::string& id, const std::string& text, int ms) {
    return wait_for([&] { return history(id).find(text) != std::string::npos; }, ms);
}

bool AgentsFixture::wait_turn(const std::string& id, int ms) {
    return wait_for(
        [&] {
            std::string h = history(id);
            return state(id) == "idle" && h.rfind("turn done") != std::string::npos &&
                   h.rfind("turn done") > h.rfind("you: ");
        },
        ms);
}

std::string AgentsFixture::pending_permission() {
    std::string id;
    wait_for([&] {
        auto j = Json::parse(sb.fab({"permission", "list", "--json"}).out, nullptr, false);
        if (!j.is_object() || !j.contains("requests") || j["requests"].empty()) return false;
        id = j["requests"][0].value("id", "");
        return true;
    });
    return id;
}

std::string AgentsFixture::worktree(const std::string& id) const {
    return sb.fab_dir() + "/projects/web/worktrees/wt-" + id;
}

} // namespace fab::test

namespace fab::test {

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    int port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

} // namespace fab::test
