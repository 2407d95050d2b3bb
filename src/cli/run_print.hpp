// Printing runs' events on the terminal, shared by `fab run events` and
// `fab run attach` (cmd_run.cpp, cmd_run_attach.cpp).
#pragma once

#include "protocol/envelope.hpp"

namespace fab::cli {

// One line: seq, time, event name, properties (cut at 100 bytes); or the
// event's JSON on one line.
void print_run_event(const Json& e, bool json);

} // namespace fab::cli
