#include "workflow/dot_string.hpp"

namespace fab::workflow {

namespace {

// Calls out(char) for each unescaped byte with the raw offset it came from.
template <typename F>
void walk(std::string_view s, F&& out) {
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            char n = s[i + 1];
            char c = n == 'n' ? '\n' : n == 't' ? '\t' : n == '\\' ? '\\' : n == '"' ? '"' : 0;
            if (c) {
                out(c, i);
                ++i;
                continue;
            }
        }
        out(s[i], i);
    }
}

} // namespace

std::string unescape_dot(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    walk(s, [&](char c, size_t) { out += c; });
    return out;
}

size_t raw_offset(std::string_view raw, size_t offset) {
    size_t n = 0, at = raw.size();
    bool found = false;
    walk(raw, [&](char, size_t i) {
        if (!found && n++ == offset) {
            at = i;
            found = true;
        }
    });
    return at;
}

} // namespace fab::workflow
