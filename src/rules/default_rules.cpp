// The text of share/permissions.ini (see default_rules.hpp). A raw string
// rather than a generated file: the build stays plain, and the unit test
// catches any drift between the two copies.
#include "rules/default_rules.hpp"

namespace fab::rules {

namespace {

constexpr std::string_view kDefault =
    R"INI(; fab permission rules (installed by `fab permissions init`).
;
; Before every tool call of a fab agent, `fab hook PreToolUse` tries the rules
; of the project ($FAB_DIR/projects/<name>/permissions.ini), then these, in
; file order. The first rule that matches decides:
;   allow  the tool runs without asking
;   deny   the tool is refused; the model sees the rule's name and reason
;   pass   a human decides (fab tui, fab attach); also when no rule matches
; Try a call with: fab permissions check Bash '{"command":"git status"}'
;
; Keys: tool (Read|Write, * or absent = any tool), action, pattern or
; patterns (comma-separated), script (prints allow|deny|pass; 5 s limit),
; reason (shown with the decision), paths (Bash: every path argument of the
; command must match one of these path patterns).
; Patterns: ":*" = everything, "text:*" = prefix, anything else is exact;
; "=text" is exactly text, even "=x:*" or "=*".
; Path patterns: /x = inside the agent's worktree, //x = absolute, ~/x = home;
; "**/" after the anchor = at any depth (//**/.git:* = any .git component);
; paths are normalised (.., symlinks) before they are compared.
; Bash: "git status:*" matches "git status" and "git status -s"; a command
; with ; & | $ ` ( ) < >, a newline or an option that writes (git log
; --output=F, …) never matches an allow rule. Deny rules see every command a
; line runs, as bash reads it ('sudo', env sudo, /usr/bin/sudo, rm -fR /).
; The full syntax: man 5 fab-permissions.
; AskUserQuestion and ExitPlanMode always reach a human unless a rule names
; them.

; --- Never: refused whatever the project says later. ---

[rule "no-privilege-escalation"]
tool = Bash
action = deny
patterns = sudo:*, su:*, doas:*, pkexec:*

[rule "no-rm-root-or-home"]
tool = Bash
action = deny
patterns = rm -rf /:*, rm -rf /*:*, rm -rf ~:*, rm -rf ~/:*, rm -rf --no-preserve-root:*

; Catches `curl … | sh`, `wget -O- … | python3` and the like: a deny rule
; also matches each command of a pipeline on its own. An interpreter with no
; script (or reading it from stdin: -s, -) runs whatever comes in.
[rule "no-pipe-to-shell"]
tool = Bash
action = deny
patterns = sh, bash, zsh, dash, ksh, sh -s:*, bash -s:*, zsh -s:*, dash -s:*, sh -:*, bash -:*, python, python3, python -:*, python3 -:*, perl, perl -:*, ruby, ruby -:*, node, node -:*

[rule "no-disk-wipe"]
tool = Bash
action = deny
patterns = mkfs:*, shred:*, chmod -R 777 /:*

; --- Ask: files that control the agent or git are a human's call. ---

; A repository's config and hooks run programs (core.fsmonitor,
; core.hooksPath, …), and a nested repository's too (git status and git add
; look into it); the worktree's .git file says which repository it is. So
; writing any .git at any depth, or .gitmodules, goes to a human, even inside
; the worktree (these rules come before the write rule below).
[rule "git-metadata"]
tool = Write|Edit|MultiEdit|NotebookEdit
action = pass
reason = writes to git metadata (.git, .gitmodules) need a human: a repository config can run commands
patterns = //**/.git:*, //**/.gitmodules:*

[rule "git-config-and-repositories"]
tool = Bash
action = pass
reason = git config, git -c, submodules and new repositories need a human: a repository config can run commands
patterns = git config:*, git -c:*, git --config-env:*, git submodule:*, git init:*, git clone:*, git worktree:*

; .claude/ and .mcp.json can change the agent's own settings and hooks.
[rule "agent-config"]
tool = Write|Edit|MultiEdit|NotebookEdit
action = pass
reason = the agent's own settings and hooks need a human
patterns = /.claude:*, /.mcp.json

; --- Allow: reading and writing inside the worktree. ---

[rule "read-in-worktree"]
tool = Read|Glob|Grep
action = allow
pattern = /:*

[rule "write-in-worktree"]
tool = Write|Edit|MultiEdit|NotebookEdit
action = allow
pattern = /:*

[rule "bookkeeping"]
tool = TodoWrite|BashOutput|KillShell|Task
action = allow

; Read-only commands, only on paths inside the worktree: `cat /etc/shadow`,
; `cat ../x` and `ls ~` go to a human (paths = /:*). Options that write or
; run something (git log --output=F, …) never match an allow rule. (rg is
; left out on purpose: its --pre option runs a program.)
[rule "read-only-commands"]
tool = Bash
action = allow
patterns = ls, ls:*, pwd, cat:*, head:*, tail:*, wc:*, grep:*, which:*, echo:*, stat:*, diff:*
paths = /:*

[rule "read-only-git"]
tool = Bash
action = allow
patterns = git status:*, git diff:*, git log:*, git show:*, git blame:*, git rev-parse:*, git ls-files:*, git branch --show-current
paths = /:*

; Committing inside the worktree is the agent's job; pushing and merging are
; fab's (the merge queue), so those fall through to a human.
[rule "git-commit"]
tool = Bash
action = allow
patterns = git add:*, git commit:*

; --- Everything else: a human decides. ---

[rule "ask-a-human"]
action = pass
pattern = :*
)INI";

} // namespace

std::string_view default_permissions_ini() {
    return kDefault;
}

} // namespace fab::rules
