// Integration-test harness: a private FAB_DIR/HOME per test, the real
// binaries from the build directory, and conditions waited for with a
// deadline (never a fixed sleep). The destructor leaves nothing running.
#pragma once

#include "client/connection.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace fab::test {

struct RunResult {
    int code = -1;
    std::string out, err;
};

class Sandbox {
  public:
    Sandbox();
    ~Sandbox();
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;

    const std::string& root() const { return root_; }
    std::string fab_dir() const { return root_ + "/fab"; }
    std::string socket() const { return fab_dir() + "/fab.sock"; }
    std::string config_file() const { return fab_dir() + "/config/config.ini"; }

    // Runs `fab args...` with the sandbox environment; `timeout_ms` kills it.
    RunResult fab(const std::vector<std::string>& args, int timeout_ms = 60000);
    // Runs any program with the sandbox environment.
    RunResult run(const std::vector<std::string>& argv, const std::string& cwd = "",
                  int timeout_ms = 60000);
    // Same, with `input` on stdin (as Claude Code feeds a hook) instead of /dev/null.
    RunResult run_input(const std::vector<std::string>& argv, const std::string& input,
                        const std::string& cwd = "", int timeout_ms = 60000);

    void set_env(const std::string& key, const std::string& value) { env_[key] = value; }
    void unset_env(const std::string& key) { env_.erase(key); }
    int daemon_pid() const; // holder of the pid lock, or 0
    // Every process whose environment names this sandbox's FAB_DIR (agent
    // hosts, agent CLIs and their children: they outlive the daemon by design).
    std::vector<int> sandbox_processes() const;
    void kill_sandbox_processes() const;

    // `git -C <dir> <args…>` with the sandbox environment: its output, trimmed.
    std::string git(const std::string& dir, const std::vector<std::string>& args);
    // A global rule ($FAB_DIR/config/permissions.ini) that lets agents run
    // every Bash tool without asking anyone.
    void allow_all_bash();

    // A git repository with one commit, at root/<name>.
    std::string make_repo(const std::string& name);
    // A bare repository root/origin.git cloned from make_repo("seed"), for
    // projects that fetch and push; "" if git failed.
    std::string make_origin();
    // The id of the first pending question (`fab question list --json`) once
    // there is one; "" if none came within `timeout_ms`.
    std::string wait_question(int timeout_ms = 10000);

  private:
    RunResult spawn(const std::vector<std::string>& argv, const std::string* input,
                    const std::string& cwd, int timeout_ms);

    std::string root_;
    std::map<std::string, std::string> env_;
};

// The fixture of the agent tests: a sandbox and the queries on the scripted
// agents of its project "web".
struct AgentsFixture {
    Sandbox sb;

    // `fab server start`, then the repository root/web added as project "web";
    // the repository's path.
    std::string start_project();
    // A scripted agent created in "web" with `prompt`; its id.
    std::string create(const std::string& prompt);
    // The agent's entry in `fab agent list --json`; an empty object if none.
    Json agent(const std::string& id);
    std::string state(const std::string& id);
    std::string history(const std::string& id);
    bool wait_history(const std::string& id, const std::string& text, int ms = 20000);
    // The turn that ran the last message has ended (the agent went idle after it).
    bool wait_turn(const std::string& id, int ms = 30000);
    // The id of the first pending permission request once there is one.
    std::string pending_permission();
    std::string worktree(const std::string& id) const;
};

// A loopback TCP port nobody listens on now (the kernel's pick for port 0).
int free_port();

// Polls `cond` every few milliseconds until it holds or `timeout_ms` passes.
bool wait_for(const std::function<bool()>& cond, int timeout_ms = 10000);

std::string build_path(const std::string& program);
bool process_alive(int pid);
std::string read_text(const std::string& path);

} // namespace fab::test
