#include "util/strings.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>

namespace fab {

std::string_view trim(std::string_view s) {
    const char* ws = " \t\r\n";
    auto b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

std::vector<std::string> split(std::string_view s, char sep, bool skip_empty) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t end = s.find(sep, start);
        if (end == std::string_view::npos) end = s.size();
        auto part = trim(s.substr(start, end - start));
        if (!part.empty() || !skip_empty) out.emplace_back(part);
        start = end + 1;
    }
    return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i) out += sep;
        out += parts[i];
    }
    return out;
}

std::optional<int64_t> parse_int(std::string_view s) {
    s = trim(s);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

std::optional<bool> parse_bool(std::string_view s) {
    s = trim(s);
    if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
    if (s == "false" || s == "no" || s == "off" || s == "0") return false;
    return std::nullopt;
}

std::string errno_string(int err) {
    return std::strerror(err);
}

std::string format_duration(int64_t s) {
    if (s < 0) s = 0;
    char buf[32];
    if (s < 60)
        snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
    else if (s < 3600)
        snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(s / 60),
                 static_cast<long long>(s % 60));
    else if (s < 86400)
        snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(s / 3600),
                 static_cast<long long>((s % 3600) / 60));
    else
        snprintf(buf, sizeof buf, "%lldd%02lldh", static_cast<long long>(s / 86400),
                 static_cast<long long>((s % 86400) / 3600));
    return buf;
}

std::string format_bytes(uint64_t b) {
    char buf[32];
    if (b < 1024)
        snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
    else if (b < 1024 * 1024)
        snprintf(buf, sizeof buf, "%.1f KiB", b / 1024.0);
    else
        snprintf(buf, sizeof buf, "%.1f MiB", b / (1024.0 * 1024.0));
    return buf;
}

} // namespace fab
