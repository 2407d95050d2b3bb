#include "util/std_fds.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace fab {

namespace {

// True when `fd` is open with `want` access (O_RDONLY or O_WRONLY; O_RDWR
// serves both). A closed `fd` gets /dev/null: the lower ones are already
// open, so open() returns exactly `fd`.
bool usable(int fd, int want) {
    int fl = ::fcntl(fd, F_GETFL);
    if (fl >= 0) {
        int mode = fl & O_ACCMODE;
        return mode == O_RDWR || mode == want;
    }
    int null = ::open("/dev/null", want | O_NOCTTY);
    if (null >= 0 && null != fd) {
        ::dup2(null, fd);
        ::close(null);
    }
    return false;
}

} // namespace

StdFds ensure_std_fds() {
    StdFds s;
    s.in_ok = usable(STDIN_FILENO, O_RDONLY);
    s.out_ok = usable(STDOUT_FILENO, O_WRONLY);
    s.err_ok = usable(STDERR_FILENO, O_WRONLY);
    return s;
}

} // namespace fab
