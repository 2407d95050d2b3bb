// Chat entries for one transcript record, whatever its source: the agent's
// stdout (through the backend parser), stderr, inputs the host forwarded
// ({"type":"user_message"…}) and the host's own notes ({"type":"fab_host"…}).
// Shared by the daemon (state, events) and the CLI (`fab agent history`).
#pragma once

#include "agents/backend.hpp"

#include <string>
#include <vector>

namespace fab {

void record_entries(const std::string& src, const std::string& data, OutputParser* parser,
                    std::vector<ChatEntry>& out);

} // namespace fab
