// Small string helpers used across processes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fab {

std::string_view trim(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep, bool skip_empty = true);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::optional<int64_t> parse_int(std::string_view s);
std::optional<bool> parse_bool(std::string_view s);
std::string errno_string(int err);

// Human-friendly durations and sizes for CLI output.
std::string format_duration(int64_t seconds);
std::string format_bytes(uint64_t bytes);

} // namespace fab
