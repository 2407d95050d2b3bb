// Commands that need OpenSSL or libcurl run in the sibling program
// `fab-remote`, as `fab tui` runs `fab-tui`: `fab` itself stays lean (it is
// also the hook, started before every tool call). The sibling parses the
// same command table, so flags and help are declared once.
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "util/strings.hpp"

#include <cerrno>
#include <string>
#include <unistd.h>
#include <vector>

namespace fab::cli {

int cmd_remote(Invocation& inv) {
    std::string prog = sibling_program("fab-remote");
    std::vector<std::string> args = {prog};
    for (auto word : split(inv.command->path, ' ')) args.push_back(word);
    for (const auto& [name, value] : inv.flags) {
        args.push_back("--" + name);
        for (const auto& f : inv.command->flags)
            if (name == f.name && f.arg) args.push_back(value);
    }
    if (!inv.args.empty()) args.push_back("--"); // positionals stay positionals
    for (const auto& a : inv.args) args.push_back(a);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    return fail("cannot run " + prog + ": " + errno_string(errno));
}

int exec_remote(const std::vector<std::string>& words) {
    std::string prog = sibling_program("fab-remote");
    std::vector<std::string> args = {prog, "remote"};
    args.insert(args.end(), words.begin(), words.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    return fail("cannot run " + prog + ": " + errno_string(errno));
}

} // namespace fab::cli
