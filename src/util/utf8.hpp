// UTF-8 validation shared by every module that must not pass invalid text on
// (agent output, terminal output, log lines).
#pragma once

#include <cstddef>
#include <string_view>

namespace fab {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid
// (overlong forms, surrogates and code points past U+10FFFF included).
size_t utf8_seq_len(std::string_view s, size_t i);

} // namespace fab
