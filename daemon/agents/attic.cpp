#include "daemon/agents/attic.hpp"

#include "daemon/orchestrator/git_cmd.hpp"
#include "ev/stream.hpp"
#include "util/fs.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

#include <cerrno>
#include <filesystem>
#include <memory>
#include <sys/stat.h>

namespace fab::attic {

namespace {

// "20261203T091056Z": sorts by time, and no ':' to trouble a shell or scp.
std::string utc_stamp() {
    std::string iso = format_iso8601_ms(now_ms()); // 2026-12-03T09:10:56.870Z
    std::string out;
    for (char c : iso.substr(0, 19))
        if (c != '-' && c != ':') out += c;
    return out + "Z";
}

void remove_quietly(const std::string& path) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
}

// "<dir>/wt.patch" → "<dir>/wt".
std::string stem_of(const std::string& patch_file) {
    std::string_view s = patch_file;
    if (s.size() > 6 && s.substr(s.size() - 6) == ".patch") s.remove_suffix(6);
    return std::string(s);
}

// Paths from `git ls-files -z`: a last entry with no NUL after it was cut
// by the capture limit and is dropped (`truncated` says so).
std::vector<std::string> nul_separated(const std::string& out, bool& truncated) {
    std::vector<std::string> paths;
    size_t start = 0;
    for (size_t nul; (nul = out.find('\0', start)) != std::string::npos; start = nul + 1)
        if (nul > start) paths.push_back(out.substr(start, nul - start));
    truncated = start < out.size();
    return paths;
}

// On the thread pool: copies what it may of `paths` (relative to `root`)
// under <stem>.ignored/, and writes <stem>.ignored.txt saying what became
// of each. Never follows a symlink out of the worktree: only regular files
// are copied.
struct IgnoredCopy {
    Status status;
    size_t listed = 0;
    size_t copied = 0;
};
IgnoredCopy copy_ignored(const std::string& root, const std::vector<std::string>& paths,
                         bool truncated, const std::string& stem) {
    namespace fs = std::filesystem;
    IgnoredCopy r;
    std::string list = "Ignored files of " + root +
                       " (git ls-files --others --ignored --exclude-standard\n" +
                       "--directory): \"copied\" ones are under " +
                       fs::path(stem).filename().string() + ".ignored/ with the same path.\n\n";
    uintmax_t total = 0;
    for (size_t i = 0; i < paths.size(); ++i) {
        const std::string& rel = paths[i];
        // git may list a directory and then its files (ignored by a pattern
        // on files, `notes/*.md`): the files speak for it.
        if (!rel.empty() && rel.back() == '/' && i + 1 < paths.size() &&
            paths[i + 1].rfind(rel, 0) == 0)
            continue;
        std::string what;
        std::error_code ec;
        fs::path from = fs::path(root) / rel;
        auto st = fs::symlink_status(from, ec);
        if (ec) {
            what = "not copied: " + ec.message();
        } else if (!rel.empty() && rel.back() == '/') {
            what = "not copied: a wholly ignored directory";
        } else if (st.type() != fs::file_type::regular) {
            what = "not copied: not a regular file";
        } else {
            uintmax_t size = fs::file_size(from, ec);
            if (ec) {
                what = "not copied: " + ec.message();
            } else if (size > kIgnoredFileMax) {
                what = "not copied: " + std::to_string(size) + " bytes, over the 1 MiB limit";
            } else if (total + size > kIgnoredTotalMax) {
                what = "not copied: the attic's 32 MiB for ignored files is used up";
            } else {
                fs::path to = fs::path(stem + ".ignored") / rel;
                if (auto s = make_dirs(to.parent_path().string(), 0700); !s) {
                    r.status = make_error(s.error());
                    return r;
                }
                fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
                if (ec) {
                    r.status = make_error("copying " + from.string() + ": " + ec.message());
                    return r;
                }
                total += size;
                ++r.copied;
                what = "copied";
            }
        }
        list += rel + ": " + what + "\n";
        ++r.listed;
    }
    if (truncated) list += "(the list was cut: git printed more than fab reads)\n";
    r.status = write_file_atomic(stem + ".ignored.txt", list, 0600);
    return r;
}

} // namespace

Result<std::string> make_dir(const std::string& fab_dir, const std::string& label) {
    std::string parent = fab_dir + "/attic";
    if (auto s = make_dirs(parent, 0700); !s) return make_error(s.error());
    std::string base = parent + "/" + label + "-" + utc_stamp();
    for (int n = 1; n < 100; ++n) {
        std::string dir = n == 1 ? base : base + "-" + std::to_string(n);
        // mkdir, not make_dirs: a directory that exists is somebody else's.
        if (::mkdir(dir.c_str(), 0700) == 0) return dir;
        if (errno != EEXIST) return make_error("cannot create " + dir + ": " + errno_string(errno));
    }
    return make_error("cannot create a new directory in " + parent + ": too many named " + base);
}

