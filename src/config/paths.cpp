#include "config/paths.hpp"

#include "util/fs.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace fab {

namespace {
std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

// The home directory of `uid` in /etc/passwd (name:pw:uid:gid:gecos:home:shell).
// Read by hand rather than with getpwuid(): `fab` is linked statically so that
// the hook starts fast, and glibc's NSS cannot be used from a static program.
// Only reached when HOME is unset.
std::string passwd_home(uid_t uid) {
    std::ifstream in("/etc/passwd");
    std::string line;
    const std::string want = std::to_string(uid);
    while (std::getline(in, line)) {
        std::string field[7];
        size_t n = 0, start = 0;
        for (size_t i = 0; i <= line.size() && n < 7; ++i)
            if (i == line.size() || line[i] == ':') {
                field[n++] = line.substr(start, i - start);
                start = i + 1;
            }
        if (n >= 6 && field[2] == want) return field[5];
    }
    return {};
}

std::string home_dir() {
    std::string h = env("HOME");
    if (!h.empty()) return h;
    return passwd_home(getuid());
}
} // namespace

Status check_socket_path(const std::string& path) {
    if (path.size() > kMaxSocketPath)
        return make_error("socket path too long (" + std::to_string(path.size()) + " bytes, max " +
                          std::to_string(kMaxSocketPath) + "): " + path +
                          "; set FAB_SOCKET_PATH or a shorter FAB_DIR");
    return {};
}

Result<Paths> resolve_paths() {
    Paths p;
    std::string fab_dir = env("FAB_DIR");
    std::string home = home_dir();
    if (fab_dir.empty()) {
        if (home.empty()) return make_error("cannot find the home directory; set HOME or FAB_DIR");
        p.fab_dir = home + "/.fab";
        std::string xdg = env("XDG_CONFIG_HOME");
        if (xdg.empty()) xdg = home + "/.config";
        p.config_dir = absolute_path(xdg) + "/fab";
    } else {
        p.fab_dir = absolute_path(fab_dir);
        p.config_dir = p.fab_dir + "/config";
    }
    p.socket = env("FAB_SOCKET_PATH");
    if (p.socket.empty()) p.socket = p.fab_dir + "/fab.sock";
    p.socket = absolute_path(p.socket);
    p.pid_file = env("FAB_PID_PATH");
    if (p.pid_file.empty()) p.pid_file = p.fab_dir + "/fab.pid";
    p.pid_file = absolute_path(p.pid_file);
    p.log_file = p.fab_dir + "/fab.log";
    p.state_db = p.fab_dir + "/state.db";
    p.config_file = p.config_dir + "/config.ini";
    p.permissions_file = p.config_dir + "/permissions.ini";
    p.projects_dir = p.fab_dir + "/projects";
    // One socket per agent host; its own place when $FAB_DIR is too long
    // for a socket path (107 bytes) or lives on a file system without them.
    p.hosts_dir = env("FAB_AGENT_HOST_SOCKET_PATH");
    p.hosts_dir = p.hosts_dir.empty() ? p.fab_dir + "/hosts" : absolute_path(p.hosts_dir);
    p.agents_dir = p.fab_dir + "/agents";
    p.plans_dir = p.fab_dir + "/plans";
    if (auto s = check_socket_path(p.socket); !s) return make_error(s.error());
    return p;
}

Status check_private_dir(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {}; // absent: created 0700 when needed
    if (st.st_uid != ::geteuid())
        return make_error(path + " is owned by uid " + std::to_string(st.st_uid) +
                          ", not by you (uid " + std::to_string(::geteuid()) +
                          "); fab refuses to use it: another user could change its state or rules");
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return make_error(path + " is writable by " +
                          ((st.st_mode & S_IWOTH) ? "others" : "its group") + " (mode " + mode +
                          "); fab refuses to use it: fix it with chmod go-w " + path);
    }
    return {};
}

Status check_private_dirs(const Paths& p) {
    if (auto s = check_private_dir(p.fab_dir); !s) return s;
    if (auto s = check_private_dir(p.hosts_dir); !s) return s; // may be outside $FAB_DIR
    return check_private_dir(p.config_dir);
}

Status ensure_state_dirs(const Paths& p) {
    for (const std::string* d :
         {&p.fab_dir, &p.projects_dir, &p.hosts_dir, &p.agents_dir, &p.plans_dir}) {
        if (auto s = make_dirs(*d, 0700); !s) return s;
    }
    return {};
}

} // namespace fab
