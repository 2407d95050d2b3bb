#include "cli/tty_text.hpp"

#include "util/terminal_text.hpp"

#include <unistd.h>

namespace fab::cli {

std::string tty_safe(std::string_view s) {
    static const bool tty = ::isatty(STDOUT_FILENO) == 1;
    return tty ? escape_controls(s, true) : std::string(s);
}

} // namespace fab::cli
