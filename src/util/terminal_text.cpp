#include "util/terminal_text.hpp"

#include "util/utf8.hpp"

namespace fab {

namespace {

void hex_escape(std::string& out, const char* prefix, unsigned value, int digits) {
    static const char kHex[] = "0123456789abcdef";
    out += prefix;
    for (int d = digits - 1; d >= 0; --d) out += kHex[(value >> (4 * d)) & 0xF];
}

} // namespace

std::string escape_controls(std::string_view s, bool keep_layout) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7F) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        if (c < 0x80) { // C0 or DEL
            if (keep_layout && (c == '\n' || c == '\t'))
                out += static_cast<char>(c);
            else if (c == '\n')
                out += "\\n";
            else if (c == '\r')
                out += "\\r";
            else if (c == '\t')
                out += "\\t";
            else
                hex_escape(out, "\\x", c, 2);
            ++i;
            continue;
        }
        size_t n = utf8_seq_len(s, i);
        if (n == 0) {
            hex_escape(out, "\\x", c, 2);
            ++i;
        } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
            hex_escape(out, "\\u", static_cast<unsigned char>(s[i + 1]), 4); // C1: U+0080..U+009F
            i += 2;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

} // namespace fab
