# fish completion for fab(1).
# Install: copy to ~/.config/fish/completions/fab.fish (or the vendor
# completions directory, see `pkg-config --variable completionsdir fish`).
#
# The table below mirrors the command table in src/cli/table.cpp; tests/docs
# fails when a command or a flag is missing here. Adding a command = adding
# one __fab_command call: 'path' ARGS 'summary', then pairs of
# 'FLAGS' 'help', where FLAGS is "-x --name" (either may be missing) and a
# long flag ending in "=" takes a value (its choices go in __fab_values).
# ARGS says what the first positional argument is: - (none), files,
# projects, agents or commands (subcommands: a command that is also a group,
# such as "agent plan"); projects... when every positional argument is a
# project.

set -g __fab_paths

# Choices for flag values, by flag name: fixed words, or a command
# substitution that complete(1) runs when completing.
function __fab_values
    switch $argv[1]
        case log-level
            echo debug info warn error
        case issue-backend
            echo tk github linear
        case agent-backend planner-backend coding-backend
            echo claude codex
        case merge-strategy
            echo direct pull-request
        case permissions-checker
            echo manual llm
        case backend
            echo claude codex scripted
        case project
            echo '(__fab_names projects)'
        case agent
            echo '(__fab_names agents)'
    end
end

# Names the daemon knows (projects, agents); silent when it is not running.
function __fab_names
    set -l fab (commandline -opc)[1]
    test -n "$fab"; or set fab fab
    command $fab __complete $argv[1] 2>/dev/null
end

# True when $argv[1] is a command path or the beginning of one.
function __fab_is_prefix
    for p in $__fab_paths
        if test "$p" = "$argv[1]"; or string match -q -- "$argv[1] *" "$p"
            return 0
        end
    end
    return 1
end

# Prints "<command path>\t<positional args...>" for the words before the
# cursor, or "\t" plus the group prefix while a command is still incomplete.
function __fab_parse
    set -l words (commandline -opc)[2..-1]
    set -l prefix ''
    set -l cmd ''
    set -l i 1
    set -l cmd_end 1
    while test $i -le (count $words)
        set -l try (string join ' ' -- $prefix $words[$i] | string trim)
        __fab_is_prefix "$try"; or break
        set prefix $try
        set i (math $i + 1)
        if contains -- $prefix $__fab_paths
            set cmd $prefix
            set cmd_end $i
        end
    end
    if test -z "$cmd"
        # Words not part of a path before the cursor: nothing to offer.
        test $i -le (count $words); and return 1
        echo group
        echo $prefix
        return 0
    end
    echo command
    echo $cmd
    # Positional arguments after the command (flags and their values skipped).
    set -l flags (__fab_flags_of $cmd)
    set -l skip 0
    for w in $words[$cmd_end..-1]
        if test $skip -eq 1
            set skip 0
        else if string match -q -- '--*' $w
            if not string match -q -- '*=*' $w; and contains -- $w= $flags
                set skip 1
            end
        else if not string match -q -- '-*' $w
            echo $w
        end
    end
end

# While choosing a command: the next words of the paths under the prefix.
function __fab_next_words
    set -l r (__fab_parse); or return
    test "$r[1]" = group; or return
    __fab_words_after "$r[2]"
end

function __fab_words_after
    set -l prefix $argv[1]
    set -l seen
    for p in $__fab_paths
        set -l rest $p
        if test -n "$prefix"
            string match -q -- "$prefix *" $p; or continue
            set rest (string replace -- "$prefix " '' $p)
        end
        set -l next (string split -m1 ' ' -- $rest)[1]
        contains -- $next $seen; and continue
        set -a seen $next
        if test "$next" = "$rest"
            printf '%s\t%s\n' $next (__fab_summary_of $p)
        else
            printf '%s\t%s commands\n' $next (string trim -- "$prefix $next")
        end
    end
end

function __fab_choosing
    set -l r (__fab_parse); or return 1
    test "$r[1]" = group
end

# True when the command before the cursor is $argv[1].
function __fab_using
    set -l r (__fab_parse); or return 1
    test "$r[1]" = command; and test "$r[2]" = "$argv[1]"
end

# True when the command is $argv[1] and no positional argument is given yet.
function __fab_first_arg
    set -l r (__fab_parse); or return 1
    test "$r[1]" = command; and test "$r[2]" = "$argv[1]"; and test (count $r) -eq 2
end

