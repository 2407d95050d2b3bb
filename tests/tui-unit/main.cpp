#define BOOST_TEST_MODULE fab_tui_unit
#include <boost/test/unit_test.hpp>

#include <clocale>
#include <csignal>

// Widths come from wcwidth, which needs a UTF-8 locale (as fab-tui has).
struct Utf8Locale {
    Utf8Locale() {
        std::setlocale(LC_ALL, "C.UTF-8");
        std::signal(SIGPIPE, SIG_IGN); // as fab-tui and fabd: a closed peer is an error
    }
};
BOOST_TEST_GLOBAL_FIXTURE(Utf8Locale);
