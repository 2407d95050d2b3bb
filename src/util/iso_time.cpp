#include "util/iso_time.hpp"

#include <cstdio>
#include <ctime>

namespace fab {

int64_t parse_iso8601_ms(const std::string& s) {
    std::tm tm{};
    int ms = 0, used = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &tm.tm_year, &tm.tm_mon,
                    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms, &used) != 7 ||
        static_cast<size_t>(used) != s.size())
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

} // namespace fab