# `fab help <command...>`: complete the words after "help" as a command path.
function __fab_help_words
    set -l r (__fab_parse); or return
    set -l prefix (string join ' ' -- $r[3..-1])
    if test -n "$prefix"
        __fab_is_prefix "$prefix"; or return
        contains -- $prefix $__fab_paths; and return
    end
    __fab_words_after "$prefix"
end

# Registers one command: its path, argument kind, summary and flags.
function __fab_command
    set -l cpath $argv[1]
    set -l kind $argv[2]
    set -a __fab_paths $cpath
    set -g __fab_summary_(__fab_key $cpath) $argv[3]
    set -l flagnames
    set -l cond "__fab_using '$cpath'"
    switch $kind
        case files
            complete -c fab -n "__fab_first_arg '$cpath'" -F
        case projects agents
            complete -c fab -n "__fab_first_arg '$cpath'" -f -a "(__fab_names $kind)"
        case projects...
            complete -c fab -n "__fab_using '$cpath'" -f -a "(__fab_names projects)"
        case commands
            complete -c fab -n "__fab_using '$cpath'" -f -a "(__fab_help_words)"
        case subcommands # a command that is also a group ("agent plan")
            complete -c fab -n "__fab_first_arg '$cpath'" -f -a "(__fab_words_after '$cpath')"
    end
    for i in (seq 4 2 (count $argv))
        set -l opts
        set -l value
        for f in (string split ' ' -- $argv[$i])
            set -a flagnames $f
            if string match -q -- '--*=' $f
                set -l name (string sub -s 3 -- (string trim -r -c = -- $f))
                set -a opts -l $name -x
                set value (__fab_values $name)
                test -n "$value"; and set -a opts -a "$value"
            else if string match -q -- '--*' $f
                set -a opts -l (string sub -s 3 -- $f)
            else
                set -a opts -s (string sub -s 2 -- $f)
            end
        end
        complete -c fab -n $cond $opts -d $argv[(math $i + 1)]
    end
    set -g __fab_flags_(__fab_key $cpath) $flagnames
end

# "project config" → "project_config", for variable names.
function __fab_key
    string replace -ar -- '[^A-Za-z0-9_]' _ $argv[1]
    return 0
end

function __fab_summary_of
    set -l v __fab_summary_(__fab_key $argv[1])
    echo $$v
end

function __fab_flags_of
    set -l v __fab_flags_(__fab_key $argv[1])
    printf '%s\n' $$v
end

complete -c fab -e
complete -c fab -f
complete -c fab -n __fab_choosing -f -a '(__fab_next_words)'
complete -c fab -n '__fab_choosing; and test (count (commandline -opc)) -eq 1' -s h -l help -d 'show help'
complete -c fab -n '__fab_choosing; and test (count (commandline -opc)) -eq 1' -l version -d 'print the versions'

# fab-commands-begin
__fab_command 'help' commands 'show help for fab or for a command' \
    '-h --help' 'show help for this command'
__fab_command 'version' - 'print the versions of fab and of the running daemon' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'status' - 'show the daemon, projects, agents, usage and recent work' \
    '-a --all' 'also show stopped projects and recent daemon events' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'tui' - 'open the terminal interface' \
    '--frames=' 'exit after drawing N frames (for tests under sanitizers)' \
    '--color=' 'never, auto or always (default: auto; NO_COLOR turns it off)' \
    '-h --help' 'show help for this command'
__fab_command 'server start' - 'start the daemon in the background' \
    '--log-level=' 'debug, info, warn or error (default: info)' \
    '--http=' 'also serve the HTTP API there (loopback only; e.g. 127.0.0.1:3000)' \
    '--max-concurrent-runs=' 'runs active at once, 1-1000 (default: [server] or 5)' \
    '-h --help' 'show help for this command'
__fab_command 'server stop' - 'stop the daemon gracefully' \
    '-h --help' 'show help for this command'
__fab_command 'server restart' - 'stop the daemon, then start it again' \
    '--log-level=' 'debug, info, warn or error (default: info)' \
    '--http=' 'also serve the HTTP API there (loopback only; e.g. 127.0.0.1:3000)' \
    '--max-concurrent-runs=' 'runs active at once, 1-1000 (default: [server] or 5)' \
    '-h --help' 'show help for this command'
__fab_command 'server run' - 'run the daemon in the foreground (for systemd and debugging)' \
    '--log-level=' 'debug, info, warn or error (default: info)' \
    '--http=' 'also serve the HTTP API there (loopback only; e.g. 127.0.0.1:3000)' \
    '--max-concurrent-runs=' 'runs active at once, 1-1000 (default: [server] or 5)' \
    '-h --help' 'show help for this command'
