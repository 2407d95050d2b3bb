// libFuzzer target: one `.tickets/<id>.md` file, front matter and body, as
// any agent or clone may write it. A malformed ticket is a problem report,
// never a crash.
#include "issues/tickets.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    fab::issues::Ticket t;
    fab::issues::ParseProblem problem;
    (void)fab::issues::parse_ticket("/fuzz/.tickets/t-1.md", text, t, problem);
    (void)fab::issues::split_lines(text);
    return 0;
}