namespace {

// The ignored files of a worktree whose patch is saved: listed, and the
// small ones copied (Changes). A failure here fails the save: the caller
// must not delete a worktree whose .env could not be kept.
void save_ignored(uv_loop_t* loop, const safegit::Where& worktree, const std::string& patch_file,
                  Changes changes, std::function<void(Result<Changes>)> done) {
    gitcmd::run(loop, worktree,
                {"ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"},
                [=](ev::ProcessResult ls) mutable {
                    if (!ls.ok())
                        return done(make_error(gitcmd::failure(
                            "git ls-files (ignored files) in " + worktree.dir, ls)));
                    bool truncated = false;
                    auto paths = std::make_shared<std::vector<std::string>>(
                        nul_separated(ls.out, truncated));
                    if (paths->empty() && !truncated) return done(changes);
                    std::string stem = stem_of(patch_file);
                    auto result = std::make_shared<IgnoredCopy>();
                    std::string root = worktree.dir;
                    ev::queue_work(
                        loop, [=] { *result = copy_ignored(root, *paths, truncated, stem); },
                        [=]() mutable {
                            if (!result->status) return done(make_error(result->status.error()));
                            changes.ignored_list =
                                std::filesystem::path(stem).filename().string() + ".ignored.txt";
                            changes.ignored_entries = result->listed;
                            changes.ignored_copied = result->copied;
                            done(changes);
                        });
                });
}

} // namespace

void save_changes(uv_loop_t* loop, const safegit::Where& worktree, const std::string& patch_file,
                  std::function<void(Result<Changes>)> done) {
    // A private index in the attic (never the worktree's own): HEAD's tree,
    // then every file of the worktree added to it; its diff against HEAD is
    // exactly what is not committed, untracked files included.
    std::string index = patch_file + ".index";
    std::vector<std::string> env = {"GIT_INDEX_FILE=" + index};
    auto fail = [index, patch_file, done](const std::string& why) {
        remove_quietly(index);
        remove_quietly(patch_file);
        done(make_error(why));
    };
    gitcmd::run(
        loop, worktree, {"rev-parse", "--verify", "--quiet", "HEAD^{commit}"},
        [=](ev::ProcessResult head) {
            std::string base = head.ok() ? gitcmd::first_line(head.out) : "";
            auto add_all = [=] {
                gitcmd::run(
                    loop, worktree, {"add", "--all", "--", ":/"},
                    [=](ev::ProcessResult add) {
                        if (!add.ok())
                            return fail(gitcmd::failure(
                                "git add (temporary index) in " + worktree.dir, add));
                        std::vector<std::string> diff = {"diff",          "--cached",
                                                         "--binary",      "--no-color",
                                                         "--no-ext-diff", "--output=" + patch_file};
                        if (!base.empty()) diff.push_back(base);
                        gitcmd::run(
                            loop, worktree, std::move(diff),
                            [=](ev::ProcessResult d) {
                                remove_quietly(index);
                                if (!d.ok())
                                    return fail(gitcmd::failure("git diff in " + worktree.dir, d));
                                std::error_code ec;
                                auto size = std::filesystem::file_size(patch_file, ec);
                                if (ec)
                                    return fail("no patch written for " + worktree.dir + ": " +
                                                ec.message());
                                if (size == 0) {
                                    remove_quietly(patch_file);
                                    return done(Changes{false, base});
                                }
                                save_ignored(loop, worktree, patch_file, Changes{true, base}, done);
                            },
                            env);
                    },
                    env);
            };
            if (base.empty()) return add_all(); // unborn: the empty index is HEAD's tree
            gitcmd::run(
                loop, worktree, {"read-tree", base},
                [=](ev::ProcessResult rt) {
                    if (!rt.ok())
                        return fail(gitcmd::failure(
                            "git read-tree (temporary index) in " + worktree.dir, rt));
                    add_all();
                },
                env);
        });
}

void save_refs(uv_loop_t* loop, const std::string& repo, const std::vector<std::string>& refs,
               const std::string& bundle_file, std::function<void(Status)> done) {
    if (refs.empty()) return done({});
    std::vector<std::string> args = {"bundle", "create", "--quiet", bundle_file};
    args.insert(args.end(), refs.begin(), refs.end());
    gitcmd::run(loop, repo, std::move(args), [=](ev::ProcessResult r) {
        if (!r.ok()) {
            remove_quietly(bundle_file);
            return done(make_error(gitcmd::failure("git bundle create in " + repo, r)));
        }
        // Read back before anything is deleted: a bundle that does not verify
        // saved nothing.
        gitcmd::run(loop, repo, {"bundle", "verify", "--quiet", bundle_file},
                    [done, bundle_file](ev::ProcessResult v) {
                        if (!v.ok())
                            return done(
                                make_error(gitcmd::failure("git bundle verify " + bundle_file, v)));
                        done({});
                    });
    });
}

void write_manifest(uv_loop_t* loop, const std::string& dir, const std::string& title,
                    std::vector<Item> items, std::function<void(Status)> done) {
    std::string text = title + "\n\n";
    for (const auto& it : items) {
        text += it.file + ": " + it.what + (it.detail.empty() ? "" : " — " + it.detail) + "\n";
    }
    text +=
        "\nTo get work back: `git fetch <file>.bundle 'refs/heads/*:refs/heads/saved/*'` in any\n"
        "clone of the project restores the branches; `git apply <file>.patch` on the\n"
        "commit named beside it restores uncommitted changes (new files included);\n"
        "<name>.ignored/ holds ignored files of that worktree as they were, and\n"
        "<name>.ignored.txt lists them all.\n";
    auto status = std::make_shared<Status>();
    std::string path = dir + "/MANIFEST.txt";
    ev::queue_work(
        loop, [status, path, text] { *status = write_file_atomic(path, text, 0600); },
        [status, done] { done(*status); });
}

} // namespace fab::attic
