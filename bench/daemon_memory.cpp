// bench-daemon-memory: the daemon's memory at idle and after load, and its
// request throughput.
//
// Starts `fab server start` in a temp FAB_DIR, reads /proc/<pid>/status, sends
// REQUESTS requests (ping and status alternately) over one persistent
// connection, one at a time, then opens CONNS short-lived connections (connect,
// ping, close), and reads /proc/<pid>/status again. Stops the daemon and
// removes the temp dir on every path out. It prints figures; it never fails
// because something is slow or big.
//
//   bench-daemon-memory --fab build/fab [--requests 10000] [--conns 1000]
#include "bench_util.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <poll.h>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using bench::check_stop;
using bench::Interrupted;
using bench::mono_ms;
using bench::percentile;

// ---- /proc ---------------------------------------------------------------

struct Mem {
    std::map<std::string, long> kib; // VmRSS, RssAnon, RssFile, RssShmem, VmHWM, VmSize
    long threads = 0;
    long fds = 0;
    long get(const std::string& k) const {
        auto it = kib.find(k);
        return it == kib.end() ? -1 : it->second;
    }
};

Mem read_mem(pid_t pid) {
    Mem m;
    std::string base = "/proc/" + std::to_string(pid);
    std::ifstream f(base + "/status");
    std::string line;
    while (std::getline(f, line)) {
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string key = line.substr(0, colon);
        std::istringstream v(line.substr(colon + 1));
        long n = 0;
        v >> n;
        if (key == "Threads")
            m.threads = n;
        else if (key.rfind("Vm", 0) == 0 || key.rfind("Rss", 0) == 0)
            m.kib[key] = n;
    }
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(base + "/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++m.fds;
    return m;
}

// Shared objects mapped by the process, from /proc/<pid>/maps.
std::set<std::string> mapped_libs(pid_t pid) {
    std::set<std::string> libs;
    std::ifstream f("/proc/" + std::to_string(pid) + "/maps");
    std::string line;
    while (std::getline(f, line)) {
        auto slash = line.find('/');
        if (slash == std::string::npos) continue;
        std::string path = line.substr(slash);
        if (path.find(".so") != std::string::npos) libs.insert(path);
    }
    return libs;
}

// Resident and anonymous KiB per mapped file (or [heap], [stack], anonymous)
// from /proc/<pid>/smaps, largest first: what VmRSS and RssAnon are made of.
struct MappingRss {
    long rss = 0;
    long anon = 0;
    std::string name;
};

std::vector<MappingRss> rss_by_mapping(pid_t pid) {
    std::map<std::string, MappingRss> by;
    std::ifstream f("/proc/" + std::to_string(pid) + "/smaps");
    std::string line, current;
    while (std::getline(f, line)) {
        if (line.empty()) continue;
        if (line.rfind("Rss:", 0) == 0) {
            by[current].rss += std::atol(line.c_str() + 4);
            continue;
        }
        if (line.rfind("Anonymous:", 0) == 0) {
            by[current].anon += std::atol(line.c_str() + 10);
            continue;
        }
        // A mapping header: "start-end perms offset dev inode [path]".
        if (!std::isxdigit(static_cast<unsigned char>(line[0])) ||
            line.find('-') == std::string::npos || line.find(':') < line.find(' '))
            continue;
        std::istringstream h(line);
        std::string range, perms, off, dev, inode, path;
        h >> range >> perms >> off >> dev >> inode >> path;
        current = path.empty() ? "[anonymous]" : path;
    }
    std::vector<MappingRss> v;
    for (auto& [k, m] : by) {
        m.name = k;
        if (m.rss > 0) v.push_back(m);
    }
    std::sort(v.begin(), v.end(), [](const MappingRss& a, const MappingRss& b) {
        return a.rss != b.rss ? a.rss > b.rss : a.name < b.name;
    });
    return v;
}

std::string kib_str(long kib) {
    char buf[64];
    if (kib < 0) return "n/a";
    std::snprintf(buf, sizeof buf, "%6ld KiB (%5.2f MiB)", kib, static_cast<double>(kib) / 1024.0);
    return buf;
}

// ---- socket client -------------------------------------------------------

class Client {
  public:
    explicit Client(const std::string& path) : fd_(bench::connect_unix(path)) {}
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client() {
        if (fd_ >= 0) ::close(fd_);
    }

    // Sends one request line and waits for the response carrying its id
    // (events in between are skipped). Returns the response line.
    std::string request(const std::string& type, const std::string& payload = "") {
        std::string id = std::to_string(next_id_++);
        std::string line = "{\"type\":\"" + type + "\",\"id\":\"" + id + "\"";
        if (!payload.empty()) line += ",\"payload\":" + payload;
        line += "}\n";
        bench::send_all(fd_, line);
        std::string want = "\"id\":\"" + id + "\"";
        for (;;) {
            std::string resp = read_line(10000);
            if (resp.find("\"type\":\"event\"") != std::string::npos) continue;
            if (resp.find(want) == std::string::npos) continue;
            if (resp.find("\"success\":true") == std::string::npos)
                throw std::runtime_error(type + " failed: " + resp.substr(0, 300));
            return resp;
        }
    }

  private:
    std::string read_line(int timeout_ms) {
        double deadline = mono_ms() + timeout_ms;
        for (;;) {
            auto nl = buf_.find('\n', start_);
            if (nl != std::string::npos) {
                std::string line = buf_.substr(start_, nl - start_);
                start_ = nl + 1;
                if (start_ == buf_.size()) buf_.clear(), start_ = 0;
                return line;
            }
            int left = static_cast<int>(deadline - mono_ms());
            if (left <= 0) throw std::runtime_error("no response within 10 s");
            pollfd p{fd_, POLLIN, 0};
            int pr = ::poll(&p, 1, left);
            if (pr < 0 && errno == EINTR) {
                check_stop();
                continue;
            }
            if (pr <= 0) continue;
            char tmp[16384];
            ssize_t n = ::read(fd_, tmp, sizeof tmp);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw std::runtime_error(std::string("read: ") + std::strerror(errno));
            if (n == 0) throw std::runtime_error("connection closed by the daemon");
            buf_.append(tmp, static_cast<size_t>(n));
        }
    }

    int fd_ = -1;
    std::string buf_;
    size_t start_ = 0;
    long next_id_ = 1;
};

// ---- report ----------------------------------------------------------------

struct Snapshot {
    std::string label;
    Mem mem;
};

void print_snapshots(const std::vector<Snapshot>& snaps) {
    std::printf("  %-30s %24s %24s %10s %10s %8s %4s\n", "", "RssAnon", "VmRSS", "RssFile", "VmHWM",
                "threads", "fds");
    for (const auto& s : snaps)
        std::printf("  %-30s %24s %24s %6ld KiB %6ld KiB %8ld %4ld\n", s.label.c_str(),
                    kib_str(s.mem.get("RssAnon")).c_str(), kib_str(s.mem.get("VmRSS")).c_str(),
                    s.mem.get("RssFile"), s.mem.get("VmHWM"), s.mem.threads, s.mem.fds);
}

void target_line(const char* what, long kib, double target_mib) {
    double mib = static_cast<double>(kib) / 1024.0;
    if (kib < 0)
        std::printf("  %-30s n/a\n", what);
    else if (mib <= target_mib)
        std::printf("  %-30s %6.2f MiB  <= %.1f MiB: met (%.2f MiB to spare)\n", what, mib,
                    target_mib, target_mib - mib);
    else
        std::printf("  %-30s %6.2f MiB  <= %.1f MiB: MISSED by %.2f MiB (%.0f%%)\n", what, mib,
                    target_mib, mib - target_mib, 100.0 * (mib - target_mib) / target_mib);
}

void print_rate(const char* what, long n, double ms, std::vector<double> lat_us) {
    std::sort(lat_us.begin(), lat_us.end());
    std::printf("  %-46s %7ld in %8.1f ms = %9.0f /s;  per request: median %.1f us, p99 %.1f "
                "us, max %.1f us\n",
                what, n, ms, ms > 0 ? static_cast<double>(n) * 1000.0 / ms : 0.0,
                percentile(lat_us, 0.5), percentile(lat_us, 0.99),
                lat_us.empty() ? 0.0 : lat_us.back());
}

void usage() {
    std::fprintf(stderr, "usage: bench-daemon-memory --fab PATH [--requests N] [--conns N]\n");
}

int run(const std::string& fab, long requests, long conns) {
    bench::TempDaemon d(fab);
    if (std::string error; !d.start(error)) throw std::runtime_error(error);
    pid_t pid = d.pid();
    std::printf("daemon pid %d, FAB_DIR %s\n", static_cast<int>(pid), d.dir().c_str());

    std::vector<Snapshot> snaps;
    ::usleep(200 * 1000); // let start-up settle
    snaps.push_back({"idle (after start)", read_mem(pid)});
    auto libs = mapped_libs(pid);
    auto by_mapping = rss_by_mapping(pid);

    long warm = std::min<long>(1000, requests);
    std::vector<double> lat;
    lat.reserve(static_cast<size_t>(requests));
    double t_persist = 0;
    {
        Client c(d.socket());
        // First exchange is ping, as the protocol asks.
        double t0 = mono_ms();
        for (long i = 0; i < requests; ++i) {
            check_stop();
            double a = mono_ms();
            if (i % 2 == 0)
                c.request("ping", "{\"protocol\":1}");
            else
                c.request("status");
            lat.push_back((mono_ms() - a) * 1000.0);
            if (i + 1 == warm && warm < requests) {
                t_persist += mono_ms() - t0;
                snaps.push_back({"after " + std::to_string(warm) + " requests", read_mem(pid)});
                t0 = mono_ms();
            }
        }
        t_persist += mono_ms() - t0;
        snaps.push_back({"after " + std::to_string(requests) + " requests", read_mem(pid)});
    }

    std::vector<double> lat_c;
    lat_c.reserve(static_cast<size_t>(conns));
    double t_conns = 0;
    {
        double t0 = mono_ms();
        for (long i = 0; i < conns; ++i) {
            check_stop();
            double a = mono_ms();
            Client c(d.socket());
            c.request("ping", "{\"protocol\":1}");
            lat_c.push_back((mono_ms() - a) * 1000.0);
        }
        t_conns = mono_ms() - t0;
    }
    ::usleep(200 * 1000); // let the daemon reap the closed connections
    snaps.push_back({"after " + std::to_string(conns) + " short connections", read_mem(pid)});

    // A last status: the daemon's own counters, to show it saw everything.
    std::string final_status;
    {
        Client c(d.socket());
        c.request("ping", "{\"protocol\":1}");
        final_status = c.request("status");
    }

    std::printf("\nmemory (/proc/%d/status):\n", static_cast<int>(pid));
    print_snapshots(snaps);

    const Mem& idle = snaps.front().mem;
    const Mem& last = snaps.back().mem;
    std::printf("\ntargets:\n");
    target_line("idle RssAnon", idle.get("RssAnon"), 1.5);
    target_line("idle VmRSS", idle.get("VmRSS"), 10.0);
    long d_anon = last.get("RssAnon") - idle.get("RssAnon");
    long d_rss = last.get("VmRSS") - idle.get("VmRSS");
    std::printf("  %-30s RssAnon %+ld KiB, VmRSS %+ld KiB from idle to the end (%ld requests "
                "+ %ld connections)\n",
                "flat after load", d_anon, d_rss, requests, conns);
    if (snaps.size() >= 4) {
        // Growth between the warm-up snapshot and the end of the persistent run
        // is what would scale with the number of requests.
        long a1 = snaps[1].mem.get("RssAnon"), a2 = snaps[2].mem.get("RssAnon");
        long n = requests - warm;
        std::printf("  %-30s RssAnon %+ld KiB over the last %ld requests (%.1f bytes/request)"
                    "; VmHWM %ld KiB\n",
                    "growth after warm-up", a2 - a1, n,
                    n > 0 ? static_cast<double>(a2 - a1) * 1024.0 / static_cast<double>(n) : 0.0,
                    last.get("VmHWM"));
    }

    std::printf("\nthroughput (one request at a time, client and daemon on the same machine):\n");
    print_rate("persistent connection, ping/status:", requests, t_persist, lat);
    print_rate("short-lived connections (connect+ping+close):", conns, t_conns, lat_c);

    auto rq = final_status.find("\"requests\":");
    auto cl = final_status.find("\"clients\":");
    if (rq != std::string::npos)
        std::printf("  daemon's own counters at the end: requests=%ld clients=%ld\n",
                    std::atol(final_status.c_str() + rq + 11),
                    cl == std::string::npos ? -1L : std::atol(final_status.c_str() + cl + 10));

    std::printf("\nwhat idle memory is made of (/proc/%d/smaps per mapping, largest Rss first):\n",
                static_cast<int>(pid));
    std::printf("  %8s %8s  %s\n", "Rss", "of which", "mapping");
    std::printf("  %8s %8s\n", "KiB", "anon KiB");
    MappingRss rest, total;
    const size_t top = 12;
    for (size_t i = 0; i < by_mapping.size(); ++i) {
        const auto& m = by_mapping[i];
        total.rss += m.rss, total.anon += m.anon;
        if (i < top)
            std::printf("  %8ld %8ld  %s\n", m.rss, m.anon, m.name.c_str());
        else
            rest.rss += m.rss, rest.anon += m.anon;
    }
    if (by_mapping.size() > top)
        std::printf("  %8ld %8ld  (%zu more mappings)\n", rest.rss, rest.anon,
                    by_mapping.size() - top);
    std::printf("  %8ld %8ld  total\n", total.rss, total.anon);

    std::printf("\nshared objects mapped by fabd: %zu\n", libs.size());
    for (const auto& l : libs) std::printf("  %s\n", l.c_str());

    d.stop();
    std::printf("\ndaemon stopped (fab server stop exit %d%s), temp dir removed\n", d.stop_rc(),
                d.forced() ? "; had to SIGTERM it" : "");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::string fab;
    long requests = 10000;
    long conns = 1000;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--fab" && i + 1 < argc)
            fab = argv[++i];
        else if (a == "--requests" && i + 1 < argc)
            requests = std::max(1L, std::atol(argv[++i]));
        else if (a == "--conns" && i + 1 < argc)
            conns = std::max(0L, std::atol(argv[++i]));
        else if (a == "-h" || a == "--help") {
            usage();
            return 0;
        } else {
            usage();
            return 2;
        }
    }
    if (fab.empty()) {
        usage();
        return 2;
    }
    if (fab.find('/') == std::string::npos) fab = "./" + fab;
    fab = std::filesystem::absolute(fab).string();

    bench::install_stop_handlers();

    try {
        return run(fab, requests, conns);
    } catch (const Interrupted&) {
        std::fprintf(stderr, "interrupted; daemon stopped, temp dir removed\n");
        return 130;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench-daemon-memory: %s (daemon stopped, temp dir removed)\n",
                     e.what());
        return 1;
    }
}
