// Disk used by a file tree, as `du -s` counts it: allocated blocks, symlinks
// not followed, each hard-linked file once. Blocking: the daemon calls it on
// the thread pool.
#pragma once

#include <cstdint>
#include <string>

namespace fab {

// 0 when `path` does not exist; unreadable parts are skipped.
uint64_t disk_usage(const std::string& path);

} // namespace fab
