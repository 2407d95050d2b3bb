// The command table: every `fab` command is one entry (path, arguments,
// summary, flags with help, handler). The table drives dispatch, `--help`,
// `fab help`, and is checked against man/fab.1 and the completion scripts by
// tests/docs, so documentation cannot drift from the program.
#pragma once

#include "config/paths.hpp"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fab::cli {

// Exit codes: distinct so scripts can tell them apart.
enum Exit : int { ok = 0, failure = 1, usage = 2, no_daemon = 3 };

struct Flag {
    const char* name; // long name without dashes: "json"
    char short_name;  // 0 when none
    const char* arg;  // metavariable ("N") or nullptr for a switch
    const char* help;
};

struct Invocation;
using Handler = int (*)(Invocation&);

struct Command {
    const char* path;    // "server start"
    const char* args;    // positional synopsis: "<path-or-url>", "" when none
    const char* summary; // one line
    std::span<const Flag> flags;
    Handler run;
    int min_args = 0, max_args = 0; // positional count bounds (-1 = unbounded)
    bool hidden = false;            // internal: not in help, man or completions
};

struct Invocation {
    const Command* command;
    std::vector<std::string> args;
    std::map<std::string, std::string, std::less<>> flags; // switches map to "1"
    Paths paths;
    // False when fd 1 was closed or read-only at start (main filled it with
    // /dev/null): the hook must not answer into the void.
    bool stdout_ok = true;

    bool has(std::string_view flag) const { return flags.find(flag) != flags.end(); }
    std::string flag(std::string_view name, std::string fallback = {}) const {
        auto it = flags.find(name);
        return it == flags.end() ? fallback : it->second;
    }
};

std::span<const Command> commands();

// The command whose path matches the longest prefix of argv (after "fab");
// `consumed` says how many words the path took.
const Command* find_command(const std::vector<std::string>& words, size_t& consumed);

// Group names ("server", "project config") that have sub-commands.
std::vector<std::string> command_groups();

std::string usage_line(const Command& c);
void print_help(const Command& c);
void print_overview();

// Parses flags and positionals for `c`; on error prints a usage message and
// returns std::nullopt.
std::optional<Invocation> parse_invocation(const Command& c, const std::vector<std::string>& rest);

// Prints "fab: <msg>" to stderr and returns `code`.
int fail(const std::string& msg, int code = Exit::failure);

} // namespace fab::cli
