// The commands fab-remote runs (see main.cpp), one file per group.
#pragma once

#include "cli/command.hpp"

#include <string>
#include <vector>

namespace fab::remote {

// token.cpp
int cmd_token_keygen(cli::Invocation&);
int cmd_token_issue(cli::Invocation&);

// remote_mode.cpp: `fab --server-url URL <words…>` (fab execs `fab-remote remote <words…>`)
int run_remote(const std::vector<std::string>& words);

} // namespace fab::remote
