#include "emit.hpp"

#include "protocol/fields.hpp"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <unistd.h>

namespace scripted {

std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void emit(const nlohmann::json& line) {
    // claude writes "type" first; readers that grep a line's start rely on it.
    std::string s;
    if (line.is_object() && line.contains("type")) {
        nlohmann::ordered_json o;
        o["type"] = line["type"];
        for (const auto& [k, v] : line.items())
            if (k != "type") o[k] = v;
        s = o.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
        s = dump(line);
    }
    s += '\n';
    size_t off = 0;
    while (off < s.size()) {
        ssize_t n = ::write(STDOUT_FILENO, s.data() + off, s.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) _exit(1); // EPIPE: nobody reads us any more
        off += static_cast<size_t>(n);
    }
}

std::string make_uuid() {
    static std::random_device rd;
    static std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd() ^
                               static_cast<uint64_t>(getpid()));
    uint64_t hi = gen(), lo = gen();
    hi = (hi & ~0xF000ULL) | 0x4000ULL;                 // version 4
    lo = (lo & ~(0xC000ULL << 48)) | (0x8000ULL << 48); // RFC 4122 variant
    char buf[37];
    std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                  static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                  static_cast<unsigned>(lo >> 48),
                  static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
    return buf;
}

std::string str_field(const nlohmann::json& j, const char* key) {
    return fab::str_or(j, key);
}

bool is_uuid(const std::string& s) {
    if (s.size() != 36) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (s[i] == '-')) return false;
        if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
}

} // namespace scripted
