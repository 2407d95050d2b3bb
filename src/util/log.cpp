#include "util/log.hpp"

#include "util/terminal_text.hpp"
#include "util/time.hpp"

#include <atomic>
#include <string>
#include <unistd.h>

namespace fab::log {

namespace {
std::string g_program = "fab";
int g_fd = -1;
bool g_stderr = true;
std::atomic<int> g_level{static_cast<int>(Level::info)};

const char* name(Level l) {
    switch (l) {
    case Level::debug:
        return "debug";
    case Level::info:
        return "info";
    case Level::warn:
        return "warn";
    case Level::error:
        return "error";
    }
    return "?";
}

void write_all(int fd, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
        ssize_t n = ::write(fd, s.data() + off, s.size() - off);
        if (n <= 0) return; // a log that cannot be written must not stop the program
        off += static_cast<size_t>(n);
    }
}
} // namespace

void init(std::string_view program, int fd, bool also_stderr) {
    g_program = std::string(program) + "[" + std::to_string(::getpid()) + "]";
    g_fd = fd;
    g_stderr = also_stderr;
}

void set_level(Level level) {
    g_level = static_cast<int>(level);
}
Level level() {
    return static_cast<Level>(g_level.load());
}

bool parse_level(std::string_view s, Level& out) {
    for (Level l : {Level::debug, Level::info, Level::warn, Level::error})
        if (s == name(l)) {
            out = l;
            return true;
        }
    return false;
}

void write(Level l, std::string_view message) {
    if (static_cast<int>(l) < g_level.load()) return;
    std::string line = format_iso8601_ms(now_ms());
    line += ' ';
    line += g_program;
    line += ' ';
    line += name(l);
    line += ": ";
    // One message, one line: a newline or an escape sequence in text that
    // came from an agent or a ticket cannot forge or hide log lines.
    line += escape_controls(message, false);
    line += '\n';
    if (g_fd >= 0) write_all(g_fd, line);
    if (g_stderr) write_all(STDERR_FILENO, line);
}

} // namespace fab::log
