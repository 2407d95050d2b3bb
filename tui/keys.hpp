// Keys as the mode machine sees them: a Unicode code point, or one of the
// named keys below (outside the Unicode range). The screen translates
// curses' codes into these, so the machine and its tests know no curses.
#pragma once

#include <cstdint>

namespace fab::tui::key {

constexpr int32_t ctrl(char c) {
    return c & 0x1F;
}
constexpr int32_t kCtrlC = ctrl('c'), kCtrlD = ctrl('d'), kCtrlU = ctrl('u'), kTab = '\t',
                  kEnter = '\n';
constexpr int32_t kBase = 0x110000;
constexpr int32_t kAltEnter = kBase + 1, kEsc = kBase + 2, kUp = kBase + 3, kDown = kBase + 4,
                  kLeft = kBase + 5, kRight = kBase + 6, kHome = kBase + 7, kEnd = kBase + 8,
                  kPageUp = kBase + 9, kPageDown = kBase + 10, kBackspace = kBase + 11,
                  kDelete = kBase + 12, kBackTab = kBase + 13, kResize = kBase + 14;

} // namespace fab::tui::key
