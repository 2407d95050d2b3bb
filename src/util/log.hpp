// One log per process: "2026-11-21T07:26:12.345Z fabd[123] info: message".
// Loop thread and pool threads may both log; writes are single write(2)
// calls of a whole line, so lines never interleave.
#pragma once

#include <string>
#include <string_view>

namespace fab::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

// `fd` < 0 disables file output; `also_stderr` mirrors to stderr (foreground).
void init(std::string_view program, int fd, bool also_stderr);
void set_level(Level level);
Level level();
bool parse_level(std::string_view s, Level& out);

void write(Level level, std::string_view message);
inline void debug(std::string_view m) {
    write(Level::debug, m);
}
inline void info(std::string_view m) {
    write(Level::info, m);
}
inline void warn(std::string_view m) {
    write(Level::warn, m);
}
inline void error(std::string_view m) {
    write(Level::error, m);
}

} // namespace fab::log
