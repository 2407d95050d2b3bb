#include "util/disk_usage.hpp"

#include <filesystem>
#include <set>
#include <sys/stat.h>
#include <utility>

namespace fab {

uint64_t disk_usage(const std::string& path) {
    namespace fs = std::filesystem;
    std::set<std::pair<dev_t, ino_t>> linked; // hard-linked files seen already
    auto size_of = [&linked](const std::string& p) -> uint64_t {
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0) return 0;
        if (st.st_nlink > 1 && !S_ISDIR(st.st_mode) &&
            !linked.insert({st.st_dev, st.st_ino}).second)
            return 0;
        return static_cast<uint64_t>(st.st_blocks) * 512;
    };
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(path, ec))) return 0;
    uint64_t total = size_of(path);
    if (!fs::is_directory(fs::symlink_status(path, ec))) return total;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        total += size_of(it->path().string());
    return total;
}

} // namespace fab
