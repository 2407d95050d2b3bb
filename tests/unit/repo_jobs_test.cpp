// git::RepoJobs: one job at a time per repository and lane, in order;
// repositories and lanes do not wait for each other.
#include "daemon/git/repo_jobs.hpp"

#include <boost/test/unit_test.hpp>
#include <functional>
#include <string>
#include <vector>

using fab::git::RepoJobs;
using Lane = RepoJobs::Lane;

BOOST_AUTO_TEST_SUITE(repo_jobs)

BOOST_AUTO_TEST_CASE(one_at_a_time_per_repository_in_order) {
    RepoJobs jobs;
    std::vector<std::string> ran;
    std::vector<std::function<void()>> releases;
    auto job = [&](std::string name) {
        return [&, name](std::function<void()> release) {
            ran.push_back(name);
            releases.push_back(std::move(release));
        };
    };
    jobs.run("/p/repo", Lane::main_line, job("a"));
    jobs.run("/p/repo/", Lane::main_line, job("b")); // the same repository
    jobs.run("/p/./repo", Lane::main_line, job("c"));
    BOOST_TEST(ran == std::vector<std::string>({"a"}));
    BOOST_TEST(jobs.pending("/p/repo", Lane::main_line) == 3u);
    releases[0]();
    BOOST_TEST(ran == std::vector<std::string>({"a", "b"}));
    releases[0](); // a second release of the same job changes nothing
    BOOST_TEST(ran == std::vector<std::string>({"a", "b"}));
    releases[1]();
    releases[2]();
    BOOST_TEST(ran == std::vector<std::string>({"a", "b", "c"}));
    BOOST_TEST(jobs.pending("/p/repo", Lane::main_line) == 0u);
}

BOOST_AUTO_TEST_CASE(other_repositories_and_lanes_do_not_wait) {
    RepoJobs jobs;
    int started = 0;
    std::function<void()> held;
    jobs.run("/p/one", Lane::main_line, [&](std::function<void()> r) {
        ++started;
        held = std::move(r);
    });
    jobs.run("/p/one", Lane::worktrees, [&](std::function<void()> r) {
        ++started;
        r();
    });
    jobs.run("/p/two", Lane::main_line, [&](std::function<void()> r) {
        ++started;
        r();
    });
    BOOST_TEST(started == 3);
    BOOST_TEST(jobs.pending("/p/one", Lane::main_line) == 1u);
    BOOST_TEST(jobs.pending("/p/two", Lane::main_line) == 0u);
    held();
}

BOOST_AUTO_TEST_CASE(a_job_that_takes_both_lanes_nests_without_deadlock) {
    RepoJobs jobs;
    bool inside = false, after = false;
    jobs.run("/p/r", Lane::main_line, [&](std::function<void()> main_done) {
        jobs.run("/p/r", Lane::worktrees, [&, main_done](std::function<void()> trees_done) {
            inside = true;
            trees_done();
            main_done();
        });
    });
    jobs.run("/p/r", Lane::main_line, [&](std::function<void()> r) {
        after = true;
        r();
    });
    BOOST_TEST(inside);
    BOOST_TEST(after);
}

BOOST_AUTO_TEST_SUITE_END()
