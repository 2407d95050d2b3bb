# bash completion for fab(1).
# Install: source it, or copy it to /usr/share/bash-completion/completions/fab.
#
# The table below mirrors the command table in src/cli/table.cpp; tests/docs
# fails when a command or a flag is missing here. Adding a command = adding
# one line: ['path']='ARGS FLAGS...', where ARGS says what the first
# positional argument is (- none, files, projects, agents, commands,
# subcommands for a command that is also a group; or projects... when every
# positional argument is a project) and a flag ending
# in "=" takes a value (its choices, if fixed, go in _fab_values; names the
# daemon knows, in _fab_value_names).

# fab-commands-begin
declare -gA _fab_commands=(
    ['help']='commands -h --help'
    ['version']='- --json -h --help'
    ['status']='- -a --all --json -h --help'
    ['tui']='- --frames= --color= -h --help'
    ['server start']='- --log-level= --http= --max-concurrent-runs= -h --help'
    ['server stop']='- -h --help'
    ['server restart']='- --log-level= --http= --max-concurrent-runs= -h --help'
    ['server run']='- --log-level= --http= --max-concurrent-runs= -h --help'
    ['serve']='- --http= --max-concurrent-runs= --log-level= -h --help'
    ['run']='subcommands -p --project= -g --goal= -i --input= --backend= --model= -d --detach --json -h --help'
    ['run submit']='- -p --project= --workflow= --backend= --model= -w --wait --json -h --help'
    ['run list']='- --status= -p --project= --limit= --json -h --help'
    ['run show']='- --json -h --help'
    ['run cancel']='- --json -h --help'
    ['run pause']='- --json -h --help'
    ['run unpause']='- --json -h --help'
    ['run events']='- --since= --json -h --help'
    ['run attach']='- --since= --json -h --help'
    ['run questions']='- --json -h --help'
    ['run answer']='- --option= --options= -h --help'
    ['project add']='files --name= --max-agents= --autostart --issue-backend= --agent-backend= --planner-backend= --coding-backend= --merge-strategy= --permissions-checker= -h --help'
    ['project list']='- --json -h --help'
    ['project remove']='projects -f --force --keep-files -h --help'
    ['project config show']='projects --json -h --help'
    ['project config get']='projects -h --help'
    ['project config set']='projects -h --help'
    ['project start']='projects -a --all -h --help'
    ['project stop']='projects -a --all -h --help'
    ['token keygen']='- --dir= --force -h --help'
    ['token issue']='- --sub= --ttl= --key= --issuer= -h --help'
    ['config import']='files -f --force -n --dry-run -h --help'
    ['permissions init']='- -f --force -h --help'
    ['permissions check']='- --project= --worktree= --json -h --help'
    ['workflow validate']='files -h --help'
    ['workflow graph']='files --svg -h --help'
    ['hook']='- -h --help'
    ['agent list']='- --project= --json -h --help'
    ['agent create']='- --project= --backend= --model= --prompt= --json -h --help'
    ['agent send']='agents -h --help'
    ['agent abort']='agents -f --force -h --help'
    ['agent rm']='agents -f --force --json -h --help'
    ['agent describe']='- -h --help'
    ['agent history']='agents --json -h --help'
    ['agent claim']='- -h --help'
    ['claims']='- --project= --json -h --help'
    ['issue list']='- --status= --project= --json -h --help'
    ['issue show']='- --project= --json -h --help'
    ['issue ready']='- --project= --json -h --help'
    ['issue create']='- --type= --priority= --deps= --parent= --labels= --description= --project= --json -h --help'
    ['issue update']='- --status= --title= --type= --priority= --deps= --parent= --labels= --description= --project= --json -h --help'
    ['issue close']='- --project= --json -h --help'
    ['issue comment']='- --body= --project= --json -h --help'
    ['issue plan']='- --body= --project= --json -h --help'
    ['issue commit']='- --message= --project= --json -h --help'
    ['agent done']='- --json -h --help'
    ['branch cleanup']='- --project= -n --dry-run --json -h --help'
    ['pr check']='agents --json -h --help'
    ['gc']='- -n --dry-run --json -h --help'
    ['attach']='projects... --agent= --since= --json -h --help'
    ['permission list']='- --json -h --help'
    ['permission allow']='- --always -h --help'
    ['permission deny']='- --reason= -h --help'
    ['question list']='- --json -h --help'
    ['question answer']='- -h --help'
    ['agent plan']='subcommands --project= --backend= --model= --json -h --help'
    ['agent plan list']='- --project= --json -h --help'
    ['agent plan stop']='agents -f --force -h --help'
    ['agent plan send']='agents -h --help'
    ['agent plan history']='agents --json -h --help'
    ['plan write']='- --title= --project= -h --help'
    ['plan list']='- --project= --json -h --help'
    ['plan read']='- --json -h --help'
    ['plan tickets']='- --project= --json -h --help'
    ['plan run']='- --project= --backend= --model= --json -h --help'
    ['manager start']='projects --model= --json -h --help'
    ['manager stop']='projects -h --help'
    ['manager status']='projects --json -h --help'
    ['manager clear']='projects --model= --json -h --help'
    ['manager send']='projects -h --help'
    ['manager history']='projects --json -h --help'
    ['director start']='- --model= --json -h --help'
    ['director stop']='- -h --help'
    ['director status']='- --json -h --help'
    ['director clear']='- --model= --json -h --help'
    ['director send']='- -h --help'
    ['director history']='- --json -h --help'
)
# fab-commands-end

