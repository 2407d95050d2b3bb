// Wall-clock and monotonic time in milliseconds.
#pragma once

#include <cstdint>
#include <string>

namespace fab {

int64_t now_ms();                                // wall clock, Unix epoch
int64_t monotonic_ms();                          // for durations and timeouts
std::string format_iso8601_ms(int64_t epoch_ms); // 2026-11-21T07:26:12.345Z

} // namespace fab
