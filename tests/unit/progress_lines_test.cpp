#include "util/progress_lines.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab;

BOOST_AUTO_TEST_SUITE(progress_lines)

BOOST_AUTO_TEST_CASE(updates_are_thinned_phases_and_done_lines_always_shown) {
    ProgressLines p(200);
    auto a = p.feed("Cloning into 'x'...\nReceiving objects:   1% (1/100)\rReceiving ob", 0);
    BOOST_TEST_REQUIRE(a.size() == 2u); // a new phase each; the partial line waits
    BOOST_TEST(a[0] == "Cloning into 'x'...");
    BOOST_TEST(a[1] == "Receiving objects:   1% (1/100)");
    auto b = p.feed("jects:   2% (2/100)\rReceiving objects:   3% (3/100)\r", 50);
    BOOST_TEST(b.empty()); // same phase, within 200 ms
    auto c = p.feed("Receiving objects:  50% (50/100)\r", 250);
    BOOST_TEST_REQUIRE(c.size() == 1u);
    BOOST_TEST(c[0] == "Receiving objects:  50% (50/100)");
    auto d =
        p.feed("Receiving objects: 100% (100/100), done.\nResolving deltas:   0% (0/9)\r", 260);
    BOOST_TEST_REQUIRE(d.size() == 2u);
    BOOST_TEST(d[0] == "Receiving objects: 100% (100/100), done.");
    BOOST_TEST(d[1] == "Resolving deltas:   0% (0/9)");
    auto e = p.feed("fatal: early EOF\n", 270);
    BOOST_TEST_REQUIRE(e.size() == 1u);
    BOOST_TEST(p.text().find("fatal: early EOF") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(memory_is_bounded) {
    ProgressLines p;
    std::string flood(100000, 'x');
    auto a = p.feed(flood, 0);
    BOOST_TEST(a.empty());
    a = p.feed("\n", 1);
    BOOST_TEST_REQUIRE(a.size() == 1u);
    BOOST_TEST(a[0].size() == 4096u);
    BOOST_TEST(p.text().size() == 64u * 1024u);
}

BOOST_AUTO_TEST_SUITE_END()
