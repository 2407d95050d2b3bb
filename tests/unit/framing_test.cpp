#include "protocol/framing.hpp"

#include <boost/test/unit_test.hpp>

using fab::LineBuffer;

BOOST_AUTO_TEST_SUITE(framing)

BOOST_AUTO_TEST_CASE(lines_split_across_chunks_are_joined) {
    LineBuffer b;
    std::string line;
    b.append("{\"a\":");
    BOOST_TEST((b.next(line) == LineBuffer::Next::need_more));
    b.append("1}\n{\"b\":2}\r\npartial");
    BOOST_TEST((b.next(line) == LineBuffer::Next::line));
    BOOST_TEST(line == "{\"a\":1}");
    BOOST_TEST((b.next(line) == LineBuffer::Next::line));
    BOOST_TEST(line == "{\"b\":2}");
    BOOST_TEST((b.next(line) == LineBuffer::Next::need_more));
    BOOST_TEST(b.pending() == 7u);
    b.append("\n");
    BOOST_TEST((b.next(line) == LineBuffer::Next::line));
    BOOST_TEST(line == "partial");
}

BOOST_AUTO_TEST_CASE(line_over_the_limit_is_reported_before_newline_arrives) {
    LineBuffer b(16);
    std::string line;
    b.append("0123456789");
    BOOST_TEST((b.next(line) == LineBuffer::Next::need_more));
    b.append("0123456789");
    BOOST_TEST((b.next(line) == LineBuffer::Next::too_long));
}

BOOST_AUTO_TEST_CASE(line_exactly_at_the_limit_is_accepted) {
    LineBuffer b(4);
    std::string line;
    b.append("abcd\nabcde\n");
    BOOST_TEST((b.next(line) == LineBuffer::Next::line));
    BOOST_TEST(line == "abcd");
    BOOST_TEST((b.next(line) == LineBuffer::Next::too_long));
}

BOOST_AUTO_TEST_CASE(buffer_stays_bounded_over_many_lines) {
    LineBuffer b;
    std::string line;
    for (int i = 0; i < 100000; ++i) {
        b.append("{\"n\":1}\n{\"n\"");
        BOOST_TEST_REQUIRE((b.next(line) == LineBuffer::Next::line));
        b.append(":2}\n");
        BOOST_TEST_REQUIRE((b.next(line) == LineBuffer::Next::line));
    }
    BOOST_TEST(b.pending() == 0u);
}

BOOST_AUTO_TEST_CASE(empty_lines_are_returned_as_empty) {
    LineBuffer b;
    std::string line = "x";
    b.append("\n");
    BOOST_TEST((b.next(line) == LineBuffer::Next::line));
    BOOST_TEST(line.empty());
}

BOOST_AUTO_TEST_SUITE_END()
