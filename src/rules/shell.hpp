// Reading a Bash command line the way bash will run it, for permission rules.
//
// parse_shell() splits a line into its simple commands — those separated by
// ; & && | || |& newlines and ( ), and those inside $( ), ` `, <( ), >( )
// (also within double quotes and unquoted here-documents) — and gives each
// command's words after quote removal: 'sudo', "sudo", \sudo and $'\x73udo'
// all read as `sudo`. Redirection targets are kept apart from the words.
// Parameter expansions ($x, ${x}) stay in the word as written: their value
// is not known here.
//
// command_views() then reduces one simple command to what it runs: leading
// VAR=value words and reserved words (! { if then …) are skipped, wrappers
// that run their arguments as a command (env, nice, timeout, xargs, command,
// exec, builtin, stdbuf, nohup, time, setsid, ionice, chrt, taskset, watch)
// are unwrapped together with their options, and the command strings of
// `sh -c`, `bash -c`, `env -S`, `eval`, `watch` and `find -exec … ;` are
// read as command lines of their own. The first word is the command's
// basename (/usr/bin/sudo → sudo).
//
// This is for deny rules: it finds more commands, never fewer. It is no
// full bash parser (case patterns, aliases and functions are not followed);
// what keeps unknown commands away from allow rules is that they never match
// a command with shell syntax at all (rules/match.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fab::rules {

struct SimpleCommand {
    std::vector<std::string> words;     // after quote removal
    std::vector<std::string> redirects; // targets of < > >> &> <<< … (file names)
};

struct ShellLine {
    std::vector<SimpleCommand> commands; // in no particular order
    bool complete = true; // false: an unterminated quote, substitution or here-document
};

ShellLine parse_shell(std::string_view line);

// The commands `cmd` runs, each as words with the command's basename first
// (empty when it runs nothing, e.g. a bare assignment).
std::vector<std::vector<std::string>> command_views(const SimpleCommand& cmd);

// "/usr/bin/sudo" → "sudo"; "sudo" → "sudo".
std::string_view command_basename(std::string_view word);

} // namespace fab::rules
