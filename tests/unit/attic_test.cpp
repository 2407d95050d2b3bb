// The attic (daemon/agents/attic): patches of uncommitted work made through a
// temporary index, and verified bundles, with real git on a real libuv loop.
#include "daemon/agents/attic.hpp"
#include "util/fs.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sys/wait.h>
#include <uv.h>

using namespace fab;
namespace fs = std::filesystem;

namespace {

struct Repo {
    std::string root, dir;
    uv_loop_t loop{};
    Repo() {
        char tmpl[] = "/tmp/fab-attic-XXXXXX";
        root = ::mkdtemp(tmpl);
        dir = root + "/repo";
        uv_loop_init(&loop);
        ::setenv("GIT_AUTHOR_NAME", "t", 1);
        ::setenv("GIT_AUTHOR_EMAIL", "t@example.com", 1);
        ::setenv("GIT_COMMITTER_NAME", "t", 1);
        ::setenv("GIT_COMMITTER_EMAIL", "t@example.com", 1);
        sh("git init -q -b main '" + dir + "'");
    }
    ~Repo() {
        uv_run(&loop, UV_RUN_DEFAULT);
        uv_loop_close(&loop);
        fs::remove_all(root);
    }
    // Test set-up only (the code under test never runs a shell).
    int sh(const std::string& cmd) {
        int rc = std::system(("cd '" + (fs::exists(dir) ? dir : root) + "' && " + cmd).c_str());
        return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(dir + "/" + name) << text;
    }
    std::string out(const std::string& cmd) {
        std::string f = root + "/out.txt";
        sh(cmd + " > '" + f + "'");
        auto t = read_file(f);
        return t ? *t : "";
    }
    Result<fab::attic::Changes> save(const std::string& patch) {
        std::optional<Result<fab::attic::Changes>> got;
        fab::attic::save_changes(&loop, dir, patch,
                                 [&](Result<fab::attic::Changes> r) { got = r; });
        uv_run(&loop, UV_RUN_DEFAULT);
        BOOST_TEST_REQUIRE(got.has_value());
        return *got;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(attic_store)

BOOST_AUTO_TEST_CASE(patch_holds_staged_unstaged_and_new_files_and_the_index_is_untouched) {
    Repo r;
    r.write("a.txt", "a\n");
    r.write("b.txt", "b\n");
    r.sh("git add a.txt b.txt && git commit -qm initial");
    r.write("a.txt", "a staged\n");
    r.sh("git add a.txt");
    r.write("b.txt", "b unstaged\n");
    r.write("new file.txt", "new\n");
    std::string index_before = r.out("git diff --cached --name-only");
    std::string status_before = r.out("git status --porcelain");

    std::string patch = r.root + "/wt.patch";
    auto c = r.save(patch);
    BOOST_TEST_REQUIRE(c.ok(), (c.ok() ? "" : c.error()));
    BOOST_TEST(c->saved);
    BOOST_TEST(c->base == r.out("git rev-parse HEAD").substr(0, 40));
    // The user's index and worktree are as they were.
    BOOST_TEST(r.out("git diff --cached --name-only") == index_before);
    BOOST_TEST(r.out("git status --porcelain") == status_before);
    BOOST_TEST(!fs::exists(patch + ".index"));

    // On a fresh checkout of the base, the patch brings all three back.
    r.sh("git clone -q . ../copy");
    std::string copy = r.root + "/copy";
    BOOST_TEST(r.sh("git -C ../copy apply --check '" + patch + "'") == 0);
    BOOST_TEST(r.sh("git -C ../copy apply '" + patch + "'") == 0);
    BOOST_TEST(*read_file(copy + "/a.txt") == "a staged\n");
    BOOST_TEST(*read_file(copy + "/b.txt") == "b unstaged\n");
    BOOST_TEST(*read_file(copy + "/new file.txt") == "new\n");
}

BOOST_AUTO_TEST_CASE(clean_worktree_saves_nothing_and_leaves_no_file) {
    Repo r;
    r.write("a.txt", "a\n");
    r.write(".gitignore", "build/\n");
    r.sh("git add -A && git commit -qm initial && mkdir build && echo x > build/out.o");
    std::string patch = r.root + "/wt.patch";
    auto c = r.save(patch);
    BOOST_TEST_REQUIRE(c.ok());
    BOOST_TEST(!c->saved, "ignored files are not work");
    BOOST_TEST(!fs::exists(patch));
    BOOST_TEST(c->ignored_list.empty()); // a clean worktree is not saved at all
    BOOST_TEST(!fs::exists(r.root + "/wt.ignored.txt"));
}

BOOST_AUTO_TEST_CASE(ignored_files_of_a_dirty_worktree_are_listed_and_small_ones_copied) {
    Repo r;
    r.write(".gitignore", ".env\nbuild/\n*.bin\nnotes/*.md\n");
    r.sh("git add -A && git commit -qm initial");
    r.write("wip.txt", "work\n"); // dirty
    r.write(".env", "TOKEN=local\n");
    r.sh("mkdir build notes && echo x > build/out.o && echo n > notes/todo.md");
    r.sh("head -c 2000000 /dev/zero > big.bin");
    std::string patch = r.root + "/wt.patch";
    auto c = r.save(patch);
    BOOST_TEST_REQUIRE(c.ok(), (c.ok() ? "" : c.error()));
    BOOST_TEST(c->saved);
    BOOST_TEST(c->ignored_list == "wt.ignored.txt");
    // .env, big.bin, build/, notes/todo.md (git also names notes/, whose
    // file is listed instead)
    BOOST_TEST(c->ignored_entries == 4u);
    BOOST_TEST(c->ignored_copied == 2u);
    BOOST_TEST(*read_file(r.root + "/wt.ignored/.env") == "TOKEN=local\n");
    BOOST_TEST(*read_file(r.root + "/wt.ignored/notes/todo.md") == "n\n");
    BOOST_TEST(!fs::exists(r.root + "/wt.ignored/big.bin"));
    BOOST_TEST(!fs::exists(r.root + "/wt.ignored/build"));
    std::string list = *read_file(r.root + "/wt.ignored.txt");
    BOOST_TEST(list.find(".env: copied\n") != std::string::npos, list);
    BOOST_TEST(list.find("build/: not copied: a wholly ignored directory\n") != std::string::npos,
               list);
    BOOST_TEST(list.find("big.bin: not copied: 2000000 bytes, over the 1 MiB limit\n") !=
                   std::string::npos,
               list);
    // The patch holds the work, not the ignored files.
    BOOST_TEST(read_file(patch)->find("wip.txt") != std::string::npos);
    BOOST_TEST(read_file(patch)->find("TOKEN") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(unborn_branch_is_saved_against_the_empty_tree) {
    Repo r;
    r.write("first.txt", "first\n");
    std::string patch = r.root + "/wt.patch";
    auto c = r.save(patch);
    BOOST_TEST_REQUIRE(c.ok(), (c.ok() ? "" : c.error()));
    BOOST_TEST(c->saved);
    BOOST_TEST(c->base.empty());
    BOOST_TEST(read_file(patch)->find("first.txt") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bundle_is_written_and_verified_and_bad_refs_are_an_error) {
    Repo r;
    r.write("a.txt", "a\n");
    r.sh("git add a.txt && git commit -qm initial && git branch fab/x");
    std::string bundle = r.root + "/b.bundle";
    std::optional<Status> got;
    fab::attic::save_refs(&r.loop, r.dir, {"refs/heads/fab/x", "refs/heads/main"}, bundle,
                          [&](Status s) { got = s; });
    uv_run(&r.loop, UV_RUN_DEFAULT);
    BOOST_TEST_REQUIRE(got.has_value());
    BOOST_TEST(got->ok());
    BOOST_TEST(r.out("git bundle list-heads '" + bundle + "'").find("refs/heads/fab/x") !=
               std::string::npos);

    got.reset();
    std::string bad = r.root + "/bad.bundle";
    fab::attic::save_refs(&r.loop, r.dir, {"refs/heads/nope"}, bad, [&](Status s) { got = s; });
    uv_run(&r.loop, UV_RUN_DEFAULT);
    BOOST_TEST_REQUIRE(got.has_value());
    BOOST_TEST(!got->ok());
    BOOST_TEST(!fs::exists(bad));
}

BOOST_AUTO_TEST_CASE(attic_directories_are_new_each_time) {
    Repo r;
    auto a = fab::attic::make_dir(r.root, "web");
    auto b = fab::attic::make_dir(r.root, "web");
    BOOST_TEST_REQUIRE(a.ok());
    BOOST_TEST_REQUIRE(b.ok());
    BOOST_TEST(*a != *b);
    BOOST_TEST(a->rfind(r.root + "/attic/web-", 0) == 0u);
    BOOST_TEST(((fs::status(*a).permissions() & fs::perms::all) == fs::perms::owner_all));
}

BOOST_AUTO_TEST_SUITE_END()
