// The flags of `fab tui`, which execs fab-tui with them: one list for the
// command table (help, man page, completions) and for fab-tui's own parser.
#pragma once

#include "cli/command.hpp"

namespace fab::cli {

inline constexpr Flag kTuiFlags[] = {
    {"frames", 0, "N", "exit after drawing N frames (for tests under sanitizers)"},
    {"color", 0, "WHEN", "never, auto or always (default: auto; NO_COLOR turns it off)"},
    {"help", 'h', nullptr, "show help for this command"},
};

} // namespace fab::cli
