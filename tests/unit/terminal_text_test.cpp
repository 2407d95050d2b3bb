// escape_controls: what reaches a terminal or a log line from untrusted text.
#include "util/log.hpp"
#include "util/terminal_text.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <string>
#include <unistd.h>

using fab::escape_controls;

BOOST_AUTO_TEST_SUITE(terminal_text)

BOOST_AUTO_TEST_CASE(escape_sequences_become_visible) {
    BOOST_TEST(escape_controls("\x1b]0;pwned\x07", true) == "\\x1b]0;pwned\\x07");
    BOOST_TEST(escape_controls("a\x1b[2Jb\x7f", true) == "a\\x1b[2Jb\\x7f");
    BOOST_TEST(escape_controls("x\ry", true) == "x\\ry");
}

BOOST_AUTO_TEST_CASE(c1_controls_and_invalid_utf8_are_escaped_valid_utf8_is_kept) {
    BOOST_TEST(escape_controls("\xc2\x9b"
                               "31m",
                               true) == "\\u009b31m"); // CSI as U+009B
    BOOST_TEST(escape_controls("\x9b\xff\xc3", true) == "\\x9b\\xff\\xc3");
    BOOST_TEST(escape_controls("caf\xc3\xa9 \xe2\x9c\x93 \xc2\xa0", true) ==
               "caf\xc3\xa9 \xe2\x9c\x93 \xc2\xa0");
    BOOST_TEST(escape_controls("\xed\xa0\x80", true) == "\\xed\\xa0\\x80"); // a surrogate
}

BOOST_AUTO_TEST_CASE(layout_is_kept_only_when_asked) {
    BOOST_TEST(escape_controls("a\nb\tc", true) == "a\nb\tc");
    BOOST_TEST(escape_controls("a\nb\tc", false) == "a\\nb\\tc");
}

BOOST_AUTO_TEST_CASE(a_log_message_is_one_line) {
    char path[] = "/tmp/fab-log-XXXXXX";
    int fd = ::mkstemp(path);
    BOOST_TEST_REQUIRE(fd >= 0);
    fab::log::init("t", fd, false);
    fab::log::warn("ticket x\n2026-01-01T00:00:00.000Z fabd[1] error: forged\x1b[2J");
    fab::log::init("t", -1, false);
    char buf[512] = {};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    ::unlink(path);
    std::string text(buf, n > 0 ? static_cast<size_t>(n) : 0);
    BOOST_TEST(text.find('\n') == text.size() - 1, text);
    BOOST_TEST(text.find("ticket x\\n2026-01-01T00:00:00.000Z fabd[1] error: forged\\x1b[2J\n") !=
                   std::string::npos,
               text);
}

BOOST_AUTO_TEST_SUITE_END()
