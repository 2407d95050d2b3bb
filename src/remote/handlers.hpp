// The commands fab-remote runs (see main.cpp), one file per group.
#pragma once

#include "cli/command.hpp"

namespace fab::remote {

// token.cpp
int cmd_token_keygen(cli::Invocation&);
int cmd_token_issue(cli::Invocation&);

} // namespace fab::remote
