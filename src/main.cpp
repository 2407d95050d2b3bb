// fab: the lean client. Finds the command in the table, parses its flags,
// resolves paths and runs its handler. Links no heavy library: it also runs
// as the hook on every tool call of every agent.
#include "cli/command.hpp"
#include "cli/handlers.hpp"
#include "cli/server_settings.hpp"
#include "util/std_fds.hpp"

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

using namespace fab;

int main(int argc, char** argv) {
    // Before anything opens a file or socket: a closed 0/1/2 would be reused.
    StdFds std_fds = ensure_std_fds();
    std::vector<std::string> words(argv + 1, argv + argc);
    if (words.empty()) {
        cli::print_overview();
        return cli::Exit::usage;
    }
    if (words[0] == "-h" || words[0] == "--help") {
        cli::print_overview();
        return cli::Exit::ok;
    }
    if (words[0] == "--version") words[0] = "version";

    // Remote mode: fab's server options (or FAB_SERVER_URL, or [cli] mode =
    // server) run the command against a fab server through fab-remote. The
    // hook always answers its local daemon and reads no config for it.
    auto paths = resolve_paths();
    auto remote = cli::settle_server_settings(words, paths ? paths->config_file : "");
    if (!remote) return cli::fail(remote.error(), cli::Exit::usage);
    if (*remote) return cli::exec_remote(words);

    size_t consumed = 0;
    const cli::Command* cmd = cli::find_command(words, consumed);
    if (!cmd) {
        // A group name alone ("fab server") lists its sub-commands.
        for (const auto& g : cli::command_groups()) {
            if (g == words[0] || (words.size() > 1 && g == words[0] + " " + words[1])) {
                std::fprintf(stderr, "usage: fab %s <command>\n\ncommands:\n", g.c_str());
                for (const auto& c : cli::commands())
                    if (std::strncmp(c.path, g.c_str(), g.size()) == 0 && c.path[g.size()] == ' ')
                        std::fprintf(stderr, "  %s\n", cli::usage_line(c).c_str());
                return cli::Exit::usage;
            }
        }
        return cli::fail("unknown command \"" + words[0] + "\"; run 'fab help'", cli::Exit::usage);
    }
    std::vector<std::string> rest(words.begin() + static_cast<long>(consumed), words.end());
    auto inv = cli::parse_invocation(*cmd, rest);
    if (!inv) return cli::Exit::usage;
    if (inv->has("help")) {
        cli::print_help(*cmd);
        return cli::Exit::ok;
    }
    inv->stdout_ok = std_fds.out_ok;
    if (!paths) {
        // The hook must never fail open: a bare non-zero exit lets the tool run.
        if (std::string_view(cmd->path) == "hook")
            return cli::cmd_hook_unconfigured(*inv, paths.error());
        return cli::fail(paths.error());
    }
    if (auto s = check_private_dirs(*paths); !s) {
        if (std::string_view(cmd->path) == "hook")
            return cli::cmd_hook_unconfigured(*inv, s.error());
        return cli::fail(s.error());
    }
    inv->paths = *paths;
    return cmd->run(*inv);
}
