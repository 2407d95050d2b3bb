// File helpers: atomic writes (temp file + fsync + rename) and private dirs.
#pragma once

#include "util/result.hpp"

#include <string>

namespace fab {

// Reads a whole file. Fails with "<path>: <reason>".
Result<std::string> read_file(const std::string& path);

// Writes `data` to `path` atomically: a temp file in the same directory,
// fsync, rename over the target, fsync the directory. A full disk or a crash
// leaves either the old file or the new one, never a torn one.
Status write_file_atomic(const std::string& path, const std::string& data, int mode = 0600);

// Creates `path` and its parents; the last component gets `mode`. An existing
// directory is accepted (its mode is tightened to `mode` when it is ours).
Status make_dirs(const std::string& path, int mode = 0700);

bool path_exists(const std::string& path);

// Absolute, lexically normalised path (no symlink resolution).
std::string absolute_path(const std::string& path);

} // namespace fab
