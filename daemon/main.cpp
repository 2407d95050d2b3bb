// fabd: the daemon (`--daemon`, `--foreground`). Started by `fab server
// start|run`; not meant to be run by hand, but safe to.
#include "daemon/daemon.hpp"

#include <cstdio>
#include <cstring>
#include <string>

using namespace fab;

static int usage() {
    std::fprintf(stderr, "usage: fabd --daemon|--foreground [--ready-fd N] [--log-level LEVEL]\n"
                         "            [--http HOST:PORT|-] [--max-concurrent-runs N]\n"
                         "(start it with: fab server start)\n");
    return 2;
}

int main(int argc, char** argv) {
    DaemonOptions opts;
    bool mode = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--daemon") {
            mode = true;
        } else if (a == "--foreground") {
            opts.foreground = true;
            mode = true;
        } else if (a == "--ready-fd" && i + 1 < argc) {
            opts.ready_fd = std::atoi(argv[++i]);
        } else if (a == "--log-level" && i + 1 < argc) {
            opts.log_level = argv[++i];
        } else if (a == "--http" && i + 1 < argc) {
            opts.http_listen = argv[++i]; // "-": the default address
        } else if (a == "--max-concurrent-runs" && i + 1 < argc) {
            opts.max_concurrent_runs = std::atoi(argv[++i]);
            if (opts.max_concurrent_runs < 1 || opts.max_concurrent_runs > 1000) {
                std::fprintf(stderr, "fabd: --max-concurrent-runs must be 1-1000\n");
                return 2;
            }
        } else {
            return usage();
        }
    }
    if (!mode) return usage();
    Daemon d(opts);
    return d.run();
}
