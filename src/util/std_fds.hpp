// The standard descriptors 0, 1 and 2 of a process started by someone else.
// A closed one is a trap: the next open() or socket() takes its number, and
// a later printf to "stdout" writes into that file or socket (the hook would
// answer into the daemon's socket). So they are filled with /dev/null first,
// and the caller learns which ones were unusable.
#pragma once

namespace fab {

struct StdFds {
    bool in_ok = true;  // 0 was open for reading
    bool out_ok = true; // 1 was open for writing
    bool err_ok = true; // 2 was open for writing
};

// One fcntl per descriptor; a closed one is reopened on /dev/null.
StdFds ensure_std_fds();

} // namespace fab
