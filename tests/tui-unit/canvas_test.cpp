#include "tui/canvas.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab::tui;

BOOST_AUTO_TEST_SUITE(tui_canvas)

BOOST_AUTO_TEST_CASE(put_clips_and_returns_the_next_column) {
    Canvas c(2, 10);
    BOOST_TEST(c.put(0, 2, "hello") == 7);
    BOOST_TEST(c.row_text(0) == "  hello");
    BOOST_TEST(c.put(1, 6, "overflowing") == 10);
    BOOST_TEST(c.row_text(1) == "      over");
    BOOST_TEST(c.put(1, 0, "abcdef", kPlain, 3) == 3);
    BOOST_TEST(c.row_text(1) == "abc   over");
}

BOOST_AUTO_TEST_CASE(wide_characters_take_two_cells_and_stay_whole) {
    Canvas c(1, 5);
    BOOST_TEST(c.put(0, 0, "日本語") == 4); // the third does not fit whole
    BOOST_TEST(c.row_text(0) == "日本");
    BOOST_TEST(static_cast<uint32_t>(c.at(0, 1).ch) == 0u);
    c.put(0, 1, "x"); // over the right half of 日: the left half goes too
    BOOST_TEST(c.row_text(0) == " x本");
}

BOOST_AUTO_TEST_CASE(control_characters_show_as_question_marks) {
    Canvas c(1, 6);
    c.put(0, 0, "a\x1b[b");
    BOOST_TEST(c.row_text(0) == "a?[b");
}

BOOST_AUTO_TEST_CASE(row_equal_sees_attribute_changes) {
    Canvas a(1, 4), b(1, 4);
    a.put(0, 0, "ab");
    b.put(0, 0, "ab");
    BOOST_TEST(a.row_equal(b, 0));
    b.add_attr(0, 0, 1, kBold);
    BOOST_TEST(!a.row_equal(b, 0));
}

BOOST_AUTO_TEST_SUITE_END()
