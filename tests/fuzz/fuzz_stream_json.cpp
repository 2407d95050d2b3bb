// libFuzzer target: the stream-json lines an agent CLI prints (claude's
// stream-json, codex's JSON events). The first byte picks the parser; every
// line goes through it and every entry is serialised as the daemon does.
#include "agents/backend.hpp"
#include "protocol/envelope.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    auto backend = fab::make_backend(data[0] % 2 ? "codex" : "claude");
    if (!backend) return 0;
    auto parser = backend->make_parser();
    std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::vector<fab::ChatEntry> entries;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        parser->parse_line(line, entries);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    }
    for (const auto& e : entries) (void)fab::dump_json(fab::to_json(e));
    return 0;
}
