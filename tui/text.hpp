// Display text: UTF-8 decoding, column widths and wrapping. One width
// function for layout, wrapping and the canvas, so what is measured is what
// is drawn. Pure: no curses, testable without a terminal.
#pragma once

#include "util/display_width.hpp"
#include "util/utf8.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace fab::tui {

// Decoding and widths are the shared ones (util/utf8.hpp,
// util/display_width.hpp): an invalid byte reads as U+FFFD (agent output may
// hold invalid UTF-8); a code point takes 0 (combining), 1 or 2 (East Asian
// wide, emoji) columns, from utf8proc; control characters count as 1 (the
// canvas shows them as '?').
using fab::append_utf8;
using fab::display_width;
using fab::next_codepoint;
inline int cp_width(char32_t c) {
    return fab::codepoint_width(c);
}

// Cuts `s` to at most `width` columns; "…" marks a cut.
std::string truncate(std::string_view s, int width);
// Pads with spaces (or truncates) to exactly `width` columns.
std::string fit(std::string_view s, int width);

// Wraps into lines of at most `width` columns: at spaces when a word fits,
// hard breaks otherwise (wide characters are never split); '\n' ends a line;
// a tab becomes spaces up to the next multiple of 4. Always at least one line.
std::vector<std::string> wrap(std::string_view s, int width);

// The first line, with the count of the others: "ok (+12 lines)".
std::string first_line(std::string_view s, int* more_lines = nullptr);

// "1.2k", "34k", "5.6M": token counts in the header.
std::string human_count(long long n);
// "45s", "12m", "3h05", "2d4h": running times in the agent list.
std::string short_duration(long long seconds);

} // namespace fab::tui
