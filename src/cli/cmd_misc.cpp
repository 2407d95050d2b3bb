// fab help, fab version, fab tui, and the hidden completion helper.
#include "cli/daemon_link.hpp"
#include "cli/handlers.hpp"
#include "protocol/messages.hpp"
#include "protocol/version.hpp"
#include "util/strings.hpp"

#include <cerrno>
#include <cstdio>
#include <unistd.h>

namespace fab::cli {

int cmd_help(Invocation& inv) {
    if (inv.args.empty()) {
        print_overview();
        return Exit::ok;
    }
    size_t consumed = 0;
    const Command* c = find_command(inv.args, consumed);
    if (!c || consumed != inv.args.size())
        return fail("no command \"" + join(inv.args, " ") + "\"; run 'fab help'", Exit::usage);
    print_help(*c);
    return Exit::ok;
}

int cmd_version(Invocation& inv) {
    Json out = {{"fab", {{"version", kVersion}, {"protocol", kProtocolMajor}}}};
    std::optional<Json> daemon;
    if (auto c = Connection::open(inv.paths.socket); c) {
        if (auto h = c->handshake(2000); h) daemon = *h;
    }
    if (daemon) out["daemon"] = *daemon;
    if (inv.has("json")) {
        std::printf("%s\n", dump_json(out).c_str());
        return Exit::ok;
    }
    std::printf("fab %s (protocol %d)\n", kVersion, kProtocolMajor);
    if (daemon)
        std::printf("fabd %s (protocol %d, pid %d)\n", daemon->value("version", "?").c_str(),
                    daemon->value("protocol", 0), daemon->value("pid", 0));
    else
        std::printf("fabd not running\n");
    return Exit::ok;
}

int cmd_complete(Invocation& inv) {
    // Quiet on every failure: a completion must never print errors into a prompt.
    auto c = Connection::open(inv.paths.socket);
    if (!c || !c->handshake(1000)) return Exit::ok;
    const std::string& what = inv.args[0];
    if (what == "projects") {
        auto r = c->request(msg::kProjectList, Json::object(), 2000);
        if (!r) return Exit::ok;
        for (const auto& p : (*r)["projects"]) std::printf("%s\n", p.value("name", "").c_str());
    } else if (what == "agents") {
        auto r = c->request(msg::kStatus, Json::object(), 2000);
        if (!r) return Exit::ok;
        for (const auto& a : (*r)["agents"]) std::printf("%s\n", a.value("id", "").c_str());
    }
    return Exit::ok;
}

int cmd_tui(Invocation& inv) {
    std::string prog = sibling_program("fab-tui");
    std::vector<std::string> args = {prog};
    for (const char* f : {"frames", "color"})
        if (inv.has(f)) {
            args.push_back(std::string("--") + f);
            args.push_back(inv.flag(f));
        }
    for (auto& a : inv.args) args.push_back(a);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    return fail("cannot run " + prog + ": " + errno_string(errno));
}

} // namespace fab::cli
