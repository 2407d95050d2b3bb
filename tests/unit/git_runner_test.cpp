// git::Runner: every git it runs gets one environment — here, SSH that cannot
// prompt (BatchMode), unless the user chose their own ssh command — and a
// core.sshCommand that a repository's own config names never runs.
#include "daemon/git/runner.hpp"
#include "util/fs.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sys/wait.h>
#include <uv.h>

namespace fs = std::filesystem;

namespace {

struct SetEnv {
    std::string name;
    std::optional<std::string> old;
    SetEnv(std::string n, const char* value) : name(std::move(n)) {
        if (const char* o = std::getenv(name.c_str())) old = o;
        if (value)
            ::setenv(name.c_str(), value, 1);
        else
            ::unsetenv(name.c_str());
    }
    ~SetEnv() {
        if (old)
            ::setenv(name.c_str(), old->c_str(), 1);
        else
            ::unsetenv(name.c_str());
    }
};

struct FakeSsh {
    std::string root, bin, home, repo, log;
    FakeSsh() {
        char tmpl[] = "/tmp/fab-runner-XXXXXX";
        root = ::mkdtemp(tmpl);
        bin = root + "/bin";
        home = root + "/home";
        repo = root + "/repo";
        log = root + "/ssh.log";
        fs::create_directories(bin);
        fs::create_directories(home);
        // Each "ssh" writes who it is and its arguments, then fails.
        for (const char* who : {"ssh", "users-ssh", "repos-ssh"}) {
            std::ofstream(bin + "/" + who)
                << "#!/bin/sh\necho \"" << who << " $*\" >> '" << log << "'\nexit 255\n";
            fs::permissions(bin + "/" + who, fs::perms::owner_all);
        }
    }
    ~FakeSsh() { fs::remove_all(root); }
    void sh(const std::string& cmd) {
        int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
        BOOST_REQUIRE_MESSAGE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, cmd);
    }
    // `git ls-remote` of an ssh URL through a fresh runner (as a new daemon).
    std::string fetch_through_runner() {
        fs::remove(log);
        uv_loop_t loop;
        uv_loop_init(&loop);
        {
            fab::git::Runner runner(&loop);
            bool done = false;
            runner.run(repo, {"ls-remote", "ssh://git.example.invalid/x.git"},
                       [&](fab::ev::ProcessResult r) {
                           done = true;
                           BOOST_TEST(!r.ok()); // every fake ssh fails
                       });
            uv_run(&loop, UV_RUN_DEFAULT);
            BOOST_TEST(done);
        }
        uv_loop_close(&loop);
        auto text = fab::read_file(log);
        return text ? *text : std::string();
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(git_runner)

BOOST_FIXTURE_TEST_CASE(ssh_cannot_prompt_and_a_repositorys_ssh_command_never_runs, FakeSsh) {
    std::string path = bin + ":" + (std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
    SetEnv p("PATH", path.c_str());
    SetEnv h("HOME", home.c_str());
    SetEnv x("XDG_CONFIG_HOME", (home + "/.config").c_str());
    SetEnv s("GIT_CONFIG_NOSYSTEM", "1");
    SetEnv c("GIT_SSH_COMMAND", nullptr);
    SetEnv g("GIT_SSH", nullptr);
    sh("git init -q '" + repo + "'");
    // What an agent could write into the clone's config from its worktree.
    sh("git -C '" + repo + "' config core.sshCommand '" + bin + "/repos-ssh'");

    std::string seen = fetch_through_runner();
    BOOST_TEST(seen.find("ssh ") == 0, seen);
    BOOST_TEST(seen.find("-o BatchMode=yes") != std::string::npos, seen);
    BOOST_TEST(seen.find("repos-ssh") == std::string::npos, seen);

    // The user's own choice (global config) is used as it is.
    std::ofstream(home + "/.gitconfig") << "[core]\n\tsshCommand = " << bin << "/users-ssh\n";
    seen = fetch_through_runner();
    BOOST_TEST(seen.find("users-ssh ") == 0, seen);
    BOOST_TEST(seen.find("repos-ssh") == std::string::npos, seen);
}

BOOST_AUTO_TEST_SUITE_END()
