#include "daemon/git/worktree_link.hpp"

#include "util/fd.hpp"
#include "util/strings.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>

namespace fab::safegit {

namespace {

namespace fs = std::filesystem;

// Both files hold one short line; anything longer is not git's.
constexpr size_t kMaxLinkBytes = 4096;

Result<std::string> real_path(const std::string& p) {
    char buf[PATH_MAX];
    if (!::realpath(p.c_str(), buf)) return make_error(p + ": " + errno_string(errno));
    return std::string(buf);
}

// What stands at `path` instead of a regular file, or "" when it is one.
std::string not_a_file(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return errno == ENOENT ? "is missing" : "cannot be read (" + errno_string(errno) + ")";
    if (S_ISLNK(st.st_mode)) return "is a symbolic link";
    if (S_ISDIR(st.st_mode)) return "is a directory";
    if (!S_ISREG(st.st_mode)) return "is not a regular file";
    return "";
}

// The one line of a small regular file, without following a link or
// waiting on a FIFO swapped in after the lstat.
Result<std::string> read_line(const std::string& path) {
    if (auto what = not_a_file(path); !what.empty()) return make_error(what);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
    if (!fd.valid()) return make_error("cannot be read (" + errno_string(errno) + ")");
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
        return make_error("is not a regular file");
    std::string text;
    char buf[1024];
    while (text.size() <= kMaxLinkBytes) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return make_error("cannot be read (" + errno_string(errno) + ")");
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
    }
    if (text.size() > kMaxLinkBytes) return make_error("is longer than git ever writes it");
    if (text.ends_with('\n')) text.pop_back();
    if (text.ends_with('\r')) text.pop_back();
    return text;
}

// `text` for a message: quoted, control bytes shown as '?', cut short.
std::string shown(const std::string& text) {
    std::string out = "\"";
    for (size_t i = 0; i < text.size() && i < 200; ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    }
    return out + (text.size() > 200 ? "…\"" : "\"");
}

// A path as git wrote it into a link file: absolute, or (worktree.useRelativePaths)
// relative to the directory holding the file.
std::string resolve(const std::string& written, const std::string& base_dir) {
    fs::path p(written);
    if (p.is_relative()) p = fs::path(base_dir) / p;
    std::string s = p.lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

} // namespace

Result<std::string> verify_worktree(const std::string& clone, const std::string& worktree) {
    auto wt = real_path(worktree);
    if (!wt) return make_error("the worktree " + wt.error());
    auto links = real_path(clone + "/.git/worktrees");
    if (!links) return make_error("the clone's worktree list " + links.error());
    std::string dot_git = worktree + "/.git";
    std::string name = fs::path(*wt).filename().string();
    std::string expected = "gitdir: " + *links + "/" + name;
    auto refuse = [&](const std::string& what) {
        return make_error(dot_git + " " + what + "; fab made it a file reading " + shown(expected) +
                          ": fab runs no git in this worktree (nothing in it was changed; "
                          "restore that file to go on)");
    };

    auto line = read_line(*wt + "/.git");
    if (!line) return refuse(line.error());
    if (!line->starts_with("gitdir: ")) return refuse("reads " + shown(*line));
    std::string git_dir = resolve(line->substr(8), *wt);
    // Any name git chose under the clone's worktree list (it adds a number
    // when the name is taken), provided that entry names this worktree back.
    fs::path gd(git_dir);
    std::string entry = gd.filename().string();
    if (gd.parent_path().string() != *links || entry.empty() || entry == "." || entry == "..")
        return refuse("reads " + shown(*line));
    struct stat st {};
    if (::lstat(git_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return refuse("names " + shown(git_dir) + ", which is not a directory");

    std::string back_file = git_dir + "/gitdir";
    auto back = read_line(back_file);
    if (!back)
        return make_error(back_file + " " + back.error() + ": fab runs no git in " + worktree);
    if (resolve(*back, git_dir) != *wt + "/.git")
        return make_error(back_file + " names " + shown(*back) + ", not " + *wt +
                          "/.git: the worktree " + worktree +
                          " is not the one git knows there; fab runs no git in it");
    return git_dir;
}

} // namespace fab::safegit
