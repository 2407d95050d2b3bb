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
; patterns (comma-separated), script (prints allow|deny|pass; 5 s limit).
; Patterns: ":*" = everything, "text:*" = prefix, anything else is exact.
; Path patterns: /x = inside the agent's worktree, //x = absolute, ~/x = home;
; paths are normalised (.., symlinks) before they are compared.
; Bash: "git status:*" matches "git status" and "git status -s"; a command
; with ; & | $ ` ( ) < > or a newline never matches an allow rule, only a deny.
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
patterns = rm -rf /:*, rm -fr /:*, rm -rf /*:*, rm -rf ~:*, rm -rf ~/:*, rm -rf --no-preserve-root:*

; Catches `curl … | sh`, `wget -O- … | bash` and the like: a deny rule also
; matches each command of a pipeline on its own.
[rule "no-pipe-to-shell"]
tool = Bash
action = deny
patterns = sh, bash, zsh, dash, sh -s:*, bash -s:*, zsh -s:*

[rule "no-disk-wipe"]
tool = Bash
action = deny
patterns = mkfs:*, shred:*, chmod -R 777 /:*

; --- Ask: files that control the agent or git are a human's call. ---

; .claude/ and .mcp.json can change the agent's own settings and hooks; .git
; can redirect the worktree's repository. Passed to a human even inside the
; worktree (this rule comes before the write rule below).
[rule "agent-and-git-config"]
tool = Write|Edit|MultiEdit|NotebookEdit
action = pass
patterns = /.claude:*, /.mcp.json, /.git:*

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

; Read-only commands. Note that cat, head, tail, grep and wc read any file
; the user can read, not only the worktree; drop them if that matters. (rg is
; left out on purpose: its --pre option runs a program.)
[rule "read-only-commands"]
tool = Bash
action = allow
patterns = ls, ls:*, pwd, cat:*, head:*, tail:*, wc:*, grep:*, which:*, echo:*, stat:*, diff:*

; git diff, log and show also accept --output=FILE, which writes a file
; anywhere: replace these prefixes with exact commands if that matters.
[rule "read-only-git"]
tool = Bash
action = allow
patterns = git status:*, git diff:*, git log:*, git show:*, git blame:*, git rev-parse:*, git ls-files:*, git branch --show-current

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
