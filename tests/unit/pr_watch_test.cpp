// What `gh pr view --json state,reviews,comments` says, read leniently
// (daemon/orchestrator/pr_watch), and the disk figures of `fab gc`.
#include "daemon/orchestrator/pr_watch.hpp"
#include "util/disk_usage.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace fab;

BOOST_AUTO_TEST_SUITE(pr_watch)

BOOST_AUTO_TEST_CASE(reads_state_reviews_and_comments) {
    auto v = prwatch::parse_view(
        R"({"state":"OPEN","reviews":[{"id":"PRR_1","author":{"login":"rita"},)"
        R"("state":"CHANGES_REQUESTED","body":"rename it","submittedAt":"2026-01-01T00:00:00Z"}],)"
        R"("comments":[{"id":"IC_1","author":{"login":"sam"},"body":"docs too"},)"
        R"({"author":{"login":"old"},"body":"no id","createdAt":"2026-01-02T00:00:00Z"}, 7]})");
    BOOST_TEST_REQUIRE(static_cast<bool>(v));
    BOOST_TEST(v->state == "OPEN");
    BOOST_TEST_REQUIRE(v->feedback.size() == 3u);
    BOOST_TEST(v->feedback[0].kind == "review");
    BOOST_TEST(v->feedback[0].author == "rita");
    BOOST_TEST(v->feedback[0].state == "CHANGES_REQUESTED");
    BOOST_TEST(v->feedback[1].id == "IC_1");
    BOOST_TEST(v->feedback[2].id == "comment:2026-01-02T00:00:00Z", "an id from its time");
}

BOOST_AUTO_TEST_CASE(refuses_what_is_not_a_view) {
    BOOST_TEST(!prwatch::parse_view("not json"));
    BOOST_TEST(!prwatch::parse_view("[]"));
    BOOST_TEST(!prwatch::parse_view(R"({"reviews":[]})"));
    auto merged = prwatch::parse_view(R"({"state":"MERGED","reviews":null})");
    BOOST_TEST_REQUIRE(static_cast<bool>(merged));
    BOOST_TEST(merged->feedback.empty());
}

BOOST_AUTO_TEST_CASE(message_names_each_author_and_how_to_answer) {
    std::string m = prwatch::feedback_message(
        "https://x/pull/3", {{"PRR_1", "rita", "review", "CHANGES_REQUESTED", "rename it"},
                             {"IC_1", "", "comment", "", ""}});
    BOOST_TEST(m.find("https://x/pull/3") != std::string::npos);
    BOOST_TEST(m.find("- rita (review, CHANGES_REQUESTED): rename it") != std::string::npos, m);
    BOOST_TEST(m.find("- someone: (no text)") != std::string::npos, m);
    BOOST_TEST(m.find("fab agent done") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(disk_usage_counts_blocks_and_hard_links_once) {
    namespace fs = std::filesystem;
    std::string dir = fs::temp_directory_path() / ("fab-du-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir + "/sub");
    BOOST_TEST(disk_usage(dir + "/missing") == 0u);
    uint64_t empty = disk_usage(dir);
    std::ofstream(dir + "/sub/a") << std::string(100000, 'a');
    uint64_t one = disk_usage(dir);
    BOOST_TEST(one >= empty + 100000);
    fs::create_hard_link(dir + "/sub/a", dir + "/b");
    fs::create_symlink(dir + "/sub", dir + "/link");
    BOOST_TEST(disk_usage(dir) < one + 100000, "a hard link and a symlink add no copy");
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
