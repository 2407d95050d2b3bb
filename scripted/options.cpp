#include "options.hpp"

#include "emit.hpp"

#include <cstdio>
#include <string_view>

namespace scripted {

namespace {

bool valid_mode(std::string_view m) {
    for (auto ok : {"acceptEdits", "bypassPermissions", "default", "dontAsk", "plan", "auto"})
        if (m == ok) return true;
    return false;
}

// Flags claude knows that take a value but which this stand-in ignores.
bool ignored_with_value(std::string_view f) {
    for (auto k : {"--allowedTools", "--allowed-tools", "--disallowedTools", "--disallowed-tools",
                   "--max-turns", "--fallback-model", "--add-dir", "--mcp-config",
                   "--setting-sources", "--agents", "--system-prompt", "--max-budget-usd",
                   "--debug-file", "--betas", "--tools", "--agent", "--plugin-dir", "--name"})
        if (f == k) return true;
    return false;
}

bool ignored_bool(std::string_view f) {
    for (auto k : {"--include-partial-messages", "--include-hook-events", "--replay-user-messages",
                   "--strict-mcp-config", "--dangerously-skip-permissions", "--debug", "-d",
                   "--no-session-persistence", "--ide"})
        if (f == k) return true;
    return false;
}

} // namespace

fab::Result<Options> parse_options(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::string value;
        bool has_inline = false;
        if (arg.rfind("--", 0) == 0) {
            auto eq = arg.find('=');
            if (eq != std::string::npos) {
                value = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
                has_inline = true;
            }
        }
        auto take = [&](const char* name) -> fab::Result<std::string> {
            if (has_inline) return value;
            if (i + 1 >= argc)
                return fab::make_error(std::string("error: option '") + name +
                                       "' argument missing");
            return std::string(argv[++i]);
        };
        auto set = [&](std::string& into, const char* name) -> fab::Status {
            auto v = take(name);
            if (!v) return fab::make_error(v.error());
            into = *v;
            return {};
        };
        fab::Status st;
        std::string tmp;
        if (arg == "-p" || arg == "--print")
            o.print = true;
        else if (arg == "--verbose")
            o.verbose = true;
        else if (arg == "--fork-session")
            o.fork_session = true;
        else if (arg == "--input-format")
            st = set(o.input_format, "--input-format <format>");
        else if (arg == "--output-format")
            st = set(o.output_format, "--output-format <format>");
        else if (arg == "--permission-mode")
            st = set(o.permission_mode, "--permission-mode <mode>");
        else if (arg == "--permission-prompt-tool")
            st = set(o.permission_prompt_tool, "--permission-prompt-tool <tool>");
        else if (arg == "--model")
            st = set(o.model, "--model <model>");
        else if (arg == "--append-system-prompt")
            st = set(o.append_system_prompt, "--append-system-prompt <prompt>");
        else if (arg == "--settings") {
            st = set(tmp, "--settings <file-or-json>");
            o.settings = tmp;
        } else if (arg == "--session-id") {
            st = set(tmp, "--session-id <uuid>");
            o.session_id = tmp;
        } else if (arg == "--resume" || arg == "-r") {
            st = set(tmp, "-r, --resume [value]");
            o.resume = tmp;
        } else if (ignored_with_value(arg)) {
            st = set(tmp, arg.c_str());
        } else if (ignored_bool(arg)) {
            // accepted like claude does; nothing here depends on it
        } else if (!arg.empty() && arg[0] == '-') {
            std::fprintf(stderr, "fab-scripted-agent: warning: ignoring unknown option %s\n",
                         arg.c_str());
        } else {
            std::fprintf(stderr,
                         "fab-scripted-agent: warning: ignoring prompt argument (stdin is used)\n");
        }
        if (!st) return fab::make_error(st.error());
    }
    if (!valid_mode(o.permission_mode))
        return fab::make_error("error: option '--permission-mode <mode>' argument '" +
                               o.permission_mode +
                               "' is invalid. Allowed choices are acceptEdits, "
                               "bypassPermissions, default, dontAsk, plan, auto.");
    if (!o.print) return fab::make_error("fab-scripted-agent: only print mode (-p) is supported");
    if (o.output_format == "stream-json" && !o.verbose)
        return fab::make_error(
            "Error: When using --print, --output-format=stream-json requires --verbose");
    if (o.input_format == "stream-json" && o.output_format != "stream-json")
        return fab::make_error(
            "Error: --input-format=stream-json requires output-format=stream-json.");
    if (o.input_format != "stream-json")
        return fab::make_error("fab-scripted-agent: only --input-format stream-json is supported");
    if (o.session_id && (o.resume) && !o.fork_session)
        return fab::make_error("Error: --session-id can only be used with --continue or "
                               "--resume if --fork-session is also specified.");
    if (o.session_id && !is_uuid(*o.session_id))
        return fab::make_error("Error: Invalid session ID. Must be a valid UUID.");
    return o;
}

} // namespace scripted
