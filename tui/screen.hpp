// The terminal: a thin layer over ncursesw that copies the rows of the
// canvas that changed since the last frame and reads keys. The session is
// RAII (endwin in the destructor); crash handlers restore the terminal too.
#pragma once

#include "tui/canvas.hpp"

namespace fab::tui {

enum class ColorMode { never, auto_, always };

class Screen {
  public:
    explicit Screen(ColorMode color);
    ~Screen();
    Screen(const Screen&) = delete;
    Screen& operator=(const Screen&) = delete;

    int rows() const;
    int cols() const;
    // After SIGWINCH: asks the terminal its size and tells curses.
    void resize();
    // Copies the rows that differ from the last frame, then one doupdate.
    // Returns how many rows were written.
    int draw(const Canvas& c);
    // Next key (see keys.hpp), or -1 when none is waiting.
    int read_key();
    bool unicode() const { return unicode_; }
    bool colors() const { return colors_; }

  private:
    unsigned curses_attr(uint16_t attr) const;
    Canvas last_;
    bool colors_ = false, unicode_ = true;
};

// Installs handlers that call endwin() and re-raise on SIGSEGV, SIGABRT,
// SIGBUS, SIGFPE and SIGILL, so a crash leaves a usable terminal.
void install_crash_handlers();

} // namespace fab::tui
