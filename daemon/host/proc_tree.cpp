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

Activity tree_activity(int except) {
    auto parents = parent_map();
    int self = ::getpid();
    std::set<int> tree = {self};
    for (bool grew = true; grew;) {
        grew = false;
        for (auto [pid, ppid] : parents)
            if (tree.count(ppid) && tree.insert(pid).second) grew = true;
    }
    Activity a;
    for (int pid : tree) {
        if (pid == self || pid == except) continue;
        std::string dir = "/proc/" + std::to_string(pid);
        ++a.processes;
        if (auto stat = read_file(dir + "/stat")) {
            auto paren = stat->rfind(')');
            if (paren != std::string::npos) {
                // After "(comm)": state ppid … utime (14th field) stime (15th).
                auto fields = split(std::string_view(*stat).substr(paren + 1), ' ');
                for (size_t i : {size_t{11}, size_t{12}})
                    if (i < fields.size())
                        if (auto t = parse_int(fields[i]); t && *t > 0)
                            a.work += static_cast<uint64_t>(*t);
            }
        }
        if (auto io = read_file(dir + "/io"))
            for (const auto& line : split(*io, '\n'))
                if (line.rfind("wchar:", 0) == 0)
                    if (auto n = parse_int(trim(std::string_view(line).substr(6))); n && *n > 0)
                        a.work += static_cast<uint64_t>(*n);
    }
    return a;
}

void reap_orphans(const std::set<int>& owned_by_libuv) {
    for (int pid : children()) {
        if (owned_by_libuv.count(pid)) continue;
        int status = 0;
        ::waitpid(pid, &status, WNOHANG);
    }
}

} // namespace fab::proc_tree
