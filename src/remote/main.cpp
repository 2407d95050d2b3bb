// fab-remote: the sibling of `fab` for the commands that need OpenSSL (and,
// for the remote client, libcurl). `fab` execs it with the command words it
// was given; the same command table parses them here, and this file maps
// each remote command to its handler.
#include "cli/command.hpp"
#include "remote/handlers.hpp"
#include "util/std_fds.hpp"

#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

using namespace fab;

namespace {

const std::map<std::string_view, cli::Handler> kRemoteHandlers = {
    {"token keygen", remote::cmd_token_keygen},
    {"token issue", remote::cmd_token_issue},
};

} // namespace

int main(int argc, char** argv) {
    StdFds std_fds = ensure_std_fds();
    std::vector<std::string> words(argv + 1, argv + argc);
    if (!words.empty() && words[0] == "remote") {
        words.erase(words.begin());
        return remote::run_remote(words);
    }
    size_t consumed = 0;
    const cli::Command* cmd = words.empty() ? nullptr : cli::find_command(words, consumed);
    auto handler = cmd ? kRemoteHandlers.find(cmd->path) : kRemoteHandlers.end();
    if (handler == kRemoteHandlers.end())
        return cli::fail(words.empty() ? "usage: fab-remote <command> (run by fab)"
                                       : "\"" + words[0] + "\" is not a command fab-remote runs",
                         cli::Exit::usage);
    std::vector<std::string> rest(words.begin() + static_cast<long>(consumed), words.end());
    auto inv = cli::parse_invocation(*cmd, rest);
    if (!inv) return cli::Exit::usage;
    if (inv->has("help")) {
        cli::print_help(*cmd);
        return cli::Exit::ok;
    }
    inv->stdout_ok = std_fds.out_ok;
    auto paths = resolve_paths();
    if (!paths) return cli::fail(paths.error());
    inv->paths = *paths;
    return handler->second(*inv);
}
