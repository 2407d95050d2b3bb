#include "daemon/git/safe_git.hpp"

#include <filesystem>
#include <unistd.h>

namespace fab::safegit {

namespace {

// GIT_* variables of the daemon's environment that git children keep: who
// the user is, how to reach remotes, how to trace. Everything else named
// GIT_* is dropped: GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_COMMON_DIR,
// GIT_OBJECT_DIRECTORY, GIT_CONFIG_PARAMETERS/COUNT, GIT_EXTERNAL_DIFF,
// GIT_EXEC_PATH, GIT_TEMPLATE_DIR, … would point git at other repositories,
// config or programs than the ones fab chose.
bool kept_git_variable(std::string_view name) {
    static const char* const exact[] = {
        "GIT_AUTHOR_NAME",     "GIT_AUTHOR_EMAIL",
        "GIT_AUTHOR_DATE",     "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL", "GIT_COMMITTER_DATE",
        "GIT_CONFIG_GLOBAL",   "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_NOSYSTEM", "GIT_SSH",
        "GIT_SSH_COMMAND",     "GIT_SSH_VARIANT",
        "GIT_ASKPASS",         "GIT_PROXY_COMMAND",
        "GIT_ALLOW_PROTOCOL",  "GIT_CURL_VERBOSE",
        "GIT_REDACT_COOKIES",  "GIT_NO_REPLACE_OBJECTS",
    };
    for (const char* e : exact)
        if (name == e) return true;
    for (const char* prefix : {"GIT_HTTP_", "GIT_SSL_", "GIT_PROXY_SSL_", "GIT_TRACE"})
        if (name.starts_with(prefix)) return true;
    return false;
}

constexpr const char* kBatchSsh = "ssh -o BatchMode=yes";

// Set by env() itself; any value the daemon inherited is replaced.
bool set_here(std::string_view name) {
    for (const char* n : {"GIT_TERMINAL_PROMPT", "GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "GIT_PAGER",
                          "GIT_OPTIONAL_LOCKS", "GCM_INTERACTIVE", "GH_PROMPT_DISABLED"})
        if (name == n) return true;
    return false;
}

// Flags that follow the subcommand. Only subcommands that take them: an
// unknown option is an error.
std::vector<std::string> subcommand_flags(const std::string& sub) {
    if (sub == "status") return {"--ignore-submodules=dirty"};
    if (sub == "diff") return {"--no-ext-diff", "--no-textconv", "--ignore-submodules=dirty"};
    if (sub == "log" || sub == "show") return {"--no-ext-diff", "--no-textconv"};
    if (sub == "fetch" || sub == "pull" || sub == "push" || sub == "clone")
        return {"--no-recurse-submodules"};
    return {};
}

} // namespace

const std::vector<std::pair<std::string, std::string>>& settings() {
    static const std::vector<std::pair<std::string, std::string>> s = {
        {"core.fsmonitor", "false"},
        // A path under which no file can exist: no hook is ever found.
        {"core.hooksPath", "/dev/null"},
        {"core.untrackedCache", "false"},
        {"core.pager", "cat"},
        {"submodule.recurse", "false"},
        {"fetch.recurseSubmodules", "false"},
        {"push.recurseSubmodules", "no"},
        {"diff.ignoreSubmodules", "dirty"},
        {"status.submoduleSummary", "false"},
        {"protocol.ext.allow", "never"},
        {"safe.bareRepository", "explicit"},
        // diff.external cannot be unset from the command line (an empty value
        // is "run ''"): --no-ext-diff on diff, log and show does it instead.
    };
    return s;
}

std::vector<std::string> argv(const Where& where, const std::vector<std::string>& args) {
    std::vector<std::string> v = {"git", "--no-pager", "--no-optional-locks"};
    for (const auto& [k, val] : settings()) {
        v.emplace_back("-c");
        v.push_back(k + "=" + val);
    }
    if (!where.dir.empty()) {
        v.emplace_back("-C");
        v.push_back(where.dir);
    }
    if (!where.git_dir.empty()) {
        v.push_back("--git-dir=" + where.git_dir);
        v.push_back("--work-tree=" + where.dir);
    }
    // Callers may put their own `-c key=value` first (an identity for a commit).
    size_t i = 0;
    while (i + 1 < args.size() && args[i] == "-c") {
        v.push_back(args[i]);
        v.push_back(args[i + 1]);
        i += 2;
    }
    if (i < args.size()) {
        v.push_back(args[i]);
        for (auto& f : subcommand_flags(args[i])) v.push_back(std::move(f));
        v.insert(v.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
    }
    return v;
}

std::vector<std::string> env(const std::string& users_ssh_command) {
    std::vector<std::string> e;
    bool users_ssh = false;
    for (char** p = environ; p && *p; ++p) {
        std::string_view kv(*p);
        std::string_view name = kv.substr(0, kv.find('='));
        if (set_here(name)) continue;
        if (name.starts_with("GIT_") && !kept_git_variable(name)) continue;
        if (name == "GIT_SSH_COMMAND" || name == "GIT_SSH") users_ssh = true;
        e.emplace_back(kv);
    }
    // Nobody can type a passphrase or accept a host key. GIT_SSH_COMMAND
    // beats every core.sshCommand, so a repository's own cannot run.
    if (!users_ssh)
        e.push_back("GIT_SSH_COMMAND=" +
                    (users_ssh_command.empty() ? std::string(kBatchSsh) : users_ssh_command));
    // Nobody can answer a prompt: fail instead of waiting for ever.
    e.emplace_back("GIT_TERMINAL_PROMPT=0");
    e.emplace_back("GCM_INTERACTIVE=never");
    e.emplace_back("GH_PROMPT_DISABLED=1");
    // A rebase is not interactive and nobody would see an editor.
    e.emplace_back("GIT_EDITOR=true");
    e.emplace_back("GIT_SEQUENCE_EDITOR=true");
    e.emplace_back("GIT_PAGER=cat");
    e.emplace_back("GIT_OPTIONAL_LOCKS=0");
    const auto& s = settings();
    e.push_back("GIT_CONFIG_COUNT=" + std::to_string(s.size()));
    for (size_t i = 0; i < s.size(); ++i) {
        e.push_back("GIT_CONFIG_KEY_" + std::to_string(i) + "=" + s[i].first);
        e.push_back("GIT_CONFIG_VALUE_" + std::to_string(i) + "=" + s[i].second);
    }
    return e;
}

ev::SpawnOptions command(const Where& where, const std::vector<std::string>& args,
                         const std::string& users_ssh_command) {
    ev::SpawnOptions o;
    o.argv = argv(where, args);
    o.env = env(users_ssh_command);
    // Its own session, without a controlling terminal: ssh (and anything
    // else git starts) cannot prompt on the terminal `fabd --foreground`
    // may have, so it fails instead of waiting — also when the user's own
    // ssh command is used (it gets no BatchMode from us).
    o.detached = true;
    // A clone whose .git went missing must not make git use a repository
    // above it (a home directory under git, say): git looks in `dir` only.
    if (!where.dir.empty() && where.git_dir.empty()) {
        std::string dir = std::filesystem::path(where.dir).lexically_normal();
        while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
        std::string parent = std::filesystem::path(dir).parent_path();
        if (!parent.empty() && parent != dir) o.env.push_back("GIT_CEILING_DIRECTORIES=" + parent);
    }
    return o;
}

} // namespace fab::safegit
