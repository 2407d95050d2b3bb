#include "daemon/host/git_dirs.hpp"

#include "util/fs.hpp"
#include "util/strings.hpp"

#include <sys/stat.h>

namespace fab {

namespace {
bool is_dir(const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// `rel` read from a file in `base`: absolute as is, else relative to base.
std::string resolve(const std::string& base, std::string rel) {
    rel = std::string(trim(rel));
    if (rel.empty()) return {};
    return absolute_path(rel[0] == '/' ? rel : base + "/" + rel);
}
} // namespace

std::vector<std::string> git_writable_roots(const std::string& worktree) {
    std::string dotgit = worktree + "/.git";
    if (is_dir(dotgit)) return {};
    auto pointer = read_file(dotgit);
    if (!pointer) return {};
    std::string text = *pointer;
    if (text.rfind("gitdir:", 0) != 0) return {};
    std::string gitdir = resolve(worktree, text.substr(7));
    if (gitdir.empty() || !is_dir(gitdir)) return {};
    std::vector<std::string> roots{gitdir};
    auto common = read_file(gitdir + "/commondir");
    std::string dir = common ? resolve(gitdir, *common) : std::string();
    if (dir.empty() || !is_dir(dir)) return roots;
    for (const char* sub : {"objects", "refs", "logs"})
        if (is_dir(dir + "/" + sub)) roots.push_back(dir + "/" + sub);
    return roots;
}

} // namespace fab
