// libFuzzer target: bytes from a socket peer, as the daemon and the agent
// hosts read them. The framing splits them into lines (at arbitrary chunk
// boundaries), each line goes through the request parser, and what parsed
// is serialised again as a response would be. Each line is also escaped as
// for a terminal or a log line (util/terminal_text).
#include "protocol/envelope.hpp"
#include "protocol/framing.hpp"
#include "util/terminal_text.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    // The first byte picks a chunk size and a small line limit, so that
    // partial lines and too_long both happen.
    size_t chunk = 1 + data[0] % 64;
    fab::LineBuffer in(64 + static_cast<size_t>(data[0]) * 16);
    const char* p = reinterpret_cast<const char*>(data) + 1;
    size_t left = size - 1;
    std::string line;
    while (left > 0) {
        size_t n = left < chunk ? left : chunk;
        in.append(p, n);
        p += n;
        left -= n;
        for (;;) {
            auto next = in.next(line);
            if (next == fab::LineBuffer::Next::need_more) break;
            if (next == fab::LineBuffer::Next::too_long) {
                in.clear();
                break;
            }
            (void)fab::escape_controls(line, (data[0] & 1) != 0);
            fab::ParseOutcome o = fab::parse_request(line);
            if (o.error.empty())
                (void)fab::encode_response(o.request.type, o.request.id, o.request.payload);
            else
                (void)fab::encode_error(o.request.type, o.request.id, o.error);
        }
    }
    std::string rest = in.take_rest();
    if (!rest.empty()) (void)fab::parse_request(rest);
    return 0;
}
