// git's -z output (daemon/agents/porcelain): names exactly as git wrote them.
#include "daemon/agents/porcelain.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab::porcelain;
using namespace std::string_literals;

BOOST_AUTO_TEST_SUITE(porcelain)

BOOST_AUTO_TEST_CASE(status_keeps_the_first_letter_of_every_name) {
    // " M README.md": the leading space is the index column, not padding.
    std::string out = " M README.md\0 M .tickets/x.md\0?? new file.txt\0A  src/a.cpp\0"s;
    std::vector<std::string> want = {"README.md", ".tickets/x.md", "new file.txt", "src/a.cpp"};
    BOOST_TEST(status_paths(out) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(status_renames_carry_their_original_path) {
    std::string out = "R  new.txt\0old.txt\0 D gone.txt\0"s;
    auto e = parse_status(out);
    BOOST_TEST_REQUIRE(e.size() == 2u);
    BOOST_TEST(e[0].index == 'R');
    BOOST_TEST(e[0].path == "new.txt");
    BOOST_TEST(e[0].orig_path == "old.txt");
    BOOST_TEST(e[1].worktree == 'D');
    BOOST_TEST(e[1].path == "gone.txt");
}

BOOST_AUTO_TEST_CASE(status_names_with_newlines_and_spaces_survive) {
    std::string out = "??  lead\nand trail \0"s;
    auto p = status_paths(out);
    BOOST_TEST_REQUIRE(p.size() == 1u);
    BOOST_TEST(p[0] == " lead\nand trail ");
    BOOST_TEST(status_paths("").empty());
}

BOOST_AUTO_TEST_CASE(nul_fields_drop_empty_fields) {
    std::vector<std::string> want = {"a.txt", " b.txt"};
    BOOST_TEST(nul_fields("a.txt\0\0 b.txt\0"s) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(worktree_list_reads_every_record) {
    std::string out = "worktree /p/repo\0HEAD 1111\0branch refs/heads/main\0\0"
                      "worktree /p/wt-a\0HEAD 2222\0detached\0\0"
                      "worktree /p/wt-b\0HEAD 3333\0branch refs/heads/fab/b\0prunable gitdir file "
                      "points to non-existent location\0\0"s;
    auto w = parse_worktrees(out);
    BOOST_TEST_REQUIRE(w.size() == 3u);
    BOOST_TEST(w[0].path == "/p/repo");
    BOOST_TEST(w[0].branch == "refs/heads/main");
    BOOST_TEST(w[1].head == "2222");
    BOOST_TEST(w[1].branch.empty());
    BOOST_TEST(w[2].branch == "refs/heads/fab/b");
    BOOST_TEST(w[2].prunable);
    BOOST_TEST(!w[0].prunable);
}

BOOST_AUTO_TEST_SUITE_END()
