#include "tui/text.hpp"

#include <cstdio>

namespace fab::tui {

std::string truncate(std::string_view s, int width) {
    if (width <= 0) return {};
    if (display_width(s) <= width) return std::string(s);
    return std::string(width_prefix(s, width - 1)) + "…";
}

std::string fit(std::string_view s, int width) {
    std::string out = truncate(s, width);
    int w = display_width(out);
    if (w < width) out.append(static_cast<size_t>(width - w), ' ');
    return out;
}

std::vector<std::string> wrap(std::string_view s, int width) {
    std::vector<std::string> lines;
    if (width < 1) width = 1;
    std::string line;
    int w = 0;
    // Where the line may be broken: just after the last space.
    size_t break_at = std::string::npos;
    int break_w = 0;
    auto flush = [&] {
        lines.push_back(std::move(line));
        line.clear();
        w = 0;
        break_at = std::string::npos;
    };
    for (size_t i = 0; i < s.size();) {
        size_t start = i;
        char32_t c = next_codepoint(s, i);
        if (c == '\n') {
            flush();
            continue;
        }
        if (c == '\r') continue;
        if (c == '\t') {
            int n = 4 - (w % 4);
            if (w + n > width) n = width - w;
            line.append(static_cast<size_t>(n), ' ');
            w += n;
            break_at = line.size();
            break_w = w;
            if (w >= width) flush();
            continue;
        }
        int cw = cp_width(c);
        if (w + cw > width) {
            if (c == ' ') { // a space at the edge ends the line and vanishes
                flush();
                continue;
            }
            if (break_at != std::string::npos && break_at > 0) {
                std::string rest = line.substr(break_at);
                int rest_w = w - break_w;
                line.resize(break_at);
                while (!line.empty() && line.back() == ' ') line.pop_back();
                flush();
                line = std::move(rest);
                w = rest_w;
            } else {
                flush();
            }
        }
        line.append(s.substr(start, i - start));
        w += cw;
        if (c == ' ') {
            break_at = line.size();
            break_w = w;
        }
    }
    if (!line.empty() || lines.empty()) lines.push_back(std::move(line));
    return lines;
}

std::string first_line(std::string_view s, int* more_lines) {
    while (!s.empty() && (s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
    size_t nl = s.find('\n');
    if (more_lines) {
        int n = 0;
        for (char ch : s)
            if (ch == '\n') ++n;
        *more_lines = n;
    }
    return std::string(nl == std::string_view::npos ? s : s.substr(0, nl));
}

std::string human_count(long long n) {
    char buf[32];
    if (n < 1000)
        std::snprintf(buf, sizeof buf, "%lld", n);
    else if (n < 10000)
        std::snprintf(buf, sizeof buf, "%.1fk", static_cast<double>(n) / 1e3);
    else if (n < 1000000)
        std::snprintf(buf, sizeof buf, "%lldk", n / 1000);
    else
        std::snprintf(buf, sizeof buf, "%.1fM", static_cast<double>(n) / 1e6);
    return buf;
}

std::string short_duration(long long s) {
    char buf[32];
    if (s < 0) s = 0;
    if (s < 60)
        std::snprintf(buf, sizeof buf, "%llds", s);
    else if (s < 3600)
        std::snprintf(buf, sizeof buf, "%lldm", s / 60);
    else if (s < 86400)
        std::snprintf(buf, sizeof buf, "%lldh%02lld", s / 3600, (s % 3600) / 60);
    else
        std::snprintf(buf, sizeof buf, "%lldd%lldh", s / 86400, (s % 86400) / 3600);
    return buf;
}

} // namespace fab::tui
