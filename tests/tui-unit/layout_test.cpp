#include "tui/layout.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab::tui;

namespace {
// Every row of the screen belongs to exactly one part (stacked layout), or
// the left column and the chat share rows (side by side).
void check_covers(const Layout& l, int rows, int cols) {
    BOOST_TEST(l.header.row == 0);
    BOOST_TEST(l.help.row == rows - 1);
    BOOST_TEST(l.input.row + l.input.rows == rows - 1);
    if (l.side_by_side) {
        BOOST_TEST(l.agents.rows + l.recent.rows == l.chat.rows);
        BOOST_TEST(l.chat.col + l.chat.cols == cols);
        BOOST_TEST(l.chat.row + l.chat.rows == l.input.row);
    } else {
        BOOST_TEST(l.agents.row == 1);
        BOOST_TEST(l.chat.row == l.agents.row + l.agents.rows);
        BOOST_TEST(l.recent.row == l.chat.row + l.chat.rows);
        BOOST_TEST(l.recent.row + l.recent.rows == l.input.row);
        BOOST_TEST(l.chat.cols == cols);
    }
}
} // namespace

BOOST_AUTO_TEST_SUITE(tui_layout)

BOOST_AUTO_TEST_CASE(stacked_at_80x24) {
    Layout l = compute_layout(24, 80, 1, 3, 2);
    BOOST_TEST(!l.side_by_side);
    check_covers(l, 24, 80);
    BOOST_TEST(l.agents.rows == 4); // title + 3 agents
    BOOST_TEST(l.recent.rows == 3);
    BOOST_TEST(l.chat.rows >= 10);
}

BOOST_AUTO_TEST_CASE(many_agents_do_not_crowd_out_the_chat) {
    Layout l = compute_layout(24, 80, 1, 100, 0);
    check_covers(l, 24, 80);
    BOOST_TEST(l.agents.rows <= 9);
    BOOST_TEST(l.chat.rows >= 10);
    BOOST_TEST(l.recent.rows == 0);
}

BOOST_AUTO_TEST_CASE(side_by_side_from_120_columns) {
    Layout l = compute_layout(48, 160, 1, 10, 5);
    BOOST_TEST(l.side_by_side);
    check_covers(l, 48, 160);
    BOOST_TEST(l.agents.cols == 64);
    BOOST_TEST(l.recent.rows == 6);
}

BOOST_AUTO_TEST_CASE(multi_line_input_grows_up_to_a_bound) {
    Layout one = compute_layout(24, 80, 1, 3, 0);
    Layout three = compute_layout(24, 80, 3, 3, 0);
    Layout many = compute_layout(24, 80, 40, 3, 0);
    BOOST_TEST(three.input.rows == 3);
    BOOST_TEST(three.chat.rows == one.chat.rows - 2);
    BOOST_TEST(many.input.rows == 5);
    check_covers(many, 24, 80);
}

BOOST_AUTO_TEST_CASE(tiny_terminals_do_not_produce_negative_sizes) {
    for (int r = 0; r < 12; ++r)
        for (int c : {0, 1, 10, 40}) {
            Layout l = compute_layout(r, c, 2, 5, 5);
            for (const Rect* x : {&l.header, &l.agents, &l.chat, &l.recent, &l.input, &l.help}) {
                BOOST_TEST(x->rows >= 0);
                BOOST_TEST(x->cols >= 0);
                BOOST_TEST(x->row + x->rows <= std::max(r, 0));
            }
        }
}

BOOST_AUTO_TEST_SUITE_END()
