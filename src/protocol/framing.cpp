#include "protocol/framing.hpp"

#include <cstring>

namespace fab {

namespace {
constexpr size_t kKeptCapacity = 64u * 1024;
}

LineBuffer::Next LineBuffer::next(std::string& line) {
    if (scan_ < start_) scan_ = start_;
    const char* base = buf_.data();
    const void* nl = std::memchr(base + scan_, '\n', buf_.size() - scan_);
    if (!nl) {
        scan_ = buf_.size();
        if (buf_.size() - start_ > max_) return Next::too_long;
        // Compact once the consumed prefix dominates, so the buffer stays bounded.
        if (start_ > 0 && start_ >= buf_.size() / 2) {
            buf_.erase(0, start_);
            scan_ -= start_;
            start_ = 0;
        }
        return Next::need_more;
    }
    size_t end = static_cast<size_t>(static_cast<const char*>(nl) - base);
    if (end - start_ > max_) return Next::too_long;
    size_t len = end - start_;
    if (len > 0 && base[end - 1] == '\r') --len;
    line.assign(base + start_, len);
    start_ = end + 1;
    scan_ = start_;
    if (start_ == buf_.size()) {
        // A large line once read must not pin its memory for the life of
        // the connection.
        if (buf_.capacity() > kKeptCapacity)
            std::string().swap(buf_);
        else
            buf_.clear();
        start_ = scan_ = 0;
    }
    return Next::line;
}

} // namespace fab
