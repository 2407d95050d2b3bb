// Prints fab-protocol(7), rendered from the protocol table, to stdout. The
// build installs its output; tests/docs checks man/fab-protocol.7 against
// the same renderer (regenerate: build/man/gen-protocol-man > man/fab-protocol.7).
#include "protocol/messages_man.hpp"

#include <cstdio>

int main() {
    std::string page = fab::proto::protocol_man_page();
    return std::fwrite(page.data(), 1, page.size(), stdout) == page.size() ? 0 : 1;
}
