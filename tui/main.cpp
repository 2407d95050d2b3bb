// fab-tui: the terminal interface (exec'd by `fab tui`). This first slice
// shows the daemon's status; the full interface arrives with issue 6.
#define NCURSES_NOMACROS
#include "client/connection.hpp"
#include "config/paths.hpp"
#include "protocol/version.hpp"

#include <clocale>
#include <cstdlib>
#include <cstring>
#include <curses.h>
#include <string>

using namespace fab;

namespace {

// Restores the terminal however we leave.
struct CursesSession {
    CursesSession() {
        initscr();
        cbreak();
        noecho();
        keypad(stdscr, TRUE);
        set_escdelay(25);
        curs_set(0);
    }
    ~CursesSession() { endwin(); }
};

void draw(const Paths& paths) {
    erase();
    mvprintw(0, 0, "fab %s", kVersion);
    auto c = Connection::open(paths.socket);
    if (!c || !c->handshake(2000)) {
        mvprintw(2, 2, "daemon not running (start it with: fab server start)");
    } else if (auto s = c->request("status", Json::object(), 5000); s) {
        mvprintw(2, 2, "daemon pid %d, %zu project(s)", (*s)["daemon"].value("pid", 0),
                 (*s)["projects"].size());
        int row = 4;
        for (const auto& p : (*s)["projects"])
            mvprintw(row++, 4, "%-20s %s", p.value("name", "").c_str(),
                     p.value("state", "").c_str());
    }
    mvprintw(LINES - 1, 0, "q quit  r refresh");
    refresh();
}

} // namespace

int main(int argc, char** argv) {
    long frames = -1; // --frames N: exit after N frames (for CI under sanitizers)
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--frames") == 0 && i + 1 < argc) frames = std::atol(argv[++i]);
    }
    std::setlocale(LC_ALL, "");
    auto paths = resolve_paths();
    if (!paths) {
        std::fprintf(stderr, "fab-tui: %s\n", paths.error().c_str());
        return 1;
    }
    CursesSession session;
    for (long n = 0; frames < 0 || n < frames; ++n) {
        draw(*paths);
        if (frames >= 0 && n + 1 >= frames) break;
        int ch = getch();
        if (ch == 'q' || ch == 3) break;
    }
    return 0;
}
