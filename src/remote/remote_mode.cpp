// `fab --server-url URL <command>`: `fab` execs `fab-remote remote
// <command>`, which starts the bridge (bridge.hpp) and runs the very same
// command handler against it — or `fab-tui` pointed at it — so output and
// exit codes are those of a local run.
#include "cli/command.hpp"
#include "cli/daemon_link.hpp"
#include "remote/bridge.hpp"
#include "remote/handlers.hpp"
#include "util/strings.hpp"

#include <cstdlib>
#include <cstring>
#include <spawn.h>
#include <string_view>
#include <sys/wait.h>
#include <vector>

extern char** environ;

namespace fab::remote {

namespace {

// Commands that act on this machine's daemon or files, never on a server.
bool local_only(std::string_view path) {
    for (std::string_view p : {"hook", "server start", "server stop", "server restart",
                               "server run", "permissions init", "config import"})
        if (path == p) return true;
    return false;
}

int run_tui(const cli::Invocation& inv) {
    std::string prog = cli::sibling_program("fab-tui");
    std::vector<std::string> args = {prog};
    for (const auto& [name, value] : inv.flags) {
        args.push_back("--" + name);
        args.push_back(value);
    }
    for (const auto& a : inv.args) args.push_back(a);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (int err = ::posix_spawn(&pid, prog.c_str(), nullptr, nullptr, argv.data(), environ))
        return cli::fail("cannot run " + prog + ": " + errno_string(err));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return WIFEXITED(status) ? WEXITSTATUS(status) : cli::Exit::failure;
}

} // namespace

int run_remote(const std::vector<std::string>& words) {
    size_t consumed = 0;
    const cli::Command* cmd = words.empty() ? nullptr : cli::find_command(words, consumed);
    if (!cmd) return cli::fail("usage: fab --server-url URL <command>", cli::Exit::usage);
    if (local_only(cmd->path))
        return cli::fail(
            std::string("'fab ") + cmd->path +
                "' acts on this machine's daemon; it does not run against a "
                "server (drop --server-url, unset FAB_SERVER_URL, or set [cli] mode = local)",
            cli::Exit::usage);
    std::vector<std::string> rest(words.begin() + static_cast<long>(consumed), words.end());
    auto inv = cli::parse_invocation(*cmd, rest);
    if (!inv) return cli::Exit::usage;
    if (inv->has("help")) {
        cli::print_help(*cmd);
        return cli::Exit::ok;
    }
    auto target = target_from_env();
    if (!target) return cli::fail(target.error(), cli::Exit::usage);
    // `fab attach` keeps following through a server restart; fab-tui
    // reconnects by itself and reloads its screens.
    BridgeOptions opts;
    opts.resume_attach = std::string_view(cmd->path) == "attach";
    auto bridge = Bridge::start(*target, opts);
    if (!bridge) return cli::fail(bridge.error());
    // Everything that looks for the daemon's socket finds the bridge.
    ::setenv("FAB_SOCKET_PATH", (*bridge)->socket_path().c_str(), 1);
    auto paths = resolve_paths();
    if (!paths) return cli::fail(paths.error());
    inv->paths = *paths;
    if (std::string_view(cmd->path) == "tui") return run_tui(*inv);
    return cmd->run(*inv);
}

} // namespace fab::remote
