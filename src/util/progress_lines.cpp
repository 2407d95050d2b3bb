#include "util/progress_lines.hpp"

namespace fab {

namespace {
constexpr size_t kMaxLine = 4096;      // a longer "line" is not progress: cut
constexpr size_t kMaxText = 64 * 1024; // as ev::Process bounds captured output
} // namespace

std::vector<std::string> ProgressLines::feed(std::string_view chunk, int64_t now_ms) {
    if (all_.size() < kMaxText) all_.append(chunk.substr(0, kMaxText - all_.size()));
    std::vector<std::string> out;
    for (char ch : chunk) {
        if (ch != '\r' && ch != '\n') {
            if (partial_.size() < kMaxLine) partial_ += ch;
            continue;
        }
        std::string line;
        line.swap(partial_);
        if (line.find_first_not_of(' ') == std::string::npos) continue;
        // "Receiving objects:  45% (450/1000)": the phase is what precedes ':'.
        std::string phase = line.substr(0, line.find(':'));
        bool done = line.size() >= 5 && line.compare(line.size() - 5, 5, "done.") == 0;
        if (phase != phase_ || done || last_ms_ < 0 || now_ms - last_ms_ >= interval_ms_) {
            out.push_back(std::move(line));
            last_ms_ = now_ms;
        }
        phase_ = std::move(phase);
    }
    return out;
}

} // namespace fab
