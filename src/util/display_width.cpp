#include "util/display_width.hpp"

#include "util/utf8.hpp"

#include <utf8proc.h>

namespace fab {

int codepoint_width(char32_t c) {
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) return 1; // C0, DEL, C1: shown as '?'
    if (c < 0x7F) return 1;
    int w = utf8proc_charwidth(static_cast<utf8proc_int32_t>(c));
    return w < 0 ? 1 : w > 2 ? 2 : w;
}

int display_width(std::string_view s) {
    int w = 0;
    for (size_t i = 0; i < s.size();) {
        if (static_cast<unsigned char>(s[i]) < 0x80) { // fast path: ASCII
            ++w;
            ++i;
            continue;
        }
        w += codepoint_width(next_codepoint(s, i));
    }
    return w;
}

std::string_view width_prefix(std::string_view s, int width) {
    int w = 0;
    size_t end = 0;
    for (size_t i = 0; i < s.size();) {
        int cw = codepoint_width(next_codepoint(s, i));
        if (w + cw > width) break;
        w += cw;
        end = i;
    }
    return s.substr(0, end);
}

} // namespace fab
