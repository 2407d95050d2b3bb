// Display width: how many terminal columns text takes, from utf8proc's
// tables (current Unicode, locale-independent) rather than wcwidth, which
// depends on the locale and the libc's age. One width for the TUI's layout,
// wrapping and canvas, and for the CLI's columns, so what is measured is
// what is drawn. Its own small library (fab_width): the lean `fab` hook path
// does not need utf8proc.
#pragma once

#include <string>
#include <string_view>

namespace fab {

// 0 (combining marks, zero-width and format characters), 1, or 2 (East Asian
// wide and fullwidth, emoji). Control characters count as 1: displays show
// them as a replacement glyph; U+FFFD (an invalid byte) is 1.
int codepoint_width(char32_t c);

// The columns of `s`; an invalid byte counts as one U+FFFD.
int display_width(std::string_view s);

// The longest prefix of `s` that fits in `width` columns (never splitting a
// character; a zero-width character stays with the one before it).
std::string_view width_prefix(std::string_view s, int width);

} // namespace fab
