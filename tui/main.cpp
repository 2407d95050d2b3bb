// fab-tui: the terminal interface (exec'd by `fab tui`).
//   fab-tui [--frames N] [--color never|auto|always]
#include "cli/tui_flags.hpp"
#include "config/paths.hpp"
#include "ev/handle.hpp"
#include "tui/app.hpp"

#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

using namespace fab;

namespace {
// From the flags of `fab tui` in the command table (cli/tui_flags.hpp).
int usage(FILE* to = stderr) {
    std::string line = "usage: fab-tui";
    for (const cli::Flag& f : cli::kTuiFlags)
        if (f.arg) line += std::string(" [--") + f.name + " " + f.arg + "]";
    std::fprintf(to, "%s\n", line.c_str());
    for (const cli::Flag& f : cli::kTuiFlags) std::fprintf(to, "  --%-8s %s\n", f.name, f.help);
    return 2;
}
} // namespace

int main(int argc, char** argv) {
    tui::Options opts;
    tui::ColorMode color = tui::ColorMode::auto_;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        std::string v;
        auto value = [&](const char* name) {
            std::string flag = std::string("--") + name;
            if (a == flag && i + 1 < argc) {
                v = argv[++i];
                return true;
            }
            if (a.rfind(flag + "=", 0) == 0) {
                v = a.substr(flag.size() + 1);
                return true;
            }
            return false;
        };
        if (value("frames")) {
            char* end = nullptr;
            opts.frames = std::strtol(v.c_str(), &end, 10);
            if (!end || *end || opts.frames < 0) return usage();
        } else if (value("color")) {
            if (v == "never")
                color = tui::ColorMode::never;
            else if (v == "auto")
                color = tui::ColorMode::auto_;
            else if (v == "always")
                color = tui::ColorMode::always;
            else
                return usage();
        } else if (a == "-h" || a == "--help") {
            usage(stdout);
            return 0;
        } else {
            return usage();
        }
    }
    std::setlocale(LC_ALL, "");
    auto paths = resolve_paths();
    if (!paths) {
        std::fprintf(stderr, "fab-tui: %s\n", paths.error().c_str());
        return 1;
    }
    if (auto s = check_private_dirs(*paths); !s) {
        std::fprintf(stderr, "fab-tui: %s\n", s.error().c_str());
        return 1;
    }
    if (!::isatty(STDIN_FILENO) || !::isatty(STDOUT_FILENO)) {
        std::fprintf(stderr, "fab-tui: needs a terminal\n");
        return 1;
    }
    opts.socket = paths->socket;
    // A write to a daemon that just went away must be an error (and a
    // reconnect), not the end of the program.
    std::signal(SIGPIPE, SIG_IGN);
    uv_loop_t loop;
    uv_loop_init(&loop);
    long frames = 0;
    {
        tui::install_crash_handlers();
        tui::Screen screen(color);
        tui::App app(&loop, screen, opts);
        app.start();
        uv_run(&loop, UV_RUN_DEFAULT);
        frames = app.frames();
    } // the app's handles close, then the screen ends (endwin)
    int leaked = ev::close_loop(&loop);
    (void)frames;
    return leaked == 0 ? 0 : 1;
}
