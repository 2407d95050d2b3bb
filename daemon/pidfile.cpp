#include "daemon/pidfile.hpp"

#include "util/strings.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace fab {

namespace {
std::optional<int> read_pid(int fd) {
    char buf[32] = {};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return std::nullopt;
    auto v = parse_int(std::string_view(buf, static_cast<size_t>(n)));
    if (!v || *v <= 0) return std::nullopt;
    return static_cast<int>(*v);
}
} // namespace

Result<PidFile> PidFile::acquire(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd.valid()) return make_error(path + ": " + errno_string(errno));
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) {
            auto pid = read_pid(fd.get());
            return make_error("already running" +
                              (pid ? " (pid " + std::to_string(*pid) + ")" : std::string()));
        }
        return make_error(path + ": flock: " + errno_string(errno));
    }
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd.get(), 0) != 0 ||
        ::pwrite(fd.get(), pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()))
        return make_error(path + ": " + errno_string(errno));
    return PidFile(std::move(fd), path);
}

std::optional<int> PidFile::holder(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return std::nullopt;
    if (::flock(fd.get(), LOCK_SH | LOCK_NB) == 0) return std::nullopt; // nobody holds it
    return read_pid(fd.get());
}

PidFile::~PidFile() {
    // Emptied, not unlinked: unlinking would let a racing starter lock a
    // different inode than the one a third starter sees.
    if (fd_.valid()) (void)::ftruncate(fd_.get(), 0);
}

} // namespace fab
