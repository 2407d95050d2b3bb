#define NCURSES_NOMACROS
#include "tui/screen.hpp"

#include "tui/keys.hpp"

#include <clocale>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <curses.h>
#include <langinfo.h>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>

namespace fab::tui {

Screen::Screen(ColorMode color) {
    const char* cs = nl_langinfo(CODESET);
    unicode_ = cs && (std::strcmp(cs, "UTF-8") == 0 || std::strcmp(cs, "utf8") == 0);
    initscr();
    raw(); // Ctrl-C and Ctrl-Z arrive as keys; SIGTERM/SIGHUP still quit
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25); // a lone Esc would otherwise wait a second
    leaveok(stdscr, FALSE);
    curs_set(0);
    bool want = color == ColorMode::always ||
                (color == ColorMode::auto_ && !std::getenv("NO_COLOR") && has_colors());
    if (want && has_colors() && start_color() == OK) {
        use_default_colors();
        static const short kColors[] = {-1,         COLOR_RED,     COLOR_GREEN, COLOR_YELLOW,
                                        COLOR_BLUE, COLOR_MAGENTA, COLOR_CYAN,  COLOR_WHITE};
        for (short i = 1; i < 8; ++i) init_pair(i, kColors[i], -1);
        colors_ = true;
    }
}

Screen::~Screen() {
    endwin();
}

int Screen::rows() const {
    return LINES;
}
int Screen::cols() const {
    return COLS;
}

void Screen::resize() {
    winsize ws{};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
    last_ = Canvas(); // everything is redrawn
    clearok(stdscr, TRUE);
}

unsigned Screen::curses_attr(uint16_t a) const {
    unsigned out = A_NORMAL;
    if (a & kBold) out |= A_BOLD;
    if (a & kDim) out |= A_DIM;
    if (a & kRev) out |= A_REVERSE;
    if (a & kUnder) out |= A_UNDERLINE;
    Color c = color_of(a);
    if (colors_ && c != Color::none) {
        if (c == Color::gray)
            out |= A_DIM;
        else
            out |= static_cast<unsigned>(COLOR_PAIR(static_cast<int>(c)));
    }
    return out;
}

int Screen::draw(const Canvas& c) {
    int written = 0;
    bool fresh = last_.rows() != c.rows() || last_.cols() != c.cols();
    std::wstring run;
    for (int y = 0; y < c.rows() && y < LINES; ++y) {
        if (!fresh && c.row_equal(last_, y)) continue;
        ++written;
        move(y, 0);
        int x = 0;
        while (x < c.cols() && x < COLS) {
            uint16_t attr = c.at(y, x).attr;
            run.clear();
            int start = x;
            for (; x < c.cols() && x < COLS && c.at(y, x).attr == attr; ++x) {
                char32_t ch = c.at(y, x).ch;
                if (ch == 0) continue; // right half of a wide character
                run.push_back(static_cast<wchar_t>(ch));
            }
            attrset(static_cast<int>(curses_attr(attr)));
            mvaddnwstr(y, start, run.c_str(), static_cast<int>(run.size()));
        }
    }
    attrset(A_NORMAL);
    if (c.cursor_row >= 0) {
        move(c.cursor_row, c.cursor_col);
        curs_set(1);
    } else {
        curs_set(0);
    }
    last_ = c;
    refresh();
    return written;
}

int Screen::read_key() {
    wint_t ch = 0;
    int r = get_wch(&ch);
    if (r == ERR) return -1;
    if (r == KEY_CODE_YES) {
        switch (ch) {
        case KEY_UP:
            return key::kUp;
        case KEY_DOWN:
            return key::kDown;
        case KEY_LEFT:
            return key::kLeft;
        case KEY_RIGHT:
            return key::kRight;
        case KEY_HOME:
            return key::kHome;
        case KEY_END:
            return key::kEnd;
        case KEY_PPAGE:
            return key::kPageUp;
        case KEY_NPAGE:
            return key::kPageDown;
        case KEY_BACKSPACE:
            return key::kBackspace;
        case KEY_DC:
            return key::kDelete;
        case KEY_BTAB:
            return key::kBackTab;
        case KEY_ENTER:
            return key::kEnter;
        case KEY_RESIZE:
            return key::kResize;
        default:
            return -2; // a key we do not use
        }
    }
    if (ch == 27) { // Esc, or Alt+key: Alt-Enter inserts a new line
        wint_t next = 0;
        int r2 = get_wch(&next);
        if (r2 == OK && (next == '\r' || next == '\n')) return key::kAltEnter;
        if (r2 != ERR) return -2; // Alt+key: unused (better than Esc, then the key)
        return key::kEsc;
    }
    if (ch == '\r' || ch == '\n') return key::kEnter;
    if (ch == 127 || ch == 8) return key::kBackspace;
    return static_cast<int>(ch);
}

namespace {
void on_crash(int sig) {
    endwin(); // not async-signal-safe, but the alternative is a broken terminal
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}
} // namespace

void install_crash_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_crash;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    for (int s : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) sigaction(s, &sa, nullptr);
}

} // namespace fab::tui
