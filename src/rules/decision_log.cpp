#include "rules/decision_log.hpp"

#include "util/fd.hpp"
#include "util/time.hpp"
#include "util/utf8.hpp"

#include <cstdint>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace fab::rules {

namespace {

constexpr size_t kMaxSubject = 120;

// `"`, `\` and control bytes escaped, so one entry stays one line whatever
// the agent put in its command; cut to `max` bytes (never inside a UTF-8
// sequence), "..." marking the cut.
std::string escaped(std::string_view s, size_t max) {
    std::string_view kept = utf8_prefix(s, max);
    std::string out;
    for (char c : kept) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    if (kept.size() < s.size()) out += "...";
    return out;
}

std::string quoted(std::string_view s, size_t max) {
    return "\"" + escaped(s, max) + "\"";
}

std::string word(std::string_view s) {
    return s.empty() ? "-" : escaped(s, 64);
}

} // namespace

std::string format_log_line(const LogEntry& e, int64_t epoch_ms) {
    return format_iso8601_ms(epoch_ms) + " agent=" + word(e.agent) + " tool=" + word(e.tool) +
           " decision=" + word(e.decision) + " rule=" + quoted(e.rule, 64) +
           " subject=" + quoted(e.subject, kMaxSubject) + "\n";
}

void append_decision_log(const std::string& path, const LogEntry& e) {
    std::string line = format_log_line(e, now_ms());
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
    if (!fd.valid()) return;
    // One write: O_APPEND makes it atomic with respect to other appenders.
    [[maybe_unused]] ssize_t n = ::write(fd.get(), line.data(), line.size());
}

} // namespace fab::rules
