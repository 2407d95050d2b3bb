// fab-protocol(7) rendered from the protocol table (messages.hpp): the
// build generates the installed page with it, and tests/docs checks that
// man/fab-protocol.7 in the tree is exactly this text.
#pragma once

#include <string>

namespace fab::proto {

// Without the version: the page changes only when the table does.
std::string protocol_man_page();

} // namespace fab::proto
