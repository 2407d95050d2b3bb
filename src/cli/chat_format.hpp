// Human-readable lines for chat entries, shared by `fab agent history` and
// `fab attach`: one line per entry, tool calls compact, long text cut.
#pragma once

#include "agents/chat.hpp"

#include <string>

namespace fab::cli {

// "[a1b2c] assistant: …" (prefix may be empty).
std::string format_entry(const std::string& prefix, const ChatEntry& e);

} // namespace fab::cli
