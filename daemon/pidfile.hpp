// The daemon's single-instance lock: $FAB_PID_PATH, flock'd for the whole
// life of the daemon. The lock (not the file's existence) says "running", so
// a daemon killed with -9 leaves nothing that blocks the next start.
#pragma once

#include "util/fd.hpp"
#include "util/result.hpp"

#include <optional>
#include <string>

namespace fab {

class PidFile {
  public:
    // Takes the lock and writes our pid; fails with "already running (pid N)"
    // when another process holds it.
    static Result<PidFile> acquire(const std::string& path);
    // The pid of the process holding the lock, if any.
    static std::optional<int> holder(const std::string& path);

    PidFile(PidFile&&) = default;
    PidFile& operator=(PidFile&&) = default;
    ~PidFile();

  private:
    PidFile(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
    UniqueFd fd_;
    std::string path_;
};

} // namespace fab
