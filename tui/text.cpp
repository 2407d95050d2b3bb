#include "tui/text.hpp"

#include <cstdio>
#include <cwchar>

namespace fab::tui {

char32_t next_codepoint(std::string_view s, size_t& i) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    if (c < 0x80) {
        ++i;
        return c;
    }
    int n = c >= 0xF0 && c < 0xF5 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 && c < 0xE0 ? 1 : -1;
    if (n < 0 || i + static_cast<size_t>(n) >= s.size()) {
        ++i;
        return 0xFFFD;
    }
    char32_t cp = c & (0x3F >> n);
    for (int k = 1; k <= n; ++k) {
        unsigned char cc = b(i + static_cast<size_t>(k));
        if ((cc & 0xC0) != 0x80) {
            ++i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms and surrogates are invalid too.
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++i;
        return 0xFFFD;
    }
    i += static_cast<size_t>(n) + 1;
    return cp;
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

namespace {

struct Range {
    char32_t lo, hi;
};

// Used when wcwidth does not know a character (a non-UTF-8 locale, or a
// libc older than the character): the common combining and wide blocks.
constexpr Range kZero[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},
    {0x064B, 0x065F}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x1AB0, 0x1AFF},
    {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064},
    {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xE0100, 0xE01EF}};
constexpr Range kWide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x23E9, 0x23EC},   {0x25FD, 0x25FE},
    {0x2614, 0x2615},   {0x2648, 0x2653},   {0x26AA, 0x26AB},   {0x26BD, 0x26BE},
    {0x26F5, 0x26F5},   {0x2705, 0x2705},   {0x270A, 0x270B},   {0x274C, 0x274C},
    {0x2753, 0x2755},   {0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},   {0xA960, 0xA97F},   {0xAC00, 0xD7A3},
    {0xF900, 0xFAFF},   {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},
    {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF}, {0x1F900, 0x1F9FF},
    {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD}};

bool in(const Range* r, size_t n, char32_t c) {
    for (size_t k = 0; k < n; ++k)
        if (c >= r[k].lo && c <= r[k].hi) return true;
    return false;
}

} // namespace

int cp_width(char32_t c) {
    if (c < 0x20 || c == 0x7F) return 1; // shown as '?'
    if (c < 0x7F) return 1;
    int w = ::wcwidth(static_cast<wchar_t>(c));
    if (w >= 0) return w > 2 ? 2 : w;
    if (in(kZero, std::size(kZero), c)) return 0;
    if (in(kWide, std::size(kWide), c)) return 2;
    return 1;
}

int display_width(std::string_view s) {
    int w = 0;
    for (size_t i = 0; i < s.size();) {
        unsigned char b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) { // fast path: ASCII
            ++w;
            ++i;
            continue;
        }
        w += cp_width(next_codepoint(s, i));
    }
    return w;
}

std::string truncate(std::string_view s, int width) {
    if (width <= 0) return {};
    if (display_width(s) <= width) return std::string(s);
    std::string out;
    int w = 0;
    for (size_t i = 0; i < s.size();) {
        size_t start = i;
        char32_t c = next_codepoint(s, i);
        int cw = cp_width(c);
        if (w + cw > width - 1) break;
        out.append(s.substr(start, i - start));
        w += cw;
    }
    return out + "…";
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
