// Tests for util/utf8 (decode, encode, validate, sanitize, cut) and
// util/display_width (utf8proc widths): ASCII, CJK, emoji, combining marks,
// zero-width and control characters, and invalid bytes of every kind.
#include "util/display_width.hpp"
#include "util/utf8.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <vector>

using namespace fab;

namespace {

std::vector<uint32_t> decode_all(std::string_view s) {
    std::vector<uint32_t> out;
    for (size_t i = 0; i < s.size();) {
        size_t before = i;
        out.push_back(next_codepoint(s, i));
        BOOST_REQUIRE(i > before); // always progresses
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(utf8)

BOOST_AUTO_TEST_CASE(decodes_every_length) {
    auto cps = decode_all("a\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80"); // a é 中 😀
    BOOST_TEST(cps == (std::vector<uint32_t>{0x61, 0xE9, 0x4E2D, 0x1F600}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(invalid_bytes_decode_one_at_a_time_as_fffd) {
    const char* bad[] = {
        "\x80",             // lone continuation
        "\xC0\xAF",         // overlong '/'
        "\xE0\x80\xAF",     // overlong
        "\xED\xA0\x80",     // surrogate D800
        "\xF4\x90\x80\x80", // past U+10FFFF
        "\xF5\x80\x80\x80", // never a lead byte
        "\xFF",
        "\xE4\xB8", // cut short
    };
    for (const char* b : bad) {
        std::string s(b);
        BOOST_TEST(!utf8_valid(s), s.size());
        auto cps = decode_all(s);
        BOOST_TEST(cps.size() == s.size(), "one U+FFFD per byte");
        for (uint32_t c : cps) BOOST_TEST(c == 0xFFFDu);
    }
    // A valid character right after an invalid byte is kept.
    auto cps = decode_all("\xFF\xE4\xB8\xAD");
    BOOST_TEST(cps == (std::vector<uint32_t>{0xFFFD, 0x4E2D}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(encode_round_trips_and_refuses_what_has_no_encoding) {
    for (char32_t c : {char32_t(0x41), char32_t(0xE9), char32_t(0x7FF), char32_t(0x800),
                       char32_t(0xFFFD), char32_t(0x10000), char32_t(0x10FFFF)}) {
        std::string s;
        append_utf8(s, c);
        BOOST_TEST(utf8_valid(s));
        size_t i = 0;
        BOOST_TEST(static_cast<uint32_t>(next_codepoint(s, i)) == static_cast<uint32_t>(c));
        BOOST_TEST(i == s.size());
    }
    std::string s;
    append_utf8(s, 0xD800);
    append_utf8(s, 0x110000);
    BOOST_TEST(s == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

BOOST_AUTO_TEST_CASE(sanitize_replaces_only_invalid_bytes) {
    BOOST_TEST(sanitize_utf8("ok \xE4\xB8\xAD") == "ok \xE4\xB8\xAD");
    BOOST_TEST(sanitize_utf8("a\xFF"
                             "b\xC0\xAF") == "a\xEF\xBF\xBD"
                                             "b\xEF\xBF\xBD\xEF\xBF\xBD");
    BOOST_TEST(utf8_valid(sanitize_utf8("\xED\xA0\x80\xF4\x90\x80\x80")));
    BOOST_TEST(utf8_valid(""));
}

BOOST_AUTO_TEST_CASE(prefix_never_splits_a_character) {
    std::string s = "ab\xE4\xB8\xAD\xF0\x9F\x98\x80"; // ab中😀: 2 + 3 + 4 bytes
    BOOST_TEST(utf8_prefix(s, 100) == s);
    BOOST_TEST(utf8_prefix(s, 2) == "ab");
    BOOST_TEST(utf8_prefix(s, 3) == "ab");
    BOOST_TEST(utf8_prefix(s, 4) == "ab");
    BOOST_TEST(utf8_prefix(s, 5) == "ab\xE4\xB8\xAD");
    BOOST_TEST(utf8_prefix(s, 8) == "ab\xE4\xB8\xAD");
    BOOST_TEST(utf8_prefix(s, 9) == s);
    BOOST_TEST(utf8_prefix(s, 0) == "");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(display_width_suite)

BOOST_AUTO_TEST_CASE(ascii_and_latin_take_one_column) {
    BOOST_TEST(display_width("hello") == 5);
    BOOST_TEST(display_width("caf\xC3\xA9") == 4); // café, precomposed
    BOOST_TEST(display_width("") == 0);
}

BOOST_AUTO_TEST_CASE(cjk_and_fullwidth_take_two) {
    BOOST_TEST(codepoint_width(0x4E2D) == 2);                   // 中
    BOOST_TEST(codepoint_width(0xAC00) == 2);                   // 가 (Hangul)
    BOOST_TEST(codepoint_width(0x3042) == 2);                   // あ
    BOOST_TEST(codepoint_width(0xFF21) == 2);                   // Ａ (fullwidth)
    BOOST_TEST(display_width("\xE4\xB8\xAD\xE6\x96\x87") == 4); // 中文
    BOOST_TEST(display_width("a\xE4\xB8\xAD"
                             "b") == 4);
}

BOOST_AUTO_TEST_CASE(emoji_take_two) {
    BOOST_TEST(codepoint_width(0x1F600) == 2); // 😀
    BOOST_TEST(codepoint_width(0x1F44D) == 2); // 👍
    BOOST_TEST(codepoint_width(0x1F680) == 2); // 🚀
    BOOST_TEST(codepoint_width(0x1FA77) == 2); // 🩷 (Unicode 15): glibc 2.36 wcwidth says -1
    BOOST_TEST(display_width("\xF0\x9F\x98\x80 ok") == 5);
}

BOOST_AUTO_TEST_CASE(combining_and_zero_width_take_none) {
    BOOST_TEST(codepoint_width(0x0301) == 0);                   // combining acute
    BOOST_TEST(codepoint_width(0x200B) == 0);                   // zero-width space
    BOOST_TEST(codepoint_width(0xFE0F) == 0);                   // variation selector 16
    BOOST_TEST(display_width("cafe\xCC\x81") == 4);             // café, decomposed
    BOOST_TEST(display_width("\xE0\xA4\x95\xE0\xA5\x8D") == 1); // क्: virama is combining
}

BOOST_AUTO_TEST_CASE(controls_and_invalid_bytes_take_one) {
    BOOST_TEST(codepoint_width(0x01) == 1);
    BOOST_TEST(codepoint_width(0x7F) == 1);
    BOOST_TEST(codepoint_width(0x85) == 1); // C1
    BOOST_TEST(codepoint_width(0xFFFD) == 1);
    BOOST_TEST(display_width("\xFF\xFE") == 2);  // two invalid bytes, two U+FFFD
    BOOST_TEST(display_width("a\xE4\xB8") == 3); // a cut-short 中: two U+FFFD
    BOOST_TEST(display_width("\xC0\xAF"
                             "x") == 3); // overlong: two bytes, two U+FFFD
}

BOOST_AUTO_TEST_CASE(width_prefix_fits_whole_characters) {
    std::string s = "a\xE4\xB8\xAD"
                    "b"; // a中b: 1 + 2 + 1 columns
    BOOST_TEST(width_prefix(s, 0) == "");
    BOOST_TEST(width_prefix(s, 1) == "a");
    BOOST_TEST(width_prefix(s, 2) == "a", "the wide character does not fit in one column");
    BOOST_TEST(width_prefix(s, 3) == "a\xE4\xB8\xAD");
    BOOST_TEST(width_prefix(s, 4) == s);
    BOOST_TEST(width_prefix("e\xCC\x81x", 1) == "e\xCC\x81", "the accent stays with its letter");
}

BOOST_AUTO_TEST_SUITE_END()