# Fixed choices for flag values, by flag name.
declare -gA _fab_values=(
    [log-level]='debug info warn error'
    [issue-backend]='tk github linear'
    [agent-backend]='claude codex'
    [planner-backend]='claude codex'
    [coding-backend]='claude codex'
    [merge-strategy]='direct pull-request'
    [permissions-checker]='manual llm'
    [backend]='claude codex scripted'
)

# Flag values that are names the daemon knows (see _fab_names), by flag name.
declare -gA _fab_value_names=(
    [project]=projects
    [agent]=agents
)

# Names the daemon knows (projects, agents); silent when it is not running.
_fab_names() {
    local fab=${COMP_WORDS[0]:-fab}
    [[ $fab == '~'* ]] && fab=$HOME${fab#\~}
    command "$fab" __complete "$1" 2>/dev/null
}

# Prints the words that may follow the command-path prefix $1 ("" = top level).
_fab_next_words() {
    local prefix=$1 path rest
    for path in "${!_fab_commands[@]}"; do
        if [[ -z $prefix ]]; then
            rest=$path
        elif [[ $path == "$prefix "* ]]; then
            rest=${path#"$prefix "}
        else
            continue
        fi
        printf '%s\n' "${rest%% *}"
    done | sort -u
}

# True when $1 is a command path or the beginning of one ("project config").
_fab_is_prefix() {
    local path
    for path in "${!_fab_commands[@]}"; do
        [[ $path == "$1" || $path == "$1 "* ]] && return 0
    done
    return 1
}

# Completes $cur as the next word of a command path after the words $@.
_fab_complete_path() {
    local prefix="" w
    for w in "$@"; do
        _fab_is_prefix "${prefix:+$prefix }$w" || return 0
        prefix=${prefix:+$prefix }$w
    done
    mapfile -t COMPREPLY < <(compgen -W "$(_fab_next_words "$prefix")" -- "$cur")
}

_fab() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=""
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    # The command: the longest path formed by the words after "fab".
    local i=1 path="" cmd="" cmd_end=0 try
    while ((i < COMP_CWORD)); do
        try=${path:+$path }${COMP_WORDS[i]}
        _fab_is_prefix "$try" || break
        path=$try
        ((i++))
        if [[ -n ${_fab_commands[$path]+set} ]]; then
            cmd=$path
            cmd_end=$i
        fi
    done

    if [[ -z $cmd ]]; then
        # Still choosing a command (or a group's sub-command).
        ((i < COMP_CWORD)) && return 0 # an unknown word before the cursor
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W '-h --help --version' -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W "$(_fab_next_words "$path")" -- "$cur")
        fi
        return 0
    fi

    local spec=${_fab_commands[$cmd]}
    local kind=${spec%% *} flags=" ${spec#* } "

    # A flag's value: "--flag value", "--flag=value" (bash splits at "=").
    local flag="" value_cur=$cur
    if [[ $cur == = && $prev == --* ]]; then
        flag=${prev#--} value_cur=""
    elif [[ $prev == = ]] && ((COMP_CWORD >= 2)) && [[ ${COMP_WORDS[COMP_CWORD - 2]} == --* ]]; then
        flag=${COMP_WORDS[COMP_CWORD - 2]#--}
    elif [[ $prev == --* && $flags == *" $prev= "* ]]; then
        flag=${prev#--}
    fi
    if [[ -n $flag ]]; then
        if [[ -n ${_fab_values[$flag]+set} ]]; then
            mapfile -t COMPREPLY < <(compgen -W "${_fab_values[$flag]}" -- "$value_cur")
        elif [[ -n ${_fab_value_names[$flag]+set} ]]; then
            mapfile -t COMPREPLY < <(compgen -W "$(_fab_names "${_fab_value_names[$flag]}")" -- "$value_cur")
        fi
        return 0
    fi

    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "${flags//=/}" -- "$cur")
        return 0
    fi

    # Positional arguments before the cursor (flags and their values skipped).
    local -a args=()
    local w
    for ((i = cmd_end; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == --* && $flags == *" $w= "* ]]; then
            ((i++))
        elif [[ $w == -* || $w == = ]]; then
            [[ $w == = ]] && ((i++))
        else
            args+=("$w")
        fi
    done

    case $kind in
        commands) _fab_complete_path "${args[@]}" ;;
        subcommands) # a command that is also a group ("agent plan" <prompt> | list | stop)
            ((${#args[@]} == 0)) &&
                mapfile -t COMPREPLY < <(compgen -W "$(_fab_next_words "$cmd")" -- "$cur")
            ;;
        files)
            if ((${#args[@]} == 0)); then
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            fi
            ;;
        projects | agents)
            ((${#args[@]} == 0)) &&
                mapfile -t COMPREPLY < <(compgen -W "$(_fab_names "$kind")" -- "$cur")
            ;;
        projects...)
            mapfile -t COMPREPLY < <(compgen -W "$(_fab_names projects)" -- "$cur")
            ;;
    esac
    return 0
}

complete -F _fab fab
