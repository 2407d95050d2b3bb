// DOT strings as fab reads them. cgraph turns `\"` into `"` and joins
// backslash-newline continuations, but leaves every other escape as written;
// the workflow language also gives `\n`, `\t` and `\\` their usual meaning.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fab::workflow {

std::string unescape_dot(std::string_view s);

// The offset in `raw` of the byte that `unescape_dot(raw)` puts at `offset`.
size_t raw_offset(std::string_view raw, size_t offset);

} // namespace fab::workflow
