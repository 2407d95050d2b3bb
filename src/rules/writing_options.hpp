// Options that turn a read-only command into one that writes files or runs
// programs: `git log --output=F`, `sort -o F`, `find -delete`, `find -exec`,
// `sed -i`, `rg --pre CMD`, `curl -o F`, and git's global `-c key=value`
// (core.fsmonitor, core.hooksPath, … run programs) or `--git-dir`/`-C`
// (another repository); also reads no `paths` check sees: `wc
// --files0-from=F` (paths listed in F), `grep -R` and `diff -r` (they
// follow symbolic links out of the worktree). A command holding one never matches a rule that may
// allow it (rules/match.hpp): such a call always reaches a human or a deny.
#pragma once

#include <string>
#include <vector>

namespace fab::rules {

// `words`: one simple command after quote removal, command name first.
// Returns the offending option ("" when there is none).
std::string writing_option(const std::vector<std::string>& words);

} // namespace fab::rules
