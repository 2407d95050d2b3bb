#include "tui/layout.hpp"

#include <algorithm>

namespace fab::tui {

Layout compute_layout(int rows, int cols, int input_lines, size_t agents, size_t recent_items) {
    Layout l;
    rows = std::max(rows, 0);
    cols = std::max(cols, 0);
    if (rows == 0 || cols == 0) return l;
    l.header = {0, 0, 1, cols};
    if (rows < 2) return l;
    l.help = {rows - 1, 0, 1, cols};
    int body = rows - 2;
    int in = std::clamp(input_lines, 1, std::max(1, std::min(5, body / 3)));
    if (body <= in) { // a tiny terminal: the input line only
        l.input = {1, 0, std::max(body, 0), cols};
        return l;
    }
    l.input = {rows - 1 - in, 0, in, cols};
    body -= in;
    int n = static_cast<int>(agents);
    int want_recent =
        recent_items > 0 ? static_cast<int>(std::min<size_t>(recent_items, 6)) + 1 : 0;

    if (cols >= 120 && body >= 8) {
        l.side_by_side = true;
        int left = std::clamp(cols * 2 / 5, 40, 72);
        int rec = std::min(want_recent, body / 3);
        if (rec < 2) rec = 0;
        l.agents = {1, 0, body - rec, left};
        l.recent = {1 + body - rec, 0, rec, left};
        l.chat = {1, left + 1, body, cols - left - 1}; // column `left` is the separator
        return l;
    }
    // Stacked: agents on top, the chat in the middle, recent work below.
    int list = std::clamp(n + 1, 3, std::max(3, body * 2 / 5));
    int rec = body >= 16 ? std::min(want_recent, 3) : 0;
    if (rec < 2) rec = 0;
    int chat = body - list - rec;
    if (chat < 3) { // too short: the chat wins over the list and recent work
        rec = 0;
        list = std::max(0, std::min(list, body - 3));
        chat = body - list;
    }
    l.agents = {1, 0, list, cols};
    l.chat = {1 + list, 0, chat, cols};
    l.recent = {1 + list + chat, 0, rec, cols};
    return l;
}

} // namespace fab::tui
