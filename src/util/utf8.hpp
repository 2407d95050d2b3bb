// UTF-8: the one place that decodes, encodes, validates and cuts it. Agent
// output, terminal output, log lines and tool results may hold invalid
// bytes; every module that must not pass them on, or must cut text without
// splitting a character, uses these. Pure, no locale, no dependencies (the
// lean `fab` links it). Display widths are in util/display_width.hpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fab {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid
// (overlong forms, surrogates and code points past U+10FFFF included).
size_t utf8_seq_len(std::string_view s, size_t i);

// Decodes the code point at s[i] and advances i past it; an invalid byte
// reads as U+FFFD and advances i by one (so decoding always progresses).
char32_t next_codepoint(std::string_view s, size_t& i);

// Appends the UTF-8 encoding of `c` (U+FFFD for a surrogate or a value past
// U+10FFFF, which have none).
void append_utf8(std::string& out, char32_t c);

// True if all of `s` is valid UTF-8.
bool utf8_valid(std::string_view s);

// `s` with each invalid byte replaced by U+FFFD.
std::string sanitize_utf8(std::string_view s);

// The longest prefix of `s` of at most `max` bytes that does not end inside
// a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, size_t max);

} // namespace fab
