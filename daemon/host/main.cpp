// fab-host: the agent host, one detached process per agent, started by the
// daemon as `fab-host --spec $FAB_DIR/agents/<id>/spec.json`.
#include "daemon/host/host.hpp"

#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
    if (argc != 3 || std::strcmp(argv[1], "--spec") != 0) {
        std::fprintf(stderr,
                     "usage: fab-host --spec FILE\n(started by the fab daemon, one per agent)\n");
        return 2;
    }
    return fab::host_main(argv[2]);
}
