// Path normalisation for permission rules.
//
// A rule such as `/src:*` must hold against an agent that tries to get out:
// `src/../../etc/passwd`, `src//x`, `./src/link-to-etc/passwd`, `~/.bashrc`.
// So before any path pattern is compared, the path a tool will touch is made
// absolute (relative paths against the worktree, `~` against home) and every
// component is resolved the way the kernel will: symlinks in the longest
// existing prefix are followed (realpath), `..` after a resolved symlink goes
// to the parent of the symlink's *target*, and the components that do not
// exist yet (a file Write will create) are appended lexically. Because Node
// may instead collapse `..` lexically before the kernel sees the path, both
// readings are computed and must agree. A dangling symlink, an unreadable
// prefix or two readings that disagree make the path unresolvable: the caller
// treats that as "no path pattern matches", which sends the call to a human.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fab::rules {

// `path` as the kernel will see it; nullopt when it cannot be told safely.
// `base` is the directory relative paths start from (the worktree); `home`
// expands a leading `~`. Both may be empty, and then such paths fail.
std::optional<std::string> normalize_path(std::string_view path, const std::string& base,
                                          const std::string& home);

// Whether normalised `path` is `dir` or lies below it ("/a/b" is under "/a",
// "/ab" is not). Both must be normalised; dir "/" contains every path.
bool path_within(std::string_view path, std::string_view dir);

} // namespace fab::rules
