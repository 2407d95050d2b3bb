// Parse throughput of the agent output parsers (src/agents): how many MB/s
// of real CLI output one core turns into chat entries. The daemon parses
// every line every agent prints, so this bounds how many busy agents one
// fabd can follow. Target: >= 50 MB/s per parser.
//
// Usage: bench-parse-throughput [FIXTURE_DIR] [MB]
//   FIXTURE_DIR  default <source root>/tests/fixtures/agents
//   MB           size of the generated input per backend (default 200)
// The input is the captured claude-*.jsonl / codex-*.jsonl lines repeated
// until it reaches MB, so the mix of line types is that of real sessions
// (large init and result lines included). Prints one line per backend.
#include "agents/backend.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef FAB_SOURCE_ROOT
#define FAB_SOURCE_ROOT "."
#endif

namespace {

// Concatenation of every <prefix>*.jsonl in `dir`, sorted by name.
std::string read_fixtures(const std::string& dir, const std::string& prefix) {
    std::vector<std::string> names;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* ent = ::readdir(d)) {
            std::string n = ent->d_name;
            if (n.rfind(prefix, 0) == 0 && n.size() > 6 && n.ends_with(".jsonl"))
                names.push_back(n);
        }
        ::closedir(d);
    }
    std::sort(names.begin(), names.end());
    std::string all;
    for (const auto& n : names) {
        std::ifstream f(dir + "/" + n, std::ios::binary);
        std::stringstream ss;
        ss << f.rdbuf();
        all += ss.str();
        if (!all.empty() && all.back() != '\n') all += '\n';
    }
    return all;
}

struct Run {
    double seconds = 0;     // wall clock
    double cpu_seconds = 0; // this thread's CPU time: the figure that counts on a busy machine
    size_t bytes = 0, lines = 0, entries = 0;
};

double thread_cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

Run run(const char* backend, const std::string& sample, size_t target) {
    std::string buf;
    buf.reserve(target + sample.size());
    while (buf.size() < target) buf += sample;

    auto parser = fab::make_backend(backend)->make_parser();
    std::vector<fab::ChatEntry> out;
    Run r;
    r.bytes = buf.size();
    auto t0 = std::chrono::steady_clock::now();
    double c0 = thread_cpu_seconds();
    const char* p = buf.data();
    const char* end = p + buf.size();
    while (p < end) {
        const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
        if (!nl) nl = end;
        parser->parse_line(std::string_view(p, nl - p), out);
        ++r.lines;
        // The daemon hands entries on line by line; keep memory flat too.
        r.entries += out.size();
        out.clear();
        p = nl + 1;
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.cpu_seconds = thread_cpu_seconds() - c0;
    return r;
}

} // namespace

int main(int argc, char** argv) {
    std::string dir = argc > 1 ? argv[1] : FAB_SOURCE_ROOT "/tests/fixtures/agents";
    size_t mb = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 200;
    if (mb == 0) mb = 200;
    int status = 0;
    for (const char* backend : {"claude", "codex"}) {
        std::string sample = read_fixtures(dir, std::string(backend) + "-");
        if (sample.empty()) {
            std::fprintf(stderr, "parse-throughput: no %s-*.jsonl in %s\n", backend, dir.c_str());
            status = 1;
            continue;
        }
        Run r = run(backend, sample, mb * 1000 * 1000);
        double mb_total = static_cast<double>(r.bytes) / 1e6;
        std::printf("parse %-6s %7.1f MB/s CPU, %7.1f MB/s wall  (%zu MB, %zu lines, %zu entries, "
                    "%.0f ns/line)\n",
                    backend, mb_total / r.cpu_seconds, mb_total / r.seconds, r.bytes / 1000000,
                    r.lines, r.entries, r.cpu_seconds * 1e9 / static_cast<double>(r.lines));
    }
    return status;
}