__fab_command 'serve' - 'run the daemon in the foreground with the HTTP API (server run --http)' \
    '--http=' 'where the HTTP API listens (default: 127.0.0.1:3000)' \
    '--max-concurrent-runs=' 'runs active at once, 1-1000 (default: [server] or 5)' \
    '--log-level=' 'debug, info, warn or error (default: info)' \
    '-h --help' 'show help for this command'
__fab_command 'run' subcommands 'run a workflow (DOT file) on the daemon and follow it; exit status = its outcome' \
    '-p --project=' "the project the run works on (default: the daemon's only one)" \
    '-g --goal=' "the goal (default: the workflow's goal attribute)" \
    '-i --input=' 'a value for {{ inputs.KEY }} (repeatable)' \
    '--backend=' "claude, codex or scripted (default: the stage's, else the project's)" \
    '--model=' 'the model of agent stages without one' \
    '-d --detach' 'queue the run and return at once (print its id)' \
    '--json' 'follow with one JSON event per line' \
    '-h --help' 'show help for this command'
__fab_command 'run submit' - 'queue a run: a goal for a project, carried out by an agent' \
    '-p --project=' 'the project the run works on (required)' \
    '--workflow=' "task (default) or a workflow's name (.fab/workflows/, config)" \
    '--backend=' "claude, codex or scripted (default: the project's)" \
    '--model=' "the model the agent runs (default: the project's)" \
    '-w --wait' 'wait until the run has succeeded or failed; exit 1 unless it succeeded' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'run list' - 'list runs, newest first' \
    '--status=' 'only runs in these statuses (comma-separated)' \
    '-p --project=' 'only runs of this project' \
    '--limit=' 'at most N runs, 1-100 (default: 20)' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'run show' - 'show one run' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'run cancel' - 'cancel a run (its agent is stopped)' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'run pause' - 'pause a run at its next turn boundary' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'run unpause' - 'resume a paused run' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'run events' - "print a run's events" \
    '--since=' 'only events after this sequence number' \
    '--json' 'print machine-readable JSON, one event per line' \
    '-h --help' 'show help for this command'
__fab_command 'run attach' - "follow a run's events until it ends" \
    '--since=' 'start after this sequence number (resume where a previous attach stopped)' \
    '--json' 'print machine-readable JSON, one event per line' \
    '-h --help' 'show help for this command'
__fab_command 'run questions' - 'list the questions a run waits on' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'run answer' - "answer a run's question" \
    '--option=' 'choose this option (multiple_choice, yes_no, confirmation)' \
    '--options=' 'choose these options, comma-separated (multi_select)' \
    '-h --help' 'show help for this command'
__fab_command 'project add' files 'clone a repository and register it as a project' \
    '--name=' "project name (default: the repository's directory name)" \
    '--max-agents=' 'agents that may work at once, 1-100' \
    '--autostart' "start the project's orchestrator with the daemon" \
    '--issue-backend=' 'tk, github or linear' \
    '--agent-backend=' 'claude or codex' \
    '--planner-backend=' 'claude or codex, for planner agents' \
    '--coding-backend=' 'claude or codex, for task agents' \
    '--merge-strategy=' 'direct or pull-request' \
    '--permissions-checker=' 'manual or llm' \
    '-h --help' 'show help for this command'
__fab_command 'project list' - 'list the registered projects' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'project remove' projects "unregister a project and delete fab's clone of it" \
    '-f --force' 'stop its agents, save unmerged work in $FAB_DIR/attic, then delete' \
    '--keep-files' 'unregister only; keep $FAB_DIR/projects/NAME' \
    '-h --help' 'show help for this command'
__fab_command 'project config show' projects "show a project's effective settings" \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'project config get' projects 'print one setting of a project' \
    '-h --help' 'show help for this command'
__fab_command 'project config set' projects 'change one setting (validated, written atomically, comments kept)' \
    '-h --help' 'show help for this command'
__fab_command 'project start' projects "start the project's orchestrator: agents for ready tickets, up to max-agents" \
    '-a --all' 'every registered project' \
    '-h --help' 'show help for this command'
__fab_command 'project stop' projects 'stop starting agents for the project (running agents go on)' \
    '-a --all' 'every registered project' \
    '-h --help' 'show help for this command'
__fab_command 'token keygen' - "write an Ed25519 key pair for signing the server's JWTs" \
    '--dir=' "where to write the key pair (default: fab's config directory)" \
    '--force' 'replace an existing pair (the old files are kept as *.old)' \
    '-h --help' 'show help for this command'
