// Where fab keeps everything. One place computes every path from the
// environment, so the daemon, the hook and the CLI always agree.
//   FAB_DIR          state root (default ~/.fab, mode 0700)
//   FAB_SOCKET_PATH  daemon socket (default $FAB_DIR/fab.sock)
//   FAB_PID_PATH     pid file, flock'd by the running daemon
//   FAB_AGENT_HOST_SOCKET_PATH  directory of the agent hosts' sockets
//                    (default $FAB_DIR/hosts; <agent-id>.sock in it)
//   config           $FAB_DIR/config/ when FAB_DIR is set,
//                    else $XDG_CONFIG_HOME/fab/ (default ~/.config/fab/)
#pragma once

#include "util/result.hpp"

#include <string>

namespace fab {

struct Paths {
    std::string fab_dir;
    std::string socket;
    std::string pid_file;
    std::string log_file;
    std::string state_db;
    std::string config_dir;
    std::string config_file;      // config.ini
    std::string permissions_file; // permissions.ini (global rules)
    std::string projects_dir;
    std::string hosts_dir;
    std::string agents_dir;
    std::string plans_dir;

    std::string project_dir(const std::string& name) const { return projects_dir + "/" + name; }
    std::string project_repo(const std::string& name) const { return project_dir(name) + "/repo"; }
};

// Computes the paths from the environment; fails when HOME is unknown or the
// socket path does not fit in sun_path (never truncated silently).
Result<Paths> resolve_paths();

// Refuses a directory that another user owns or that group or others may
// write to, as ssh does for ~/.ssh: whoever can write there can change fab's
// state, its socket or its permission rules. A missing directory passes (fab
// creates it 0700). One stat: the hook calls this on every tool call.
Status check_private_dir(const std::string& path);
// FAB_DIR and the config directory; every process checks before it reads
// rules, connects or starts.
Status check_private_dirs(const Paths& p);

// Creates FAB_DIR (0700) and the directories the daemon writes into.
Status ensure_state_dirs(const Paths& p);

// sun_path holds 108 bytes including the terminating NUL.
constexpr size_t kMaxSocketPath = 107;
Status check_socket_path(const std::string& path);

} // namespace fab
