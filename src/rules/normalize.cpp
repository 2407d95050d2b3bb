#include "rules/normalize.hpp"

#include "util/strings.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <sys/stat.h>
#include <vector>

namespace fab::rules {

namespace {

std::string join_path(const std::string& dir, std::string_view name) {
    if (dir == "/") return "/" + std::string(name);
    return dir + "/" + std::string(name);
}

std::string parent_of(const std::string& p) {
    auto slash = p.rfind('/');
    if (slash == std::string::npos || slash == 0) return "/";
    return p.substr(0, slash);
}

std::string lexically_normal(std::string_view full) {
    std::vector<std::string> parts;
    for (const auto& comp : split(full, '/')) {
        if (comp == ".") continue;
        if (comp == "..") {
            if (!parts.empty()) parts.pop_back();
            continue;
        }
        parts.push_back(comp);
    }
    return "/" + join(parts, "/");
}

// Resolves an absolute path component by component, as the kernel would.
// While a prefix exists, realpath() resolves it (every symlink); a missing
// component (a file Write will create) is appended as it is. A dangling
// symlink fails: Write would create its target, wherever that is.
std::optional<std::string> resolve(std::string_view full) {
    std::string cur = "/";
    for (const auto& comp : split(full, '/')) {
        if (comp == ".") continue;
        if (comp == "..") {
            cur = parent_of(cur);
            continue;
        }
        std::string next = join_path(cur, comp);
        char buf[PATH_MAX];
        if (::realpath(next.c_str(), buf)) {
            cur = buf;
            continue;
        }
        int err = errno;
        if (err != ENOENT && err != ENOTDIR) return std::nullopt; // EACCES, ELOOP, …
        struct stat st {};
        if (::lstat(next.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) return std::nullopt;
        cur = next;
    }
    return cur;
}

} // namespace

std::optional<std::string> normalize_path(std::string_view path, const std::string& base,
                                          const std::string& home) {
    if (path.empty() || path.find('\0') != std::string_view::npos) return std::nullopt;
    std::string full;
    if (path == "~" || path.substr(0, 2) == "~/") {
        // Claude Code's file tools expand `~`; treating it as a directory
        // named "~" in the worktree would let `~/.bashrc` pass as a worktree
        // path.
        if (home.empty() || home.front() != '/') return std::nullopt;
        full = home + std::string(path.substr(1));
    } else if (path.front() == '/') {
        full = std::string(path);
    } else {
        if (base.empty() || base.front() != '/') return std::nullopt;
        full = base + "/" + std::string(path);
    }

    // Node (Claude Code) may collapse `..` lexically before the kernel sees
    // the path, while the kernel applies `..` after following a symlink;
    // `link/../../x` can land inside the worktree one way and outside it the
    // other. Both readings must agree, or nobody can tell which file is meant.
    auto kernel = resolve(full);
    auto lexical = resolve(lexically_normal(full));
    if (!kernel || !lexical || *kernel != *lexical) return std::nullopt;
    return kernel;
}

bool path_within(std::string_view path, std::string_view dir) {
    if (dir == "/") return !path.empty() && path.front() == '/';
    if (path.substr(0, dir.size()) != dir) return false;
    return path.size() == dir.size() || path[dir.size()] == '/';
}

} // namespace fab::rules
