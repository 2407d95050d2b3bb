// Every git the daemon runs is built here, so that none can forget this:
// git must never run a program that a repository names. An agent writes
// freely in its worktree, and can plant a nested repository there whose
// config names an fsmonitor command or a hooks dir; git would run them as
// the daemon (issue 19). So every command gets, whatever the repositories'
// config files say (command-line config beats every file):
//   - no fsmonitor, no hooks (core.hooksPath=/dev/null: no file under it),
//     no submodule recursion (fetch, push, checkout, status summary);
//   - status and diff never look into nested repositories' work trees (that
//     would run git in them): --ignore-submodules=dirty, which still sees a
//     nested repository whose HEAD moved, without running anything;
//   - diff, log and show: no external diff, no textconv;
//   - no pager, no editor, no prompt (no terminal either: its own session),
//     SSH in batch mode, no optional index writes;
//   - bare repositories only when named (safe.bareRepository=explicit);
//   - an environment that cannot steer git: GIT_DIR, GIT_WORK_TREE,
//     GIT_CONFIG_PARAMETERS and every other GIT_* variable of the daemon's
//     environment are dropped, except the user's identity, transport and
//     tracing settings (see env()). The user's global and system config are
//     kept: they hold identity, credential helpers and URL rewrites, and no
//     agent writes them; the settings above override them where it matters.
// The same settings also go into the environment (GIT_CONFIG_COUNT), so
// programs that run git themselves (gh, git's own children) get them too.
// An agent's worktree is named to git by its verified git dir (see
// worktree_link.hpp), so git never reads the `.git` file the agent can rewrite.
#pragma once

#include "ev/process.hpp"

#include <string>
#include <utility>
#include <vector>

namespace fab::safegit {

// Where a command runs. A repository fab made (a project's clone): `dir`;
// git finds its .git there and nowhere above. An agent's worktree: also its
// git dir, as verify_worktree() found it.
struct Where {
    std::string dir;
    std::string git_dir; // "" = the .git inside `dir`
    Where() = default;
    Where(std::string d) : dir(std::move(d)) {} // NOLINT: a clone is just its path
    Where(std::string d, std::string g) : dir(std::move(d)), git_dir(std::move(g)) {}
    Where(const char* d) : dir(d) {} // NOLINT
};

// The settings given to every git as `-c key=value` (and in the environment).
const std::vector<std::pair<std::string, std::string>>& settings();

// `git <global options> [-C dir] [--git-dir --work-tree] <args>`, where
// args[0] is the subcommand; the subcommand's own safety flags follow it.
// An empty `where.dir` (git clone) runs in the daemon's directory.
std::vector<std::string> argv(const Where& where, const std::vector<std::string>& args);

// The environment for git and for programs that run git (gh): the daemon's,
// without GIT_* variables that choose repositories or config, plus the
// settings above.
// SSH: the user's choice stays — GIT_SSH_COMMAND or GIT_SSH from the
// daemon's environment as they are, else `users_ssh_command` (their
// core.sshCommand from global/system config, read by git::Runner) — and
// otherwise GIT_SSH_COMMAND="ssh -o BatchMode=yes": a missing key or an
// unknown host key fails at once instead of asking. GIT_SSH_COMMAND beats
// every core.sshCommand, so one written into a repository's own config (an
// agent can) never runs — unless the user chose GIT_SSH, which git ranks
// below core.sshCommand.
std::vector<std::string> env(const std::string& users_ssh_command = "");

// argv() and env() as spawn options, ready for ev::run_process.
ev::SpawnOptions command(const Where& where, const std::vector<std::string>& args,
                         const std::string& users_ssh_command = "");

} // namespace fab::safegit
