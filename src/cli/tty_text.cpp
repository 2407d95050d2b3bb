#include "cli/tty_text.hpp"

#include "util/terminal_text.hpp"

#include <unistd.h>

namespace fab::cli {

std::string tty_safe(std::string_view s, int fd, bool keep_layout) {
    static const bool out_tty = ::isatty(STDOUT_FILENO) == 1;
    static const bool err_tty = ::isatty(STDERR_FILENO) == 1;
    bool tty = fd == STDERR_FILENO ? err_tty : out_tty;
    return tty ? escape_controls(s, keep_layout) : std::string(s);
}

} // namespace fab::cli
