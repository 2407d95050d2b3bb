// fab workflow validate|graph: run `fab-workflow`, the sibling program that
// links cgraph and libgvc (`fab` links neither; it is also the hook).
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "util/strings.hpp"

#include <cerrno>
#include <string>
#include <unistd.h>
#include <vector>

namespace fab::cli {

namespace {

int exec_workflow_tool(const std::string& command, const std::vector<std::string>& options,
                       const std::vector<std::string>& files) {
    std::string prog = sibling_program("fab-workflow");
    std::vector<std::string> args = {prog, command};
    args.insert(args.end(), options.begin(), options.end());
    args.push_back("--"); // a file named "-x" is a file
    args.insert(args.end(), files.begin(), files.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    return fail("cannot run " + prog + ": " + errno_string(errno));
}

} // namespace

int cmd_workflow_validate(Invocation& inv) {
    return exec_workflow_tool("validate", {}, inv.args);
}

int cmd_workflow_graph(Invocation& inv) {
    std::vector<std::string> options;
    if (inv.has("svg")) options.push_back("--svg");
    return exec_workflow_tool("graph", options, inv.args);
}

} // namespace fab::cli
