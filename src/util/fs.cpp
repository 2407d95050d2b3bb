#include "util/fs.hpp"

#include "util/fd.hpp"
#include "util/strings.hpp"

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace fab {

namespace {
std::string fail(const std::string& what, int err) {
    return what + ": " + errno_string(err);
}
} // namespace

Result<std::string> read_file(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return make_error(fail(path, errno));
    std::string out;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return make_error(fail(path, errno));
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

Status write_file_atomic(const std::string& path, const std::string& data, int mode) {
    const std::string parent = std::filesystem::path(path).parent_path().string();
    const std::string dir = parent.empty() ? std::string(".") : parent;
    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
    if (!fd.valid()) return make_error(fail(tmp, errno));
    size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::write(fd.get(), data.data() + off, data.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::unlink(tmp.c_str());
            return make_error(fail(path, err));
        }
        off += static_cast<size_t>(n);
    }
    if (::fsync(fd.get()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return make_error(fail(path, err));
    }
    fd.reset();
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return make_error(fail(path, err));
    }
    UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dfd.valid()) ::fsync(dfd.get());
    return {};
}

Status make_dirs(const std::string& path, int mode) {
    std::error_code ec;
    std::filesystem::path p(path);
    if (p.has_parent_path() && !std::filesystem::exists(p.parent_path(), ec)) {
        std::filesystem::create_directories(p.parent_path(), ec);
        if (ec) return make_error(p.parent_path().string() + ": " + ec.message());
    }
    if (::mkdir(path.c_str(), static_cast<mode_t>(mode)) != 0 && errno != EEXIST)
        return make_error(fail(path, errno));
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return make_error(fail(path, errno));
    if (!S_ISDIR(st.st_mode)) return make_error(path + ": not a directory");
    if (st.st_uid == ::getuid() && (st.st_mode & 07777) != static_cast<mode_t>(mode))
        ::chmod(path.c_str(), static_cast<mode_t>(mode));
    return {};
}

bool path_exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

std::string absolute_path(const std::string& path) {
    std::error_code ec;
    auto p = std::filesystem::absolute(path, ec);
    if (ec) return path;
    auto s = p.lexically_normal().string();
    if (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

} // namespace fab
