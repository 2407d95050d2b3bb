// Where each part of the screen goes, from the terminal size alone (80×24 and
// up; smaller terminals get what fits). Below 120 columns the panes are
// stacked; from 120 on, the agent list and recent work sit left of the chat.
#pragma once

#include "tui/canvas.hpp"

#include <cstddef>

namespace fab::tui {

struct Layout {
    Rect header, agents, chat, recent, input, help;
    bool side_by_side = false;
};

// input_lines: rows the input line needs (1, more for a multi-line message).
Layout compute_layout(int rows, int cols, int input_lines, size_t agents, size_t recent_items);

} // namespace fab::tui
