// Reading back the times fab writes (util/time.hpp's format_iso8601_ms).
#pragma once

#include <cstdint>
#include <string>

namespace fab {

// "2026-11-21T07:26:12.345Z" → ms since the Unix epoch; 0 when `s` is not
// in that exact form.
int64_t parse_iso8601_ms(const std::string& s);

} // namespace fab