__fab_command 'token issue' - "print a JWT for a user of the HTTP server, signed with the private key" \
    '--sub=' "the subject: a user in the server's allowed-users (required)" \
    '--ttl=' 'how long the token is valid: 90s, 15m, 1h, 7d (default: 1h)' \
    '--key=' "the private key (default: jwt-ed25519.pem in fab's config directory)" \
    '--issuer=' "the iss claim; must match the server's jwt-issuer (default: fab)" \
    '-h --help' 'show help for this command'
__fab_command 'config import' files "turn the Go fab's config.toml and permissions.toml into config.ini and permissions.ini" \
    '-f --force' 'merge into existing config.ini / permissions.ini (comments kept)' \
    '-n --dry-run' 'print what would be written, write nothing' \
    '-h --help' 'show help for this command'
__fab_command 'permissions init' - 'install the default rules as the global permissions.ini' \
    '-f --force' 'replace an existing global permissions.ini' \
    '-h --help' 'show help for this command'
__fab_command 'permissions check' - 'show which rule decides a tool call, and why' \
    '--project=' "also try the project's rules first (default: \$FAB_PROJECT)" \
    '--worktree=' 'the worktree /-patterns refer to (default: $FAB_WORKTREE or .)' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'workflow validate' files 'check workflow files; each error names file:line' \
    '-h --help' 'show help for this command'
__fab_command 'workflow graph' files "print a workflow's stages and edges as text, or as SVG" \
    '--svg' 'print SVG laid out by Graphviz instead of text' \
    '-h --help' 'show help for this command'
__fab_command 'hook' - 'answer a Claude Code hook of a fab agent (run by Claude Code, not by hand)' \
    '-h --help' 'show help for this command'
__fab_command 'agent list' - 'list agents with their state, usage and what they are doing' \
    '--project=' 'only agents of this project' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'agent create' - 'start an agent in a new worktree of a project' \
    '--project=' 'the project whose repository the agent works in (required)' \
    '--backend=' "claude, codex or scripted (default: the project's coding-backend)" \
    '--model=' "the model the CLI uses (default: the project's coding-model or model)" \
    '--prompt=' 'the first message to the agent' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'agent send' agents "send a message to an agent (resumes a failed agent's session)" \
    '-h --help' 'show help for this command'
__fab_command 'agent abort' agents 'stop an agent: interrupt, then terminate, then kill' \
    '-f --force' "kill the agent's process tree at once instead of interrupting it" \
    '-h --help' 'show help for this command'
__fab_command 'agent rm' agents 'remove ended agents: worktree, branch, transcript and record (refuses to lose work)' \
    '-f --force' 'save uncommitted or unmerged work in $FAB_DIR/attic, then remove (default: refuse)' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'agent describe' - 'set what this agent is doing (from inside an agent)' \
    '-h --help' 'show help for this command'
__fab_command 'agent history' agents 'print everything an agent said and did' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'agent claim' - 'take a ticket so no other agent works on it (from inside an agent)' \
    '-h --help' 'show help for this command'
__fab_command 'claims' - 'list the tickets agents hold' \
    '--project=' "only this project's claims" \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'issue list' - "list the project's tickets (.tickets/ in its repository)" \
    '--status=' 'open, in_progress, closed or blocked' \
    '--project=' 'the project' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'issue show' - 'print a ticket with its description, plan and notes' \
    '--project=' 'the project' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'issue ready' - 'list tickets ready for work: open, dependencies closed, not claimed' \
    '--project=' 'the project' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'issue create' - 'create a ticket and print its id' \
    '--type=' 'task, bug, feature, chore or epic' \
    '--priority=' '0 (highest), 1 or 2' \
    '--deps=' 'comma-separated tickets that must be closed first' \
    '--parent=' 'the parent ticket' \
    '--labels=' 'comma-separated labels' \
    '--description=' 'the description (- reads stdin)' \
    '--project=' 'the project' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'issue update' - "change a ticket's fields (other keys and text are kept)" \
    '--status=' 'open, in_progress, closed or blocked' \
    '--title=' 'a new title' \
    '--type=' 'task, bug, feature, chore or epic' \
    '--priority=' '0 (highest), 1 or 2' \
    '--deps=' 'comma-separated tickets that must be closed first' \
    '--parent=' 'the parent ticket' \
    '--labels=' 'comma-separated labels' \
    '--description=' 'the description (- reads stdin)' \
    '--project=' 'the project' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'issue close' - 'mark a ticket closed' \
    '--project=' 'the project' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'issue comment' - 'add a dated note to a ticket' \
    '--body=' 'the text (- reads stdin)' \
    '--project=' 'the project' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'issue plan' - "set a ticket's Plan section (replaced when it exists)" \
    '--body=' 'the text (- reads stdin)' \
    '--project=' 'the project' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'issue commit' - "commit ticket changes (and push them to origin from the project's clone)" \
    '--message=' 'the commit message' \
    '--project=' 'the project' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'agent done' - "merge this agent's branch into main and end the agent (from inside an agent)" \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'branch cleanup' - 'remove fab/ branches already merged into main whose agent has ended' \
    '--project=' "only this project's branches" \
    '-n --dry-run' 'print what would be removed, remove nothing' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'pr check' agents "poll agents' pull requests now: merged ends the agent, review comments reach it" \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'gc' - 'reclaim disk: agents past agent-retention, orphaned transcripts and worktrees, merged branches' \
    '-n --dry-run' 'list what would be reclaimed, remove nothing' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'attach' projects... 'follow the output of every agent live' \
    '--agent=' 'only this agent' \
    '--since=' "first replay each agent's records from this transcript offset (0: from the start)" \
    '--json' 'print every event as a JSON line' \
    '-h --help' 'show help for this command'
