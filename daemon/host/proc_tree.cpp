#include "daemon/host/proc_tree.hpp"

#include "util/fs.hpp"
#include "util/strings.hpp"

#include <csignal>
#include <dirent.h>
#include <map>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fab::proc_tree {

namespace {
// pid → ppid for every process visible in /proc.
std::map<int, int> parent_map() {
    std::map<int, int> out;
    DIR* d = ::opendir("/proc");
    if (!d) return out;
    while (dirent* e = ::readdir(d)) {
        auto pid = parse_int(e->d_name);
        if (!pid) continue;
        auto stat = read_file("/proc/" + std::string(e->d_name) + "/stat");
        if (!stat) continue;
        // "pid (comm) state ppid ...": comm may contain spaces and parens.
        auto paren = stat->rfind(')');
        if (paren == std::string::npos) continue;
        auto fields = split(std::string_view(*stat).substr(paren + 1), ' ');
        if (fields.size() < 2) continue;
        auto ppid = parse_int(fields[1]);
        if (ppid) out[static_cast<int>(*pid)] = static_cast<int>(*ppid);
    }
    ::closedir(d);
    return out;
}
} // namespace

bool become_subreaper() {
    return ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0;
}

std::vector<int> children() {
    std::vector<int> out;
    int self = ::getpid();
    for (auto [pid, ppid] : parent_map())
        if (ppid == self) out.push_back(pid);
    return out;
}

void signal_descendants(int sig) {
    auto parents = parent_map();
    std::set<int> tree = {::getpid()};
    // Parents have smaller pids only usually; iterate to a fixed point.
    for (bool grew = true; grew;) {
        grew = false;
        for (auto [pid, ppid] : parents)
            if (tree.count(ppid) && tree.insert(pid).second) grew = true;
    }
    tree.erase(::getpid());
    for (int pid : tree) ::kill(pid, sig);
}

void reap_orphans(const std::set<int>& owned_by_libuv) {
    for (int pid : children()) {
        if (owned_by_libuv.count(pid)) continue;
        int status = 0;
        ::waitpid(pid, &status, WNOHANG);
    }
}

} // namespace fab::proc_tree
