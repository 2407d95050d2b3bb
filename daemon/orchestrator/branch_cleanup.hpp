// `fab branch cleanup`: removes fab/* branches that main already contains
// and whose agent has ended (never the branch of a live agent), with their
// worktree when one is left and clean. Loop thread only.
#pragma once

#include "protocol/envelope.hpp"

#include <functional>
#include <string>
#include <vector>

namespace fab {

class Daemon;

// `done` gets {"removed":[{project, branch}], "kept":[{project, branch, why}],
// "dry_run":bool}; with dry_run nothing is removed and "removed" lists what
// would be.
void cleanup_branches(Daemon& d, std::vector<std::string> projects, bool dry_run,
                      std::function<void(Json)> done);

} // namespace fab