__fab_command 'permission list' - 'list tool calls waiting for a human decision' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'permission allow' - 'let a waiting tool call run' \
    '--always' 'also add a rule to the project that allows this exact call from now on' \
    '-h --help' 'show help for this command'
__fab_command 'permission deny' - 'refuse a waiting tool call' \
    '--reason=' "why (the agent's model reads it)" \
    '-h --help' 'show help for this command'
__fab_command 'question list' - "list agents' questions waiting for an answer" \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'question answer' - "answer a question: an option's number or label, or free text" \
    '-h --help' 'show help for this command'
__fab_command 'agent plan' subcommands 'start a planner: an agent in plan mode that writes a plan' \
    '--project=' 'the project to plan for (default: $FAB_PROJECT)' \
    '--backend=' "claude, codex or scripted (default: the project's planner-backend)" \
    '--model=' "the model the CLI uses (default: the project's planner-model or model)" \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'agent plan list' - 'list planner agents' \
    '--project=' 'only agents of this project' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'agent plan stop' agents 'stop a planner' \
    '-f --force' "kill the agent's process tree at once instead of interrupting it" \
    '-h --help' 'show help for this command'
__fab_command 'agent plan send' agents "send a message to a planner (resumes a failed planner's session)" \
    '-h --help' 'show help for this command'
__fab_command 'agent plan history' agents 'print everything a planner said and did' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'plan write' - 'store the plan on stdin (from inside an agent: as its plan)' \
    '--title=' "the plan's title (default: its first heading)" \
    '--project=' 'the project, when not run inside a fab agent' \
    '-h --help' 'show help for this command'
__fab_command 'plan list' - 'list stored plans, newest first' \
    '--project=' 'only plans of this project' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'plan read' - 'print a stored plan' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'plan tickets' - 'turn a stored plan into tickets: an epic, and one ticket per top-level step' \
    '--project=' "the project whose tickets get them (default: the plan's project)" \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'plan run' - 'start a task agent that carries out a stored plan' \
    '--project=' "the project to work in (default: the plan's project)" \
    '--backend=' "claude, codex or scripted (default: the project's coding-backend)" \
    '--model=' "the model the CLI uses (default: the project's coding-model or model)" \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'manager start' projects "start the project's manager agent (or return the running one; resumes its session)" \
    '--model=' "the model for a new session (default: the config's model)" \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'manager stop' projects "stop the project's manager agent" \
    '-h --help' 'show help for this command'
__fab_command 'manager status' projects "show the project's manager agent" \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'manager clear' projects 'stop the manager and start it with a fresh session' \
    '--model=' "the model for a new session (default: the config's model)" \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'manager send' projects "send a message to the project's manager agent (resumes its session)" \
    '-h --help' 'show help for this command'
__fab_command 'manager history' projects "print everything the project's manager said and did" \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'director start' - 'start the director agent (or return the running one; resumes its session)' \
    '--model=' "the model for a new session (default: the config's model)" \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'director stop' - 'stop the director agent' \
    '-h --help' 'show help for this command'
__fab_command 'director status' - 'show the director agent' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'director clear' - 'stop the director and start it with a fresh session' \
    '--model=' "the model for a new session (default: the config's model)" \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
__fab_command 'director send' - 'send a message to the director agent (resumes its session)' \
    '-h --help' 'show help for this command'
__fab_command 'director history' - 'print everything the director said and did' \
    '--json' 'print machine-readable JSON' \
    '-h --help' 'show help for this command'
# fab-commands-end
