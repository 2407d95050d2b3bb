// git's --progress output, reduced to the lines worth showing: git rewrites
// one line with '\r' many times a second; a client far away needs the latest
// state now and then, each new phase ("Receiving objects", "Resolving
// deltas"), and each phase's final "..., done." line. Pure; bounded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fab {

class ProgressLines {
  public:
    explicit ProgressLines(int64_t min_interval_ms = 200) : interval_ms_(min_interval_ms) {}
    // The lines of `chunk` to report at `now_ms` (a partial line waits for
    // its '\r' or '\n'). Also keeps everything read, bounded, in text().
    std::vector<std::string> feed(std::string_view chunk, int64_t now_ms);
    // All of the output (the first 64 KiB): error messages come from here.
    const std::string& text() const { return all_; }

  private:
    int64_t interval_ms_;
    int64_t last_ms_ = -1;
    std::string partial_, phase_, all_;
};

} // namespace fab
