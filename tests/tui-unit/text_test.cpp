#include "tui/text.hpp"

#include <boost/test/unit_test.hpp>

using namespace fab::tui;

BOOST_AUTO_TEST_SUITE(tui_text)

BOOST_AUTO_TEST_CASE(widths_count_wide_and_combining_characters) {
    BOOST_TEST(display_width("abc") == 3);
    BOOST_TEST(display_width("日本語") == 6);
    BOOST_TEST(display_width("e\xCC\x81") == 1); // e + combining acute
    BOOST_TEST(display_width("héllo") == 5);
    BOOST_TEST(display_width("🙂") == 2);
}

BOOST_AUTO_TEST_CASE(invalid_utf8_reads_as_replacement_characters) {
    std::string bad = "a\xFF\xC3"; // stray byte, truncated sequence
    size_t i = 0;
    BOOST_TEST(static_cast<uint32_t>(next_codepoint(bad, i)) == uint32_t('a'));
    BOOST_TEST(static_cast<uint32_t>(next_codepoint(bad, i)) == 0xFFFDu);
    BOOST_TEST(static_cast<uint32_t>(next_codepoint(bad, i)) == 0xFFFDu);
    BOOST_TEST(i == bad.size());
    BOOST_TEST(display_width(bad) == 3);
}

BOOST_AUTO_TEST_CASE(wrap_breaks_at_spaces_and_hard_breaks_long_words) {
    auto l = wrap("the quick brown fox jumps", 10);
    BOOST_TEST(l.size() == 3u);
    BOOST_TEST(l[0] == "the quick");
    BOOST_TEST(l[1] == "brown fox");
    BOOST_TEST(l[2] == "jumps");
    auto h = wrap("abcdefghijkl", 5);
    BOOST_TEST(h.size() == 3u);
    BOOST_TEST(h[0] == "abcde");
    BOOST_TEST(h[2] == "kl");
}

BOOST_AUTO_TEST_CASE(wrap_never_splits_a_wide_character) {
    auto l = wrap("日本語テキスト", 5); // 14 columns, 2 per character
    for (const auto& s : l) BOOST_TEST(display_width(s) <= 5);
    BOOST_TEST(l.size() == 4u);
    BOOST_TEST(l[0] == "日本");
}

BOOST_AUTO_TEST_CASE(wrap_keeps_newlines_and_expands_tabs) {
    auto l = wrap("a\n\nb\tc", 20);
    BOOST_TEST(l.size() == 3u);
    BOOST_TEST(l[1] == "");
    BOOST_TEST(l[2] == "b   c");
    BOOST_TEST(wrap("", 10).size() == 1u);
}

BOOST_AUTO_TEST_CASE(truncate_and_fit_measure_columns) {
    BOOST_TEST(fab::tui::truncate("hello world", 8) == "hello w…");
    BOOST_TEST(display_width(fab::tui::truncate("日本語テキスト", 7)) <= 7);
    BOOST_TEST(fab::tui::truncate("short", 10) == "short");
    BOOST_TEST(fit("ab", 4) == "ab  ");
    BOOST_TEST(display_width(fit("日本語", 5)) == 5);
}

BOOST_AUTO_TEST_CASE(first_line_counts_the_rest) {
    int more = 0;
    BOOST_TEST(first_line("\nok\nline2\nline3\n", &more) == "ok");
    BOOST_TEST(more == 2);
}

BOOST_AUTO_TEST_CASE(human_figures) {
    BOOST_TEST(human_count(999) == "999");
    BOOST_TEST(human_count(1234) == "1.2k");
    BOOST_TEST(human_count(56789) == "56k");
    BOOST_TEST(short_duration(42) == "42s");
    BOOST_TEST(short_duration(125) == "2m");
    BOOST_TEST(short_duration(3 * 3600 + 5 * 60) == "3h05");
}

BOOST_AUTO_TEST_SUITE_END()
