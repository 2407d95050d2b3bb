// Newline-delimited framing with a hard bound on line length.
// A peer that sends a line longer than the limit gets an error and is closed:
// memory per connection is bounded by the limit, never by the peer.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fab {

constexpr size_t kMaxLineBytes = 16u * 1024 * 1024;

class LineBuffer {
  public:
    enum class Next { line, need_more, too_long };

    explicit LineBuffer(size_t max_line = kMaxLineBytes) : max_(max_line) {}

    void append(const char* data, size_t len) { buf_.append(data, len); }
    void append(std::string_view s) { buf_.append(s); }

    // Extracts the next complete line (without '\n'; a trailing '\r' is kept
    // out too). too_long once the pending line exceeds the limit.
    Next next(std::string& line);

    size_t pending() const { return buf_.size() - start_; }
    // Memory held, consumed prefix and spare room included.
    size_t capacity() const { return buf_.capacity(); }
    // Drops everything buffered (after too_long, to resynchronise on the next line).
    void clear() {
        buf_.clear();
        start_ = scan_ = 0;
    }
    // Takes the unterminated rest (at end of stream).
    std::string take_rest() {
        std::string rest = buf_.substr(start_);
        clear();
        return rest;
    }

  private:
    std::string buf_;
    size_t start_ = 0; // consumed prefix, compacted lazily
    size_t scan_ = 0;  // where the search for '\n' resumes
    size_t max_;
};

} // namespace fab
