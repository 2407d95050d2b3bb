#include "util/ids.hpp"

#include <cstdint>
#include <cstdio>
#include <sys/random.h>

namespace fab {

namespace {
void fill(uint8_t* buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t r = ::getrandom(buf + got, n - got, 0);
        if (r > 0) got += static_cast<size_t>(r);
    }
}
} // namespace

std::string uuid_v4() {
    uint8_t b[16];
    fill(b, sizeof b);
    b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
    char out[37];
    std::snprintf(out, sizeof out,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                  b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    return out;
}

std::string random_id(const std::string& prefix, size_t chars) {
    static const char* const kAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string out = prefix;
    uint8_t b[64];
    fill(b, chars < sizeof b ? chars : sizeof b);
    for (size_t i = 0; i < chars && i < sizeof b; ++i) out += kAlphabet[b[i] % 36];
    return out;
}

} // namespace fab
