// project.remove without --keep-files: nothing is lost when a project's
// directory goes. Without --force it refuses while anything lives there only
// and lists each: live agents, uncommitted changes in the clone or a
// worktree, branches with commits the main line lacks, main's commits origin
// lacks, commits on a detached HEAD that no branch has, stash entries,
// directories under worktrees/ or manager/ that git does not know, the
// project's permission rules. With --force it stops the project's agents and
// waits until their hosts, CLIs and whatever those started are gone, saves
// the branches (one verified git bundle), every dirty worktree and stash
// entry (patches), moves the rest as it is, all into
// $FAB_DIR/attic/<project>-<time>/ (daemon/agents/attic), and deletes only
// once all of that succeeded. Survey, save and delete run while no merge and
// no worktree add or removal of the project runs. Loop thread only.
#pragma once

#include "protocol/envelope.hpp"
#include "util/result.hpp"

#include <functional>
#include <string>

namespace fab {

class Daemon;

// done → {"name", "deleted": true, "dir", "attic" ("" when nothing needed
// saving), "saved": [{"file", "what", "detail"}]}.
void remove_project_safely(Daemon& d, const std::string& name, bool force,
                           std::function<void(Result<Json>)> done);

} // namespace fab
